"""The course's questions as a question bank: what `course export gift` and `qti` write.

Quizzes give their questions as they are; a drill gives one single-choice question per
statement ("Which approach is this?") over the approaches the drill offers, with the statement's
rationale as the general feedback. Every text becomes HTML here, once, the way the site shows
it (Markdown through the site's own renderer, raw HTML shown as text; plain text escaped), so
the writers only have to escape it for their format.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .diagnostics import Diagnostic
from .model import Course, Drill, Module, Quiz
from .pages.items import drill_choices
from .pages.markup import md
from .validate import Content

#: Validation warnings that make a question unusable in an LMS's bank: Moodle and Canvas
#: refuse a single-choice question without exactly one right option, or a question with none.
BANK_BREAKERS = frozenset({"single-choice-answers", "no-correct-option"})

DRILL_PROMPT = "Which approach is this?"


@dataclass(frozen=True)
class Answer:
    """One option of a bank question; texts are HTML."""

    ident: str
    html: str
    correct: bool
    feedback: str | None


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bank; ``name`` is made from stable ids (``item-id/question-id``)."""

    name: str
    multiple: bool
    prompt: str
    answers: tuple[Answer, ...]
    general: str | None
    #: The approach the right answer is (a graded quiz's `per_approach` draw groups by it).
    approach: str | None = None


@dataclass(frozen=True)
class ItemBank:
    """The questions of one quiz or drill, with the module it belongs to."""

    module: Module
    item: Quiz | Drill
    questions: tuple[BankQuestion, ...]

    @property
    def pass_mark(self) -> int | None:
        """The pass mark of a graded quiz (the final assessment's bank), else None."""
        return self.item.pass_mark if isinstance(self.item, Quiz) else None


def _html(markdown: str | None) -> str | None:
    return str(md(markdown)).strip() if markdown else None


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def quiz_bank(module: Module, quiz: Quiz) -> ItemBank:
    questions = tuple(
        BankQuestion(
            name=f"{quiz.id}/{question.id}",
            multiple=question.type == "multiple",
            prompt=_html(question.prompt) or "",
            answers=tuple(
                Answer(option.id, _text(option.text), option.correct, _html(option.feedback))
                for option in question.options
            ),
            general=_html(question.explanation),
            approach=question.approach,
        )
        for question in quiz.questions
    )
    return ItemBank(module, quiz, questions)


def drill_bank(module: Module, drill: Drill, course: Course) -> ItemBank:
    choices = drill_choices(drill, course.approach_order)
    names = course.approach_names
    questions = tuple(
        BankQuestion(
            name=f"{drill.id}/{statement.id}",
            multiple=False,
            prompt=f"<p>{_text(DRILL_PROMPT)}</p>\n<blockquote>\n<p>{_text(statement.text)}</p>"
            "\n</blockquote>",
            answers=tuple(
                Answer(approach, _text(names[approach]), approach == statement.approach, None)
                for approach in choices
            ),
            general=_html(statement.rationale),
            approach=statement.approach,
        )
        for statement in drill.statements
    )
    return ItemBank(module, drill, questions)


def question_bank(content: Content, modules: list[Module]) -> list[ItemBank]:
    """The quizzes and drills of ``modules``, in course order."""
    banks: list[ItemBank] = []
    for module in modules:
        for item in content.items_of(module):
            if isinstance(item, Quiz):
                banks.append(quiz_bank(module, item))
            elif isinstance(item, Drill):
                banks.append(drill_bank(module, item, content.course))
    return banks


def bank_problems(
    content: Content, modules: list[Module], diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    """The warnings among ``diagnostics`` that would break an LMS's import of ``modules``,
    made errors; the others unchanged."""
    paths = {content.documents[item].path for module in modules for item in module.items}
    return [
        d.as_error() if d.code in BANK_BREAKERS and d.position.path in paths else d
        for d in diagnostics
    ]
