"""`course new`: a commented skeleton for a new item, listed in its module; `course init`: a
new course project."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2

from .diagnostics import ContentError, Diagnostic, Position
from .layers import PACKAGE_TEMPLATES
from .load import load_file
from .model import ITEM_KINDS
from .model.common import ID_PATTERN
from .schema import course_categories, schema_file, write_schemas
from .validate import Document, check_document, find_content_files

KINDS = list(ITEM_KINDS)
#: The skeletons, shipped with the package (builder/layers.py).
SKELETONS = PACKAGE_TEMPLATES / "new"
#: The project `course init` starts: a small course that builds as it is.
STARTER = PACKAGE_TEMPLATES / "init"
SCHEMA_DIR = Path("schema")  # relative to the project folder


def scaffold(content_dir: Path, kind: str, item_id: str, module_id: str) -> list[Path]:
    """Write ``<module folder>/<id>.yml`` and append the id to the module's ``items``."""
    where = Position(str(content_dir))
    if not re.match(ID_PATTERN, item_id):
        raise ContentError(
            [
                Diagnostic(
                    "invalid-value",
                    f"`{item_id}` is not a valid id",
                    where,
                    "ids use lower-case letters, digits and single hyphens, e.g. `kpi-review`",
                )
            ]
        )
    modules: dict[str, Document] = {}
    categories = ["coaching", "managing"]  # a course file without categories: an example
    contrast = None
    for path in find_content_files(content_dir):
        loaded, _problems = load_file(path)
        if loaded is None:
            continue
        approaches = loaded.data.get("approaches")
        if loaded.data.get("kind") == "course" and isinstance(approaches, dict) and approaches:
            categories = [str(key) for key in approaches]
            contrast = loaded.data.get("contrast")
        if loaded.data.get("id") == item_id:
            raise ContentError(
                [
                    Diagnostic(
                        "duplicate-id",
                        f"id `{item_id}` is already used",
                        loaded.position(("id",)),
                        "choose another id",
                    )
                ]
            )
        document, _problems = check_document(loaded)
        if document is not None and document.model.kind == "module":
            modules[document.model.id] = document
    module = modules.get(module_id)
    if module is None:
        raise ContentError(
            [
                Diagnostic(
                    "unknown-reference",
                    f"there is no module `{module_id}`",
                    where,
                    f"known modules: {', '.join(sorted(modules)) or 'none'}",
                )
            ]
        )
    target = Path(module.path).parent / f"{item_id}.yml"
    if target.exists():
        raise ContentError(
            [
                Diagnostic(
                    "file-exists",
                    f"{target} already exists",
                    Position(str(target)),
                    "choose another id, or edit the existing file",
                )
            ]
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SKELETONS)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    schema = content_dir.resolve().parent / SCHEMA_DIR / schema_file(kind)
    schema_path = Path(os.path.relpath(schema, target.parent.resolve())).as_posix()
    # The skeleton names the course's own categories: the contrast (or the first), and another.
    one = contrast if contrast in categories else categories[0]
    other = next((c for c in categories if c != one), one)
    text = env.get_template(f"{kind}.yml.j2").render(
        kind=kind,
        id=item_id,
        schema_path=schema_path,
        categories=categories,
        one=one,
        other=other,
    )
    target.write_text(text, encoding="utf-8")
    module_path = Path(module.path)
    module_path.write_text(_append_item(module, item_id), encoding="utf-8")
    return [target, module_path]


def _append_item(module: Document, item_id: str) -> str:
    """The module file's text with ``item_id`` added at the end of ``items``, comments kept."""
    text = Path(module.path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    items = module.loaded.data["items"]
    value = module.loaded.position(("items",))
    line = lines[value.line - 1]
    if not items or line[value.column - 1 : value.column] == "[":  # flow style: [a, b]
        start = sum(len(before) for before in lines[: value.line - 1]) + value.column - 1
        end = text.index("]", start) + 1  # ids never contain brackets
        listed = ", ".join([*items, item_id])
        return f"{text[:start]}[{listed}]{text[end:]}"
    last = module.loaded.position(("items", len(items) - 1))
    indent = " " * (last.column - 3) if last.column >= 3 else ""
    lines.insert(last.line, f"{indent}- {item_id}\n")
    return "".join(lines)


def init_project(folder: Path) -> list[Path]:
    """Start a course project in ``folder`` (new, or empty): the starter course, its
    mkdocs.yml and README, and the schemas of its content. Templates stay in the package
    (builder/layers.py); ``templates/static/`` is the project's own folder of site files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ContentError(
            [
                Diagnostic(
                    "project-exists",
                    f"{folder} is not an empty folder",
                    Position(str(folder)),
                    "give `course init` a new folder (it creates it), or an empty one",
                )
            ]
        )
    written = []
    for source in sorted(STARTER.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            target = folder / source.relative_to(STARTER)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            written.append(target)
    static = folder / "templates" / "static"  # MkDocs' docs_dir: it must exist
    static.mkdir(parents=True, exist_ok=True)
    (static / ".gitkeep").write_text("", encoding="utf-8")
    written += write_schemas(folder / SCHEMA_DIR, course_categories(folder / "content"))
    (folder / ".gitignore").write_text("site/\n", encoding="utf-8")
    return [*written, static / ".gitkeep", folder / ".gitignore"]
