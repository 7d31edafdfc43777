"""JSON Schemas of content files, generated from the model (one source of truth).

``content.schema.json`` accepts any content file (``kind`` selects the variant); one schema per
kind (``case.schema.json``...) gives editors sharper completion. Content files name theirs in
a first line ``# yaml-language-server: $schema=...``.

The schemas are a course's own: every field that names a category lists the categories its
course file defines (``course_categories``), so editors complete them; without a course file,
such a field takes any id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .load import load_file
from .model import DOCUMENT_ADAPTER, MODELS
from .model.common import CATEGORY_KEYWORD
from .validate import find_content_files

SCHEMA_BASE = "https://coaching-course.invalid/schema/"
KINDS = sorted(MODELS)


def schema_file(kind: str | None = None) -> str:
    """The file name of a schema: ``content.schema.json`` or ``<kind>.schema.json``."""
    return f"{kind or 'content'}.schema.json"


def course_categories(content: Path) -> list[str] | None:
    """The category ids the course file below ``content`` defines, in its order; None when no
    file there is a course with a mapping of `approaches` (the file need not be valid)."""
    candidates = [content / "course.yml"] if (content / "course.yml").is_file() else []
    for path in [*candidates, *find_content_files(content)] if content.is_dir() else []:
        loaded, _problems = load_file(path)
        if loaded is None or loaded.data.get("kind") != "course":
            continue
        approaches = loaded.data.get("approaches")
        if isinstance(approaches, dict):
            return [key for key in approaches if isinstance(key, str)]
    return None


def content_schema(kind: str | None = None, categories: list[str] | None = None) -> dict[str, Any]:
    """A JSON Schema (2020-12) for one kind of content file, or for any of them; category ids
    are one of ``categories`` (the course's), or any id when None."""
    if kind is None:
        schema = _by_kind(DOCUMENT_ADAPTER.json_schema(mode="validation"))
        title, description = "Course content file", "One file of content/, of any kind."
    else:
        schema = MODELS[kind].model_json_schema(mode="validation")
        title = f"Course content file: {kind}"
        description = schema.pop("description", "")
    schema = _categories(_nullable(schema, schema.get("$defs", {})), categories)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + schema_file(kind),
        **schema,
        "title": title,
        "description": description,
    }


# Shaped so that a validator's first message is the useful one. check-jsonschema shows the
# "best match" of an error: for an optional value written as `anyOf` [value, null] that was
# "is not of type 'null'", and for a file of any kind (a `oneOf` of every kind) an error of
# some other kind's schema.


def _by_kind(schema: dict[str, Any]) -> dict[str, Any]:
    """Any kind of file: `kind` picks the one schema it is checked against (if/then)."""
    mapping: dict[str, str] = schema.pop("discriminator")["mapping"]
    schema.pop("oneOf")
    kinds = sorted(mapping)
    return {
        **schema,
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": kinds, "description": "What the file describes."}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": mapping[kind]},
            }
            for kind in kinds
        ],
    }


def _nullable(node: Any, defs: dict[str, Any]) -> Any:
    """Every `anyOf` [value, null] rewritten so the value's own message comes first: an enum
    or a plain type takes null in, anything else is checked unless it is null."""
    if isinstance(node, list):
        return [_nullable(one, defs) for one in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value, defs) for key, value in node.items()}
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and {"type": "null"} in options):
        return node
    value = next(option for option in options if option != {"type": "null"})
    rest = {key: one for key, one in node.items() if key != "anyOf"}
    target = defs.get(str(value.get("$ref", "")).rsplit("/", 1)[-1], {})
    if "$ref" in value and "enum" in target:
        return {**rest, "enum": [*target["enum"], None]}
    if isinstance(value.get("type"), str):
        return {**rest, **value, "type": [value["type"], "null"]}
    return {**rest, "if": {"not": {"type": "null"}}, "then": value}


def _categories(node: Any, categories: list[str] | None) -> Any:
    """Each category id's schema (marked by the model) with the course's ids as its enum."""
    if isinstance(node, list):
        return [_categories(one, categories) for one in node]
    if not isinstance(node, dict):
        return node
    node = {key: _categories(value, categories) for key, value in node.items()}
    if node.pop(CATEGORY_KEYWORD, None) and categories is not None:
        nullable = isinstance(node.get("type"), list) and "null" in node["type"]
        node["enum"] = [*categories, None] if nullable else list(categories)
    return node


def schema_text(kind: str | None = None, categories: list[str] | None = None) -> str:
    """The schema as stable, pretty-printed JSON text."""
    schema = content_schema(kind, categories)
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def all_schemas(categories: list[str] | None = None) -> dict[str, str]:
    """Every schema file the project ships, by file name, for a course of ``categories``."""
    return {schema_file(kind): schema_text(kind, categories) for kind in [None, *KINDS]}


def write_schemas(folder: Path, categories: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in all_schemas(categories).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
