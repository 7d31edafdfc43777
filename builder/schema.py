"""JSON Schemas of content files, generated from the model (one source of truth).

``content.schema.json`` accepts any content file (``kind`` selects the variant); one schema per
kind (``case.schema.json``...) gives editors sharper completion. Content files name theirs in
a first line ``# yaml-language-server: $schema=...``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import DOCUMENT_ADAPTER, MODELS

SCHEMA_BASE = "https://coaching-course.invalid/schema/"
KINDS = sorted(MODELS)


def schema_file(kind: str | None = None) -> str:
    """The file name of a schema: ``content.schema.json`` or ``<kind>.schema.json``."""
    return f"{kind or 'content'}.schema.json"


def content_schema(kind: str | None = None) -> dict[str, Any]:
    """A JSON Schema (2020-12) for one kind of content file, or for any of them."""
    if kind is None:
        schema = DOCUMENT_ADAPTER.json_schema(mode="validation")
        title, description = "Course content file", "One file of content/, of any kind."
    else:
        schema = MODELS[kind].model_json_schema(mode="validation")
        title = f"Course content file: {kind}"
        description = schema.pop("description", "")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + schema_file(kind),
        **schema,
        "title": title,
        "description": description,
    }


def schema_text(kind: str | None = None) -> str:
    """The schema as stable, pretty-printed JSON text."""
    return json.dumps(content_schema(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def all_schemas() -> dict[str, str]:
    """Every schema file the project ships, by file name."""
    return {schema_file(kind): schema_text(kind) for kind in [None, *KINDS]}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in all_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
