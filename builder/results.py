"""The ``cq-results`` format: what a learner hands to the trainer's group debrief dashboard.

The progress page (templates/static/assets/progress.js) writes it in the browser, ``course
live`` (live.py) writes it for each participant, and the dashboard
(templates/static/assets/dashboard.js) reads it. The three must agree on the checksum, so its
definition is here once for Python and mirrored in both scripts; docs/trainer.md describes
the format for trainers.

The checksum shows that a file was edited after it was exported. It is not a signature: the
algorithm is in every page of the site, so whoever means to forge a file can recompute it.
"""

from __future__ import annotations

import base64
import json
from typing import Any

FORMAT = "cq-results"
#: 2 adds ``label``, ``checksum`` and each answer's ``firstChosen``; the dashboard reads 1 too.
VERSION = 2
#: Codes keep their prefix: it names how the record is packed (base64url JSON), not its version.
CODE_PREFIX = "CQ1."
MAX_LABEL = 40


def _imul(a: int, b: int) -> int:
    """JavaScript's ``Math.imul`` on 32-bit patterns (signedness does not change the bits)."""
    return (a * b) & 0xFFFFFFFF


def cyrb53(data: bytes) -> str:
    """cyrb53, a small 53-bit hash, over bytes, in lowercase hex as the scripts write it."""
    h1 = 0xDEADBEEF
    h2 = 0x41C6CE57
    for byte in data:
        h1 = _imul(h1 ^ byte, 2654435761)
        h2 = _imul(h2 ^ byte, 1597334677)
    h1 = _imul(h1 ^ (h1 >> 16), 2246822507) ^ _imul(h2 ^ (h2 >> 13), 3266489909)
    h2 = _imul(h2 ^ (h2 >> 16), 2246822507) ^ _imul(h1 ^ (h1 >> 13), 3266489909)
    return format(4294967296 * (0x1FFFFF & h2) + h1, "x")


def checksum(course: str, label: str, answers: dict[str, dict[str, Any]]) -> str:
    """The checksum of a version 2 record: cyrb53 over the UTF-8 of a canonical JSON text.

    The text is ``[course, label, [[id, chosen, firstChosen, first, approach], ...]]`` with
    ids in sorted order, absent values as ``null`` and no spaces, as ``JSON.stringify`` writes
    it. ``correct`` and ``retry`` are left out: the dashboard works rightness out itself.
    """
    rows = [
        [
            qid,
            a["chosen"],
            a.get("firstChosen"),
            a.get("first"),
            a.get("approach"),
        ]
        for qid, a in sorted(answers.items())
    ]
    text = json.dumps([course, label, rows], ensure_ascii=False, separators=(",", ":"))
    return cyrb53(text.encode("utf-8"))


def record(
    course: str, answers: dict[str, dict[str, Any]], label: str = "", **extra: Any
) -> dict[str, Any]:
    """A version 2 results record with its checksum; ``extra`` keys are carried along."""
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "course": course}
    if label:
        out["label"] = label
    out.update(extra)
    out["answers"] = answers
    out["checksum"] = checksum(course, label, answers)
    return out


def code(data: dict[str, Any]) -> str:
    """A results record as the code learners paste into the dashboard (``CQ1.`` + base64url)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return CODE_PREFIX + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
