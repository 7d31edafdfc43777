"""MkDocs adapter: runs the core and hands MkDocs the generated pages and navigation."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from ..assets import minifies, minify
from ..diagnostics import ContentError, Diagnostic, summary
from ..layers import PACKAGE_TEMPLATES, layered
from ..pages.environment import BYTECODE_CACHE
from ..pages.site import Urls
from ..pipeline import Result, run_pipeline
from . import raw_html

log = logging.getLogger("mkdocs.plugins.course")


class CourseConfig(Config):
    content_dir = opt.Type(str, default="content")
    templates_dir = opt.Type(str, default="templates/pages")
    strict = opt.Type(bool, default=False)
    #: The site's own CSS and JavaScript are written to be read (comments say why); learners'
    #: browsers get them without comments and spaces. `false` copies them as they are.
    minify = opt.Type(bool, default=True)
    #: Pages' HTML blocks go around MkDocs' Markdown, which only passes them through
    #: (builder/adapters/raw_html.py): the same site, built faster. `false` converts every page
    #: whole, to compare when a page looks wrong.
    fast_html_blocks = opt.Type(bool, default=True)


class CourseBuildError(PluginError):
    """The content has problems: MkDocs prints them (and the count) as `course build` does."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join([*(d.format() for d in diagnostics), summary(diagnostics)]))


@dataclass(frozen=True)
class Converted:
    """A page as MkDocs' Markdown made it: the HTML, table of contents and anchor ids."""

    html: str
    toc: Any
    anchors: Any


#: The pages of the last build in this process, by what their conversion depends on. Under
#: `course serve` an edit changes a few pages; the others are not converted again (Python-
#: Markdown parsing their HTML is the largest part of a rebuild). Replaced after each build,
#: so it holds one build's pages at most.
CONVERTED: dict[tuple[str, ...], Converted] = {}


#: Folders of pages for other readers than learners (builder/pages/trainer.py, contributors.py).
OTHER_PARTS = ("trainer/", "contributors/")


def _part(path: str) -> str:
    return next((part for part in OTHER_PARTS if path.startswith(part)), "")


def own_assets(docs_dir: Path | list[Path]) -> dict[str, str]:
    """The site's own scripts and stylesheets (``assets/`` of docs_dir), minified, by path.

    ``docs_dir`` may be layers (builder/layers.py), the project's first: its files win.
    Read when the build starts, before MkDocs empties the site folder: a script that cannot be
    minified stops the build there, and `course serve` goes on serving the last good site.
    """
    found: dict[str, str] = {}
    for layer in reversed(docs_dir if isinstance(docs_dir, list) else [docs_dir]):
        folder = layer / "assets"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and minifies(path.name):
                text = path.read_text(encoding="utf-8")
                try:
                    found[path.relative_to(layer).as_posix()] = minify(str(path), text)
                except ContentError as exc:
                    raise CourseBuildError(exc.diagnostics) from None
    return found


def _add_package_layers(config: Any) -> list[Path]:
    """Give a project without its own copy the package's theme overrides and site assets
    (builder/layers.py): the overrides go in the theme's folders right after the project's
    own, and the static layers are returned for ``on_files``."""
    theme = config.theme
    package = PACKAGE_TEMPLATES / "overrides"
    if not any(os.path.realpath(d) == os.path.realpath(package) for d in theme.dirs):
        theme.dirs.insert(1 if theme.custom_dir else 0, str(package))
    return layered(Path(config.docs_dir), "static")


class CoursePlugin(BasePlugin[CourseConfig]):
    result: Result | None = None

    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, tuple[str, ...]] = {}  # page -> its key, while it is converted
        self.reused: dict[str, Converted] = {}  # pages the last build converted the same way
        self.converted: dict[tuple[str, ...], Converted] = {}  # this build's pages
        self.setting = ""  # what else a conversion depends on, for the keys
        self.protected: dict[str, raw_html.Protected] = {}  # pages converted without HTML
        self.protecting = False
        self.assets: dict[str, str] = {}  # the site's own scripts and styles, minified
        self.static: list[Path] = []  # docs_dir, then the package's assets (builder/layers.py)

    def _path(self, config: Any, value: str) -> Path:
        return Path(config.config_file_path).parent / value

    def run(self, config: Any, *, strict: bool) -> Result:
        """Run the core on the configured folders (the CLI calls this before MkDocs builds).

        The pages' links take the form of MkDocs' own (``use_directory_urls``).
        """
        self.result = run_pipeline(
            self._path(config, self.config.content_dir),
            self._path(config, self.config.templates_dir),
            strict=strict,
            urls=Urls(config.use_directory_urls),
        )
        return self.result

    def on_config(self, config: Any) -> Any:
        # Reproducible output: MkDocs dates sitemap.xml.gz by the build day unless this is set;
        # 0 means "no timestamp" in a gzip header. A value set by the caller wins.
        os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
        if self.result is None:  # run by MkDocs itself (`mkdocs build`, every `serve` build)
            try:
                self.run(config, strict=self.config.strict)
            except ContentError as exc:
                # Raised before MkDocs empties the site folder: `serve` keeps the last good site.
                raise CourseBuildError(exc.diagnostics) from None
            assert self.result is not None
            for warning in self.result.warnings:
                log.warning(warning.format())
            if self.result.warnings:
                log.info(summary(self.result.warnings))
        config.nav = [entry.to_mkdocs() for entry in self.result.rendered.nav]
        self.static = _add_package_layers(config)
        if self.config.minify:
            self.assets = own_assets(self.static)
        return config

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        assert self.result is not None
        in_nav: set[str] = set()
        entries = list(self.result.rendered.nav)
        while entries:
            entry = entries.pop()
            in_nav.add(entry.path or "")
            entries.extend(entry.children)
        for page in self.result.rendered.pages:
            # Pages reached by links only (one scenario map per case) are meant to be there.
            inclusion = (
                InclusionLevel.UNDEFINED if page.path in in_nav else InclusionLevel.NOT_IN_NAV
            )
            files.append(File.generated(config, page.path, content=page.text, inclusion=inclusion))
        for path, text in self.result.rendered.data_files().items():
            files.append(File.generated(config, path, content=text))
        for layer in self.static[1:]:  # the package's assets the project has no copy of
            for source in sorted(layer.rglob("*")):
                uri = source.relative_to(layer).as_posix()
                if source.is_file() and files.get_file_from_path(uri) is None:
                    files.append(File(uri, str(layer), config.site_dir, config.use_directory_urls))
        for path, text in self.assets.items():
            original = files.get_file_from_path(path)
            if original is not None:
                files.remove(original)
            files.append(File.generated(config, path, content=text))
        # MkDocs has the pages now; the model and the rest need not stay in memory while it
        # builds (a smaller heap is a faster one for a large course).
        self.result = None
        return files

    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        # Conversion depends on the Markdown settings and, for links to pages, on which pages
        # exist and the form of their URLs; a change to any converts every page again.
        pages = sorted(f.src_uri for f in files.documentation_pages())
        setting = [config.markdown_extensions, config.mdx_configs, config.use_directory_urls, pages]
        self.setting = hashlib.sha256(repr(setting).encode()).hexdigest()
        # "Next" at the end of the learner's pages led into the trainer section: the footer
        # links stay within the part of the site a page belongs to.
        for page in nav.pages:
            following = page.next_page
            if following is not None and _part(page.file.src_uri) != _part(following.file.src_uri):
                page.next_page = following.previous_page = None
        self.protecting = self.config.fast_html_blocks and raw_html.is_safe(
            config.markdown_extensions
        )
        if not self.protecting:
            log.debug("HTML blocks are not taken around MkDocs' Markdown: pages converted whole")
        return nav

    # Last of all plugins: the others see (and may change) the page's own Markdown, never a
    # stand-in, and the HTML blocks are taken from what they leave.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Files) -> str:
        key = (page.file.src_uri, self.setting, markdown)
        self.keys[page.file.src_uri] = key
        known = CONVERTED.get(key)
        if known is not None:
            self.reused[page.file.src_uri] = known
            return ""  # nothing to convert: on_page_content puts the known page back
        if not self.protecting:
            return markdown
        protected = raw_html.protect(markdown)
        self.protected[page.file.src_uri] = protected
        return protected.markdown  # the HTML blocks go back in on_page_content

    # First of all plugins: the others see the page's whole HTML, never a stand-in.
    @event_priority(100)
    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Files) -> str:
        key = self.keys.pop(page.file.src_uri, None)
        known = self.reused.pop(page.file.src_uri, None)
        protected = self.protected.pop(page.file.src_uri, None)
        if protected is not None:
            html = protected.restore(html)
            page.present_anchor_ids = protected.anchor_ids(page.present_anchor_ids)
        if known is not None:
            page.toc, page.present_anchor_ids = known.toc, known.anchors
            html = known.html
        if key is not None:
            self.converted[key] = known or Converted(html, page.toc, page.present_anchor_ids)
        return html

    def on_post_build(self, *, config: Any) -> None:
        CONVERTED.clear()
        CONVERTED.update(self.converted)
        self.converted = {}

    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        env.bytecode_cache = BYTECODE_CACHE  # the theme's templates compiled once per process
        return env

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        server.watch(str(self._path(config, self.config.content_dir)))
        server.watch(str(self._path(config, self.config.templates_dir).parent))
        server.builder = keep_last_good_site(server.builder)
        return server


def keep_last_good_site(rebuild: Any) -> Any:
    """Wrap `mkdocs serve`'s rebuild so that refused content leaves the last good site served.

    MkDocs treats a failed rebuild as a broken site: every request then waits until a build
    succeeds ("the server will appear stuck"). Our errors stop a build in on_config, before MkDocs
    touches the site folder, so the last good site is whole: say so and let it be served. Any
    other failure (a template error halfway through the pages) keeps MkDocs' behaviour.
    """

    def rebuild_or_keep() -> None:
        try:
            rebuild()
        except Abort as exc:
            if not isinstance(exc.__context__, CourseBuildError):
                raise
            log.warning("The site was not rebuilt; serving the last good site until this is fixed.")

    return rebuild_or_keep
