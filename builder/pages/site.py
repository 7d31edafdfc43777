"""The site's shared vocabulary: pages, the navigation, and where every page is.

Every page family (learner, trainer, contributors) and every document that links to a page
(handouts, the workshop planner, packages) takes a page's path and URL from here, so each
address is spelled once. Templates receive the same path functions (``environment.py``).
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..model import Case, Drill, Item, Module

#: The printable job aid's page (templates/pages/job-aid.md.j2), linked from the glossary and
#: module overviews.
JOB_AID = "job-aid.md"
#: The trainer section's folder ("For trainers").
TRAINER = "trainer"
#: Where the dashboard's per-module question files go; the page tells its script.
DASHBOARD_DATA = f"{TRAINER}/dashboard"


@dataclass(frozen=True)
class Page:
    """A generated page: its path below the site root (e.g. ``module/item.md``) and text."""

    path: str
    title: str
    text: str


@dataclass
class NavEntry:
    """One entry of the site navigation: a page, or a section holding entries."""

    title: str
    path: str | None = None
    children: list[NavEntry] = field(default_factory=list)

    def to_mkdocs(self) -> dict[str, Any]:
        """The entry in MkDocs' ``nav`` form; titles are HTML-escaped for the theme."""
        title = html.escape(self.title, quote=False)
        if self.path is not None:
            return {title: self.path}
        return {title: [child.to_mkdocs() for child in self.children]}


@dataclass
class Rendered:
    """Everything the render stage produces."""

    pages: list[Page]
    nav: list[NavEntry]
    course_json: str
    question_count: int
    #: Other generated files, by path below the site root: data that pages fetch when needed.
    files: dict[str, str] = field(default_factory=dict)

    def data_files(self) -> dict[str, str]:
        """Every generated file that is not a page, by path: ``course.json`` and ``files``."""
        return {"course.json": self.course_json, **self.files}


def page_meta(
    title: str,
    *,
    searchable: bool = True,
    course_script: bool = True,
    stylesheet: str | None = None,
) -> dict[str, Any]:
    """What a page tells the theme in its front matter: its title, search, the learner script.

    The title is HTML-escaped, like the navigation's (``NavEntry.to_mkdocs``): the theme
    prints ``page.meta.title`` into the page as it is.
    """
    meta: dict[str, Any] = {"title": html.escape(title)}
    if not searchable:
        meta["search"] = {"exclude": True}
    if not course_script:
        meta["course_script"] = False
    if stylesheet is not None:
        meta["stylesheet"] = stylesheet  # a page's own stylesheet (templates/overrides/main.html)
    return meta


def front_matter(meta: dict[str, Any]) -> str:
    """``meta`` as a page's YAML front matter, written by a YAML dumper.

    Never assembled from strings: whatever characters a title holds (quotes, colons, ``---``,
    characters outside the Basic Multilingual Plane), the front matter parses back to ``meta``.
    MkDocs would otherwise print it as the page's first paragraph, Markdown links and all.
    """
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{text}---\n"


# --- where each page is ---------------------------------------------------------------------


def module_path(module: Module) -> str:
    """A module's overview page."""
    return f"{module.id}/index.md"


def item_path(module: Module, item: Item) -> str:
    """An item's learner page."""
    return f"{module.id}/{item.id}.md"


def guide_path(module: Module) -> str:
    return f"{TRAINER}/{module.id}/index.md"


def cards_path(module: Module, item: Item) -> str:
    return f"{TRAINER}/{module.id}/{item.id}-cards.md"


def projector_path(module: Module, item: Item) -> str:
    return f"{TRAINER}/{module.id}/{item.id}-projector.md"


def gamebook_path(module: Module, item: Item) -> str:
    return f"{TRAINER}/{module.id}/{item.id}-gamebook.md"


def dashboard_data_path(module: Module) -> str:
    """The file with a module's questions for the dashboard, fetched once results need it."""
    return f"{DASHBOARD_DATA}/{module.id}.json"


def sorting_path(module: Module, drill: Drill) -> str:
    return f"{TRAINER}/{module.id}/{drill.id}-sorting.md"


def sheets_path(module: Module) -> str:
    return f"{TRAINER}/{module.id}/trainer-sheets.md"


def form_path(module: Module, form: str) -> str:
    return f"{TRAINER}/{module.id}/{form}.md"


def map_path(case: Case) -> str:
    """The page with the map of ``case`` (linked from the scenario maps list)."""
    return f"contributors/maps/{case.id}.md"


@dataclass(frozen=True)
class Urls:
    """The URL MkDocs gives each page, in the form ``use_directory_urls`` of mkdocs.yml says.

    ``true`` (MkDocs' default): ``module/item.md`` is written as ``module/item/index.html``
    and reached as ``module/item/``. ``false``: written as ``module/item.html`` and reached
    by that name, which is what a site opened from the disk or an LMS package needs (no
    server there turns a folder into its ``index.html``). Every URL of a page that the
    builder writes (links inside HTML blocks, which MkDocs does not rewrite; ``course.json``,
    which the scripts follow; the workshop agenda) comes from here.
    """

    directory_urls: bool = True

    def of(self, path: str) -> str:
        """The site-relative URL of page ``path`` (a ``.md`` path below the site root)."""
        if not self.directory_urls:
            return path[: -len(".md")] + ".html"
        if path == "index.md":
            return ""
        if path.endswith("/index.md"):
            return path[: -len("index.md")]
        return path[: -len(".md")] + "/"

    def relative(self, target: str, page_path: str) -> str:
        """The URL of page ``target`` as seen from page ``page_path`` (both ``.md`` paths)."""
        url = posixpath.relpath("/" + self.of(target), "/" + self._folder(page_path))
        return url + "/" if self.directory_urls else url

    def source(self, target: str, page_path: str) -> str:
        """The link to page ``target`` as Markdown writes it on page ``page_path``: the ``.md``
        file, relative. MkDocs checks the link and turns it into the page's URL, in either form
        (an ``.html`` URL in a Markdown link is a file it does not know, and it warns)."""
        return posixpath.relpath(target, posixpath.dirname(page_path) or ".")

    def root(self, page_path: str) -> str:
        """The site's root folder as seen from page ``page_path``: ``./``, ``../``, ...

        For files that are not pages (``assets/``, ``course.json``), in either form.
        """
        return posixpath.relpath("/", "/" + self._folder(page_path)) + "/"

    def _folder(self, page_path: str) -> str:
        """The folder a browser resolves the page's relative URLs from."""
        return self.of(page_path).rpartition("/")[0]


MODULES_PER_PART = 10


def in_parts(sections: list[NavEntry], label: str) -> list[NavEntry]:
    """Module sections as they are, or in parts of ten ("Modules 11-20") when there are more.

    Every page repeats the labels of the sections around it (Material's ``navigation.prune``
    leaves out only their contents), so with a flat list each page would grow with the number
    of modules and the site with its square. Parts keep a page's navigation to a few dozen
    labels plus its own module, whatever the size of the course; past 100 modules the parts
    are grouped again ("Modules 1-100"), and so on.
    """
    level: list[tuple[NavEntry, int, int]] = [(s, n, n) for n, s in enumerate(sections, start=1)]
    while len(level) > MODULES_PER_PART:
        grouped = []
        for start in range(0, len(level), MODULES_PER_PART):
            chunk = level[start : start + MODULES_PER_PART]
            first, last = chunk[0][1], chunk[-1][2]
            title = f"{label} {first}" if first == last else f"{label} {first}\u2013{last}"
            grouped.append((NavEntry(title, children=[e for e, _, _ in chunk]), first, last))
        level = grouped
    return [entry for entry, _, _ in level]
