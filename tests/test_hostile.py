"""The hostile course (tests/hostile.py) built as a user would: nothing of it is obeyed.

These read the built files; tests/browser/test_hostile_crawl.py crawls the same site in
Chromium and clicks every control. Payloads that validation refuses (control characters) are
tested in tests/test_validate.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hostile import (
    JINJA_RAN,
    PAYLOADS,
    SENTINEL,
    declared_text_fields,
    page_problems,
    scheme_of,
)
from markdown_it import MarkdownIt
from mkdocs.utils.meta import get_data

from builder.handouts import PAPERS, handout_documents
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
