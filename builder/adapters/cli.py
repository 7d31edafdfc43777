"""The `course` command: a thin layer of click over the core and MkDocs."""

from __future__ import annotations

import logging
import os
import sys
import time
import typing
from pathlib import Path

import click

from ..diagnostics import ContentError, Diagnostic, display_path
from ..pipeline import run_pipeline
from ..scaffold import KINDS, scaffold
from ..schema import schema_text
from ..validate import find_content_files, validate_content, validate_standalone
from ..write import build_into, write_pages

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


def report(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), err=True)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


def fail(diagnostics: list[Diagnostic]) -> None:
    report(diagnostics)
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
        result = plugin.run(config, strict=strict)
    except ContentError as exc:
        fail(exc.diagnostics)
    report(result.warnings)

    def fill(folder: Path) -> None:
        click.echo(f"Building the site with MkDocs into {display_path(str(target))}/ ...", err=True)
        config.site_dir = str(folder)
        mkdocs_build(config)

    try:
        build_into(target, fill)
    except MkDocsException as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    rendered = result.rendered
    click.echo(
        f"Built {len(rendered.pages)} pages ({len(result.content.items)} items, "
        f"{rendered.question_count} questions) into {display_path(str(target))}/ "
        f"in {time.perf_counter() - started:.1f} s"
    )


@main.command()
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@CONFIG
def serve(dev_addr: str, config_file: Path) -> None:
    """Preview the site; editing content or templates rebuilds it and reloads the page."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .mkdocs_plugin import CourseBuildError

    _quiet_mkdocs(logging.INFO)
    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)
    except CourseBuildError as exc:
        fail(exc.diagnostics)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@CONTENT
def validate(paths: tuple[Path, ...], strict: bool, content_dir: Path) -> None:
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
        fail(diagnostics)
    report(diagnostics)
    click.echo(f"{checked} file(s) checked: no errors")


def _under(path: str, wanted: set[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == w or resolved.is_relative_to(w) for w in wanted)


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of content files (generated from the model)."""
    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)


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
    count = write_pages(
        result.rendered.pages, {"course.json": result.rendered.course_json}, directory.resolve()
    )
    click.echo(f"Wrote {count} files into {display_path(str(directory.resolve()))}/")


def _quiet_mkdocs(level: int = logging.WARNING) -> None:
    """Show MkDocs' warnings (ours are already formatted diagnostics) and nothing chattier."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
