"""Pedagogy lint: cues that let a test-wise learner answer without knowing the material.

Part of the validate stage: ``lint_item`` runs inside ``validate.check_item`` (one item at a
time). Everything found here is a warning; ``--strict`` makes it an error.

- ``longest-answer-cue``: the right option (a case's best choice) is the uniquely longest in
  most questions (decisions), so "pick the longest" passes without reading.
- ``answer-position-cue``: where order is authored (cases, questions with ``shuffle: false``),
  the right answer sits at the same place in most of them.
- ``few-options``: a graded question a blind guess gets right more often than one time in four.
- ``order-dependent-option``: "all of the above" and the like in options that are shuffled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .diagnostics import Diagnostic, Position
from .load import Loaded
from .model import Case, Drill, Item, Quiz

# A cue is reported when a naive strategy ("the longest", "always the last") finds the right
# answer in more than half of the questions it applies to: it then beats half marks without
# reading, the line the issue sets for every naive strategy. Two-option questions are left out
# (one option is always the longer and half of them already fall either way by chance), and so
# are quizzes with fewer than three questions left to count, too few to call it a pattern.
CUE_MIN_OPTIONS = 3
CUE_MIN_QUESTIONS = 3

# A graded question should not be guessed blindly more often than a four-option single-choice
# question is. Multiple-response questions are scored all or nothing, so with n options a blind
# guess is right one time in 2**n - 1: three options (1 in 7) are already harder than four.
MAX_GUESS_CHANCE = 1 / 4


# --- one item --------------------------------------------------------------------------------


def lint_item(loaded: Loaded, item: Item) -> list[Diagnostic]:
    """The cues inside one quiz, case or drill (the other kinds have no answers to give away)."""
    if isinstance(item, Quiz):
        return [
            *_quiz_length_cue(loaded, item),
            *_quiz_position_cue(loaded, item),
            *_few_options(loaded, item),
            *_order_dependent_options(loaded, item),
        ]
    if isinstance(item, Case):
        return [*_case_cues(loaded, item)]
    if isinstance(item, Drill):
        return [*_order_dependent_statements(loaded, item)]
    return []


def _length(text: str) -> int:
    """The length a learner sees: characters, with runs of white space counted once."""
    return len(" ".join(text.split()))


def _uniquely_longest(texts: Sequence[str], index: int) -> bool:
    lengths = [_length(t) for t in texts]
    return all(lengths[index] > n for i, n in enumerate(lengths) if i != index)


def _position_name(index: int, count: int) -> str:
    if index == count - 1:
        return "last"
    return ("first", "second", "third", "fourth")[index] if index < 4 else f"number {index + 1}"


def _most(flagged: int, counted: int) -> bool:
    return counted >= CUE_MIN_QUESTIONS and 2 * flagged > counted


def _one_right(flags: Sequence[bool]) -> int | None:
    """The index of the one right option, or None when there are none or several."""
    right = [i for i, flag in enumerate(flags) if flag]
    return right[0] if len(right) == 1 else None


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def _quiz_length_cue(loaded: Loaded, quiz: Quiz) -> list[Diagnostic]:
    counted = 0
    cued: list[str] = []
    for question in quiz.questions:
        right = _one_right([o.correct for o in question.options])
        if question.type != "single" or len(question.options) < CUE_MIN_OPTIONS or right is None:
            continue
        counted += 1
        if _uniquely_longest([o.text for o in question.options], right):
            cued.append(question.id)
    if not _most(len(cued), counted):
        return []
    return [
        Diagnostic(
            "longest-answer-cue",
            f"the right option is the longest in {len(cued)} of the {counted} single-choice "
            f"questions of quiz `{quiz.id}`: {_ids(cued)}",
            loaded.key_position(("questions",)),
            f"always picking the longest option scores {len(cued)} of {counted} without reading; "
            "make a wrong option the longest in some of them (give it the detail a right "
            "answer has), or shorten the right one",
            "warning",
        )
    ]


def _quiz_position_cue(loaded: Loaded, quiz: Quiz) -> list[Diagnostic]:
    """Questions with ``shuffle: false`` show their options as written: is the right one
    always in the same place?"""
    places: dict[str, str] = {}
    for question in quiz.questions:
        right = _one_right([o.correct for o in question.options])
        if (
            question.shuffle
            or question.type != "single"
            or len(question.options) < CUE_MIN_OPTIONS
            or right is None
        ):
            continue
        places[question.id] = _position_name(right, len(question.options))
    return _position_cue(
        loaded.key_position(("questions",)),
        places,
        f"the right option is the {{place}} one in {{times}} of the {len(places)} questions of "
        f"quiz `{quiz.id}` with `shuffle: false`",
        "move the right option elsewhere in some of them, or let them be shuffled (remove "
        "`shuffle: false`)",
    )


def _case_cues(loaded: Loaded, case: Case) -> list[Diagnostic]:
    """Cases are never shuffled (the order of choices is part of the story): both the length
    and the place of the best choice can give it away."""
    counted = 0
    longest: list[str] = []
    places: dict[str, str] = {}
    for step in case.steps:
        best = _one_right([c.best for c in step.choices])
        if len(step.choices) < CUE_MIN_OPTIONS or best is None:
            continue
        counted += 1
        if _uniquely_longest([c.text for c in step.choices], best):
            longest.append(step.id)
        places[step.id] = _position_name(best, len(step.choices))
    out: list[Diagnostic] = []
    if _most(len(longest), counted):
        out.append(
            Diagnostic(
                "longest-answer-cue",
                f"the best choice is the longest in {len(longest)} of the {counted} decisions "
                f"of case `{case.id}`: {_ids(longest)}",
                loaded.key_position(("steps",)),
                f"always picking the longest choice finds the best one {len(longest)} times of "
                f"{counted}; make another choice the longest at some of these steps, or "
                "shorten the best one",
                "warning",
            )
        )
    out += _position_cue(
        loaded.key_position(("steps",)),
        places,
        f"the best choice is the {{place}} one in {{times}} of the {len(places)} decisions of "
        f"case `{case.id}`",
        "cases are not shuffled: write the best choice in another place at some of these steps",
    )
    return out


def _position_cue(
    position: Position, places: dict[str, str], message: str, fix: str
) -> list[Diagnostic]:
    """``places`` maps each question (step) id to where its right answer is; ``message`` is
    formatted with the most common ``place`` and how many ``times`` it is used."""
    if not places:
        return []
    place, times = Counter(places.values()).most_common(1)[0]
    if not _most(times, len(places)):
        return []
    ids = [key for key, value in places.items() if value == place]
    return [
        Diagnostic(
            "answer-position-cue",
            message.format(place=place, times=times) + f": {_ids(ids)}",
            position,
            f"always picking the {place} one is right {times} times of {len(places)}; {fix}",
            "warning",
        )
    ]


def _guess_chance(kind: str, options: int) -> float:
    return 1 / options if kind == "single" else 1 / (2**options - 1)


def _few_options(loaded: Loaded, quiz: Quiz) -> list[Diagnostic]:
    if quiz.pass_mark is None:
        return []
    out: list[Diagnostic] = []
    for i, question in enumerate(quiz.questions):
        count = len(question.options)
        chance = _guess_chance(question.type, count)
        if chance <= MAX_GUESS_CHANCE:
            continue
        least = 4 if question.type == "single" else 3
        out.append(
            Diagnostic(
                "few-options",
                f"graded question `{question.id}` has {count} options: a blind guess is right "
                f"1 time in {round(1 / chance)}",
                loaded.key_position(("questions", i, "options")),
                f"give it at least {least} options (a wrong option each for the approaches "
                "learners confuse with the right one)",
                "warning",
            )
        )
    return out


# Words that point at other options by their place or label, which shuffling makes wrong for
# most learners. Only the usual phrasings, and only where they stand for options: "the following
# week" and "our A and B accounts" are not flagged. "None of the others" still reads true after
# shuffling and is not flagged either.
_WHERE = r"(?:above|below|previous|preceding|following)"
_THING = r"(?:options?|answers?|choices?|statements?|ones?)"
# what may follow a reference to options: the end, punctuation, a verb, "and"/"or"
_ENDS = r"(?=\s*[.,;:!?)\"]|\s*$|\s+(?:is|are|was|were|and|or|but|except|only)\b)"
_POSITIONAL = [
    rf"\b(?:all|none|both|neither|either|any|each|one|two|three) of the {_WHERE}\b",
    rf"\bthe {_WHERE}(?![\s-]*\w)",  # "the above" on its own
    rf"\bthe {_WHERE} (?:two|three|four|{_THING})\b",  # "the previous two", "the above option"
    rf"\b{_THING} {_WHERE}{_ENDS}",  # "the one above", "the options below"
    rf"\bas {_WHERE}\b",
]
_ORDER_DEPENDENT = re.compile(
    "|".join(
        f"(?i:{pattern})"
        for pattern in [
            *_POSITIONAL,
            rf"\b(?:all|none|both|neither|either|any) of (?:these|those)(?: {_THING})?{_ENDS}",
            rf"\bthe (?:first|second|third|last|top|bottom) (?:two|three|four)(?: {_THING})?"
            + _ENDS,
            rf"\bthe (?:first|second|third|fourth|fifth|last) options?{_ENDS}",
            # "options 1 and 3", "answer #2"
            r"\b(?:options?|answers?|choices?) #?\d(?: *(?:,|and|or|&) *#?\d)*",
            r"\([a-f1-9]\) *(?:,|and|or|&) *\([a-f1-9]\)",  # "(a) and (c)"
        ]
    )
    + r"|(?i:\b(?:options?|answers?|choices?)) \(?[A-F]\b"  # "option B", not "answer a call"
)
# In a drill the statements are what managers say, where "the following" or "all of these"
# are ordinary speech: only the plainly positional phrasings count.
_ORDER_DEPENDENT_STATEMENT = re.compile(
    "|".join(f"(?i:{p})" for p in _POSITIONAL).replace("following", "(?!)")
)
# "A and B", "neither B nor C": letters naming options, unless the prompt itself names people
# or things with them ("Manager A says... Manager B asks...").
_LETTERS = re.compile(rf"\b([A-F])\)? *(?:,|and|or|nor|&) *\(?([A-F])\b{_ENDS}")


def order_dependent_phrase(text: str, prompt: str | None = None) -> str | None:
    """The words in ``text`` that point at other options by place or label, if any.

    With ``prompt``, ``text`` is an option of that question; without, a drill statement.
    """
    if prompt is None:
        found = _ORDER_DEPENDENT_STATEMENT.search(text)
        return found.group(0) if found else None
    found = _ORDER_DEPENDENT.search(text)
    if found:
        return found.group(0)
    for letters in _LETTERS.finditer(text):
        named = [x for x in letters.groups() if x != "A"]  # "A" is also an article
        if not all(re.search(rf"\b{x}\b", prompt) for x in named):
            return letters.group(0)
    return None


def _order_dependent_options(loaded: Loaded, quiz: Quiz) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, question in enumerate(quiz.questions):
        if not question.shuffle:
            continue
        for j, option in enumerate(question.options):
            phrase = order_dependent_phrase(option.text, question.prompt)
            if phrase is None:
                continue
            out.append(
                Diagnostic(
                    "order-dependent-option",
                    f'option `{option.id}` of question `{question.id}` says "{phrase}", but '
                    "each learner sees the options in another order",
                    loaded.position(("questions", i, "options", j, "text")),
                    "reword it to say what it covers, or add `shuffle: false` to the question "
                    "and keep the options in the order the words point at",
                    "warning",
                )
            )
    return out


def _order_dependent_statements(loaded: Loaded, drill: Drill) -> list[Diagnostic]:
    if not drill.shuffle:
        return []
    out: list[Diagnostic] = []
    for i, statement in enumerate(drill.statements):
        phrase = order_dependent_phrase(statement.text)
        if phrase is None:
            continue
        out.append(
            Diagnostic(
                "order-dependent-option",
                f'statement `{statement.id}` of drill `{drill.id}` says "{phrase}", but each '
                "learner sees the statements in another order",
                loaded.position(("statements", i, "text")),
                "reword it to stand on its own, or add `shuffle: false` to the drill",
                "warning",
            )
        )
    return out
