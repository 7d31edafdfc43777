"""builder/adapters/mkdocs_plugin.py: the course as MkDocs builds it, driven by MkDocs itself.

`course build` runs the core before MkDocs; `mkdocs build` and every build of `course serve`
let the plugin run it from ``on_config``. Both paths are built here, in-process.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, PluginCollection
from project import FIXTURE_COURSE, copy_project, differing, edit, invoke, snapshot

from builder.adapters import raw_html

MODULE = "content/01-basics/module.yml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project with the fixture course, as the current directory."""
    copy_project(tmp_path, FIXTURE_COURSE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return tmp_path


def configure(project: Path, course: dict[str, str] | None = None, extra: str = "") -> None:
    """Add options under `course:` in mkdocs.yml, and ``extra`` top-level lines."""
    options = "".join(f"\n      {key}: {value}" for key, value in (course or {}).items())
    edit(
        project / "mkdocs.yml",
        "      templates_dir: templates/pages\n",
        f"      templates_dir: templates/pages{options}\n",
    )
    if extra:
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write(extra)


def build_with_mkdocs(project: Path, site: str, **options: Any) -> Any:
    """`mkdocs build` in-process; returns the configuration it built with."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / site), **options)
    mkdocs_build(config)
    return config


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "file-urls"])
def test_mkdocs_build_builds_the_same_site_as_course_build(
    project: Path, directory_urls: bool
) -> None:
    """In either form of URLs (tests/test_links.py checks every link of `course build`'s)."""
    setting = "true" if directory_urls else "false"
    edit(project / "mkdocs.yml", "use_directory_urls: true\n", f"use_directory_urls: {setting}\n")
    result = invoke("build", "--site-dir", "site-course")
    assert result.exit_code == 0, result.output
    build_with_mkdocs(project, "site-mkdocs")
    assert len(snapshot(project / "site-mkdocs")) > 30
    assert differing(project / "site-course", project / "site-mkdocs") == []
    course = json.loads((project / "site-mkdocs/course.json").read_text(encoding="utf-8"))
    item = course["modules"][0]["items"][0]["url"]
    assert item == ("basics/welcome/" if directory_urls else "basics/welcome.html")
    assert (project / "site-mkdocs" / (item + "index.html" if directory_urls else item)).is_file()


def test_mkdocs_build_prints_content_problems_with_their_count_and_fails(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (project / "content/01-basics/again.yml").write_text(
        "kind: page\nid: welcome\ntitle: Again\nbody: Text.\n", encoding="utf-8"
    )
    with pytest.raises(Abort, match="Aborted with a BuildError"):
        build_with_mkdocs(project, "site")
    printed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    expected = invoke("build", "--site-dir", "site")
    assert expected.exit_code == 1
    assert printed == [
        expected.stderr.removeprefix("Checking and rendering the content...\n").removesuffix("\n")
    ]


def test_the_plugins_strict_option_fails_course_build_as_it_fails_mkdocs_build(
    project: Path,
) -> None:
    configure(project, {"strict": "true"})
    edit(project / MODULE, "  - quick-check\n", "")
    (project / "site").mkdir()
    (project / "site/marker.txt").write_text("previous", encoding="utf-8")
    with pytest.raises(Abort):
        build_with_mkdocs(project, "site-mkdocs")
    result = invoke("build", "--site-dir", "site")
    assert result.exit_code == 1
    assert "error[unlisted-item]" in result.stderr
    assert result.stderr.endswith("1 error(s), 0 warning(s)\n")
    assert snapshot(project / "site") == {"marker.txt": b"previous"}


def test_warnings_under_mkdocs_are_printed_with_their_count(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs")
    edit(project / MODULE, "  - quick-check\n", "")
    build_with_mkdocs(project, "site")
    mine = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.course"]
    assert len(mine) == 2
    assert "warning[unlisted-item]" in mine[0]
    assert mine[1] == "0 error(s), 1 warning(s)"


# --- the HTML-block bypass (builder/adapters/raw_html.py) as MkDocs sees it -----------------


def test_a_link_to_an_id_inside_an_html_block_passes_mkdocs_anchor_validation(
    project: Path,
) -> None:
    """MkDocs reads the ids of raw HTML for its anchor check: it must see the blocks' too."""
    home = project / "templates/pages/home.md.j2"
    with home.open("a", encoding="utf-8") as template:
        template.write("\nSee [the rep's role](basics/two-ways-to-talk.md#role-rep).\n")
    configure(project, extra="validation:\n  anchors: warn\n")
    result = invoke("build", "--strict", "--site-dir", "site")
    assert result.exit_code == 0, result.output
    assert "anchor" not in result.output
    # The check is on: a link to an id that is nowhere still fails the strict build.
    edit(home, "#role-rep", "#role-nobody")
    failed = invoke("build", "--strict", "--site-dir", "site")
    assert failed.exit_code == 1
    assert "does not contain an anchor '#role-nobody'" in failed.output


class Spy(BasePlugin):  # type: ignore[type-arg]
    """Another plugin: keeps every page's Markdown and HTML as it is handed them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def on_page_markdown(self, markdown: str, /, **kwargs: Any) -> str:
        self.seen.append(markdown)
        return markdown

    def on_page_content(self, html: str, /, **kwargs: Any) -> str:
        self.seen.append(html)
        return html


def test_no_other_plugin_sees_a_stand_in_wherever_it_is_listed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    protected: list[raw_html.Protected] = []
    protect = raw_html.protect

    def keeping(markdown: str) -> raw_html.Protected:
        protected.append(protect(markdown))
        return protected[-1]

    monkeypatch.setattr(raw_html, "protect", keeping)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    first, last = Spy(), Spy()
    plugins = PluginCollection()
    plugins["spy-first"] = first
    for name, plugin in config.plugins.items():
        plugins[name] = plugin
    plugins["spy-last"] = last
    config.plugins = plugins
    mkdocs_build(config)
    tokens = {p.token for p in protected if p.blocks}
    assert len(tokens) > 10, "pages were built around their HTML blocks"
    for spy in (first, last):
        assert len(spy.seen) == 2 * len(protected)
        leaks = [text for text in spy.seen if any(token in text for token in tokens)]
        assert leaks == []


def test_with_fast_html_blocks_off_pages_are_converted_whole_into_the_same_site(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bypass changes how fast MkDocs converts pages, never the site."""
    protected: list[int] = []
    protect = raw_html.protect

    def counting(markdown: str) -> raw_html.Protected:
        result = protect(markdown)
        protected.append(len(result.blocks))
        return result

    monkeypatch.setattr(raw_html, "protect", counting)
    assert invoke("build", "--site-dir", "site").exit_code == 0
    assert sum(protected) > 50, "the HTML blocks went around Python-Markdown"
    configure(project, {"fast_html_blocks": "false"})
    protected.clear()
    from builder.adapters import mkdocs_plugin

    mkdocs_plugin.CONVERTED.clear()  # or the second build converts nothing at all
    assert invoke("build", "--site-dir", "site-whole").exit_code == 0
    assert protected == []
    assert differing(project / "site", project / "site-whole") == []
