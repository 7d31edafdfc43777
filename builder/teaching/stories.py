"""Cases told on paper and on the projector: the paper gamebook's numbered sections, and the
choice the projector follows on "next"."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..model import (
    Case,
    Choice,
    Step,
)
from ..pages.items import story_order

# --- paper gamebooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """A way out of a gamebook section: a choice (or "read on") and the section it leads to."""

    choice: Choice | None
    number: int


@dataclass(frozen=True)
class Section:
    """A numbered gamebook section: a step of the story, or what one choice leads to."""

    number: int
    step: Step
    choice: Choice | None
    turns: list[Turn]

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


@dataclass(frozen=True)
class Gamebook:
    """A branching case as numbered sections, in number order."""

    case: Case
    sections: list[Section]


_Key = tuple[str, str]  # a gamebook section: (step id, choice id or "")


def gamebook(case: Case) -> Gamebook:
    """The case as a paper gamebook: section 1 is the start, the rest are shuffled.

    Each step is a section, and so is each choice (its consequence), so a reader only sees
    the outcome of the choice they made. No section sends the reader to the very next number,
    which would give the story away: the numbers follow the first order that keeps this,
    searched from a shuffle seeded with the case id (``random.Random`` hashes a text seed with
    SHA-512, so every build and machine agrees). The search finds such an order whenever there
    is one. With every step reachable from the start (validation warns of one that is not),
    there is one unless every other section is a choice of the start step, a case of one step:
    its shuffle is kept as it is.
    """
    steps = story_order(case)
    by_id = {step.id: step for step in steps}
    keys: list[_Key] = [(step.id, "") for step in steps]
    keys += [(step.id, choice.id) for step in steps for choice in step.choices]
    start = (case.start, "")
    others = [key for key in keys if key != start]
    random.Random(case.id).shuffle(others)
    leads_to: dict[_Key, set[_Key]] = {key: set() for key in keys}
    for step in steps:
        for choice in step.choices:
            leads_to[(step.id, "")].add((step.id, choice.id))
            if choice.next in by_id:
                leads_to[(step.id, choice.id)].add((choice.next, ""))
    order = _unlinked_order(start, others, leads_to) or [start, *others]
    numbers = {key: number for number, key in enumerate(order, start=1)}
    sections = []
    for (step_id, choice_id), number in numbers.items():
        step = by_id[step_id]
        if not choice_id:
            turns = [Turn(c, numbers[(step.id, c.id)]) for c in step.choices]
            sections.append(Section(number, step, None, turns))
            continue
        choice = next(c for c in step.choices if c.id == choice_id)
        after = [Turn(None, numbers[(choice.next, "")])] if choice.next in by_id else []
        sections.append(Section(number, step, choice, after))
    return Gamebook(case, sorted(sections, key=lambda s: s.number))


def _unlinked_order(
    first: _Key, rest: list[_Key], leads_to: dict[_Key, set[_Key]]
) -> list[_Key] | None:
    """``first``, then ``rest`` in the earliest order (as listed) where no section is followed
    by one it leads to; None if there is no such order.

    A depth-first search: a section is placed next only if the one before does not lead to
    it, and a dead end takes back the last placement. A section leads to few others (a step
    to its choices, a choice to one step), so dead ends come only near the end, and are rare.
    """
    order, left = [first], list(rest)
    tries = [0]  # for each placed section: where in `left` to look for the one after it
    while left:
        after = leads_to[order[-1]]
        index = next((i for i in range(tries[-1], len(left)) if left[i] not in after), None)
        if index is not None:
            tries[-1] = index  # where the section goes back if it is taken back
            order.append(left.pop(index))
            tries.append(0)
            continue
        tries.pop()  # a dead end: take back the last placement and try the next one there
        if not tries:
            return None
        left.insert(tries[-1], order.pop())
        tries[-1] += 1
    return order


def default_choice(step: Step) -> Choice | None:
    """The choice the projector follows on "next": the best one, else the first that goes on."""
    going_on = [choice for choice in step.choices if choice.next]
    best = [choice for choice in going_on if choice.best]
    return next(iter(best or going_on), None)
