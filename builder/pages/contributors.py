"""Pages for contributors: the field reference (from the model) and the scenario maps.

Both are data computed here and drawn by templates in ``templates/pages/contributors/``:
the field reference reads each model's field descriptions, so the docs can never drift from
the code; the maps lay out each branching case as layers of steps joined by its choices.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ..model import MODELS, Case
from ..model.common import CATEGORY, format_of
from ..validate import Content
from .environment import PageSink
from .site import NavEntry, map_path, page_meta

SECTION = "For contributors"


# --- field reference ---------------------------------------------------------------------


@dataclass
class FieldDoc:
    name: str
    type: str
    required: bool
    description: str
    link: str | None = None


@dataclass
class ModelDoc:
    name: str
    anchor: str
    summary: str
    fields: list[FieldDoc]
    kind: str | None = None


def _describe_type(
    annotation: Any, found: list[type[BaseModel]], categories: list[str]
) -> tuple[str, str | None]:
    """A reader's name for a field type, and the anchor of the model it points to (if any);
    a category id lists ``categories``, the course's."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        if CATEGORY in args[1:]:
            return "approach (" + ", ".join(f"`{c}`" for c in categories) + ")", None
        return _describe_type(args[0], found, categories)
    if origin in (typing.Union, types.UnionType):
        parts = [_describe_type(a, found, categories) for a in args if a is not type(None)]
        return " or ".join(p[0] for p in parts), next((p[1] for p in parts if p[1]), None)
    if origin is list:
        inner, link = _describe_type(args[0], found, categories)
        return f"list of {inner}", link
    if origin is dict:
        key, _ = _describe_type(args[0], found, categories)
        value, link = _describe_type(args[1], found, categories)
        return f"mapping of {key} to {value}", link
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args), None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.append(annotation)
        return annotation.__name__, annotation.__name__.lower()
    names = {str: "text", int: "whole number", bool: "`true` or `false`", float: "number"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation))), None


def field_reference(categories: list[str]) -> list[ModelDoc]:
    """Every content kind and every nested structure, with its fields, in reading order; a
    field naming a category lists ``categories`` (the course's ids)."""
    docs: list[ModelDoc] = []
    queue: list[type[BaseModel]] = list(MODELS.values())
    kinds: dict[type[BaseModel], str] = {model: kind for kind, model in MODELS.items()}
    seen: set[type[BaseModel]] = set()
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        nested: list[type[BaseModel]] = []
        fields = []
        for name, info in model.model_fields.items():
            annotation: Any = info.annotation
            if CATEGORY in info.metadata:  # pydantic keeps a bare field's marks here
                annotation = typing.Annotated[annotation, CATEGORY]
            type_name, link = _describe_type(annotation, nested, categories)
            mark = format_of(model, name)
            if mark is not None:  # say which texts are Markdown and which are shown as written
                shown = "Markdown" if mark.markdown else "plain text"
                type_name = re.sub(r"\btext\b", shown, type_name)
            least = next((getattr(m, "min_length", None) for m in info.metadata), None)
            if least and type_name.startswith("list"):
                type_name += f" (at least {least})"
            required = info.default is PydanticUndefined and info.default_factory is None
            fields.append(FieldDoc(name, type_name, required, info.description or "", link))
        summary = (model.__doc__ or "").strip().splitlines()[0]
        docs.append(
            ModelDoc(model.__name__, model.__name__.lower(), summary, fields, kinds.get(model))
        )
        queue.extend(n for n in nested if n not in seen)
    return docs


# --- scenario maps -----------------------------------------------------------------------

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 200, 56, 24, 56, 12


@dataclass
class Node:
    id: str
    title: str
    x: int
    y: int
    ending: bool
    lines: list[str] = field(default_factory=list)


@dataclass
class Edge:
    source: str
    target: str
    choice: str
    best: bool
    path: str


@dataclass
class CaseMap:
    case: Case
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def _wrap(text: str, width: int = 26, lines: int = 2) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def case_map(case: Case) -> CaseMap:
    """Layers by distance from the start step; unreachable steps go in a last layer."""
    by_id = {step.id: step for step in case.steps}
    level = case.depths()
    last = max(level.values(), default=-1) + 1
    for step in case.steps:
        level.setdefault(step.id, last)
    layers: dict[int, list[str]] = {}
    for step_id in sorted(level, key=lambda s: (level[s], list(by_id).index(s))):
        layers.setdefault(level[step_id], []).append(step_id)
    widest = max(len(ids) for ids in layers.values())
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    nodes: dict[str, Node] = {}
    for depth, ids in sorted(layers.items()):
        row = len(ids) * BOX_W + (len(ids) - 1) * GAP_X
        for i, step_id in enumerate(ids):
            step = by_id[step_id]
            title = step.title or step_id
            x = (width - row) // 2 + i * (BOX_W + GAP_X)
            y = MARGIN + depth * (BOX_H + GAP_Y)
            nodes[step_id] = Node(step_id, title, x, y, not step.choices, _wrap(title))
    edges = []
    for step in case.steps:
        for choice in step.choices:
            if choice.next not in nodes:
                continue
            a, b = nodes[step.id], nodes[choice.next]
            x1, y1 = a.x + BOX_W // 2, a.y + BOX_H
            x2, y2 = b.x + BOX_W // 2, b.y
            if b.y > a.y:
                mid = (y1 + y2) // 2
                path = f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}"
            else:  # a choice that loops back up: go round the side
                side = max(a.x, b.x) + BOX_W + GAP_X // 2
                path = f"M{a.x + BOX_W},{a.y + BOX_H // 2} C{side},{a.y} {side},{b.y} {x2},{y2}"
            edges.append(Edge(step.id, choice.next, choice.text, choice.best, path))
    height = MARGIN * 2 + (max(layers) + 1) * BOX_H + max(layers) * GAP_Y
    return CaseMap(case, width, height, list(nodes.values()), edges)


def render_reference(content: Content, sink: PageSink) -> NavEntry:
    """Add the contributor pages through ``sink``; return their navigation section."""
    add = sink.add
    section = NavEntry(SECTION)
    add(
        "contributors/fields.md.j2",
        "contributors/fields.md",
        "Field reference",
        models=field_reference(content.course.approach_order),
    )
    section.children.append(NavEntry("Field reference", "contributors/fields.md"))
    by_module = []
    for module in content.modules:
        cases = [item for item in content.items_of(module) if isinstance(item, Case)]
        if cases:
            by_module.append((module, [case_map(case) for case in cases]))
    if by_module:
        # One page per case, so no page grows with the course; only the list is in the nav.
        # Maps mark the choice each case teaches: they stay out of the learners' search.
        add(
            "contributors/maps.md.j2",
            "contributors/maps.md",
            "Scenario maps",
            meta=page_meta("Scenario maps", searchable=False),
            by_module=by_module,
        )
        for module, maps in by_module:
            for one in maps:
                title = f"Map: {one.case.title}"
                add(
                    "contributors/map.md.j2",
                    map_path(one.case),
                    title,
                    meta=page_meta(title, searchable=False),
                    map=one,
                    module=module,
                )
        section.children.append(NavEntry("Scenario maps", "contributors/maps.md"))
    return section
