"""Every link of a built site leads to a file of that site, in either form of MkDocs' URLs.

With ``use_directory_urls: true`` (the default) MkDocs writes a page as ``page/index.html`` and
links to it as ``page/``; with ``false`` it writes ``page.html`` and links to that file, which is
what a site opened from the disk or from an LMS package needs (no server turns a folder into
its ``index.html`` there). The builder makes links of its own (inside HTML blocks, in
``course.json``): each must follow the setting too. The fixture
course and the shipped one are built both ways, and every ``href`` and ``src`` of every page
checked: it must name a file of the site, and where it has a fragment, an id on that page.
"""

from __future__ import annotations

import json
import logging
import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from project import FIXTURE_COURSE, ROOT, copy_project, edit, invoke

from builder.pages.markup import is_external

SETTINGS = [pytest.param(True, id="directory-urls"), pytest.param(False, id="file-urls")]
COURSES = [
    pytest.param(FIXTURE_COURSE, id="fixture-course"),
    pytest.param(ROOT / "content", id="shipped-course"),
]


class _Links(HTMLParser):
    """The URLs an HTML document points at (``href``, ``src``, ``srcset``) and its ids.

    ``html.parser`` reads the inside of a ``<template>`` as ordinary markup, so rows that a
    script clones are checked too.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name in ("id", "name"):
                self.ids.add(value)


def read(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    parser.close()
    return parser


def broken(site: Path, page: str, urls: list[str], *, directory_urls: bool) -> list[str]:
    """The URLs among ``urls``, as found on the page at file ``page``, that lead nowhere.

    A relative URL is resolved from the page's folder (where a browser resolves it from,
    whether it shows ``page/`` or ``page.html``), one with a leading slash from the site root.
    """
    problems = []
    for url in urls:
        if not url or is_external(url):
            continue
        parts = urlsplit(url)
        path = unquote(parts.path)
        if not path:  # a fragment of this page (or a query): checked with the page's own ids
            target = page
        else:
            folder = path.endswith("/") or path in (".", "..") or path.endswith(("/.", "/.."))
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            target = target.lstrip("/")
            if folder:
                if not directory_urls:
                    problems.append(f"{page}: {url} is a folder (no file opened from disk)")
                    continue
                target = posixpath.join("" if target == "." else target, "index.html")
        if not (site / target).is_file():
            problems.append(f"{page}: {url} leads to no file ({target})")
        elif parts.fragment and target.endswith(".html"):
            ids = read((site / target).read_text(encoding="utf-8")).ids
            if unquote(parts.fragment) not in ids:
                problems.append(f"{page}: {url} names no id on {target}")
    return problems


@dataclass(frozen=True)
class Built:
    site: Path
    directory_urls: bool


@pytest.fixture(scope="module", params=SETTINGS)
def directory_urls(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture(scope="module", params=COURSES)
def built(
    request: pytest.FixtureRequest, directory_urls: bool, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    """The course built by `course build` with ``use_directory_urls`` set as given."""
    project = copy_project(tmp_path_factory.mktemp("project"), request.param)
    setting = "true" if directory_urls else "false"
    edit(project / "mkdocs.yml", "use_directory_urls: true\n", f"use_directory_urls: {setting}\n")
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        result = invoke("build", "--site-dir", "site")
    logger.handlers[:], logger.level, logger.propagate = saved
    assert result.exit_code == 0, result.output
    return Built(project / "site", directory_urls)


def test_every_link_and_source_of_every_page_leads_to_a_file_of_the_site(built: Built) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 20
    problems: list[str] = []
    checked = 0
    for file in pages:
        page = file.relative_to(built.site).as_posix()
        urls = read(file.read_text(encoding="utf-8")).urls
        checked += len(urls)
        problems += broken(built.site, page, urls, directory_urls=built.directory_urls)
    assert checked > 20 * len(pages)
    assert problems == []


def test_the_pages_of_course_json_are_files_of_the_site(built: Built) -> None:
    """The scripts (progress page, certificate, dashboard) follow these URLs from the root."""
    course = json.loads((built.site / "course.json").read_text(encoding="utf-8"))
    urls = [course["url"]]
    for module in course["modules"]:
        urls += [module["url"], *(item["url"] for item in module["items"])]
    assert len(urls) > 5
    assert broken(built.site, "index.html", urls, directory_urls=built.directory_urls) == []
    if not built.directory_urls:
        assert all(url.endswith(".html") for url in urls), urls


def test_the_setting_decides_the_form_of_every_page_address(built: Built) -> None:
    """The check above is only as good as what it sees: both forms are really built."""
    assert (built.site / "index.html").is_file()
    assert (built.site / "progress" / "index.html").is_file() == built.directory_urls
    assert (built.site / "progress.html").is_file() != built.directory_urls
