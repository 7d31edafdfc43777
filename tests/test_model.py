"""builder/model/: what the content model says about its own fields."""

from __future__ import annotations

from pathlib import Path

from builder.model import Case, Course
from builder.model.common import text_fields
from builder.validate import validate_content

FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course" / "content"


def test_text_fields_finds_every_text_with_its_location_and_format() -> None:
    content, _ = validate_content(FIXTURE_COURSE)
    assert content is not None
    case = content.items["fork-in-the-road"]
    assert isinstance(case, Case)
    found = {f.at: (f.value, f.markdown) for f in text_fields(case)}
    assert found[("title",)] == (case.title, False)
    assert found[("steps", 0, "text")] == (case.steps[0].text, True)
    assert found[("steps", 1, "choices", 0, "consequence")][1] is True
    assert ("start",) not in found, "an id is not text"
    assert ("steps", 1, "choices", 0, "approach") not in found, "nor is an approach"


def test_texts_in_mappings_are_found_under_their_key() -> None:
    content, _ = validate_content(FIXTURE_COURSE)
    assert content is not None
    course = content.course
    assert isinstance(course, Course)
    at = {f.at for f in text_fields(course)}
    assert ("approaches", "managing", "definition") in at
    assert ("approaches", "coaching", "signs", 1) in at
