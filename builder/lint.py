"""Pedagogy lint: cues that let a test-wise learner answer without knowing the material.

Part of the validate stage: ``lint_item`` runs inside ``validate.check_item`` (one item at a
time) and ``lint_course`` inside ``validate.check_course`` (across the items modules list).
Everything found here is a warning; ``--strict`` makes it an error.

- ``longest-answer-cue``: the right option (a case's best choice) is the uniquely longest in
  most questions (decisions), so "pick the longest" passes without reading.
- ``answer-position-cue``: where the written order is kept (``shuffle: false`` on questions
  or case steps), the right answer sits at the same place in most of them.
- ``few-options``: a graded question a blind guess gets right more often than one time in four.
- ``graded-near-copy``: a graded question rewrites a practice item, so it tests recall.
- ``order-dependent-option``: "all of the above" and the like in options that are shuffled.
- ``minutes-off-estimate``: an author's ``minutes`` far from the builder's estimate
  (``builder/estimate.py``), so the time a learner is promised is not the time it takes.
- ``observer-count-unboxed``: a role play's brief asks someone to count ("count the
  manager's questions") but its observer checklist lists nothing under ``counts``, so the
  printed checklist has no boxes to count in.

Everything a learner picks from is shuffled per learner unless the author writes
``shuffle: false``: quiz options, drill statements, case choices. Lengths are not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil, floor

from .diagnostics import Diagnostic, Position, display_path
from .estimate import READING_WPM, estimate, self_study
from .load import Loaded, PathKey
from .model import Case, Drill, Item, Module, Quiz, RolePlay

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

# Near copies: two prompts are near copies when 60% or more of their words are the same words
# (``similarity``). On the shipped course the graded prompts that retell a practice item, names
# taken out, have 62% to 76% in common with it (91% for the reviewers' "obvious rewrite"), and
# two different stories on one topic (two mentors telling a story over coffee) 53% at most;
# tests/test_lint.py keeps examples of both. Texts under twelve words are left out: stems such
# as "Which of these are signs that a conversation is coaching?" are shared by design and hold
# no situation to remember.
NEAR_COPY_SHARE = 0.6
NEAR_COPY_MIN_WORDS = 12

# An author's minutes are far off when they are more than twice or less than half the estimate
# and at least five minutes away from it: the learner review's 586-word page labelled "about 8
# minutes" (3 by the estimate) is, a 12-minute page estimated at 9 is not.
MINUTES_FACTOR = 2
MINUTES_SLACK = 5


# --- one item --------------------------------------------------------------------------------


def lint_item(loaded: Loaded, item: Item) -> list[Diagnostic]:
    """The cues inside one quiz, case or drill, any item's minutes far from its estimate, and
    a role play's count with nowhere to count."""
    return [*_minutes_off(loaded, item), *_answer_cues(loaded, item), *_unboxed(loaded, item)]


_COUNT = re.compile(r"\bcount\b", re.IGNORECASE)


def _unboxed(loaded: Loaded, item: Item) -> list[Diagnostic]:
    if not isinstance(item, RolePlay) or item.observer.counts:
        return []
    return [
        Diagnostic(
            "observer-count-unboxed",
            f"the brief of `{role.id}` in role play `{item.id}` asks them to count, but the "
            "observer checklist has no `counts`, so the printed checklist has nowhere to count",
            loaded.position(("roles", n, "brief")),
            "add `counts:` under `observer:`, each with `what` to count and `up_to`, the number "
            "of boxes per round",
            "warning",
        )
        for n, role in enumerate(item.roles)
        if _COUNT.search(role.brief)
    ]


def _answer_cues(loaded: Loaded, item: Item) -> list[Diagnostic]:
    """The cues inside one quiz, case or drill (the other kinds have no answers to give away)."""
    if isinstance(item, Quiz):
        return [
            *_quiz_length_cue(loaded, item),
            *_quiz_position_cue(loaded, item),
            *_few_options(loaded, item),
            *_order_dependent(loaded, item),
        ]
    if isinstance(item, Case):
        return [*_case_cues(loaded, item), *_order_dependent(loaded, item)]
    return _order_dependent(loaded, item)  # a drill's statements; other kinds have no lists


def far_off(stated: int, computed: int) -> bool:
    """Whether an author's minutes are far from the builder's (see ``MINUTES_FACTOR``)."""
    ratio_off = stated > MINUTES_FACTOR * computed or MINUTES_FACTOR * stated < computed
    return ratio_off and abs(stated - computed) >= MINUTES_SLACK


def _minutes_off(loaded: Loaded, item: Item) -> list[Diagnostic]:
    if item.minutes is None:
        return []
    computed = estimate(item)
    if not far_off(item.minutes, computed):
        return []
    return [
        Diagnostic(
            "minutes-off-estimate",
            f"{item.kind} `{item.id}` says it takes {item.minutes} minutes; the builder "
            f"estimates {computed} for a learner working alone",
            loaded.position(("minutes",)),
            f"remove `minutes:` to show the estimate (reading at {READING_WPM} words a minute, "
            "plus time to answer, decide and write; see CONTRIBUTING.md), or keep it if the "
            "item really takes that long",
            "warning",
        )
    ]


def lint_module(loaded: Loaded, module: Module, items: Iterable[Item]) -> list[Diagnostic]:
    """A module's ``minutes`` far from the sum of its items' minutes."""
    if module.minutes is None:
        return []
    computed = sum(map(self_study, items))
    if not far_off(module.minutes, computed):
        return []
    return [
        Diagnostic(
            "minutes-off-estimate",
            f"module `{module.id}` says it takes {module.minutes} minutes; its items add up to "
            f"{computed} for a learner working alone",
            loaded.position(("minutes",)),
            "remove `minutes:` to show the sum of its items' minutes, or keep it if the module "
            "really takes that long",
            "warning",
        )
    ]


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
    """The best choice's length gives it away whatever the order; its place only where the
    choices keep their written order (``shuffle: false``)."""
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
        if not step.shuffle:
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
        f"case `{case.id}` with `shuffle: false`",
        "move the best choice elsewhere at some of these steps, or let them be shuffled "
        "(remove `shuffle: false`)",
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
# Each phrasing above holds one of these words (or a bracket).
_TRIGGERS = frozenset(
    re.findall(
        r"\w+",
        "above below previous preceding following these those first second third fourth fifth "
        "last top bottom option options answer answers choice choices",
    )
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
    # Every phrasing holds one of the trigger words or a bracket; the full search is slow.
    if "(" in text or not _TRIGGERS.isdisjoint(re.findall(r"[a-z]+", text.lower())):
        found = (_ORDER_DEPENDENT if prompt is not None else _ORDER_DEPENDENT_STATEMENT).search(
            text
        )
        if found:
            return found.group(0)
    if prompt is None:
        return None
    for letters in _LETTERS.finditer(text):
        named = [x for x in letters.groups() if x != "A"]  # "A" is also an article
        if not all(re.search(rf"\b{x}\b", prompt) for x in named):
            return letters.group(0)
    return None


@dataclass(frozen=True)
class Shuffled:
    """A list each learner sees in an order of their own, named as a diagnostic names it."""

    thing: str  # "option", "choice", "statement"
    owner: str  # "question `q1`"
    path: PathKey  # where the list is, in its file
    entries: Sequence[tuple[str, str]]  # each entry's id and text
    context: str | None  # what the entries answer (None: a drill statement stands alone)
    hint: str


def shuffled_lists(item: Item) -> Iterable[Shuffled]:
    """The lists of a quiz, case or drill that are shuffled (not pinned by `shuffle: false`)."""
    keep = "keep the {} in the order the words point at"
    if isinstance(item, Quiz):
        for i, question in enumerate(item.questions):
            if question.shuffle:
                yield Shuffled(
                    "option",
                    f"question `{question.id}`",
                    ("questions", i, "options"),
                    [(option.id, option.text) for option in question.options],
                    question.prompt,
                    "reword it to say what it covers, or add `shuffle: false` to the question "
                    f"and {keep.format('options')}",
                )
    elif isinstance(item, Case):
        for i, step in enumerate(item.steps):
            if step.shuffle:
                yield Shuffled(
                    "choice",
                    f"step `{step.id}`",
                    ("steps", i, "choices"),
                    [(choice.id, choice.text) for choice in step.choices],
                    f"{step.text}\n{step.prompt or ''}",
                    "reword it to say what it covers, or add `shuffle: false` to the step and "
                    f"{keep.format('choices')}",
                )
    elif isinstance(item, Drill) and item.shuffle:
        yield Shuffled(
            "statement",
            f"drill `{item.id}`",
            ("statements",),
            [(statement.id, statement.text) for statement in item.statements],
            None,
            "reword it to stand on its own, or add `shuffle: false` to the drill",
        )


def _order_dependent(loaded: Loaded, item: Item) -> list[Diagnostic]:
    """Entries that point at others by place ("both of the above"), in lists that are shuffled."""
    out: list[Diagnostic] = []
    for shuffled in shuffled_lists(item):
        for j, (entry, text) in enumerate(shuffled.entries):
            phrase = order_dependent_phrase(text, shuffled.context)
            if phrase is None:
                continue
            out.append(
                Diagnostic(
                    "order-dependent-option",
                    f'{shuffled.thing} `{entry}` of {shuffled.owner} says "{phrase}", but each '
                    f"learner sees the {shuffled.thing}s in another order",
                    loaded.position((*shuffled.path, j, "text")),
                    shuffled.hint,
                    "warning",
                )
            )
    return out


# --- across the course -----------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A question's prompt, a drill statement or a case decision's story, as words to compare."""

    words: tuple[str, ...]
    label: str  # "question `x` of quiz `y`", for messages
    position: Position
    bag: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bag", _bag(self.words))


def as_words(text: str) -> tuple[str, ...]:
    """Lower-case words and numbers, without punctuation or Markdown marks."""
    return tuple(re.findall(r"[^\W_]+", text.lower()))


def _bag(words: Sequence[str]) -> frozenset[str]:
    """The words as a set in which a repeated word counts each time: "the", "the 2", ..."""
    bag = set(words)
    if len(bag) < len(words):
        seen: dict[str, int] = {}
        for word in words:
            n = seen[word] = seen.get(word, 0) + 1
            if n > 1:
                bag.add(f"{word} {n}")  # words have no spaces: this is never a word
    return frozenset(bag)


def similarity(a: Passage, b: Passage) -> float:
    """The share of their words two texts have in common, from 0 to 1.

    2 x shared words / (words of a + words of b), a repeated word counting each time: difflib's
    ``quick_ratio`` of the two word lists. Word order is left out on purpose: a prompt whose
    sentences are rearranged is as much a copy as one kept in order.
    """
    return 2 * len(a.bag & b.bag) / (len(a.bag) + len(b.bag))


def lint_course(items: Iterable[tuple[Loaded, Item]]) -> list[Diagnostic]:
    """Graded questions that are near copies of practice items elsewhere in the course.

    Practice is what the course shows with its answer: the questions of quizzes without a pass
    mark, drill statements, and the story of each case decision.
    """
    graded: list[Passage] = []
    practice: list[Passage] = []
    for loaded, item in items:
        if isinstance(item, Quiz):
            into = graded if item.pass_mark is not None else practice
            for i, question in enumerate(item.questions):
                label = f"question `{question.id}` of quiz `{item.id}`"
                at: PathKey = ("questions", i, "prompt")
                into.append(Passage(as_words(question.prompt), label, loaded.position(at)))
        elif isinstance(item, Drill):
            for i, statement in enumerate(item.statements):
                label = f"statement `{statement.id}` of drill `{item.id}`"
                at = ("statements", i, "text")
                practice.append(Passage(as_words(statement.text), label, loaded.position(at)))
        elif isinstance(item, Case):
            for i, step in enumerate(item.steps):
                if step.choices:  # a decision, not an ending
                    label = f"step `{step.id}` of case `{item.id}`"
                    at = ("steps", i, "text")
                    story = as_words(f"{step.text}\n{step.prompt or ''}")
                    practice.append(Passage(story, label, loaded.position(at)))
    out: list[Diagnostic] = []
    for text, copies in near_copies(graded, practice):
        share, copied = copies[0]
        where = display_path(copied.position.path)
        more = f" (and {len(copies) - 1} more practice items)" if len(copies) > 1 else ""
        out.append(
            Diagnostic(
                "graded-near-copy",
                f"graded {text.label} has {share:.0%} of its words in common with practice "
                f"{copied.label}{more}",
                text.position,
                f"the practice item is at {where}:{copied.position.line}; a learner who "
                "remembers it answers from memory, not judgement: write a new situation for "
                "the graded question",
                "warning",
            )
        )
    return out


def near_copies(
    graded: Sequence[Passage], practice: Sequence[Passage]
) -> list[tuple[Passage, list[tuple[float, Passage]]]]:
    """Each graded text with the practice texts it is a near copy of, most similar first.

    Every pair counts, but the practice texts are counted all at once: the practice texts that
    hold a word are the bits of one integer, and adding the integers of a graded text's words
    bit by bit (one binary counter per practice text, kept as one integer per binary digit)
    gives every practice text's number of shared words in a few hundred operations on
    integers, which Python runs in C on 30 texts at a time. The cost still grows with graded
    x practice texts, but at a small fraction of comparing the pairs one by one.
    """
    graded = [t for t in graded if len(t.words) >= NEAR_COPY_MIN_WORDS]
    practice = [t for t in practice if len(t.words) >= NEAR_COPY_MIN_WORDS]
    if not graded or not practice:
        return []
    wanted = frozenset().union(*(t.bag for t in graded))
    holders: dict[str, list[int]] = {}
    by_size: dict[int, list[int]] = {}
    for p, text in enumerate(practice):
        for word in text.bag & wanted:
            holders.setdefault(word, []).append(p)
        by_size.setdefault(len(text.bag), []).append(p)
    bits = {word: _bitset(members, len(practice)) for word, members in holders.items()}
    size_bits = {size: _bitset(members, len(practice)) for size, members in by_size.items()}
    r = NEAR_COPY_SHARE
    found: list[tuple[Passage, list[tuple[float, Passage]]]] = []
    for text in graded:
        counter: list[int] = []  # counter[k]: the practice texts whose count has bit k set
        for word in text.bag:
            carry = bits.get(word, 0)
            k = 0
            while carry:
                if k == len(counter):
                    counter.append(carry)
                    break
                counter[k], carry = counter[k] ^ carry, counter[k] & carry
                k += 1
        # 2 * shared >= r * (n + size): the shared words each size of practice text needs
        n = len(text.bag)
        need: dict[int, int] = {}
        for size in range(ceil(r * n / (2 - r) - 1e-9), floor((2 - r) * n / r + 1e-9) + 1):
            if size in size_bits:
                least = ceil(r * (n + size) / 2 - 1e-9)
                need[least] = need.get(least, 0) | size_bits[size]
        hits = 0
        for least, among in need.items():
            hits |= _at_least(counter, least) & among
        copies: list[tuple[float, Passage]] = []
        while hits:
            low = hits & -hits
            copied = practice[low.bit_length() - 1]
            copies.append((similarity(text, copied), copied))
            hits ^= low
        if copies:
            copies.sort(key=lambda pair: -pair[0])  # stable: course order among equals
            found.append((text, copies))
    return found


def _bitset(members: Iterable[int], size: int) -> int:
    """An integer whose bit i is set for each i in ``members``."""
    flags = bytearray((size + 7) // 8)
    for i in members:
        flags[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(flags, "little")


def _at_least(counter: list[int], least: int) -> int:
    """The bits whose count, written in binary across ``counter``, is ``least`` or more."""
    if least >= 1 << len(counter):
        return 0
    above = 0
    equal = -1  # every bit so far equals ``least``'s leading digits
    for k in range(len(counter) - 1, -1, -1):
        if least >> k & 1:
            equal &= counter[k]
        else:
            above |= equal & counter[k]
            equal &= ~counter[k]
    return above | (equal if least > 0 else -1)
