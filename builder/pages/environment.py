"""The templates' Jinja environment: filters, globals, the bytecode cache, and what a
failing template becomes (a diagnostic, never a traceback)."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from ..diagnostics import ContentError, Diagnostic, Position
from ..diagrams import body_parts
from ..estimate import minutes_text
from ..layers import layered
from ..model import Course
from . import site
from .items import LOOKALIKE_QUESTION, answerable, drill_choices, story_order
from .markup import cached, count_word, md, md_inline, md_text, plain
from .site import Page, Urls, front_matter


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source checksum.

    Compiling is a good part of a small build, and ``course serve`` builds again after every
    edit: this way only the template that changed is compiled again. Also given to MkDocs'
    theme environment (the plugin's ``on_env``), which MkDocs makes anew for every build.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # ignored if the source has changed since

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._compiled.clear()


BYTECODE_CACHE = MemoryBytecodeCache()


def make_environment(
    templates: Path, course: Course, urls: Urls | None = None
) -> jinja2.Environment:
    """The templates' environment for ``course``; page URLs in the form ``urls`` makes them
    (default: folders)."""
    urls = urls or Urls()
    order = course.approach_order
    env = jinja2.Environment(
        # The project's own page templates first, then the package's (builder/layers.py).
        loader=jinja2.FileSystemLoader([str(folder) for folder in layered(templates, "pages")]),
        bytecode_cache=BYTECODE_CACHE,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=plain,
    )
    env.filters.update(
        md=cached(md),  # one cache per environment: per build, freed with it
        md_inline=cached(md_inline),
        md_text=md_text,
        count_word=count_word,
        url=urls.of,
        relative=urls.relative,
        source=urls.source,
        root=urls.root,
    )
    env.globals.update(
        approach_order=order,
        approach_names=course.approach_names,
        # What a role play's second version is (its category's name); validation sees to it
        # that a course with role plays names it.
        contrast_name=course.approach_names.get(course.contrast or "", ""),
        story_order=story_order,
        drill_choices=lambda drill: drill_choices(drill, order),
        answerable=answerable,
        lookalike_question=LOOKALIKE_QUESTION,
        body_parts=body_parts,
        minutes_text=minutes_text,
        # Where each page is (builder/pages/site.py), so no template spells a path.
        module_path=site.module_path,
        item_path=site.item_path,
        guide_path=site.guide_path,
        cards_path=site.cards_path,
        projector_path=site.projector_path,
        gamebook_path=site.gamebook_path,
        sorting_path=site.sorting_path,
        sheets_path=site.sheets_path,
        form_path=site.form_path,
        map_path=site.map_path,
    )
    return env


class PageSink:
    """What every page family (learner, trainer, contributors) writes to, and its one interface:
    ``add`` a page, ``render_text`` a template that is not a page, ``files`` for data files.

    Each family takes the sink and returns its navigation; ``builder.render.render`` makes the
    sink, calls the families in order and collects what they added.
    """

    def __init__(self, env: jinja2.Environment, templates: Path, common: dict[str, Any]) -> None:
        self._env = env
        self._templates = templates
        #: What every template sees besides its own context (the course, module minutes...).
        self._common = common
        self.pages: list[Page] = []
        #: Other generated files, by path below the site root (see ``Rendered.files``).
        self.files: dict[str, str] = {}

    def render_text(self, template: str, path: str, **context: Any) -> str:
        """``template`` rendered for the page at ``path`` (links are relative to it)."""
        try:
            return self._env.get_template(template).render(
                **self._common, page_path=path, **context
            )
        except jinja2.TemplateError as exc:
            raise ContentError([template_diagnostic(exc, self._templates, template)]) from exc

    def add(
        self,
        template: str,
        path: str,
        title: str,
        meta: dict[str, Any] | None = None,
        **context: Any,
    ) -> None:
        """A page from ``template``; ``meta`` (see ``page_meta``) becomes its front matter."""
        text = self.render_text(template, path, **context)
        self.pages.append(Page(path, title, front_matter(meta) + text if meta else text))


def template_diagnostic(exc: jinja2.TemplateError, templates: Path, name: str) -> Diagnostic:
    line = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None)
    if line is None:  # a runtime error: Jinja maps the traceback onto template lines
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.endswith(".j2")
        ]
        if frames:
            line, filename = frames[-1].lineno, frames[-1].filename
    line = line or 1
    filename = filename or str(templates / name)
    return Diagnostic(
        "template-error",
        f"template failed: {exc.message or type(exc).__name__}",
        Position(filename, line, 1),
        "fix the template; every variable it uses must exist (StrictUndefined)",
    )
