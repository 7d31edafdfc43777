"""MkDocs adapter: runs the core and hands MkDocs the generated pages and navigation."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from ..diagnostics import ContentError, Diagnostic
from ..pipeline import Result, run_pipeline
from ..render import BYTECODE_CACHE

log = logging.getLogger("mkdocs.plugins.course")


class CourseConfig(Config):
    content_dir = opt.Type(str, default="content")
    templates_dir = opt.Type(str, default="templates/pages")
    strict = opt.Type(bool, default=False)


class CourseBuildError(PluginError):
    """The content has problems; carries the diagnostics for whoever called MkDocs."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


class CoursePlugin(BasePlugin[CourseConfig]):
    result: Result | None = None

    def _path(self, config: Any, value: str) -> Path:
        return Path(config.config_file_path).parent / value

    def run(self, config: Any, *, strict: bool) -> Result:
        """Run the core on the configured folders (the CLI calls this before MkDocs builds)."""
        self.result = run_pipeline(
            self._path(config, self.config.content_dir),
            self._path(config, self.config.templates_dir),
            strict=strict,
        )
        return self.result

    def on_config(self, config: Any) -> Any:
        # Reproducible output: MkDocs dates sitemap.xml.gz by the build day unless this is set;
        # 0 means "no timestamp" in a gzip header. A value set by the caller wins.
        os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
        if self.result is None:  # run by MkDocs itself (`mkdocs build`, `mkdocs serve`)
            try:
                self.run(config, strict=self.config.strict)
            except ContentError as exc:
                raise CourseBuildError(exc.diagnostics) from None
            assert self.result is not None
            for warning in self.result.warnings:
                log.warning(warning.format())
        config.nav = [entry.to_mkdocs() for entry in self.result.rendered.nav]
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
        rendered = self.result.rendered
        for path, text in {"course.json": rendered.course_json, **rendered.files}.items():
            files.append(File.generated(config, path, content=text))
        return files

    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        env.bytecode_cache = BYTECODE_CACHE  # the theme's templates compiled once per process
        return env

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        server.watch(str(self._path(config, self.config.content_dir)))
        server.watch(str(self._path(config, self.config.templates_dir).parent))
        return server
