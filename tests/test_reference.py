"""Contributor pages: the field reference generated from the model, and the scenario maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import MODELS, Case
from builder.pages.contributors import case_map, field_reference
from builder.render import render
from builder.validate import validate_content

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "course" / "content"


def make_case(steps: list[dict[str, object]], start: str = "a") -> Case:
    return Case.model_validate(
        {"kind": "case", "id": "c", "title": "C", "start": start, "steps": steps}
    )


def step(step_id: str, *targets: str) -> dict[str, object]:
    choices = [
        {"id": f"to-{t}", "text": f"Go to {t}", "consequence": "Then.", "next": t, "best": i == 0}
        for i, t in enumerate(targets)
    ]
    return {"id": step_id, "title": step_id.upper(), "text": "Text.", "choices": choices}


CATEGORIES = ["praise", "criticism"]


def test_the_field_reference_covers_every_kind_and_every_field_with_its_description() -> None:
    docs = {doc.name: doc for doc in field_reference(CATEGORIES)}
    for kind, model in MODELS.items():
        doc = docs[model.__name__]
        assert doc.kind == kind
        assert [f.name for f in doc.fields] == list(model.model_fields)
    for doc in docs.values():
        for f in doc.fields:
            assert f.description, f"{doc.name}.{f.name} has no description in the model"


def test_nested_structures_are_documented_and_linked_from_their_fields() -> None:
    docs = {doc.name: doc for doc in field_reference(CATEGORIES)}
    steps = next(f for f in docs["Case"].fields if f.name == "steps")
    assert steps.type == "list of Step (at least 1)"
    assert steps.link == "step"
    assert "Choice" in docs
    assert "Option" in docs
    assert "RunSheetEntry" in docs
    approach = next(f for f in docs["Statement"].fields if f.name == "approach")
    assert approach.type == "approach (`praise`, `criticism`)", "the course's own categories"
    required = {f.name: f.required for f in docs["Quiz"].fields}
    assert required["questions"]
    assert not required["pass_mark"]


def test_a_map_lays_steps_out_in_layers_from_the_start() -> None:
    case = make_case([step("end"), step("b", "end"), step("a", "b", "end")])
    drawn = case_map(case)
    y = {node.id: node.y for node in drawn.nodes}
    assert y["a"] < y["b"] == y["end"], "both are one choice away from the start"
    assert {(e.source, e.target) for e in drawn.edges} == {("a", "b"), ("a", "end"), ("b", "end")}
    assert [n.id for n in drawn.nodes if n.ending] == ["end"]
    assert [e.best for e in drawn.edges if e.source == "a"] == [True, False]


def test_a_loop_back_is_drawn_round_the_side_and_an_unreachable_step_in_the_last_layer() -> None:
    case = make_case([step("a", "b"), step("b", "a"), step("lost")])
    drawn = case_map(case)
    y = {node.id: node.y for node in drawn.nodes}
    assert y["lost"] > y["b"] > y["a"]
    back = next(e for e in drawn.edges if e.source == "b")
    assert back.target == "a"
    assert back.path.startswith("M")
    assert drawn.width >= 200
    assert drawn.height > y["lost"]


def test_long_step_titles_are_cut_to_two_lines_in_a_box() -> None:
    case = make_case([{"id": "a", "title": "A very long title " * 6, "text": "T."}])
    (node,) = case_map(case).nodes
    assert len(node.lines) == 2
    assert node.lines[-1].endswith("…")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    content, _ = validate_content(FIXTURE)
    assert content is not None
    return {p.path: p.text for p in render(content, ROOT / "templates" / "pages").pages}


def test_the_contributor_pages_are_on_the_site_with_escaped_text(pages: dict[str, str]) -> None:
    listing = pages["contributors/maps.md"]
    maps = {path: text for path, text in pages.items() if path.startswith("contributors/maps/")}
    assert len(maps) == 1, "a page for each branching case"
    ((path, one),) = maps.items()
    assert path == "contributors/maps/fork-in-the-road.md"
    assert '<a href="fork-in-the-road/">A fork in the road</a>' in listing
    assert "<svg " not in listing, "the list of maps holds no map, so it stays small"
    assert one.count("<svg ") == 1
    assert "<script" not in one
    assert 'role="img"' in one
    assert "<title id=" in one
    assert "search:\n  exclude: true" in one, "maps give away the cases: not in search"
    fields = pages["contributors/fields.md"]
    assert "(`kind: case`)" in fields
    assert "<code>start</code>" in fields


def test_the_field_reference_says_which_fields_take_markdown() -> None:
    """Contributors need to know where `*stars*` make emphasis and where they show as typed."""
    from builder.model.common import format_of

    documented = {
        (doc.name, f.name): f.type for doc in field_reference(CATEGORIES) for f in doc.fields
    }
    marks = {
        (model.__name__, name): format_of(model, name)
        for model in _all_models()
        for name in model.model_fields
    }
    texts = {key: mark for key, mark in marks.items() if mark is not None}
    assert len(texts) > 40
    for key, mark in texts.items():
        expected = "Markdown" if mark.markdown else "plain text"
        assert expected in documented[key], (key, documented[key])
    assert documented[("Step", "text")] == "Markdown"
    assert documented[("Choice", "text")] == "plain text"
    assert documented[("Facilitator", "debrief")] == "list of plain text"


def _all_models() -> list[type]:
    from pydantic import BaseModel

    seen: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = list(MODELS.values())
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            todo.extend(_models_in(info.annotation))
    return seen


def _models_in(annotation: object) -> list[type]:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
