"""builder/diagrams.py: where diagrams go in a page, and how each kind is laid out.

The drawn SVG of each kind is in the golden pages (the fixture's welcome page and job aid);
these tests hold what a golden file cannot say in general: every word of the data is drawn
and described, nothing runs out of its box, and the shipped pages place each diagram.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.diagrams import CHAR, DATA_OF, Drawing, body_parts, drawing, headings
from builder.model import Diagram, Page
from builder.validate import Content, validate_content

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> Content:
    content, _ = validate_content(ROOT / "content")
    assert content is not None
    return content


def names_of(content: Content) -> dict[str, str]:
    return {key: info.name for key, info in content.course.approaches.items()}


def page(body: str, *diagrams: dict[str, str]) -> Page:
    data = {"kind": "page", "id": "p", "title": "P", "body": body, "diagrams": list(diagrams)}
    return Page.model_validate(data)


BODY = "Intro.\n\n## One\n\nText.\n\n```\n## Not a heading\n```\n\n### Two ##\n\nMore.\n"


def test_headings_are_read_as_written_outside_code_blocks() -> None:
    assert headings(BODY) == ["One", "Two"]


def test_the_body_is_cut_before_the_headings_its_diagrams_go_before() -> None:
    parts = body_parts(
        page(
            BODY,
            {"kind": "team-grid", "before": "Two"},
            {"kind": "levers"},
            {"kind": "levers", "before": "One"},
        )
    )
    assert [(text.split("\n")[0], d.kind if d else None) for text, d in parts] == [
        ("Intro.", "levers"),
        ("## One", "team-grid"),
        ("### Two ##", "levers"),
    ]
    assert "".join(text for text, _ in parts).replace("\n", "") == BODY.replace("\n", "")


def test_a_page_without_diagrams_is_one_part() -> None:
    assert body_parts(page(BODY)) == [(BODY, None)]


@pytest.mark.parametrize("kind", sorted(DATA_OF))
@pytest.mark.parametrize("narrow", [False, True], ids=["page", "narrow"])
def test_every_text_fits_its_box_and_every_box_the_drawing(
    shipped: Content, kind: str, narrow: bool
) -> None:
    layout = drawing(kind, shipped.course, narrow=narrow)
    for box in layout.boxes:
        assert min(box.x, box.y) >= 0
        assert box.x + box.w <= layout.width
        assert box.y + box.h <= layout.height
    for text in layout.texts:
        inside = [b for b in layout.boxes if b.x < text.x < b.x + b.w and b.y < text.y < b.y + b.h]
        if not text.start or not inside:
            continue
        (box,) = inside
        assert text.x + len(text.text) * text.size * CHAR <= box.x + box.w, text.text
        assert text.y <= box.y + box.h - 4, text.text


def drawn_words(layout: Drawing) -> str:
    return " ".join(" ".join(t.text for t in layout.texts).split())


def test_the_levers_diagram_draws_and_describes_every_driver(shipped: Content) -> None:
    layout = drawing("levers", shipped.course)
    for driver in shipped.course.drivers:
        for text in [driver.name, driver.meaning or "", names_of(shipped)[driver.lever]]:
            assert text in drawn_words(layout)
            assert text.lower() in layout.description.lower()


def test_the_grid_draws_and_describes_every_box_and_axis(shipped: Content) -> None:
    layout = drawing("team-grid", shipped.course)
    grid = shipped.course.team_grid
    assert grid is not None
    for text in [grid.up.name, grid.across.name, *(b.name for b in grid.boxes)]:
        assert text in drawn_words(layout)
    for box in grid.boxes:
        assert box.needs in drawn_words(layout)
        assert box.needs in layout.description
    assert "Strivers, high desire and still developing competency" in layout.description


def test_the_test_draws_each_question_in_order_with_its_answer(shipped: Content) -> None:
    layout = drawing("lookalike-test", shipped.course)
    words = drawn_words(layout)
    found = [
        words.index(f"{n}. {step.question}")
        for n, step in enumerate(shipped.course.lookalike_test, 1)
    ]
    assert found == sorted(found)
    assert "Role modeling or mentoring" in words
    assert layout.description.startswith("Ask the questions in order; the first yes decides.")
    assert len(re.findall(r"\byes\b", words)) == len(shipped.course.lookalike_test)


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ("three-levers-intro", "levers"),
        ("lookalikes-intro", "lookalike-test"),
        ("team-grid", "team-grid"),
    ],
)
def test_the_shipped_pages_place_each_diagram_where_they_talk_about_it(
    shipped: Content, item: str, kind: str
) -> None:
    found = shipped.items[item]
    assert isinstance(found, Page)
    assert [d.kind for d in found.diagrams] == [kind]
    (diagram,) = found.diagrams
    assert isinstance(diagram, Diagram)
    assert diagram.before in headings(found.body)
