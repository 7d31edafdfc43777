"""builder/lint.py: the cues a test-wise learner could use, and where the lines are drawn.

The exact printed warnings of each rule are golden files (tests/fixtures/invalid/lint-*.yml).
This file holds the examples behind the thresholds and the properties the goldens cannot show.
"""

from __future__ import annotations

import pytest

from builder.lint import order_dependent_phrase

# --- options that point at other options ----------------------------------------------------


@pytest.mark.parametrize(
    ("option", "prompt", "phrase"),
    [
        pytest.param("All of the above", "Q?", "All of the above", id="all-of-the-above"),
        pytest.param("None of the above.", "Q?", "None of the above", id="none-of-the-above"),
        pytest.param("Both of these are managing.", "Q?", "Both of these", id="both-of-these"),
        pytest.param("Both A and B", "Which is coaching?", "A and B", id="a-and-b"),
        pytest.param("Neither B nor C", "Which is coaching?", "B nor C", id="neither-b-nor-c"),
        pytest.param("The first two", "Q?", "The first two", id="the-first-two"),
        pytest.param("Options 1 and 3", "Q?", "Options 1 and 3", id="options-1-and-3"),
        pytest.param("(a) and (c)", "Q?", "(a) and (c)", id="lettered-in-brackets"),
        pytest.param("The one above", "Q?", "one above", id="the-one-above"),
        pytest.param("Same as option B", "Q?", "option B", id="option-b"),
    ],
)
def test_an_option_pointing_at_others_by_place_or_label_is_found(
    option: str, prompt: str, phrase: str
) -> None:
    assert order_dependent_phrase(option, prompt) == phrase


@pytest.mark.parametrize(
    ("option", "prompt"),
    [
        pytest.param(
            "A and B are both managing",
            "Manager A sets a target. Manager B asks what gets in the way. Which is true?",
            id="letters-the-prompt-names",
        ),
        pytest.param("Both are managing, because both start from a KPI.", "Q?", id="both"),
        pytest.param("Focus on your A and B accounts.", "Q?", id="account-tiers"),
        pytest.param("Plan the following week together.", "Q?", id="the-following-week"),
        pytest.param("Accept the first answer and move on.", "Q?", id="the-reps-first-answer"),
        pytest.param("Answer a call from the buyer.", "Q?", id="answer-a-call"),
        pytest.param("Praise the #1 rep on the team.", "Q?", id="number-one"),
        pytest.param("The ones above target get a bonus.", "Q?", id="above-target"),
        pytest.param("None of the other options.", "Q?", id="the-others-survive-shuffling"),
    ],
)
def test_an_option_that_only_looks_like_it_points_at_others_is_not_flagged(
    option: str, prompt: str
) -> None:
    assert order_dependent_phrase(option, prompt) is None


@pytest.mark.parametrize(
    ("statement", "phrase"),
    [
        pytest.param("Same as the previous one, but written down.", "the previous one", id="prev"),
        pytest.param("Do the following: call, then email.", None, id="ordinary-speech"),
        pytest.param("I need all of these.", None, id="these-in-a-scene"),
        pytest.param("Which matters more to you, A or B?", None, id="a-managers-question"),
    ],
)
def test_a_drill_statement_is_flagged_only_for_plainly_positional_words(
    statement: str, phrase: str | None
) -> None:
    assert order_dependent_phrase(statement) == phrase
