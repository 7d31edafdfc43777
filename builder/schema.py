"""The JSON Schema of content files, generated from the model (one source of truth)."""

from __future__ import annotations

import json
from typing import Any

from .model import DOCUMENT_ADAPTER

SCHEMA_ID = "https://coaching-course.invalid/schema/content.schema.json"


def content_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) accepting any content file; ``kind`` selects the variant."""
    schema = DOCUMENT_ADAPTER.json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Course content file",
        "description": "One file of content/: course, module, case, roleplay, drill, quiz or page.",
        **schema,
    }


def schema_text() -> str:
    """The schema as stable, pretty-printed JSON text."""
    return json.dumps(content_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
