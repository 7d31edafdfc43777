"""builder/lint.py: the cues a test-wise learner could use, and where the lines are drawn.

The exact printed warnings of each rule are golden files (tests/fixtures/invalid/lint-*.yml and
the `graded-near-copy` course case in tests/test_validate.py). This file holds the examples
behind the thresholds and the properties the goldens cannot show.
"""

from __future__ import annotations

import itertools
import json
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.diagnostics import Position
from builder.lint import (
    NEAR_COPY_MIN_WORDS,
    NEAR_COPY_SHARE,
    Passage,
    as_words,
    lint_course,
    near_copies,
    order_dependent_phrase,
    similarity,
)
from builder.load import Loaded, load_text
from builder.model import Item
from builder.validate import check_document


def text(words: str, label: str = "x") -> Passage:
    return Passage(as_words(words), label, Position(f"{label}.yml"))


# --- near copies: where the line is ---------------------------------------------------------

# Pairs from the shipped course as the reviewers found it (content_review.md §2.3, §5).
RETOLD = [
    pytest.param(
        "A newly promoted manager, formerly the top rep, answers every question from her team "
        "with \"here's what I'd do\". The team likes her and results are flat. What is most "
        "likely going on?",
        "A newly promoted manager, formerly the top rep, answers every question with \"here's "
        "what I'd do\". Her team likes her; results are flat. What is most likely going on?",
        id="the-reviewers-obvious-rewrite",
    ),
    pytest.param(
        "Graham's pipeline is thin. His manager has him spend a day shadowing Liam to see how "
        "Liam fills his. What was that?",
        "A veteran rep's pipeline is thin. His manager has him shadow the new star for a day to "
        "see how she fills hers. What was this?",
        id="names-taken-out",
    ),
    pytest.param(
        "Asked why he still isn't asking about budget in first meetings, a rep says: \"I know I "
        'should, and I know what to say. It just feels rude to talk money that early." Which '
        "barrier is this?",
        '"I know I should ask about budget in the first meeting, and I know what to say. It just '
        'feels pushy." Which approach fits this barrier best?',
        id="the-same-quote-asked-differently",
    ),
]

SAME_TOPIC = [
    pytest.param(
        "Over coffee, the manager tells Dana how she handled her own first lost renewal years "
        "ago and what she would do differently now.",
        "A senior account director tells a junior rep over coffee how she landed her first "
        "enterprise account and what she would do differently in his position.",
        id="two-mentors-over-coffee",
    ),
    pytest.param(
        "Your best performer always arrives with two or three options for every problem and "
        "seems to need nothing from you. What does this course say?",
        "Liam always arrives with two or three options for every problem. What is the most "
        "useful way for his manager to treat that habit?",
        id="one-habit-two-questions",
    ),
]


@pytest.mark.parametrize(("practice", "graded"), RETOLD)
def test_a_practice_situation_retold_in_a_graded_question_is_a_near_copy(
    practice: str, graded: str
) -> None:
    share = similarity(text(practice), text(graded))
    assert share >= NEAR_COPY_SHARE
    assert near_copies([text(graded)], [text(practice)]) != []


@pytest.mark.parametrize(("practice", "graded"), SAME_TOPIC)
def test_another_situation_on_the_same_topic_is_not_a_near_copy(practice: str, graded: str) -> None:
    assert similarity(text(practice), text(graded)) < NEAR_COPY_SHARE
    assert near_copies([text(graded)], [text(practice)]) == []


def test_a_short_stem_shared_by_two_questions_is_not_a_near_copy() -> None:
    graded = text("Which of these are signs that a conversation is coaching?")
    practice = text("Which of these are signs that a coaching call is really managing?")
    assert len(graded.words) < NEAR_COPY_MIN_WORDS
    assert similarity(graded, practice) >= NEAR_COPY_SHARE, "similar, but only a stem"
    assert near_copies([graded], [practice]) == []


def test_words_ignore_case_punctuation_and_markdown() -> None:
    assert as_words('**Coaching**, she said: "it_s *fine*"') == (
        "coaching",
        "she",
        "said",
        "it",
        "s",
        "fine",
    )


def test_a_repeated_word_counts_each_time() -> None:
    once = text("the rep calls the buyer and the buyer calls back today")
    twice = text("the rep calls the buyer and the buyer calls the buyer back today")
    assert similarity(once, once) == 1.0
    assert similarity(once, twice) == pytest.approx(2 * 11 / (11 + 13))


# --- near copies: every pair, counted all at once -------------------------------------------

VOCABULARY = ["the", "rep", "manager", "asks", "calls", "deal", "plan", "why", "a", "what"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=10, max_size=30), max_size=6),
    st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=10, max_size=30), max_size=40),
)
def test_near_copies_finds_exactly_the_pairs_a_comparison_of_every_pair_finds(
    graded_words: list[list[str]], practice_words: list[list[str]]
) -> None:
    """Texts over ten words share many of them, so plenty of pairs cross the line."""
    graded = [text(" ".join(w), f"g{i}") for i, w in enumerate(graded_words)]
    practice = [text(" ".join(w), f"p{i}") for i, w in enumerate(practice_words)]
    expected = {
        (g.label, p.label)
        for g, p in itertools.product(graded, practice)
        if min(len(g.words), len(p.words)) >= NEAR_COPY_MIN_WORDS
        and similarity(g, p) >= NEAR_COPY_SHARE
    }
    found = near_copies(graded, practice)
    assert {(g.label, p.label) for g, copies in found for _share, p in copies} == expected
    for _graded, copies in found:
        shares = [share for share, _practice in copies]
        assert shares == sorted(shares, reverse=True), "most similar first"


# --- near copies: what counts as practice ---------------------------------------------------

STORY = json.dumps(
    "Three days before quarter end, a rep has two deals in commit and neither has a "
    "confirmed budget. The forecast is due tomorrow morning."
)  # JSON text is YAML text


def model(yaml: str) -> tuple[Loaded, Item]:
    loaded, problems = load_text(yaml, "content/x.yml")
    assert loaded is not None, problems
    document, problems = check_document(loaded)
    assert document is not None, problems
    return loaded, cast(Item, document.model)


def graded_quiz(prompt: str) -> tuple[Loaded, Item]:
    return model(
        "kind: quiz\nid: final\ntitle: Final\npass_mark: 80\nquestions:\n"
        f"  - id: q\n    prompt: {prompt}\n    options:\n"
        "      - {id: a, text: A, correct: true}\n      - {id: b, text: B}\n"
    )


@pytest.mark.parametrize(
    ("source", "label"),
    [
        pytest.param(
            "kind: drill\nid: d\ntitle: D\nstatements:\n"
            f"  - id: s\n    text: {STORY}\n    approach: managing\n    rationale: R.\n",
            "statement `s` of drill `d`",
            id="drill-statement",
        ),
        pytest.param(
            "kind: case\nid: c\ntitle: C\nstart: one\nsteps:\n"
            f"  - id: one\n    text: {STORY}\n    choices:\n"
            "      - {id: a, text: A, consequence: B., next: end}\n"
            "  - {id: end, text: The end.}\n",
            "step `one` of case `c`",
            id="case-decision",
        ),
        pytest.param(
            "kind: quiz\nid: p\ntitle: P\nquestions:\n"
            f"  - id: q\n    prompt: {STORY}\n    options:\n"
            "      - {id: a, text: A, correct: true}\n      - {id: b, text: B}\n",
            "question `q` of quiz `p`",
            id="practice-question",
        ),
    ],
)
def test_a_graded_question_copied_from_practice_is_reported_with_the_practice_place(
    source: str, label: str
) -> None:
    diagnostics = lint_course([model(source), graded_quiz(STORY)])
    assert [(d.code, d.position.line) for d in diagnostics] == [("graded-near-copy", 7)]
    assert label in diagnostics[0].message
    assert diagnostics[0].hint.startswith("the practice item is at content/x.yml:")


def test_a_graded_question_is_not_practice_for_another_graded_question() -> None:
    assert lint_course([graded_quiz(STORY), graded_quiz(STORY)]) == []


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
