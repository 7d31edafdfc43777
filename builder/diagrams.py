"""Diagrams drawn from the course's own data: the drivers and levers, the team grid, the test.

A page places a diagram with ``diagrams: [{kind: team-grid, before: "A heading"}]``. This
module lays each kind out (boxes, lines of text, arrows, in SVG user units) from the course's
``drivers``, ``team_grid`` and ``lookalike_test``; ``templates/pages/_diagrams.j2`` draws the
layout as inline SVG with a title and a description, its words as real text. It also splits a
page's body at the headings diagrams go before, and checks both ends of a placement: the
heading exists, and so do the data the diagram draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, did_you_mean
from .load import Loaded
from .model import Diagram, Item, Page
from .model.course import Course

#: The course field each kind of diagram draws.
DATA_OF = {"levers": "drivers", "team-grid": "team_grid", "lookalike-test": "lookalike_test"}
TITLES = {
    "levers": "Drivers and levers",
    "team-grid": "The team grid",
    "lookalike-test": "The questions, in order",
}
WIDTH = 640
NARROW = 440
LINE = 18  # distance between lines of text
PAD = 12  # inside a box
CHAR = 0.55  # the width of an average character, in ems, for wrapping

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


# --- where diagrams go ---------------------------------------------------------------------


def _heading_lines(body: str) -> list[tuple[int, str]]:
    """(line index, text) of the body's ATX headings at the start of a line, outside code."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if opened:
            fence = None if fence == opened.group(1) else fence or opened.group(1)
            continue
        found = _ATX.match(line) if fence is None else None
        if found:
            out.append((index, " ".join(found.group(2).split())))
    return out


def headings(body: str) -> list[str]:
    """The text of each heading of a Markdown body, as written after the ``#``s."""
    return [text for _, text in _heading_lines(body)]


def body_parts(page: Page) -> list[tuple[str, Diagram | None]]:
    """The page's body cut before the headings its diagrams go before: each part of the
    Markdown, then the diagram that follows it (None after the last part)."""
    lines = page.body.split("\n")
    at: dict[str, int] = {}
    for index, text in _heading_lines(page.body):
        at.setdefault(" ".join(text.split()), index)
    cuts = sorted(
        ((at.get(" ".join(d.before.split()), len(lines)) if d.before else len(lines)), n, d)
        for n, d in enumerate(page.diagrams)
    )
    parts: list[tuple[str, Diagram | None]] = []
    start = 0
    for line, _, diagram in cuts:
        parts.append(("\n".join(lines[start:line]), diagram))
        start = line
    parts.append(("\n".join(lines[start:]), None))
    return [(text, diagram) for text, diagram in parts if text.strip() or diagram]


def check_placements(loaded: Loaded, page: Page) -> list[Diagnostic]:
    """Each diagram's ``before`` names a heading of the body."""
    known = headings(page.body)
    out = []
    for i, diagram in enumerate(page.diagrams):
        if diagram.before is None or " ".join(diagram.before.split()) in known:
            continue
        out.append(
            Diagnostic(
                "unknown-reference",
                f"there is no heading `{diagram.before}` in the body",
                loaded.position(("diagrams", i, "before")),
                did_you_mean(diagram.before, known)
                or (
                    f"the body's headings: {', '.join(f'`{h}`' for h in known)}"
                    if known
                    else "the body has no heading; remove `before` to end the body with it"
                ),
            )
        )
    return out


def check_data(course: Course, items: Iterable[tuple[Loaded, Item]]) -> list[Diagnostic]:
    """Every diagram a page places draws data the course defines."""
    out = []
    for loaded, item in items:
        if not isinstance(item, Page):
            continue
        for i, diagram in enumerate(item.diagrams):
            name = DATA_OF[diagram.kind]
            if getattr(course, name):
                continue
            out.append(
                Diagnostic(
                    "diagram-without-data",
                    f"the `{diagram.kind}` diagram draws the course's `{name}`, which "
                    "course.yml does not define",
                    loaded.position(("diagrams", i, "kind")),
                    f"add `{name}:` to course.yml (see the field reference), or remove the diagram",
                )
            )
    return out


# --- layouts -------------------------------------------------------------------------------


@dataclass
class Text:
    """A line of text, anchored at its middle (``start``: at its left end)."""

    text: str
    x: float
    y: float
    size: int = 14
    bold: bool = False
    start: bool = False
    rotate: bool = False  # read bottom to top


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    tone: str = "plain"  # plain, lever (an approach), result


@dataclass
class Arrow:
    path: str


@dataclass
class Drawing:
    """One diagram's layout: what the template draws, plus its title and description."""

    kind: str
    title: str
    description: str
    width: int
    height: float = 0
    boxes: list[Box] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


def _n(number: float) -> str:
    """A coordinate as SVG wants it: ``12``, ``12.5``."""
    return f"{number:g}"


def wrap(text: str, width: float, size: int = 14) -> list[str]:
    """``text`` in lines that fit ``width`` units at font ``size`` (never cut short)."""
    chars = max(8, int(width / (size * CHAR)))
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= chars:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def _lines(
    drawing: Drawing, lines: list[tuple[str, int, bool]], x: float, y: float, *, start: bool
) -> float:
    """Add text lines from top ``y``; each is (text, size, bold). Returns the height used."""
    for n, (text, size, bold) in enumerate(lines):
        drawing.texts.append(Text(text, x, y + 14 + n * LINE, size, bold, start))
    return len(lines) * LINE


def _wrapped(
    text: str, width: float, size: int = 14, bold: bool = False
) -> list[tuple[str, int, bool]]:
    return [(line, size, bold) for line in wrap(text, width - 2 * PAD, size)]


def drawing(kind: str, course: Course, *, narrow: bool = False) -> Drawing:
    """The layout of a ``kind`` of diagram, from the course's data (its categories by their
    display names). ``narrow``: the team grid for half a printed sheet, its words
    wrapped shorter so that they stay readable at that size."""
    if kind == "levers":
        return _levers(course, course.approach_names)
    if kind == "team-grid":
        return _grid(course, NARROW if narrow else WIDTH)
    return _test(course, course.approach_names)


def _levers(course: Course, names: dict[str, str]) -> Drawing:
    parts = [
        f"{d.name}{f' ({d.meaning})' if d.meaning else ''}: its lever is {names[d.lever].lower()}"
        for d in course.drivers
    ]
    out = Drawing(
        "levers",
        TITLES["levers"],
        "Each driver of a salesperson's results, and the manager's lever for it. "
        + ". ".join(parts)
        + ".",
        WIDTH,
    )
    left, right, w = 4.0, 388.0, 248.0
    out.texts += [
        Text("Driver", left + w / 2, 16, 14, True),
        Text("Lever", right + w / 2, 16, 14, True),
    ]
    y = 30.0
    for driver in course.drivers:
        lines = [(driver.name, 16, True)]
        if driver.meaning:
            lines += _wrapped(driver.meaning, w)
        h = len(lines) * LINE + 2 * PAD - 4
        out.boxes += [Box(left, y, w, h), Box(right, y, w, h, "lever")]
        _lines(out, lines, left + PAD, y + PAD - 4, start=True)
        mid = y + h / 2
        out.texts.append(Text(names[driver.lever], right + w / 2, mid + 5, 16, True))
        out.arrows.append(Arrow(f"M{_n(left + w)},{_n(mid)} H{_n(right - 4)}"))
        y += h + 14
    out.height = y - 10
    return out


def _grid(course: Course, width: int) -> Drawing:
    grid = course.team_grid
    assert grid is not None  # check_data makes sure
    up, across = grid.up, grid.across
    places = [
        (f"{up.high} {up.name.lower()}", f"{across.low} {across.name.lower()}"),
        (f"{up.high} {up.name.lower()}", f"{across.high} {across.name.lower()}"),
        (f"{up.low} {up.name.lower()}", f"{across.low} {across.name.lower()}"),
        (f"{up.low} {up.name.lower()}", f"{across.high} {across.name.lower()}"),
    ]
    described = [
        f"{box.name}, {a} and {b}: {box.needs}"
        for box, (a, b) in zip(grid.boxes, places, strict=True)
    ]
    out = Drawing(
        "team-grid",
        TITLES["team-grid"],
        f"A grid of four boxes. Up: {up.name}, from {up.low} to {up.high}. Across: "
        f"{across.name}, from {across.low} to {across.high}. "
        + " ".join(f"{text.rstrip('.')}." for text in described),
        width,
    )
    x0, top, w = 52.0, 8.0, (width - 52.0 - 4) / 2
    contents = [[(box.name, 16, True), *_wrapped(box.needs, w, 13)] for box in grid.boxes]
    h = max(len(lines) for lines in contents) * LINE + 2 * PAD
    for n, lines in enumerate(contents):
        x, y = x0 + (n % 2) * w, top + (n // 2) * h
        out.boxes.append(Box(x, y, w, h, "lever" if n == 1 else "plain"))
        _lines(out, lines, x + PAD, y + PAD - 4, start=True)
    bottom = top + 2 * h
    out.arrows += [
        Arrow(f"M{_n(x0 - 14)},{_n(bottom)} V{_n(top + 4)}"),
        Arrow(f"M{_n(x0)},{_n(bottom + 14)} H{_n(width - 8)}"),
    ]
    out.texts += [
        Text(up.name, x0 - 26, top + h, 14, True, rotate=True),
        Text(up.high, x0 - 26, top + h / 2, 12, rotate=True),
        Text(up.low, x0 - 26, top + 1.5 * h, 12, rotate=True),
        Text(across.name, x0 + w, bottom + 34, 14, True),
        Text(across.low, x0 + w / 2, bottom + 34, 12),
        Text(across.high, x0 + 1.5 * w, bottom + 34, 12),
    ]
    out.height = bottom + 42
    return out


def _test(course: Course, names: dict[str, str]) -> Drawing:
    steps = course.lookalike_test

    def answer(approaches: list[str]) -> str:
        return " or ".join(
            names[a] if n == 0 else names[a].lower() for n, a in enumerate(approaches)
        )

    described = [
        f"{n}. {step.question} If yes: {answer(step.then).lower()}"
        + (f" ({step.note.rstrip('.')})" if step.note else "")
        + ("." if n == len(steps) else "; if no, go on to question " + str(n + 1) + ".")
        for n, step in enumerate(steps, start=1)
    ]
    out = Drawing(
        "lookalike-test",
        TITLES["lookalike-test"],
        "Ask the questions in order; the first yes decides. " + " ".join(described),
        WIDTH,
    )
    left, wq, right, wr = 4.0, 372.0, 436.0, 200.0
    y = 4.0
    for n, step in enumerate(steps, start=1):
        question = _wrapped(f"{n}. {step.question}", wq)
        result = _wrapped(answer(step.then), wr, 15, True)
        if step.note:
            result += _wrapped(step.note, wr, 12)
        hq = len(question) * LINE + 2 * PAD - 4
        hr = len(result) * LINE + 2 * PAD - 4
        out.boxes += [Box(left, y, wq, hq), Box(right, y, wr, hr, "lever")]
        _lines(out, question, left + PAD, y + PAD - 4, start=True)
        _lines(out, result, right + PAD, y + PAD - 4, start=True)
        out.arrows.append(Arrow(f"M{_n(left + wq)},{_n(y + 22)} H{_n(right - 4)}"))
        out.texts.append(Text("yes", (left + wq + right) / 2, y + 16, 12, True))
        below = y + hq
        y += max(hq, hr)
        if n < len(steps):
            y += 30
            out.arrows.append(Arrow(f"M{_n(left + 40)},{_n(below)} V{_n(y - 4)}"))
            out.texts.append(Text("no", left + 52, (below + y) / 2 + 4, 12, True, start=True))
    out.height = y + 4
    return out
