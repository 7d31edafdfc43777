"""builder/estimate.py: self-study minutes from what a page asks a learner alone to read and do.

Each test builds a small item whose words are counted by hand, so the expected minutes are
arithmetic on the documented constants, not a copy of the implementation's result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builder.estimate import (
    MINUTES_PER_DECISION,
    MINUTES_PER_QUESTION,
    MINUTES_PER_REFLECTION,
    READING_WPM,
    estimate,
    minutes_text,
    module_minutes,
    self_study,
    taught_path,
    words,
)
from builder.lint import far_off
from builder.model import DOCUMENT_ADAPTER, Case, Item, Module
from builder.validate import validate_content

ROOT = Path(__file__).resolve().parents[1]


def item(data: dict[str, Any]) -> Item:
    model = DOCUMENT_ADAPTER.validate_python(data)
    assert not isinstance(model, Module)
    return model  # type: ignore[return-value]


def prose(n: int) -> str:
    """Exactly ``n`` words of Markdown prose."""
    return " ".join(["word"] * n)


def page(body_words: int, **extra: Any) -> Item:
    return item({"kind": "page", "id": "p", "title": "Title", "body": prose(body_words), **extra})


def option(oid: str, text: str, correct: bool = False, feedback: str = "") -> dict[str, Any]:
    return {"id": oid, "text": text, "correct": correct, "feedback": feedback or "x"}


# --- counting words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ask, then listen.", 3),
        ("**Desire → leading.** The example you set", 6),
        ("1+1+1: one competency, one behaviour", 5),
        ("It's $14,000 against 19,000 (a 25% win rate)", 8),
        ("- a list\n- of three\n\n## A heading — with a dash", 9),
    ],
)
def test_words_are_counted_as_a_word_processor_does_less_bullets_and_marks(
    text: str, expected: int
) -> None:
    assert words(text) == expected


# --- each kind ------------------------------------------------------------------------------


def test_a_page_is_its_words_at_the_reading_speed() -> None:
    # 1 title word + 599 body words = 600 words = 3 minutes
    assert estimate(page(599)) == round(600 / READING_WPM) == 3


def test_a_short_page_takes_at_least_a_minute() -> None:
    assert estimate(page(5)) == 1


def test_reflection_prompts_add_their_words_and_writing_time() -> None:
    with_two = page(399, reflect=[{"id": "a", "prompt": "One"}, {"id": "b", "prompt": "Two"}])
    # (1 + 399 + 2 words) / 200 = 2.01 minutes, plus two prompts to write to
    assert estimate(with_two) == round(2.01 + 2 * MINUTES_PER_REFLECTION) == 6


def test_a_case_counts_the_path_it_teaches_not_every_branch() -> None:
    long_branch = prose(2000)  # a dead end nobody on the taught path reads
    case = item(
        {
            "kind": "case",
            "id": "c",
            "title": "Case",
            "start": "one",
            "steps": [
                {
                    "id": "one",
                    "text": prose(200),
                    "choices": [
                        {"id": "ask", "text": "Ask", "consequence": prose(99), "next": "end"},
                        {"id": "tell", "text": "Tell", "consequence": "No", "next": "detour"},
                    ],
                },
                {"id": "detour", "text": long_branch},
                {"id": "end", "text": prose(97), "debrief": "Well done there"},
            ],
        }
    )
    assert isinstance(case, Case)
    assert [s.id for s in taught_path(case)] == ["one", "end"]
    # the first choice is taken where none is marked best: title 1, story 200, both choices 2,
    # its consequence 99, the ending 97 and its debrief 3 = 402 words, plus one decision
    assert estimate(case) == round(402 / READING_WPM + MINUTES_PER_DECISION) == 3


def test_a_case_follows_its_best_choice_to_the_ending() -> None:
    case = item(
        {
            "kind": "case",
            "id": "c",
            "title": "Case",
            "start": "one",
            "steps": [
                {
                    "id": "one",
                    "text": "Start",
                    "choices": [
                        {"id": "a", "text": "A", "consequence": "A", "next": "short"},
                        {"id": "b", "text": "B", "consequence": "B", "next": "long", "best": True},
                    ],
                },
                {"id": "short", "text": "Short"},
                {"id": "long", "text": prose(1000)},
            ],
        }
    )
    assert isinstance(case, Case)
    assert [s.id for s in taught_path(case)] == ["one", "long"]
    assert estimate(case) == 6  # 1005 words and a decision: 5.03 + 0.5


def test_a_drill_counts_statements_rationales_and_a_moment_per_statement() -> None:
    statements = [
        {"id": f"s{i}", "text": prose(20), "approach": "coaching", "rationale": prose(30)}
        for i in range(8)
    ]
    drill = item({"kind": "drill", "id": "d", "title": "Drill", "statements": statements})
    # 1 + 8 x 50 = 401 words, eight answers
    assert estimate(drill) == round(401 / READING_WPM + 8 * MINUTES_PER_QUESTION) == 4


def test_a_quiz_counts_the_right_options_feedback_not_every_options() -> None:
    question = {
        "id": "q",
        "prompt": prose(30),
        "options": [
            option("a", prose(10), correct=True, feedback=prose(50)),
            *(option(x, prose(10), feedback=prose(500)) for x in "bcd"),
        ],
    }
    questions = [{**question, "id": f"q{i}"} for i in range(5)]
    quiz = item({"kind": "quiz", "id": "q", "title": "Quiz", "questions": questions})
    # 1 + 5 x (30 + 4 x 10 + 50) = 601 words; the 1,500 words of wrong options' feedback
    # are a list a learner can open, not what they read
    assert estimate(quiz) == round(601 / READING_WPM + 5 * MINUTES_PER_QUESTION) == 4


def test_a_graded_quiz_counts_one_attempts_draw_not_the_whole_bank() -> None:
    approaches = ["leading", "managing", "coaching", "training", "mentoring", "role-modeling"]
    bank = [
        {
            "id": f"q{i}",
            "approach": approaches[i % 6],
            "prompt": prose(96),
            "options": [option("a", "A", correct=True), *(option(x, x.upper()) for x in "bcd")],
        }
        for i in range(60)
    ]
    base = {"kind": "quiz", "id": "f", "title": "Final", "pass_mark": 80, "questions": bank}
    one_each = item({**base, "draw": {"per_approach": 1}})
    twelve = item({**base, "draw": {"questions": 12}})
    # a question is 96 + 4 + 1 (the right option's feedback) = 101 words
    assert estimate(one_each) == round((1 + 6 * 101) / READING_WPM + 6 * MINUTES_PER_QUESTION)
    assert estimate(twelve) == round((1 + 12 * 101) / READING_WPM + 12 * MINUTES_PER_QUESTION)
    assert estimate(item(base)) > 4 * estimate(twelve), "without a draw, every question counts"


# --- overrides and modules --------------------------------------------------------------------


def test_an_authors_minutes_override_the_estimate() -> None:
    assert self_study(page(2000, minutes=4)) == 4
    assert self_study(page(2000)) == estimate(page(2000)) == 10


def test_a_module_takes_the_sum_of_its_items_unless_it_says_otherwise() -> None:
    items = [page(599), page(599, minutes=7)]
    base = {"kind": "module", "id": "m", "title": "M", "summary": "S", "objectives": ["O"]}
    module = Module.model_validate({**base, "items": ["p", "p"]})
    assert module_minutes(module, map(self_study, items)) == 3 + 7
    stated = Module.model_validate({**base, "items": ["p", "p"], "minutes": 45})
    assert module_minutes(stated, map(self_study, items)) == 45


@pytest.mark.parametrize(
    ("stated", "computed", "far"),
    [
        pytest.param(8, 3, True, id="the-reviews-586-word-page-labelled-8-minutes"),
        pytest.param(12, 9, False, id="a-quarter-off"),
        pytest.param(4, 1, False, id="four-times-but-three-minutes"),
        pytest.param(10, 21, True, id="less-than-half"),
        pytest.param(30, 21, False, id="the-final-assessment"),
    ],
)
def test_an_override_is_far_off_when_over_twice_or_under_half_and_five_minutes_away(
    stated: int, computed: int, far: bool
) -> None:
    assert far_off(stated, computed) is far


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (61, "1 hour 1 minute"),
        (125, "2 hours 5 minutes"),
    ],
)
def test_minutes_read_as_hours_and_minutes(minutes: int, text: str) -> None:
    assert minutes_text(minutes) == text


def test_the_shipped_course_states_no_minutes_far_from_the_estimate() -> None:
    content, diagnostics = validate_content(ROOT / "content")
    assert content is not None
    assert [d.format() for d in diagnostics if d.code == "minutes-off-estimate"] == []
    assert sum(map(content.module_minutes, content.modules)) > 120
