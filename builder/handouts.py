"""Printable handouts: the trainer pages as standalone print HTML, printed to PDF by Chromium.

The print templates (``templates/print``) reuse the trainer pages' macros, so a guide or a set
of cards reads the same on the site and on paper; they carry their own ``@page`` CSS for A4 or
US Letter and need no MkDocs. Chromium is driven headless through Playwright, with the same
offline flags as the browser tests, and loads nothing but the document it is given.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from .diagnostics import ContentError, printable
from .diagrams import drawing
from .layers import find_template, layered
from .model import Case, Course, RolePlay
from .pages.environment import make_environment, template_diagnostic
from .teaching.kits import FORMS, ActivityKit, activity_kit, has_sheets
from .teaching.run_sheet import ModuleKit, module_kits
from .teaching.stories import gamebook
from .teaching.workshop import Plan, prework_message
from .validate import Content


@dataclass(frozen=True)
class Paper:
    """A paper size: its CSS ``@page`` name and its size in PostScript points."""

    name: str
    css_size: str
    width: int
    height: int


PAPERS = {
    "a4": Paper("a4", "A4", 595, 842),
    "letter": Paper("letter", "letter", 612, 792),
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_FOOTER = (
    '<div style="font-size:7pt;width:100%;padding:0 13mm;color:#444;'
    'font-family:Liberation Sans,Arial,sans-serif;display:flex;justify-content:space-between">'
    '<span class="title"></span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)


class HandoutError(Exception):
    """Handouts cannot be printed on this machine (a user error: exit status 1)."""

    exit_code = 1

    def __init__(self, message: str, hint: str) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message)

    def format(self) -> str:
        return f"error: {printable(self.message)}\n    hint: {printable(self.hint)}"


class Renderer(Protocol):
    """Renders one print template into a document."""

    def __call__(
        self, template: str, name: str, title: str, kicker: str, **context: Any
    ) -> PrintDocument: ...


@dataclass(frozen=True)
class PrintDocument:
    """A standalone HTML document to print; ``name`` becomes the file name (without suffix)."""

    name: str
    title: str
    html: str


# --- print HTML ------------------------------------------------------------------------------


def print_environment(templates: Path, course: Course) -> jinja2.Environment:
    """The print templates' environment; they import macros from the page templates beside.

    ``templates`` is the ``templates/print`` folder; the trainer macros live in
    ``templates/pages/trainer``.
    """
    env = make_environment(templates, course)
    env.loader = jinja2.FileSystemLoader(
        [
            str(folder)
            for folder in [*layered(templates, "print"), *layered(templates.parent / "pages")]
        ]
    )
    return env


def _renderer(content: Content, templates: Path, paper: Paper) -> Renderer:
    env = print_environment(templates, content.course)
    common = {"course": content.course, "paper": paper}

    def render(template: str, name: str, title: str, kicker: str, **context: Any) -> PrintDocument:
        try:
            html: str = env.get_template(template).render(
                **common, title=title, kicker=kicker, **context
            )
        except jinja2.TemplateError as exc:
            raise ContentError([template_diagnostic(exc, templates, template)]) from exc
        return PrintDocument(name, title, html)

    return render


def handout_documents(
    content: Content, templates: Path, paper: Paper, module_id: str | None = None
) -> list[PrintDocument]:
    """The learners' job aid (one sheet), then for each module (or ``module_id`` only) its
    guide, role-play cards, gamebooks and activity kit (``kit_documents``)."""
    render = _renderer(content, templates, paper)
    documents = []
    if content.course.approaches:
        documents.append(job_aid_document(content, templates, render))
    names = content.course.approach_names
    kits: Iterable[ModuleKit] = module_kits(content)
    for kit in kits:
        module = kit.module
        if module_id is not None and module.id != module_id:
            continue
        activities = activity_kit(content, module, names)
        documents.append(
            render(
                "guide.html.j2",
                f"{module.id}-guide",
                f"Facilitator guide: {kit.number}. {module.title}",
                "for trainers",
                kit=kit,
                activities=activities,
            )
        )
        for item in kit.items:
            if isinstance(item, RolePlay):
                documents.append(
                    render(
                        "cards.html.j2",
                        f"{module.id}-{item.id}-cards",
                        f"Role-play cards: {item.title}",
                        f"module {kit.number}, {module.title}",
                        kit=kit,
                        item=item,
                    )
                )
            if isinstance(item, Case):
                documents.append(
                    render(
                        "gamebook.html.j2",
                        f"{module.id}-{item.id}-gamebook",
                        f"{item.title}: a paper gamebook",
                        f"module {kit.number}, {module.title}",
                        kit=kit,
                        item=item,
                        book=gamebook(item),
                    )
                )
        documents.extend(kit_documents(kit, activities, render))
    return documents


def kit_documents(kit: ModuleKit, activities: ActivityKit, render: Renderer) -> list[PrintDocument]:
    """A module's activity kit: sorting sets, the trainer's sheets and the room's forms."""
    module = kit.module
    where = f"module {kit.number}, {module.title}"
    documents = [
        render(
            "sorting.html.j2",
            f"{module.id}-{sort.drill.id}-sorting",
            f"Sorting mat and cards: {sort.drill.title}",
            where,
            landscape=True,
            sort=sort,
        )
        for sort in activities.sortings
    ]
    if has_sheets(activities):
        documents.append(
            render(
                "trainer-sheets.html.j2",
                f"{module.id}-trainer-sheets",
                f"Trainer's sheets: {kit.number}. {module.title}",
                "for trainers, print once",
                activities=activities,
            )
        )
    for name, title, _ in FORMS:
        documents.append(
            render(
                f"{name}.html.j2",
                f"{module.id}-{name}",
                f"{title}: {module.title}",
                where,
                landscape=name == "certificate",
                module=module,
                activities=activities,
            )
        )
    return documents


def job_aid_document(
    content: Content, templates: Path, render: Renderer | None = None, paper: Paper = PAPERS["a4"]
) -> PrintDocument:
    """The job aid on one sheet, with the site page's own stylesheet."""
    render = render or _renderer(content, templates, paper)
    course = content.course
    css = find_template(templates.parent / "static", "assets/job-aid.css")
    return render(
        "job-aid.html.j2",
        "job-aid",
        "Job aid",
        "for learners",
        grid=drawing("team-grid", course, narrow=True) if course.team_grid else None,
        job_aid_css=Markup(css.read_text(encoding="utf-8")),
    )


def workshop_document(
    content: Content, plan: Plan, templates: Path, paper: Paper, site_url: str
) -> PrintDocument:
    """The run of show as a print document (``workshop.html`` and ``workshop.pdf``)."""
    render = _renderer(content, templates, paper)
    title = f"Run of show: {plan.minutes} minutes"
    base = site_url.rstrip("/") + "/"
    return render(
        "workshop.html.j2",
        "workshop",
        title,
        plan.title,
        plan=plan,
        site=base,
        message=prework_message(plan, base),
    )


# --- printing --------------------------------------------------------------------------------


def find_chromium(given: Path | None = None) -> Path:
    """The Chromium to print with: ``given``, ``$COURSE_CHROMIUM``, or one on the PATH."""
    if given is None and os.environ.get("COURSE_CHROMIUM"):
        given = Path(os.environ["COURSE_CHROMIUM"])
    if given is not None:
        if given.is_file() and os.access(given, os.X_OK):
            return given
        raise HandoutError(
            f"no Chromium browser at {given}",
            "install Chromium (Debian: `apt-get install chromium`; `make test` does it), "
            "or point --chromium (or $COURSE_CHROMIUM) at a Chromium or Chrome executable",
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise HandoutError(
        "no Chromium browser found to print the PDFs with",
        "install Chromium (Debian: `apt-get install chromium`; `make test` does it), "
        "or point --chromium (or $COURSE_CHROMIUM) at a Chromium or Chrome executable",
    )


def print_pdfs(documents: list[PrintDocument], chromium: Path) -> list[bytes]:
    """Each document printed to PDF (in order), at the paper size its ``@page`` CSS names.

    Playwright's sync API refuses to run where an asyncio loop is running (inside another
    tool, or a test session that drives a browser too), so it runs in a thread of its own.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print_pdfs, documents, chromium).result()


def _print_pdfs(documents: list[PrintDocument], chromium: Path) -> list[bytes]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dependency
        raise HandoutError(
            "Playwright is not installed, and printing PDFs needs it",
            "install the project's dependencies again: `pip install -e .`",
        ) from exc
    pdfs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                # The documents are self-contained: any request at all is refused.
                page.route("**/*", lambda route: route.abort())
                for document in documents:
                    page.set_content(document.html, wait_until="load")
                    pdfs.append(
                        page.pdf(
                            prefer_css_page_size=True,
                            print_background=True,
                            display_header_footer=True,
                            header_template="<span></span>",
                            footer_template=_FOOTER,
                        )
                    )
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HandoutError(
            f"Chromium at {chromium} could not print: {first}",
            "check that this is a working Chromium or Chrome, or point --chromium at another",
        ) from exc
    return pdfs


def save(files: dict[str, bytes], folder: Path) -> list[Path]:
    """Write each file into ``folder`` (created if needed), each one atomically.

    Other files in the folder are left alone: it may be one the trainer keeps things in.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF that Chromium wrote (it keeps page objects uncompressed)."""
    return len(_PAGE.findall(pdf))


# --- the two commands' work ------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A file written by ``course handouts`` or ``course workshop``."""

    path: Path
    size: int
    pages: int | None


def write_handouts(
    content: Content,
    templates: Path,
    paper: Paper,
    out: Path,
    module_id: str | None = None,
    chromium: Path | None = None,
) -> list[Written]:
    """Print the handouts (of one module, or all) as PDFs into ``out``."""
    documents = handout_documents(content, templates, paper, module_id)
    pdfs = print_pdfs(documents, find_chromium(chromium))
    files = {f"{d.name}.pdf": pdf for d, pdf in zip(documents, pdfs, strict=True)}
    return [
        Written(path, len(files[path.name]), page_count(files[path.name]))
        for path in save(files, out)
    ]


def write_workshop(
    content: Content,
    plan: Plan,
    templates: Path,
    paper: Paper,
    out: Path,
    chromium: Path | None = None,
    site_url: str = "http://127.0.0.1:8000/",
) -> list[Written]:
    """The run of show as ``workshop.html`` and the pre-work email as ``prework-email.txt``
    (written first, so they exist even if printing fails), and ``workshop.pdf``, in ``out``."""
    document = workshop_document(content, plan, templates, paper, site_url)
    html = document.html.encode("utf-8")
    email = prework_message(plan, site_url).encode("utf-8")
    written = [
        Written(save({"workshop.html": html}, out)[0], len(html), None),
        Written(save({"prework-email.txt": email}, out)[0], len(email), None),
    ]
    (pdf,) = print_pdfs([document], find_chromium(chromium))
    written.append(Written(save({"workshop.pdf": pdf}, out)[0], len(pdf), page_count(pdf)))
    return written
