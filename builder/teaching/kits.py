"""Activity kits: what a trainer prints for a live session, beyond the guide and role-play cards.

For each module: a sorting mat and cut-out statement cards for each drill (the cards' fronts
carry a number and the statement, never the approach), the trainer's sheets (printed once:
each role play's debrief card, each drill's answer key by card number, the knowledge check's
key), a sign-in sheet, an evaluation form (a short knowledge check to take before and after,
then reaction questions) and a certificate of attendance. The same data feeds the trainer
pages of the site (``builder/pages/trainer.py``) and the PDFs (``builder/handouts.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..model import Drill, Item, Module, Quiz, RolePlay, Statement
from ..pages.items import drill_choices
from ..validate import Content

#: Questions in a knowledge check: short enough to take in five minutes, twice.
CHECK_SIZE = 5
#: Rows of the sign-in sheet: the largest group a workshop is planned for.
SIGN_IN_ROWS = 20


@dataclass(frozen=True)
class StatementCard:
    """A drill statement on a card: the number links it to the trainer's answer key."""

    number: int
    statement: Statement


@dataclass(frozen=True)
class Sorting:
    """A drill as a table activity: a mat with a column per approach, and statement cards."""

    drill: Drill
    #: The approaches the mat has a column for, in the drill's order.
    columns: list[str]
    cards: list[StatementCard]


def sorting(drill: Drill, order: list[str]) -> Sorting:
    """The drill's mat columns (its categories in ``order``, the course's) and its cards,
    numbered in the order the content gives."""
    cards = [StatementCard(n, s) for n, s in enumerate(drill.statements, start=1)]
    return Sorting(drill, drill_choices(drill, order), cards)


@dataclass(frozen=True)
class CheckOption:
    """One option of a knowledge-check question, with its letter on the form."""

    letter: str
    text: str
    correct: bool


@dataclass(frozen=True)
class CheckQuestion:
    """A knowledge-check question on paper, drawn from a quiz or a drill of the module."""

    number: int
    item: Item
    prompt: str
    #: Whether ``prompt`` is Markdown (quiz prompts) or plain text (drill statements).
    markdown: bool
    multiple: bool
    options: list[CheckOption]

    @property
    def answer(self) -> str:
        """The right letters, as the key prints them: ``B`` or ``A, C``."""
        return ", ".join(o.letter for o in self.options if o.correct)


def _lettered(options: list[tuple[str, bool]]) -> list[CheckOption]:
    return [CheckOption(chr(ord("A") + n), text, right) for n, (text, right) in enumerate(options)]


def graded_prompts(content: Content) -> set[str]:
    """The prompts of every graded quiz's bank (the final assessment's), normalised."""
    return {
        " ".join(question.prompt.split()).casefold()
        for item in content.items.values()
        if isinstance(item, Quiz) and item.pass_mark is not None
        for question in item.questions
    }


def knowledge_check(content: Content, module: Module, names: dict[str, str]) -> list[CheckQuestion]:
    """Up to ``CHECK_SIZE`` questions for the evaluation form, the same before and after.

    Drawn from the module's own practice items, never from a graded quiz's bank (nor a
    question worded like one of its questions), so the form does not rehearse the final
    assessment: round after round, the next question of each practice quiz and then the next
    statement of each drill (asked as "which approach is this?"), so every item is asked once
    before any is asked twice. Options keep a fixed order, shuffled with the question id as
    the seed where the question allows it.
    """
    graded = graded_prompts(content)
    items = content.items_of(module)
    pools: list[list[CheckQuestion]] = []
    for item in items:
        if not isinstance(item, Quiz) or item.pass_mark is not None:
            continue
        pool = []
        for question in item.questions:
            if " ".join(question.prompt.split()).casefold() in graded:
                continue
            options = [(o.text, o.correct) for o in question.options]
            if question.shuffle:
                random.Random(question.id).shuffle(options)
            pool.append(
                CheckQuestion(
                    0,
                    item,
                    question.prompt,
                    True,
                    question.type == "multiple",
                    _lettered(options),
                )
            )
        pools.append(pool)
    for item in items:
        if isinstance(item, Drill):
            choices = drill_choices(item, content.course.approach_order)
            pools.append(
                [
                    CheckQuestion(
                        0,
                        item,
                        statement.text,
                        False,
                        False,
                        _lettered([(names[c], c == statement.approach) for c in choices]),
                    )
                    for statement in item.statements
                ]
            )
    picked: list[CheckQuestion] = []
    depth = 0
    while len(picked) < CHECK_SIZE and any(depth < len(pool) for pool in pools):
        for pool in pools:
            if depth < len(pool) and len(picked) < CHECK_SIZE:
                picked.append(pool[depth])
        depth += 1
    return [
        CheckQuestion(n, q.item, q.prompt, q.markdown, q.multiple, q.options)
        for n, q in enumerate(picked, start=1)
    ]


@dataclass(frozen=True)
class ActivityKit:
    """The printables of one module's activities, beside its guide and role-play cards."""

    sortings: list[Sorting]
    #: Role plays whose debrief card goes on the trainer's sheets (printed once).
    roleplays: list[RolePlay]
    check: list[CheckQuestion]
    sign_in_rows: int = SIGN_IN_ROWS


def activity_kit(content: Content, module: Module, names: dict[str, str]) -> ActivityKit:
    items = content.items_of(module)
    return ActivityKit(
        [sorting(item, content.course.approach_order) for item in items if isinstance(item, Drill)],
        [item for item in items if isinstance(item, RolePlay)],
        knowledge_check(content, module, names),
    )


# --- pages of the trainer section ------------------------------------------------------------

#: The forms every module's kit has, beside its sorting sets and trainer's sheets: the page
#: name, the title before the module's, and the navigation's label.
FORMS = [
    ("sign-in", "Sign-in sheet", "Sign-in sheet"),
    ("evaluation", "Evaluation form", "Evaluation form"),
    ("certificate", "Certificate of attendance", "Certificate"),
]


def has_sheets(activities: ActivityKit) -> bool:
    """Whether the module has anything for the trainer's sheets."""
    return bool(activities.roleplays or activities.sortings or activities.check)
