"""The hostile course (tests/hostile.py) built as a user would: nothing of it is obeyed.

These read the built files; tests/browser/test_hostile_crawl.py crawls the same site in
Chromium and clicks every control. Payloads that validation refuses (control characters) are
tested in tests/test_validate.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hostile import (
    BLOCK_PAYLOADS,
    JINJA_RAN,
    PAYLOADS,
    SENTINEL,
    BlockAttacker,
    declared_text_fields,
    make_hostile_project,
    page_problems,
    scheme_of,
)
from markdown_it import MarkdownIt
from mkdocs.utils.meta import get_data

from builder.handouts import PAPERS, handout_documents
from builder.model.common import PLAIN
from builder.validate import validate_content

if TYPE_CHECKING:
    from tests.conftest import HostileSite


@pytest.fixture(scope="module")
def pages(hostile_site: HostileSite) -> dict[str, str]:
    """Every HTML file of the built hostile site, by path."""
    site = hostile_site.site
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def test_every_text_field_the_model_declares_gets_a_payload(hostile_site: HostileSite) -> None:
    assert hostile_site.reached == declared_text_fields()
    assert hostile_site.fields > 1000


def test_every_payload_reaches_the_site_as_text(pages: dict[str, str]) -> None:
    """So the checks below look at something: each payload is on some page, shown as text."""
    text = "\n".join(pages.values())
    numbers = [int(n) for p in PAYLOADS for n in re.findall(rf"{SENTINEL}[(-](\d+)", p)]
    assert len(numbers) > 30
    missing = [n for n in numbers if not re.search(rf"{SENTINEL}(?:\(|-){n}\b", text)]
    assert missing == []


def test_no_page_has_a_script_of_the_content_an_event_attribute_a_foreign_url_or_load(
    pages: dict[str, str],
) -> None:
    assert len(pages) > 60
    problems = [f"{path}: {p}" for path, html in pages.items() for p in page_problems(html)]
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_no_template_syntax_in_the_content_is_evaluated(pages: dict[str, str]) -> None:
    assert [path for path, html in pages.items() if JINJA_RAN in html] == []


def test_search_holds_no_trainer_page_and_no_scenario_map(hostile_site: HostileSite) -> None:
    index = json.loads((hostile_site.site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "three-levers/kpi-review-meeting/" in locations, "learner pages are searchable"
    hidden = sorted(loc for loc in locations if loc.startswith(("trainer/", "contributors/maps")))
    assert hidden == []


def test_the_tab_title_of_each_map_and_trainer_page_is_its_content_title_as_text(
    pages: dict[str, str],
) -> None:
    """Once a scenario map's tab showed its file name ("Kpi review meeting")."""
    titled = re.compile(
        r"(contributors/maps/[^/]+/index|trainer/(?!dashboard/)[^/]+/(index|.*-(cards|projector|gamebook)/index))\.html"
    )
    checked = [path for path in pages if titled.fullmatch(path)]
    assert len(checked) > 20
    for path in checked:
        found = re.search(r"<title>(.*?)</title>", pages[path], re.DOTALL)
        assert found is not None, path
        title = found.group(1)
        assert SENTINEL in title, (path, title)
        assert "<" not in title, (path, title)
        assert title.startswith("Map: ") == path.startswith("contributors/"), (path, title)


def test_no_handout_runs_script_or_loads_from_another_host(hostile_site: HostileSite) -> None:
    content, _ = validate_content(hostile_site.project / "content")
    assert content is not None
    templates = hostile_site.project / "templates" / "print"
    documents = handout_documents(content, templates, PAPERS["a4"])
    assert len(documents) > 10
    body = re.compile(r"<body.*</body>", re.DOTALL)  # the head holds the print styles
    problems = [
        f"{document.name}: {problem}"
        for document in documents
        for problem in page_problems(f"<article>{body.findall(document.html)[0]}</article>")
    ]
    assert problems == [], "\n".join(problems[:40])
    assert all(SENTINEL in document.html for document in documents)


def test_exported_markdown_has_no_live_link_for_a_commonmark_renderer(
    hostile_site: HostileSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`course export-markdown` writes the pages for other tools: a CommonMark renderer that
    keeps raw HTML and makes a link of any URL still finds no script, event or bad link.
    (Front matter is data for the site generator; Markdown tools set it aside.)"""
    from click.testing import CliRunner

    from builder.adapters.cli import main

    monkeypatch.chdir(hostile_site.project)
    result = CliRunner().invoke(main, ["export-markdown", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True  # type: ignore[method-assign]
    exported = sorted((tmp_path / "export").rglob("*.md"))
    assert len(exported) > 60
    problems = []
    for path in exported:
        markdown, _meta = get_data(path.read_text(encoding="utf-8"))  # as Markdown tools do
        html = renderer.render(markdown)
        for problem in page_problems(f"<article>{html}</article>"):
            if not re.match(
                r"<(script|link)> in the content: <(script|link) [^>]*assets/", problem
            ):
                problems.append(f"{path.relative_to(tmp_path)}: {problem}")
        links = re.findall(r'<a href="([^"]*)"', html)
        problems += [
            f"{path.name}: link {u}" for u in links if scheme_of(u) in ("javascript", "data")
        ]
    assert problems == [], "\n".join(problems[:40])


# --- Markdown block syntax in plain-text fields ----------------------------------------------


class _PageText(HTMLParser):
    """A page's text, and the payload words (``cq...``) inside a block only Markdown makes."""

    BLOCKS = frozenset(["pre", "code", "blockquote"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.open: list[str] = []
        self.in_blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in ("script", "style"):
            return
        self.chunks.append(data)
        blocks = self.BLOCKS.intersection(self.open)
        if blocks:
            words = re.findall(r"cq[A-Z][a-z]+[ABC]", data)
            self.in_blocks += [f"{word} in <{min(blocks)}>" for word in words]


@pytest.fixture(scope="module")
def block_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The shipped course with Markdown block syntax in every plain-text field, built."""
    from conftest import build_site

    project = tmp_path_factory.mktemp("blocks")
    attacker = make_hostile_project(project, attacker=BlockAttacker())
    plain = declared_text_fields(PLAIN)
    assert len(plain) > 20
    assert plain <= attacker.reached
    build_site(project, project / "site", "http://127.0.0.1:8000/")
    site = project / "site"
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}


def test_markdown_block_syntax_in_plain_text_shows_as_written(
    block_pages: dict[str, str],
) -> None:
    """A fence, heading, list, quote, table, indented code, HTML block, rule or definition in
    a plain-text field makes no block: each page shows it whole, marks and all, as text."""
    problems: list[str] = []
    shown: set[str] = set()
    for path, page in block_pages.items():
        parser = _PageText()
        parser.feed(page)
        text = " ".join("".join(parser.chunks).split())
        problems += [f"{path}: {found}" for found in parser.in_blocks]
        for payload in BLOCK_PAYLOADS:
            word, whole = payload.split()[0], " ".join(payload.split())
            for found in re.finditer(word, text):
                after = text[found.start() : found.start() + len(whole) + 1]
                excerpt = after.split("…")[0]  # the scenario maps shorten long texts
                if after.startswith(whole):
                    shown.add(word)
                elif "…" not in after or not whole.startswith(excerpt):
                    problems.append(f"{path}: {after!r}")
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])
    assert shown == {payload.split()[0] for payload in BLOCK_PAYLOADS}, "each is on some page"
