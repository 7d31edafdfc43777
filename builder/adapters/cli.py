"""The `course` command: a thin layer of click over the core and MkDocs."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import typing
from pathlib import Path

import click

from ..bank import ItemBank, bank_problems, question_bank
from ..diagnostics import (
    ContentError,
    Diagnostic,
    did_you_mean,
    display_path,
    sort_diagnostics,
    summary,
)
from ..gift import count_categories, gift_problems, gift_text
from ..handouts import PAPERS, HandoutError, Written, write_handouts, write_workshop
from ..layers import PACKAGE_TEMPLATES
from ..lms.package import FORMATS
from ..model import Module
from ..pages.site import Urls
from ..pipeline import run_pipeline
from ..qti import qti_package
from ..scaffold import KINDS, init_project, scaffold
from ..schema import KINDS as SCHEMA_KINDS
from ..schema import course_categories, schema_text, write_schemas
from ..teaching.workshop import WorkshopError, find_modules, format_plan, parse_start, plan_workshop
from ..validate import Content, find_content_files, validate_content, validate_standalone
from ..write import build_into, write_file, write_pages

CONTENT = click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The content folder.",
)
TEMPLATES = click.option(
    "--templates",
    "templates_dir",
    default="templates/pages",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The page templates folder.",
)
CONFIG = click.option(
    "--config",
    "config_file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The MkDocs configuration.",
)


def report(diagnostics: list[Diagnostic], style: str = "text") -> None:
    for diagnostic in diagnostics:
        if style == "github":  # workflow commands are read from standard output
            click.echo(diagnostic.format_github())
        else:
            click.echo(diagnostic.format(), err=True)
    if diagnostics:
        click.echo(summary(diagnostics), err=True)


def fail(diagnostics: list[Diagnostic], style: str = "text") -> None:
    report(diagnostics, style)
    sys.exit(ContentError.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coaching-course")
def main() -> None:
    """Build and check the course from the YAML files in content/."""


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings (and MkDocs warnings) as errors.")
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to build the site (default: site_dir of mkdocs.yml, `site/`).",
)
@CONFIG
def build(strict: bool, site_dir: Path | None, config_file: Path) -> None:
    """Validate the content, then build the site (the previous site stays until this succeeds)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .mkdocs_plugin import CoursePlugin

    if not config_file.is_file():
        raise click.UsageError(
            f"no MkDocs configuration at {config_file}; run from the project folder"
        )
    _quiet_mkdocs()
    started = time.perf_counter()
    config = load_config(str(config_file), strict=strict)
    target = Path(site_dir or config.site_dir).resolve()
    plugin = typing.cast(CoursePlugin, config.plugins["course"])
    click.echo("Checking and rendering the content...", err=True)
    try:
        # `strict: true` of the plugin in mkdocs.yml holds here too, as under `mkdocs build`.
        result = plugin.run(config, strict=strict or plugin.config.strict)
    except ContentError as exc:
        fail(exc.diagnostics)
    report(result.warnings)
    built = (
        f"{len(result.rendered.pages)} pages ({len(result.content.items)} items, "
        f"{result.rendered.question_count} questions)"
    )
    del result  # the plugin lets go of it too once MkDocs has the pages

    def fill(folder: Path) -> None:
        click.echo(f"Building the site with MkDocs into {display_path(str(target))}/ ...", err=True)
        config.site_dir = str(folder)
        mkdocs_build(config)

    try:
        build_into(target, fill)
    except MkDocsException as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"Built {built} into {display_path(str(target))}/ in {time.perf_counter() - started:.1f} s"
    )


@main.command()
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@CONFIG
def serve(dev_addr: str, config_file: Path) -> None:
    """Preview the site; editing content or templates rebuilds it and reloads the page."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    # Every build, the first one and each after an edit, prints its diagnostics and their count
    # as `course build` does (the plugin's on_config); a failed rebuild leaves the last good
    # site served.
    _quiet_mkdocs(logging.INFO)
    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)
    except Abort:  # the first build failed, and MkDocs has printed why: nothing to serve
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="`github`: annotations for GitHub Actions.",
)
@CONTENT
def validate(paths: tuple[Path, ...], strict: bool, content_dir: Path, style: str) -> None:
    """Check content without building (default: all of content/).

    A file outside the content folder is checked on its own, as a scenario file.
    """
    root = content_dir.resolve()
    inside = [p for p in paths if p.resolve().is_relative_to(root)]
    outside = [p for p in paths if not p.resolve().is_relative_to(root)]
    diagnostics: list[Diagnostic] = []
    checked = 0
    if inside or not paths:
        _content, found = validate_content(content_dir)
        wanted = {p.resolve() for p in inside}
        diagnostics += [d for d in found if not wanted or _under(d.position.path, wanted)]
        checked += len(find_content_files(content_dir)) if content_dir.is_dir() else 0
    for path in outside:
        files = find_content_files(path) if path.is_dir() else [path]
        diagnostics += validate_standalone(files)
        checked += len(files)
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    if any(d.severity == "error" for d in diagnostics):
        fail(diagnostics, style)
    report(diagnostics, style)
    click.echo(f"{checked} file(s) checked: no errors")


def _under(path: str, wanted: set[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == w or resolved.is_relative_to(w) for w in wanted)


@main.command()
@click.option("--kind", type=click.Choice(SCHEMA_KINDS), help="Only this kind's schema.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every schema (any kind, and one per kind) into this folder.",
)
@CONTENT
def schema(kind: str | None, out: Path | None, out_dir: Path | None, content_dir: Path) -> None:
    """Print the JSON Schema of content files (generated from the model).

    Fields that name a category list the categories of the course file in the content folder.
    """
    categories = course_categories(content_dir)
    if out_dir is not None:
        for path in write_schemas(out_dir, categories):
            click.echo(f"wrote {display_path(str(path.resolve()))}", err=True)
        return
    text = schema_text(kind, categories)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a new course project in DIRECTORY: a small course that builds as it is.

    The templates stay in the installed package; a file of the project's own `templates/`
    replaces the package's at the same path.
    """
    try:
        written = init_project(directory)
    except ContentError as exc:
        fail(exc.diagnostics)
    click.echo(f"Started a course project in {display_path(str(directory.resolve()))}/:")
    for path in written:
        click.echo(f"  {path.relative_to(directory).as_posix()}")
    click.echo(f"Next: cd {directory} && course build (or course serve to preview it)")


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("item_id", metavar="ID")
@click.option("--module", "module_id", required=True, help="The id of the module to add it to.")
@CONTENT
def new(kind: str, item_id: str, module_id: str, content_dir: Path) -> None:
    """Write a commented, valid skeleton for a new item and list it in its module."""
    try:
        written = scaffold(content_dir, kind, item_id, module_id)
    except ContentError as exc:
        fail(exc.diagnostics)
    for path in written:
        click.echo(f"wrote {display_path(str(path.resolve()))}")


@main.command("export-markdown")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@CONTENT
@TEMPLATES
def export_markdown(directory: Path, content_dir: Path, templates_dir: Path) -> None:
    """Write the generated pages as plain Markdown files into DIRECTORY (replacing it)."""
    try:
        result = run_pipeline(content_dir, templates_dir)
    except ContentError as exc:
        fail(exc.diagnostics)
    report(result.warnings)
    rendered = result.rendered
    count = write_pages(rendered.pages, rendered.data_files(), directory.resolve())
    click.echo(f"Wrote {count} files into {display_path(str(directory.resolve()))}/")


# --- question banks for an LMS: `course export gift|qti` (builder/bank.py, gift.py, qti.py) ---


@main.group()
def export() -> None:
    """Write the course's quizzes and drills as a question bank for an LMS."""


MODULES = click.option(
    "--module",
    "module_ids",
    multiple=True,
    metavar="ID",
    help="Only this module; repeat for more (default: every module).",
)


def _out_file(out: Path) -> Path:
    folder = out.parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"the folder {display_path(str(folder.resolve()))}/ does not exist; create it "
            "first or write elsewhere",
            param_hint="--out",
        )
    if out.is_dir():
        raise click.BadParameter(f"{out} is a folder; give a file name", param_hint="--out")
    return out


def _banks(content_dir: Path, module_ids: tuple[str, ...]) -> tuple[Content, list[ItemBank]]:
    content, diagnostics = validate_content(content_dir)
    if content is None or any(d.severity == "error" for d in diagnostics):
        fail(diagnostics)
    assert content is not None
    modules = _modules(content, list(module_ids), "--module") if module_ids else content.modules
    diagnostics = bank_problems(content, modules, diagnostics)
    banks = question_bank(content, modules)
    diagnostics += gift_problems(content, banks)
    if any(d.severity == "error" for d in diagnostics):
        fail(sort_diagnostics(diagnostics))
    report(diagnostics)
    if not banks:
        raise click.BadParameter("these modules have no quiz or drill", param_hint="--module")
    return content, banks


def _write(out: Path, data: bytes, what: str) -> None:
    try:
        write_file(out, data)
    except OSError as exc:
        click.echo(
            f"error: cannot write {display_path(str(out.resolve()))}: {exc.strerror}\n"
            "    hint: check the folder's permissions and free space",
            err=True,
        )
        sys.exit(1)
    size = f"{len(data) / 1024:.0f} KB" if len(data) >= 1024 else f"{len(data)} B"
    click.echo(f"wrote {display_path(str(out.resolve()))} ({size}): {what}")


@export.command()
@MODULES
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The GIFT file to write (replaced if it exists).",
)
@CONTENT
def gift(module_ids: tuple[str, ...], out: Path, content_dir: Path) -> None:
    """Moodle's GIFT: one category per module, the graded quiz's bank marked apart."""
    out = _out_file(out)
    content, banks = _banks(content_dir, module_ids)
    text = gift_text(content, banks)
    questions = sum(len(bank.questions) for bank in banks)
    categories = count_categories(banks, content)
    _write(out, text.encode("utf-8"), f"{questions} questions in {categories} categories")


@export.command()
@MODULES
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write (replaced if it exists).",
)
@CONTENT
def qti(module_ids: tuple[str, ...], out: Path, content_dir: Path) -> None:
    """QTI 1.2 as Canvas imports it: one assessment per quiz and per drill, in a zip."""
    out = _out_file(out)
    content, banks = _banks(content_dir, module_ids)
    package = qti_package(content, banks)
    _write(
        out,
        package.zip_bytes(),
        f"{package.questions} questions in {package.assessments} assessments",
    )


# --- trainer toolkit: `course handouts` and `course workshop` (builder/handouts.py, workshop.py)

PAPER = click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size of the PDFs.",
)
CHROMIUM = click.option(
    "--chromium",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The Chromium to print with (default: $COURSE_CHROMIUM, else chromium on the PATH).",
)


def _valid_content(content_dir: Path) -> Content:
    content, diagnostics = validate_content(content_dir)
    if content is None or any(d.severity == "error" for d in diagnostics):
        fail(diagnostics)
    report(diagnostics)
    assert content is not None
    return content


def _modules(content: Content, ids: list[str], option: str) -> list[Module]:
    modules, unknown = find_modules(content, ids)
    if unknown or not modules:
        known = [m.id for m in content.modules]
        word = unknown[0] if unknown else ""
        hint = did_you_mean(word, known) or f"the modules are: {', '.join(known)}"
        raise click.BadParameter(f"no module {word!r}; {hint}", param_hint=option)
    return modules


def _wrote(written: list[Written], *, err: bool = False) -> None:
    for file in written:
        pages = "" if file.pages is None else f"{file.pages} page{'' if file.pages == 1 else 's'}, "
        size = f"{pages}{file.size // 1024} KB"
        click.echo(f"wrote {display_path(str(file.path.resolve()))} ({size})", err=err)


@main.command()
@click.option("--module", "module_id", default=None, help="Only this module (default: all).")
@PAPER
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the PDFs into (other files in it are left alone).",
)
@CHROMIUM
@CONTENT
@TEMPLATES
def handouts(
    module_id: str | None,
    paper: str,
    out: Path,
    chromium: Path | None,
    content_dir: Path,
    templates_dir: Path,
) -> None:
    """Print facilitator guides, role-play cards and paper gamebooks as PDFs; for the whole
    course (no --module), also the learners' one-sheet job aid."""
    content = _valid_content(content_dir)
    if module_id is not None:
        _modules(content, [module_id], "--module")
    try:
        written = write_handouts(
            content, templates_dir.parent / "print", PAPERS[paper], out, module_id, chromium
        )
    except HandoutError as exc:
        click.echo(exc.format(), err=True)
        sys.exit(exc.exit_code)
    _wrote(written)


@main.command()
@click.option(
    "--modules", "module_ids", required=True, help="Module ids, comma-separated, in running order."
)
@click.option(
    "--minutes", type=click.IntRange(1, 1440), required=True, help="The length of the slot."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the agenda as workshop.html and workshop.pdf into this folder.",
)
@click.option(
    "--start",
    default=None,
    metavar="HH:MM",
    help="When the session starts (e.g. 09:00): the run of show gives clock times.",
)
@click.option(
    "--site-url",
    default=None,
    help="The published site's address, for the pre-work links (default: site_url of mkdocs.yml).",
)
@PAPER
@CHROMIUM
@CONTENT
@TEMPLATES
@CONFIG
def workshop(
    module_ids: str,
    minutes: int,
    out: Path | None,
    start: str | None,
    site_url: str | None,
    paper: str,
    chromium: Path | None,
    content_dir: Path,
    templates_dir: Path,
    config_file: Path,
) -> None:
    """Plan a workshop that fits MINUTES: a run of show, and what becomes pre-work."""
    try:
        begins = parse_start(start) if start is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--start") from None
    content = _valid_content(content_dir)
    modules = _modules(content, [i.strip() for i in module_ids.split(",")], "--modules")
    try:
        plan = plan_workshop(content, modules, minutes, begins, _site_urls(config_file))
    except WorkshopError as exc:
        click.echo(exc.problem.format(), err=True)
        sys.exit(exc.exit_code)
    click.echo(format_plan(plan), nl=False)
    if out is None:
        return
    address = site_url or _configured_site_url(config_file)
    try:
        written = write_workshop(
            content, plan, templates_dir.parent / "print", PAPERS[paper], out, chromium, address
        )
    except HandoutError as exc:
        click.echo(exc.format(), err=True)
        sys.exit(exc.exit_code)
    _wrote(written, err=True)


def _configured_site_url(config_file: Path) -> str:
    """mkdocs.yml's ``site_url`` (its ``!ENV`` tag read as MkDocs reads it)."""
    from mkdocs.utils.yaml import yaml_load

    if not config_file.is_file():
        raise click.UsageError(
            f"no MkDocs configuration at {config_file}; give --site-url or --config"
        )
    config = yaml_load(config_file.read_text(encoding="utf-8")) or {}
    url = config.get("site_url")
    if not isinstance(url, str) or not url:
        raise click.UsageError(f"{config_file} has no site_url; give --site-url")
    return url


def _site_urls(config_file: Path) -> Urls:
    """The form of the site's page URLs: ``use_directory_urls`` of mkdocs.yml, if there is one."""
    if not config_file.is_file():
        return Urls()
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _quiet_mkdocs()
    try:
        return Urls(load_config(str(config_file)).use_directory_urls)
    except MkDocsException as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None


# --- packages for an LMS: `course package` (builder/lms/package.py) -------------------------


@main.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="The kind of package: SCORM 1.2, SCORM 2004 (4th edition) or cmi5.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The zip to write (replaced whole).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@CONFIG
def package(format_name: str, out: Path, strict: bool, config_file: Path) -> None:
    """Package the course for an LMS: one zip with a launch page, manifest and the site."""
    import tempfile

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ..lms.package import PackageError, resume_problems, static_links, write_package
    from .mkdocs_plugin import CoursePlugin

    if not config_file.is_file():
        raise click.UsageError(
            f"no MkDocs configuration at {config_file}; run from the project folder"
        )
    fmt = FORMATS[format_name]
    _quiet_mkdocs()
    config = load_config(str(config_file), strict=strict)
    # The form a zip needs: pages as files (no server turns a folder into its index.html), no
    # instant navigation (it needs the site's own address) and no address of the site at all.
    config.use_directory_urls = False
    config.site_url = None
    features = config.theme["features"]
    config.theme["features"] = [f for f in features if f != "navigation.instant"]
    plugin = typing.cast(CoursePlugin, config.plugins["course"])
    # The folders MkDocs copies files from: the static folder and the theme's overrides.
    overrides = config.theme.custom_dir
    copied = [Path(config.docs_dir), *([Path(overrides)] if overrides else [])]
    problems = static_links(*copied)
    if problems:
        fail(problems)
    click.echo("Checking and rendering the content...", err=True)
    try:
        result = plugin.run(config, strict=strict or plugin.config.strict)
    except ContentError as exc:
        fail(exc.diagnostics)
    report(result.warnings)
    course_index = json.loads(result.rendered.course_json)
    content = result.content
    course_file = Path(plugin.config.content_dir)
    if not course_file.is_absolute():
        course_file = Path(config.config_file_path).parent / course_file
    problems, worst, how = resume_problems(fmt, course_index, course_file / "course.yml")
    if problems:
        fail(problems)
    del result
    with tempfile.TemporaryDirectory(prefix="course-package-") as temporary:
        site = Path(temporary) / "site"
        click.echo(f"Building the site for a {fmt.title} package...", err=True)
        config.site_dir = str(site)
        try:
            mkdocs_build(config)
            packaged = write_package(
                fmt, site, content, course_index, PACKAGE_TEMPLATES / "lms", out
            )
        except (MkDocsException, PackageError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(
        f"Packaged {fmt.title}: {display_path(str(out.resolve()))} ({packaged.size:,} bytes, "
        f"{packaged.files} files; resume data at most {worst:,} characters, {how})"
    )


# --- the live room: `course live` (builder/live.py, builder/adapters/live.py) ----------------


@main.command()
@click.option(
    "--modules",
    "module_ids",
    default=None,
    help="Module ids, comma-separated, in running order (default: every module).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on: 127.0.0.1 (this laptop only), the laptop's address on "
    "the room's network, or 0.0.0.0 (every network the laptop is on).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The built site (`course build`), served beside the live views.",
)
@CONTENT
@TEMPLATES
def live(
    module_ids: str | None,
    host: str,
    port: int,
    site_dir: Path,
    content_dir: Path,
    templates_dir: Path,
) -> None:
    """Run a live session: the room votes from their phones on the modules' questions."""
    import uvicorn

    from ..live import MAX_MESSAGE_BYTES, Room, activities
    from .live import create_app, join_address

    content = _valid_content(content_dir)
    ids = [i.strip() for i in module_ids.split(",")] if module_ids else []
    modules = _modules(content, ids, "--modules") if ids else content.modules
    if not (site_dir / "course.json").is_file():
        click.echo(
            f"error: no built site in {display_path(str(site_dir.resolve()))}/\n"
            "    hint: run `course build` first (the live views open the group debrief from it)",
            err=True,
        )
        sys.exit(1)
    found = activities(content, modules)
    if not found:
        raise click.BadParameter(
            "these modules have nothing to vote on (no quiz, drill, case or role play)",
            param_hint="--modules",
        )
    room = Room(content, found)
    join_url = join_address(host, port)
    app = create_app(room, site_dir.resolve(), templates_dir.parent.resolve(), join_url)
    local = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
    click.echo(
        f"Live session for {len(found)} activities. Join code: {room.code}\n"
        f"  participants join at   {join_url}\n"
        f"  projector (keep private): {local}/live/projector?key={room.key}\n"
        f"  trainer controls (phone): {join_url}control?key={room.key}\n"
        "Press Ctrl+C to stop; the answers are kept only while this runs.",
        err=True,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        ws_max_size=MAX_MESSAGE_BYTES,
        log_level="warning",
        access_log=False,
    )


# --- end of trainer toolkit ----------------------------------------------------------------


def _quiet_mkdocs(level: int = logging.WARNING) -> None:
    """Show MkDocs' warnings (ours are already formatted diagnostics) and nothing chattier."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
