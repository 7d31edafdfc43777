"""The compact progress codec's build side: its table and the longest string a build can need.

The codec itself runs in the browser (``templates/static/assets/codec.js``, docs/codec.md). This
module derives the same table from ``course.json`` and writes the same bytes before compression
(``pack``), so that the build can know, without a browser, how long the resume string of a
learner who did everything can be: ``worst_case_length``. The SCORM 1.2 package refuses a
course whose worst case does not fit in ``cmi.suspend_data`` (4,096 characters). The browser
tests compare these bytes with codec.js's, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The format written as the "1" of "cq1." (``FORMAT`` in codec.js).
FORMAT = 1
#: Attempts kept per graded quiz: the last ones and the best pass (assessment.js, codec.js).
HISTORY = 20
#: The limits of course.js ``check()`` that the worst case reaches.
MOST_ATTEMPTS = 10000
MOST_QUESTIONS = 1000
#: The last millisecond of the year 9999, the latest date an ISO time of four digits can name.
LAST_DATE = "9999-12-31T23:59:59.999Z"
#: Bytes before the body: the course (2), the build (4), how the body is kept (1).
HEAD = 7
PREFIX = f"cq{FORMAT}."
_PARTS = ("visited", "answers", "cases", "endings", "attempts")


def _hash(text: str) -> int:
    """FNV-1a over UTF-16 code units, as ``hash`` in codec.js and course.js."""
    value = 2166136261
    data = text.encode("utf-16-le")
    for index in range(0, len(data), 2):
        value ^= data[index] | (data[index + 1] << 8)
        value = (value * 16777619) & 0xFFFFFFFF
    return value


@dataclass
class ItemTable:
    """One item's part of the table: its ids in the order bytes refer to them by index."""

    id: str
    questions: list[str]
    choices: list[list[str]]  # per question: its options, then the course's approaches
    steps: list[str]  # a case's decision steps, then its endings
    step_choices: dict[str, list[str]]
    key: int  # the section's name: a 24-bit hash of the item's id and table
    url: str | None = None  # its page, as course.json gives it
    kinds: list[str] = field(default_factory=list)  # per question: its type
    graded: bool = False

    @property
    def next(self) -> list[str]:
        return ["", *self.steps]


@dataclass
class Table:
    """What the bytes of a build are written against, derived from ``course.json``."""

    course: int
    build: int
    items: list[ItemTable]  # in course order, without items whose keys collide
    pages: list[str]
    approaches: list[str]
    colliding: list[str]  # items written in full because their keys collide
    every: list[ItemTable]  # every item, in course order

    def item(self, item_id: str) -> ItemTable | None:
        return next((entry for entry in self.items if entry.id == item_id), None)


def table(course: Mapping[str, Any]) -> Table:
    """The codec's table for ``course`` (course.json), as ``table`` in codec.js derives it."""
    approaches = [str(a) for a in course.get("approaches", [])]
    entries: list[ItemTable] = []
    keys: list[str] = []
    pages: list[str] = []
    for module in course.get("modules", []):
        for item in module.get("items", []):
            item_id = str(item["id"])
            questions = item.get("questions", [])
            decisions = [q for q in questions if q.get("type") == "decision"]
            steps = [q["id"][len(item_id) + 1 :] for q in decisions]
            steps += [str(e) for e in item.get("endings", [])]
            key = "|".join(
                [
                    item_id,
                    ";".join(f"{q['id']}:{','.join(q.get('options') or [])}" for q in questions),
                    ",".join(steps),
                    ",".join(approaches),
                ]
            )
            keys.append(key)
            entries.append(
                ItemTable(
                    id=item_id,
                    questions=[q["id"] for q in questions],
                    choices=[[*(q.get("options") or []), *approaches] for q in questions],
                    steps=steps,
                    step_choices={
                        q["id"][len(item_id) + 1 :]: list(q.get("options") or []) for q in decisions
                    },
                    key=_hash(key) & 0xFFFFFF,
                    kinds=[str(q.get("type")) for q in questions],
                    graded=bool(item.get("pass_mark")),
                    url=item["url"] if isinstance(item.get("url"), str) else None,
                )
            )
            if isinstance(item.get("url"), str):
                pages.append(item["url"])
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.key] = counts.get(entry.key, 0) + 1
    course_id = str(course.get("id"))
    return Table(
        course=_hash(course_id) & 0xFFFF,
        build=_hash(course_id + "\n" + "\n".join(keys)),
        items=[e for e in entries if counts[e.key] == 1],
        pages=pages,
        approaches=approaches,
        colliding=[e.id for e in entries if counts[e.key] > 1],
        every=entries,
    )


# --- bytes, as codec.js writes them -------------------------------------------------------


class _Writer:
    def __init__(self) -> None:
        self.data = bytearray()

    def byte(self, value: int) -> None:
        self.data.append(value & 0xFF)

    def uint(self, value: int) -> None:
        while value >= 128:
            self.data.append(value % 128 + 128)
            value //= 128
        self.data.append(value)

    def ascii(self, text: str) -> None:
        self.data.extend(ord(c) & 0x7F for c in text)

    def text(self, text: str) -> None:
        self.uint(len(text))
        self.ascii(text)

    def ref(self, table: Sequence[str], value: str, bit: bool | None = None) -> None:
        found = table.index(value) if value in table else -1
        number = found if found >= 0 else len(table) + len(value)
        self.uint(number if bit is None else number * 2 + int(bit))
        if found < 0:
            self.ascii(value)


def _iso_time(date: str) -> int | None:
    """Milliseconds since 1970 of an ISO time as ``Date#toISOString`` writes it, else None."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", date):
        return None
    try:
        moment = dt.datetime.strptime(date, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    millis = (moment - epoch) // dt.timedelta(milliseconds=1)
    return millis if millis >= 0 else None


_FLAG: dict[bool | None, int] = {None: 0, False: 1, True: 2}


def _keys(mapping: Mapping[str, Any]) -> list[str]:
    """The keys of a JavaScript object in its order: array indexes ascending, then the rest as
    inserted (an id such as ``123`` is an array index)."""

    def is_index(key: str) -> bool:
        return key.isdigit() and str(int(key)) == key and int(key) < 2**32 - 1

    indexes = sorted((k for k in mapping if is_index(k)), key=int)
    return indexes + [k for k in mapping if not is_index(k)]


def _answer(
    w: _Writer, answer: Mapping[str, Any], choices: list[str], approaches: list[str]
) -> None:
    approach = answer.get("approach")
    index = approaches.index(approach) if approach in approaches else -1
    code = 0 if approach is None else index + 1 if 0 <= index < 6 else 7
    w.byte(
        int(bool(answer["correct"]))
        | _FLAG[answer.get("first")] << 1
        | _FLAG[answer.get("retry")] << 3
        | code << 5
    )
    if code == 7:
        w.text(str(approach))
    _list(w, choices, answer["chosen"])
    _list(w, choices, answer.get("firstChosen") or [])


def _path(w: _Writer, path: Sequence[Sequence[Any]], entry: ItemTable | None) -> None:
    w.uint(len(path))
    for step, choice, following, continued in path:
        w.ref(entry.steps if entry else [], step)
        w.ref(entry.step_choices.get(step, []) if entry else [], choice, bool(continued))
        w.ref(entry.next if entry else [""], following)


def _list(w: _Writer, table: list[str], ids: Sequence[str]) -> None:
    w.uint(len(ids))
    for value in ids:
        w.ref(table, value)


def _attempts(w: _Writer, tries: Mapping[str, Any], questions: list[str]) -> None:
    w.uint(tries["n"])
    _list(w, questions, tries["drawn"])
    w.uint(len(tries["seen"]))
    for question in _keys(tries["seen"]):
        w.ref(questions, question)
        w.uint(tries["seen"][question])
    w.uint(len(tries["history"]))
    for run in tries["history"]:
        w.uint(run["n"])
        w.uint(run["right"])
        w.uint(run["total"])
        w.uint(run["percent"] * 2 + int(run["passed"]))
        time = _iso_time(run["date"])
        if time is not None:
            w.uint(time * 2)
        else:
            units = run["date"].encode("utf-16-le")
            w.uint(len(units) // 2 * 2 + 1)
            for index in range(0, len(units), 2):
                w.uint(units[index] | (units[index + 1] << 8))


def _section(w: _Writer, entry: ItemTable, p: Mapping[str, Any], approaches: list[str]) -> None:
    answered = [q for q in entry.questions if q in p["answers"]]
    visited = p["visited"].get(entry.id)
    flags = (
        int(visited is not None)
        | (2 if visited == "done" else 0)
        | (4 if answered else 0)
        | (8 if entry.id in p["cases"] else 0)
        | (16 if entry.id in p["endings"] else 0)
        | (32 if entry.id in p["attempts"] else 0)
        | (64 if entry.url is not None and p["last"] == entry.url else 0)
    )
    w.byte(flags)
    if answered:
        w.uint(len(answered))
        for question in answered:
            index = entry.questions.index(question)
            w.uint(index)
            _answer(w, p["answers"][question], entry.choices[index], approaches)
    if entry.id in p["cases"]:
        _path(w, p["cases"][entry.id], entry)
    if entry.id in p["endings"]:
        _list(w, entry.steps, p["endings"][entry.id])
    if entry.id in p["attempts"]:
        _attempts(w, p["attempts"][entry.id], entry.questions)


def pack(progress: Mapping[str, Any], course: Mapping[str, Any]) -> bytes:
    """The body codec.js writes for ``progress`` before compressing it (``pack`` there).

    ``progress`` is a valid progress record (course.js ``check()``); notes are left out.
    """
    t = table(course)
    p: dict[str, Any] = {part: progress.get(part) or {} for part in _PARTS}
    seed, last = progress.get("seed"), progress.get("last")
    p["last"] = last
    w = _Writer()
    in_full = isinstance(last, str) and all(e.url != last for e in t.items)
    w.byte(int(isinstance(seed, str)) | (2 if in_full else 0))
    if isinstance(seed, str):
        w.data.extend(bytes.fromhex(seed))
    if in_full:
        w.text(str(last))
    questions = {q for e in t.items for q in e.questions}
    sections = [
        e
        for e in t.items
        if (last is not None and e.url == last)
        or any(q in p["answers"] for q in e.questions)
        or any(e.id in p[part] for part in _PARTS if part != "answers")
    ]
    done = {e.id for e in sections}
    w.uint(len(sections))
    for entry in sections:
        part = _Writer()
        _section(part, entry, p, t.approaches)
        w.data.extend(entry.key.to_bytes(3, "big"))
        w.uint(len(part.data))
        w.data.extend(part.data)
    for name in _PARTS:
        rest = [
            k
            for k in _keys(p[name])
            if (k not in questions if name == "answers" else k not in done)
        ]
        w.uint(len(rest))
        for key in rest:
            w.text(key)
            value = p[name][key]
            if name == "visited":
                w.byte(int(value == "done"))
            elif name == "answers":
                _answer(w, value, t.approaches, t.approaches)
            elif name == "cases":
                _path(w, value, None)
            elif name == "endings":
                _list(w, [], value)
            else:
                _attempts(w, value, [])
    return bytes(w.data)


# --- the worst case -----------------------------------------------------------------------


def worst_progress(course: Mapping[str, Any], approaches_in_answers: bool = True) -> dict[str, Any]:
    """The progress record of a learner who did everything, with every value at its longest.

    Every item visited and done; every question answered (every option of a quiz question
    ticked, the last approach for a statement to classify, at the first attempt as at the
    last) with its approach; each case's path through all its decision steps (each with its
    last choice, continued, to its last step) and all its endings found; each graded quiz at
    attempt 10,000 with the whole bank drawn and seen 10,000 times, and ``HISTORY`` attempts
    kept, each with the largest numbers and the latest date; the last page the last of the
    table. Decisions of cases are not answers (the path keeps them). Ids are this build's: see
    docs/codec.md for what the bound leaves out.
    """
    t = table(course)
    indexed = {str(i["id"]): i for m in course.get("modules", []) for i in m.get("items", [])}
    progress: dict[str, Any] = {
        "version": 1,
        "seed": "f" * 16,
        "last": t.pages[-1] if t.pages else None,
        **{part: {} for part in _PARTS},
    }
    for entry in t.every:
        questions = {q["id"]: q for q in indexed[entry.id].get("questions", [])}
        progress["visited"][entry.id] = "done"
        for index, qid in enumerate(entry.questions):
            if entry.kinds[index] == "decision":
                continue
            options = list(questions[qid].get("options") or [])
            chosen = options[:50] or t.approaches[-1:]
            progress["answers"][qid] = {
                "chosen": chosen,
                "firstChosen": list(chosen),
                "correct": True,
                "first": False,
                "retry": True,
                "approach": t.approaches[-1] if approaches_in_answers and t.approaches else None,
            }
            if progress["answers"][qid]["approach"] is None:
                del progress["answers"][qid]["approach"]
        decisions = list(entry.step_choices)
        if decisions:
            progress["cases"][entry.id] = [
                [step, entry.step_choices[step][-1], entry.next[-1], True]
                for step in decisions
                if entry.step_choices[step]
            ]
        endings = entry.steps[len(decisions) :]
        if endings:
            progress["endings"][entry.id] = endings
        if entry.graded:
            bank = entry.questions[:MOST_QUESTIONS]
            progress["attempts"][entry.id] = {
                "n": MOST_ATTEMPTS,
                "drawn": bank,
                "seen": dict.fromkeys(bank, MOST_ATTEMPTS),
                "history": [
                    {
                        "n": MOST_ATTEMPTS,
                        "right": MOST_QUESTIONS,
                        "total": MOST_QUESTIONS,
                        "percent": 100,
                        "passed": True,
                        "date": LAST_DATE,
                    }
                ]
                * HISTORY,
            }
    return progress


def text_length(byte_count: int) -> int:
    """Characters of the text of ``byte_count`` bytes: the prefix, then unpadded base64url."""
    return len(PREFIX) + (byte_count * 4 + 2) // 3


def worst_case_length(course_index: Mapping[str, Any]) -> int:
    """Characters of the longest resume string a learner of this build can have.

    The body of :func:`worst_progress`, uncompressed: codec.js keeps the compressed body only
    when it is shorter, so no learner's string is longer. Used by the SCORM 1.2 package to
    refuse a course whose learners could not resume (``cmi.suspend_data`` holds 4,096).
    """
    return text_length(HEAD + len(pack(worst_progress(course_index), course_index)))
