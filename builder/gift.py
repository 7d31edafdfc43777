"""The question bank as Moodle GIFT text (`course export gift`).

Decisions, each following what Moodle's own GIFT importer (``qformat_gift``) does:

- Every text is HTML (``[html]`` on the question text; Moodle gives the answers and feedback
  the question's format), made by the site's own Markdown renderer: Moodle's Markdown dialect
  (Markdown Extra) reads some of ours differently, and HTML shows what the site shows.
- Texts escape ``\\ ~ = # { } :`` with a backslash and a line break as ``\\n``, so no text
  ever spans lines (a blank line ends a question). Moodle finds the answers by the first
  ``{`` and the first ``}``, and question names by the first ``::``, so every one in a text
  must be escaped; names are escaped the same way.
- A text that would start with ``[`` or ``%`` starts with its character reference instead
  (the same HTML): Moodle would read ``[word]`` as a format and ``%50%`` as a weight.
- Category lines are *not* backslash-escaped: Moodle reads them raw (an escape would show in
  the category's name). Each name in the path doubles its ``/``, as Moodle's own category
  paths do, and keeps to one line.
- Multiple choice: each right option weighs ``100/rights`` % and each wrong one
  ``-100/wrongs`` %, so choosing every option scores 0. Moodle accepts only its own list of
  grades (100/n for n = 1..10 or 20), so a question with another count is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .bank import BankQuestion, ItemBank
from .diagnostics import Diagnostic
from .model import Drill
from .validate import Content

_ESCAPE = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)
_LEADING = {"[": "&#91;", "%": "&#37;"}
#: The counts of right (or wrong) options whose share of 100% is one of Moodle's grades.
MOODLE_SHARES = frozenset({*range(1, 11), 20})


def escape(text: str) -> str:
    """``text`` with every GIFT special character escaped; one line."""
    return text.translate(_ESCAPE)


def escape_html(text: str) -> str:
    """An HTML text for a GIFT field: escaped, and never read as a format or a weight."""
    text = text.strip()
    if text[:1] in _LEADING:
        text = _LEADING[text[0]] + text[1:]
    return escape(text)


def category_name(name: str) -> str:
    """One name of a category path, as Moodle writes it: ``/`` doubled, on one line."""
    name = _one_line(name).replace("/", "//")
    if name.startswith("/"):
        name = " " + name
    if name.endswith("/"):
        name += " "
    return name


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def weight(share: int) -> str:
    """100/share, as Moodle lists the grade (five decimals at most)."""
    return f"{100 / share:.5f}".rstrip("0").rstrip(".")


def category_path(content: Content, bank: ItemBank) -> list[str]:
    """The category of a bank: course / module, plus the graded quiz, marked, for its bank."""
    path = [content.course.title, bank.module.title]
    if bank.pass_mark is not None:
        path.append(f"{bank.item.title} (graded, pass mark {bank.pass_mark}%)")
    return path


def gift_problems(content: Content, banks: Iterable[ItemBank]) -> list[Diagnostic]:
    """Multiple-choice questions whose weights Moodle would refuse."""
    found: list[Diagnostic] = []
    for bank in banks:
        for index, question in enumerate(bank.questions):
            if not question.multiple:
                continue
            rights = sum(a.correct for a in question.answers)
            wrongs = len(question.answers) - rights
            for count, what in ((rights, "right"), (wrongs, "wrong")):
                if count and count not in MOODLE_SHARES:
                    loaded = content.documents[bank.item.id].loaded
                    found.append(
                        Diagnostic(
                            "gift-weight",
                            f"question {question.name.split('/')[-1]!r} has {count} {what} "
                            f"options: Moodle has no grade of 100/{count} %",
                            loaded.key_position(("questions", index, "options")),
                            hint="Moodle accepts 1 to 10 (or 20) right options and as "
                            "many wrong ones; or leave the module out with --module",
                        )
                    )
    return found


def _question(question: BankQuestion) -> list[str]:
    lines = [f"::{escape(question.name)}::[html]{escape_html(question.prompt)}{{"]
    rights = sum(a.correct for a in question.answers)
    wrongs = len(question.answers) - rights
    for answer in question.answers:
        if not question.multiple:
            mark = "=" if answer.correct else "~"
        elif answer.correct:
            mark = f"~%{weight(rights)}%"
        else:
            mark = f"~%-{weight(wrongs)}%"
        feedback = f"#{escape_html(answer.feedback)}" if answer.feedback else ""
        lines.append(f"\t{mark}{escape_html(answer.html)}{feedback}")
    if question.general:
        lines.append(f"\t####{escape_html(question.general)}")
    lines.append("}")
    return lines


def gift_text(content: Content, banks: list[ItemBank]) -> str:
    """The banks as one GIFT file: a category per module (and per graded quiz)."""
    out = [
        f"// {_one_line(content.course.title)}: question bank written by `course export gift`.",
        "// Moodle: Question bank > Import > GIFT format, with 'Get category from file'.",
        "",
    ]
    category: list[str] | None = None
    for bank in banks:
        path = category_path(content, bank)
        if path != category:
            category = path
            out += [f"$CATEGORY: {'/'.join(category_name(n) for n in path)}", ""]
        kind = "quiz" if bank.pass_mark is None else "graded quiz"
        if isinstance(bank.item, Drill):
            kind = "drill: which approach is each statement?"
        out += [f"// {bank.item.id}: {_one_line(bank.item.title)} ({kind})", ""]
        for question in bank.questions:
            out += [*_question(question), ""]
    return "\n".join(out)


def count_categories(banks: list[ItemBank], content: Content) -> int:
    """How many categories the GIFT file declares."""
    return len({tuple(category_path(content, bank)) for bank in banks})
