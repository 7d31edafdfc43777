"""Diagnostics: the one form in which every content problem reaches a person.

A diagnostic prints as ``path:line:col: severity[code]: message`` followed by an indented
``hint:`` line, the form editors and CI annotations understand. Codes are stable: each one is
documented in ``CODES`` below and on the site's error reference.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

CODES: dict[str, str] = {
    # reading files
    "not-utf8": "The file is not valid UTF-8 text.",
    "not-a-file": "A content path is not a regular file (a FIFO, a device, a link to nothing); "
    "it is not read.",
    "link-outside": "A link in the content folder points outside it; what it points to is not "
    "read (it would be published).",
    "file-too-large": "The file is larger than a content file can reasonably be.",
    "empty-file": "The file holds no YAML document.",
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-tab": "A tab character is used for indentation, which YAML forbids.",
    "duplicate-key": "A key appears twice in the same mapping.",
    "multiple-documents": "The file holds more than one YAML document.",
    "not-a-mapping": "The top level of a content file is not a mapping of keys to values.",
    "yaml-tag": "The file uses a YAML tag (`!...`); tags could construct objects and are refused.",
    "yaml-too-large": "Aliases expand into more nodes than a content file may hold.",
    "yaml-too-deep": "Values are nested deeper than a content file may be.",
    "complex-key": "A key is a list or mapping instead of plain text.",
    "control-character": "A text holds a control character (escape, NUL...), which no page "
    "can show and a terminal would obey, or the noncharacter U+FFFE or U+FFFF, which no XML "
    "can hold (`course export qti`).",
    # checking one file against the model
    "missing-kind": "The file has no `kind` key, so it is unclear what it describes.",
    "unknown-kind": "The `kind` is not one of the content kinds.",
    "unknown-key": "A key is not a field of this kind of content.",
    "missing-field": "A required field is missing.",
    "wrong-type": "A value has the wrong type (e.g. a list where text is expected).",
    "invalid-value": "A value has the right type but is not allowed (pattern, range, choices).",
    "limit-exceeded": "A text is longer, or a list has more entries, than the course allows "
    "(titles, items per module, modules).",
    # checking the course as a whole
    "duplicate-id": "Two things that must have distinct ids share one.",
    "unknown-reference": "An id refers to something that does not exist.",
    "project-exists": "`course init` was given a folder that is not empty.",
    "unknown-approach": "A category id (an `approach`, `approaches`, `lookalike`, `lever` or "
    "`then`) is not one of the categories the course file defines under `approaches`.",
    "missing-item": "A module lists an item that no content file defines.",
    "missing-course": "No `kind: course` file was found.",
    "multiple-courses": "More than one `kind: course` file was found.",
    "item-listed-twice": "An item is listed by more than one module, or twice by one.",
    "why-not-shown": "A role-play line has a `why`, but no page would show it: only the lines a "
    "learner playing alone says (the coaching version's lines of the role that opens it) do.",
    # pedagogy (warnings; errors under --strict)
    "unlisted-item": "An item is not listed in any module, so learners never see it.",
    "unlisted-module": "A module is not listed in the course, so learners never see it.",
    "unreachable-step": "A case step cannot be reached from the start step.",
    "missing-feedback": "An answer option has no feedback.",
    "single-choice-answers": "A single-choice question does not have exactly one right option.",
    "no-correct-option": "A question has no right option.",
    "thin-approach": "A drill has too few statements of a category to practise telling it apart.",
    "draw-ungraded": "A quiz draws its questions from a bank but is not graded (no pass mark).",
    "draw-rule": "A quiz's `draw` does not say exactly one rule (`per_approach` or `questions`).",
    "draw-too-large": "A quiz's bank has too few questions for what one attempt draws.",
    "draw-never-drawn": "A question in a bank can never be drawn by the quiz's draw rule.",
    # exports, builder/gift.py
    "gift-weight": "`course export gift`: a multiple-choice question has a number of right (or "
    "wrong) options whose share of 100% is not one of the grades Moodle accepts (100/n for n "
    "from 1 to 10, or 20).",
    # answer cues, builder/lint.py (warnings; errors under --strict)
    "longest-answer-cue": "The right option is the uniquely longest in more than half of a "
    "quiz's single-choice questions with 3+ options (at least 3 of them), or the best choice in "
    "more than half of a case's decisions: picking the longest passes without reading.",
    "answer-position-cue": "Where options keep their written order (`shuffle: false` on questions "
    "or case steps), the right answer is in the same place (first, second, ..., last) in more "
    "than half of them (at least 3 with 3+ options).",
    "few-options": "A graded question a blind guess gets right more often than 1 time in 4: "
    "single choice with fewer than 4 options, multiple choice with 2.",
    "graded-near-copy": "A graded question's prompt has 60% or more of its words in common with "
    "a practice question, drill statement or case decision elsewhere in the course (prompts of "
    "12 words or more).",
    "order-dependent-option": 'An option or case choice says "all of the above", "both of these", '
    '"A and B", "options 1 and 3" or the like (a drill statement: "the previous one"), but it is '
    "shuffled for each learner.",
    "swallowed-key": "A text holds a line like `key: value` that YAML read as part of the text "
    "(usually a key indented too far).",
    "markdown-in-plain-text": "A plain-text field holds Markdown emphasis or code (`*word*`, "
    "`` `x` ``), which learners would see with its marks.",
    "external-image": "A Markdown image points outside the site: every learner's browser would "
    "fetch it from a third party (pages show it as a link instead).",
    "diagram-without-data": "A page places a diagram whose data course.yml does not define "
    "(`drivers`, `team_grid` or `lookalike_test`).",
    "minutes-off-estimate": "An item's (module's) `minutes` is more than twice, or less than half, "
    "the builder's estimate for a learner working alone (the sum of its items' minutes), and 5 "
    "or more minutes away from it.",
    "observer-count-unboxed": "A role play's brief asks someone to count, but its observer "
    "checklist has no `counts`, so the printed checklist has no boxes to count in.",
    # commands
    "no-content": "The content folder does not exist or holds no YAML files.",
    "template-error": "A template failed to render.",
    "asset-syntax": "A script of the site's own assets is not valid ES5, so it cannot be minified.",
    # packages for an LMS (`course package`)
    "resume-too-large": "A fully completed course would need more resume data than the package "
    "format keeps (SCORM 1.2: 4,096 characters); an LMS would cut it and send the learner back "
    "to the start.",
    "file-exists": "A file that would be written already exists.",
    "workshop-does-not-fit": "The slot cannot hold the workshop's opening and close and one "
    "activity of the chosen modules.",
}


class Position(NamedTuple):
    """A place in a file; line and column are 1-based.

    A named tuple rather than a dataclass: the loader makes one for every value it reads,
    hundreds of thousands in a large course, and a tuple is made several times faster.
    """

    path: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the content, with where it is and what to do about it."""

    code: str
    message: str
    position: Position
    hint: str = ""
    severity: Severity = "error"
    sort_key: tuple[str, int, int, str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a bug, not a content problem
            raise ValueError(f"undocumented diagnostic code {self.code!r}")
        key = (
            self.position.path,
            self.position.line,
            self.position.column,
            self.code,
            self.message,
        )
        object.__setattr__(self, "sort_key", key)

    def format(self, cwd: Path | None = None) -> str:
        """The printed form: ``path:line:col: severity[code]: message`` plus a hint line.

        Control characters from the content (terminal escape sequences above all) are printed
        as escapes, so a file cannot erase, forge or retitle anything on the terminal.
        """
        path = printable(display_path(self.position.path, cwd))
        head = (
            f"{path}:{self.position.line}:{self.position.column}: "
            f"{self.severity}[{self.code}]: {printable(self.message)}"
        )
        return f"{head}\n    hint: {printable(self.hint)}" if self.hint else head

    def format_github(self, cwd: Path | None = None) -> str:
        """A GitHub Actions workflow command: an inline annotation on the pull request."""

        def escape(text: str, *, prop: bool = False) -> str:
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return text.replace(":", "%3A").replace(",", "%2C") if prop else text

        path = printable(display_path(self.position.path, cwd))
        props = (
            f"file={escape(path, prop=True)},line={self.position.line},"
            f"col={self.position.column},title={escape(self.code, prop=True)}"
        )
        body = printable(self.message) + (f"\n{printable(self.hint)}" if self.hint else "")
        return f"::{self.severity} {props}::{escape(body)}"

    def as_error(self) -> Diagnostic:
        """The same diagnostic, raised to an error (``--strict``)."""
        if self.severity == "error":
            return self
        return Diagnostic(self.code, self.message, self.position, self.hint, "error")


_UNPRINTABLE = frozenset(["Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"])
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with control and format characters written as escapes (``\\x1b``, ``\\u202e``).

    For anything printed to a terminal: escape sequences, bidirectional overrides and line
    breaks from the content show as what they are instead of acting on the terminal.
    """
    if text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _UNPRINTABLE else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def display_path(path: str, cwd: Path | None = None) -> str:
    """A path relative to the current directory when it lies below it, else as given."""
    base = cwd or Path.cwd()
    try:
        return Path(os.path.relpath(path, base)).as_posix() if Path(path).is_absolute() else path
    except ValueError:  # another drive on Windows
        return path


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, line, column, then code; exact duplicates removed."""
    unique = {(*d.sort_key, d.severity, d.hint): d for d in diagnostics}
    return sorted(unique.values(), key=lambda d: d.sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def summary(diagnostics: list[Diagnostic]) -> str:
    """The line every command prints after its diagnostics: ``2 error(s), 1 warning(s)``."""
    errors = sum(d.severity == "error" for d in diagnostics)
    return f"{errors} error(s), {len(diagnostics) - errors} warning(s)"


class ContentError(Exception):
    """Raised when content problems stop a command; carries every diagnostic found."""

    exit_code = 1

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__(f"{len(self.diagnostics)} content problem(s)")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' suffix naming the closest candidate, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def codes_markdown() -> str:
    """The reference page of diagnostic codes (docs/diagnostics.md is this text)."""
    lines = [
        "# Diagnostic codes",
        "",
        "Every content problem is printed as `path:line:col: severity[code]: message`, followed by",
        "an indented `hint:` line saying what to do. Codes are stable: scripts and CI annotations",
        "may rely on them. Warnings (pedagogy lint) become errors with `--strict`.",
        "",
        "Generated from `CODES` in `builder/diagnostics.py`; a test keeps this file in step.",
        "",
        "| code | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{code}` | {meaning.replace('|', '&#124;')} |" for code, meaning in CODES.items()]
    return "\n".join(lines) + "\n"
