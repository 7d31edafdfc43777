"""Render validated content into pages (path + Markdown text) through the Jinja2 templates.

Nothing here touches the disk except reading templates: the result is a list of pages in
memory plus the navigation and the machine-readable course index, for any adapter to use.

Text from content files reaches the page in exactly two ways, both escaped:
- Markdown fields go through markdown-it-py with raw HTML disabled (``md``, ``md_inline``),
  links only to http(s), mailto and relative URLs, images only from the site;
- plain text goes through Jinja's autoescape, or ``md_text`` where it sits in Markdown syntax
  (headings, link labels), which escapes both HTML and Markdown punctuation.

Either way the result stays one HTML block for any Markdown reader (``one_block``): no line
starts a code fence (MkDocs' Markdown reads fences even inside HTML blocks) and no line is
blank (which ends an HTML block in CommonMark, for the pages ``course export-markdown`` writes),
so what the content says is shown as written, never as Markdown.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import traceback
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import yaml
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup, escape

from .diagnostics import ContentError, Diagnostic, Position
from .diagrams import Drawing, body_parts, drawing
from .estimate import minutes_text
from .layers import layered
from .model import Case, Course, Drill, Item, Module, Quiz, RolePlay, Step
from .validate import Content

SCHEMA_VERSION = 1
#: The printable job aid's page (templates/pages/job-aid.md.j2), linked from the glossary and
#: module overviews.
JOB_AID = "job-aid.md"
#: The local id of a role play's question: which approach its look-alike version is.
LOOKALIKE_QUESTION = "lookalike-version"

#: The only URL schemes a link may have; anything else (javascript:, data:, vbscript:, file:,
#: an app's own scheme...) is not made a link, and stays in the text as written.
LINK_SCHEMES = frozenset(["http", "https", "mailto"])
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` in lower case, or None for a relative URL."""
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def is_external(url: str) -> bool:
    """Whether ``url`` points outside the site (it has a scheme, or starts with ``//``)."""
    return url_scheme(url) is not None or url.lstrip().startswith(("//", "\\"))


class _CourseMarkdown(MarkdownIt):
    """CommonMark with the course's link rule: http(s), mailto and relative URLs only."""

    def validateLink(self, url: str) -> bool:
        # `url` is normalised: entities decoded, then unsafe characters percent-encoded.
        scheme = url_scheme(url)
        return scheme is None or scheme in LINK_SCHEMES


def _image(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image from the site as an image; one from elsewhere as a link to it.

    Loading it would make every learner's browser contact a third party (validation warns
    about it, and refuses it under --strict); a link asks first.
    """
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not is_external(src):
        return str(renderer.image(tokens, idx, options, env))
    label = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


_markdown = _CourseMarkdown("commonmark", {"html": False, "typographer": False}).enable("table")
_markdown.add_render_rule("image", _image)
# What would end an HTML block or start a code block inside one: a line that starts with three
# backticks or tildes (its first character), and the line break before a blank line.
_BREAKS_BLOCK = re.compile(r"^(?=```|~~~)[`~]|\n(?=[ \t]*\n)", re.MULTILINE)
_ENTITY = {"`": "&#96;", "~": "&#126;", "\n": "&#10;"}
# Text made only of these characters has no Markdown syntax inside a line: letters, digits,
# spaces and punctuation that CommonMark gives no meaning to (``>`` and ``"`` only need
# escaping). Where a line starts matters too; ``_plain_block`` checks that.
_PLAIN_TEXT = re.compile(
    r"[A-Za-z0-9 ,.;:'\"?()/%$@^{}=+>\-\u00c0-\u024f\u2010-\u2027\u2030-\u205e]*"
)
# Markdown punctuation Python-Markdown takes back from a backslash escape; ``|`` and ``~``
# are not among them (a backslash would show), so they are written as character references.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")
_MD_REFERENCE = {ord("|"): "&#124;", ord("~"): "&#126;"}


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


def md(text: str | None) -> Markup:
    """Markdown to HTML, raw HTML disabled (shown as text)."""
    text = text or ""
    plain = _plain_block(text)
    return Markup(one_block(_markdown.render(text)) if plain is None else plain)


def md_inline(text: str | None) -> Markup:
    """Inline Markdown to HTML (no paragraphs), raw HTML disabled."""
    text = text or ""
    if "\n" not in text and _PLAIN_TEXT.fullmatch(text):
        return Markup(escapeHtml(text))
    return Markup(one_block(_markdown.renderInline(text)))


def one_block(html_text: str) -> str:
    """``html_text`` made to stay inside the HTML block around it, for any Markdown reader.

    No line starts a code fence, and no line is blank: the character that would do it is
    written as a character reference, which is the same HTML to a browser (a line break
    between words or inside ``<pre>`` included).
    """
    if "\n" not in html_text and "```" not in html_text and "~~~" not in html_text:
        return html_text
    return _BREAKS_BLOCK.sub(lambda m: _ENTITY[m.group()], html_text)


def plain(value: Any) -> Any:
    """Jinja's ``finalize``: plain text printed by a template, shown as written.

    Autoescape makes it safe as HTML. Templates print plain text inside HTML blocks (in
    Markdown, through ``md_text``), where Markdown reads no syntax but two: a line of
    backticks or tildes (MkDocs' ``fenced_code`` reads a fence even there) and a blank line,
    which ends the block. So the text is written on one line, its line breaks as character
    references (the same text to a browser), and a fence it starts with is broken the same
    way: whatever block syntax a plain-text field holds, no line of the page starts with it.
    Markup (already HTML) and non-text values pass unchanged.
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if "\n" in value or value.startswith(("```", "~~~")):
        escaped = str(escape(value))
        if escaped.startswith(("```", "~~~")):
            escaped = _ENTITY[escaped[0]] + escaped[1:]
        return Markup(escaped.replace("\n", _ENTITY["\n"]))
    return value


def _plain_block(text: str) -> str | None:
    """markdown-it's HTML for prose without Markdown syntax, made directly; else None.

    Most fields are a few paragraphs of plain sentences, and parsing them is most of the
    builder's time. A line that could open a block (heading, list, quote, code, setext
    underline, table) or end in a hard break sends the whole text to markdown-it;
    tests/test_render.py checks the shortcut against markdown-it on generated texts.
    """
    if not _PLAIN_TEXT.fullmatch(text.replace("\n", " ")):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
        elif line[0] in " #>-+*=" or line[0].isdigit() or line[-1] == " ":
            return None
        else:
            paragraphs[-1].append(line)
    return "".join(f"<p>{escapeHtml(chr(10).join(p))}</p>\n" for p in paragraphs if p)


def _cached(render_text: Any) -> Any:
    """``render_text`` remembering its results: trainer pages show the same texts again."""
    seen: dict[str | None, Markup] = {}

    def cached(text: str | None) -> Markup:
        html_text = seen.get(text)
        if html_text is None:
            html_text = seen[text] = render_text(text)
        return html_text

    return cached


def md_text(text: str) -> Markup:
    """Plain text made safe inside Markdown syntax: HTML and Markdown punctuation escaped."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return Markup(_MD_SPECIAL.sub(r"\\\1", escaped).translate(_MD_REFERENCE))


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


def item_path(module: Module, item: Item) -> str:
    return f"{module.id}/{item.id}.md"


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


def story_order(case: Case) -> list[Step]:
    """A case's steps in reading order: breadth-first from the start, then any unreachable."""
    by_id = {step.id: step for step in case.steps}
    order: dict[str, Step] = {}  # by id: comparing models field by field is slow
    queue = deque([case.start])
    while queue:
        step = by_id.get(queue.popleft())
        if step is None or step.id in order:
            continue
        order[step.id] = step
        queue.extend(choice.next for choice in step.choices if choice.next)
    return [*order.values(), *(step for step in case.steps if step.id not in order)]


_COUNT_WORDS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def count_word(number: int) -> str:
    """A small count in words, as prose writes it (``six``); past twelve, in digits."""
    return _COUNT_WORDS[number] if 0 <= number < len(_COUNT_WORDS) else str(number)


def drill_choices(drill: Drill, order: list[str]) -> list[str]:
    """The categories a drill offers as answers: its own list, else those its statements use,
    in ``order`` (the course's)."""
    if drill.approaches:
        return list(drill.approaches)
    used = {s.approach for s in drill.statements}
    return [a for a in order if a in used]


def answerable(item: Item) -> list[str]:
    """Ids of the questions a learner answers in ``item`` (decisions in cases excluded)."""
    return [q["id"] for q in _questions(item) if q["type"] != "decision"]


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
        md=_cached(md),  # one cache per environment: per build, freed with it
        md_inline=_cached(md_inline),
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
    )
    return env


def render(content: Content, templates: Path, urls: Urls | None = None) -> Rendered:
    """All pages of the course, the navigation and ``course.json``, for pages at ``urls``."""
    urls = urls or Urls()
    course = content.course
    env = make_environment(templates, course, urls)
    teaches = {
        approach: [m for m in content.modules if approach in m.approaches]
        for approach in course.approach_order
    }
    minutes = {m.id: content.module_minutes(m) for m in content.modules}
    drawings: dict[tuple[str, bool], Drawing] = {}

    def draw(kind: str, narrow: bool = False) -> Drawing:
        """The layout of a diagram of the course's data (builder/diagrams.py), made once."""
        if (kind, narrow) not in drawings:
            drawings[kind, narrow] = drawing(kind, course, narrow=narrow)
        return drawings[kind, narrow]

    common = {
        "course": course,
        "teaches": teaches,
        "module_minutes": minutes,
        "item_minutes": content.self_study,
        "drawing": draw,
        "job_aid_page": JOB_AID if course.approaches else None,
    }
    pages: list[Page] = []
    files: dict[str, str] = {}
    nav: list[NavEntry] = [NavEntry("Home", "index.md")]

    def render_text(template: str, path: str, **context: Any) -> str:
        """``template`` rendered for the page at ``path`` (links are relative to it)."""
        try:
            return env.get_template(template).render(**common, page_path=path, **context)
        except jinja2.TemplateError as exc:
            raise ContentError([_template_diagnostic(exc, templates, template)]) from exc

    def add(
        template: str, path: str, title: str, meta: dict[str, Any] | None = None, **context: Any
    ) -> None:
        """A page from ``template``; ``meta`` (see ``page_meta``) becomes its front matter."""
        text = render_text(template, path, **context)
        pages.append(Page(path, title, front_matter(meta) + text if meta else text))

    add("home.md.j2", "index.md", course.title, content=content)
    add("progress.md.j2", "progress.md", "Your progress")
    modules: list[NavEntry] = []
    for number, module in enumerate(content.modules, start=1):
        items = content.items_of(module)
        overview = f"{module.id}/index.md"
        add(
            "module.md.j2",
            overview,
            module.title,
            module=module,
            number=number,
            items=[(item, f"{item.id}.md") for item in items],
        )
        # The overview's own title names its module: it is what the browser tab and the
        # footer's "Next" show, where six pages called "Overview" told the learner nothing.
        section = NavEntry(
            f"{number}. {module.title}",
            children=[NavEntry(f"Module {number}: {module.title}", overview)],
        )
        for item in items:
            path = item_path(module, item)
            add(f"{item.kind}.md.j2", path, item.title, item=item, module=module)
            section.children.append(NavEntry(item.title, path))
        modules.append(section)
    nav.extend(in_parts(modules, "Modules"))
    if course.approaches:
        add("glossary.md.j2", "glossary.md", "Glossary")
        nav.append(NavEntry("Glossary", "glossary.md"))
        add("job-aid.md.j2", JOB_AID, "Job aid", page_meta("Job aid", stylesheet="job-aid.css"))
        nav.append(NavEntry("Job aid", JOB_AID))
    if course.sources:
        add("sources.md.j2", "sources.md", "Sources")
        nav.append(NavEntry("Sources", "sources.md"))
    nav.append(NavEntry("Your progress", "progress.md"))
    # --- trainer toolkit (builder/trainer.py): its pages and the "For trainers" section ---
    from .trainer import render_trainer

    nav.append(render_trainer(content, add, render_text, files))
    # --- end of trainer toolkit ---
    # --- contributor pages (builder/reference.py): field reference and scenario maps ---
    from .reference import render_reference

    nav.append(render_reference(content, add))
    index = course_index(content, minutes, urls)
    questions = sum(len(i["questions"]) for m in index["modules"] for i in m["items"])
    text = json.dumps(index, indent=1, ensure_ascii=False) + "\n"
    return Rendered(pages, nav, text, questions, files)


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


def course_index(content: Content, minutes: dict[str, int], urls: Urls) -> dict[str, Any]:
    """``course.json``: modules, items, question ids, kinds and approaches, for scripts.

    ``minutes`` are the modules' self-study minutes, by module id. The scripts take the
    pages' URLs (relative to the site root) from here rather than make them.
    """
    course = content.course
    modules = []
    for module in content.modules:
        items = []
        for item in content.items_of(module):
            entry: dict[str, Any] = {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "url": urls.of(item_path(module, item)),
                "questions": _questions(item),
            }
            if isinstance(item, Quiz) and item.pass_mark is not None:
                entry["pass_mark"] = item.pass_mark
            if isinstance(item, RolePlay):
                entry["lookalike"] = item.lookalike
            if isinstance(item, Case):  # for the progress codec (builder/lms/codec.py)
                entry["endings"] = [step.id for step in item.steps if not step.choices]
            items.append(entry)
        modules.append(
            {
                "id": module.id,
                "title": module.title,
                "minutes": minutes[module.id],
                "url": urls.of(f"{module.id}/index.md"),
                "items": items,
            }
        )
    data = {
        "schema_version": SCHEMA_VERSION,
        "id": course.id,
        "title": course.title,
        "url": urls.of("index.md"),
        "approaches": course.approach_order,
        "modules": modules,
    }
    return data


def _questions(item: Item) -> list[dict[str, Any]]:
    """Every answerable thing in an item, with an id that is stable across rebuilds."""
    if isinstance(item, Quiz):
        return [
            {
                "id": f"{item.id}/{q.id}",
                "type": q.type,
                "approach": q.approach,
                "options": [o.id for o in q.options],
                "correct": [o.id for o in q.options if o.correct],
            }
            for q in item.questions
        ]
    if isinstance(item, Drill):
        return [
            {"id": f"{item.id}/{s.id}", "type": "classify", "approach": s.approach}
            for s in item.statements
        ]
    if isinstance(item, Case):
        return [
            {
                "id": f"{item.id}/{step.id}",
                "type": "decision",
                "options": [c.id for c in step.choices],
                "correct": [c.id for c in step.choices if c.best],
            }
            for step in item.steps
            if step.choices
        ]
    if isinstance(item, RolePlay):  # played alone: which approach is the look-alike version?
        return [
            {
                "id": f"{item.id}/{LOOKALIKE_QUESTION}",
                "type": "classify",
                "approach": item.lookalike,
            }
        ]
    return []


def _template_diagnostic(exc: jinja2.TemplateError, templates: Path, name: str) -> Diagnostic:
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
