"""builder/lms/codec.py: the progress codec's table, its bytes and the worst case of a build.

codec.js writes the same bytes in the browser; tests/browser/test_codec_in_chromium.py compares
the two and plays the codec in Chromium. Here: the table as course.json orders it, what the
bytes hold, the golden string read without a browser, and the worst case of the shipped course.
"""

from __future__ import annotations

import base64
import copy
import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from project import ROOT, TESTS

from builder.lms import codec
from builder.pages.site import Urls
from builder.pipeline import run_pipeline

FIXTURES = TESTS / "fixtures" / "codec"
GOLDEN = TESTS / "golden" / "codec" / "progress.txt"
SCORM12_LIMIT = 4096  # characters of cmi.suspend_data (CMIString4096)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    """course.json of the course in content/, as the build writes it."""
    result = run_pipeline(ROOT / "content", ROOT / "templates" / "pages", urls=Urls(True))
    data: dict[str, Any] = json.loads(result.rendered.course_json)
    return data


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def items(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for module in course["modules"] for item in module["items"]]


def unpack_text(text: str) -> tuple[bytes, bytes]:
    """The head and the uncompressed body of a codec string (as codec.js reads it)."""
    assert text.startswith("cq1.")
    data = base64.urlsafe_b64decode(text[4:] + "=" * (-len(text[4:]) % 4))
    head, body = data[: codec.HEAD], data[codec.HEAD :]
    if head[6] == 1:
        body = zlib.decompress(body, wbits=-15)
    return head, body


# --- the table ---------------------------------------------------------------------------


def test_the_table_follows_the_order_of_course_json() -> None:
    course = fixture("course.json")
    t = codec.table(course)
    assert [e.id for e in t.items] == ["welcome", "fork", "sort", "check", "final"]
    fork = t.item("fork")
    assert fork is not None
    assert fork.steps == ["start", "later", "good-end", "bad-end"], "decisions, then endings"
    assert fork.next == ["", "start", "later", "good-end", "bad-end"]
    assert fork.step_choices == {"start": ["ask", "tell"], "later": ["wait", "act", "leave"]}
    check = t.item("check")
    assert check is not None
    assert check.choices[1] == ["a", "b", "c", "d", *course["approaches"]]
    sort = t.item("sort")
    assert sort is not None
    assert sort.choices[0] == course["approaches"], "a statement is classified by approach"
    assert t.pages == [i["url"] for i in items(course)]
    final = t.item("final")
    assert final is not None
    assert final.graded
    assert not check.graded


def test_each_item_has_a_key_of_its_own_in_the_shipped_course(shipped: dict[str, Any]) -> None:
    t = codec.table(shipped)
    assert not t.colliding
    assert len({e.key for e in t.items}) == len(items(shipped))
    assert all(0 <= e.key < 1 << 24 for e in t.items)


def test_a_changed_item_changes_its_key_and_the_build_but_not_the_other_items_keys() -> None:
    course = fixture("course.json")
    before = codec.table(course)
    changed = copy.deepcopy(course)
    changed["modules"][0]["items"][3]["questions"][0]["options"].append("d")  # check/q1
    changed["modules"][0]["items"].reverse()
    after = codec.table(changed)
    keys = {e.id: e.key for e in before.items}
    assert {e.id: e.key for e in after.items if e.id != "check"} == {
        k: v for k, v in keys.items() if k != "check"
    }, "an item's key depends on its own table only, not on where it stands"
    check = after.item("check")
    assert check is not None
    assert check.key != keys["check"]
    assert after.build != before.build
    assert after.course == before.course


def test_another_course_has_another_course_hash() -> None:
    course = fixture("course.json")
    other = {**course, "id": "another-course"}
    assert codec.table(other).course != codec.table(course).course


def test_course_json_lists_each_cases_endings_for_the_table(shipped: dict[str, Any]) -> None:
    cases = [i for i in items(shipped) if i["kind"] == "case"]
    assert cases
    for case in cases:
        steps = {q["id"].split("/", 1)[1] for q in case["questions"]}
        assert case["endings"], f"{case['id']} has endings"
        assert not steps & set(case["endings"]), "an ending is a step without choices"


def test_the_hash_is_fnv1a_over_utf16_code_units_as_in_course_js() -> None:
    # Known FNV-1a 32-bit values (course.js's hash of the same texts).
    assert codec._hash("") == 0x811C9DC5
    assert codec._hash("a") == 0xE40C292C
    assert codec._hash("foobar") == 0xBF9CF968


# --- the bytes ---------------------------------------------------------------------------


def test_ids_of_the_table_are_written_by_index_and_others_in_full() -> None:
    course = fixture("course.json")
    known = {"version": 1, "visited": {"welcome": "done"}}
    unknown = {"version": 1, "visited": {"gone-item": "done"}}
    in_table = codec.pack(known, course)
    in_full = codec.pack(unknown, course)
    assert b"welcome" not in in_table
    assert b"gone-item" in in_full
    # flags, 1 section: key (3), length (1), flags byte 0b11 (visited, done); 5 empty parts
    assert in_table == bytes([0, 1]) + codec.table(course).items[0].key.to_bytes(3, "big") + bytes(
        [1, 3, 0, 0, 0, 0, 0]
    )


@pytest.mark.parametrize(
    ("first_chosen", "tail"),
    [
        (["b"], lambda choices: [1, 1]),
        (["d", "gone"], lambda choices: [2, 3, choices + len("gone"), *b"gone"]),
        (None, lambda choices: [0]),
    ],
    ids=["in-the-table", "one-not-in-the-table", "absent"],
)
def test_what_was_chosen_first_follows_what_was_chosen(
    first_chosen: list[str] | None, tail: Callable[[int], list[int]]
) -> None:
    """firstChosen: a count (0 when absent), then references to the question's options (an
    option the table lacks in full, as the table's length + its length, then its letters)."""
    course = fixture("course.json")
    answer: dict[str, Any] = {"chosen": ["c", "a"], "correct": True}
    if first_chosen is not None:
        answer["firstChosen"] = first_chosen
    packed = codec.pack({"version": 1, "answers": {"check/q2": answer}}, course)
    check = codec.table(course).item("check")
    assert check is not None
    assert check.choices[1][:4] == ["a", "b", "c", "d"]
    # section: parts (answers), 1 answer, question 1, flags (correct), chosen: 2, "c", "a"
    section = [4, 1, 1, 1, 2, 2, 0, *tail(len(check.choices[1]))]
    assert packed == bytes(
        [0, 1, *check.key.to_bytes(3, "big"), len(section), *section, 0, 0, 0, 0, 0]
    )


def test_notes_are_never_written() -> None:
    course = fixture("course.json")
    progress = fixture("progress.json")
    without = {k: v for k, v in progress.items() if k != "notes"}
    assert codec.pack(progress, course) == codec.pack(without, course)
    assert b"Reflections" not in codec.pack(progress, course)


def test_a_date_the_course_did_not_write_is_kept_in_full_code_unit_by_code_unit() -> None:
    course = fixture("course.json")
    progress = fixture("progress.json")
    history = progress["attempts"]["final"]["history"]
    iso = codec.pack(progress, course)
    history[0]["date"] = "3 décembre"
    other = codec.pack(progress, course)
    assert len(other) - len(iso) == (1 + 9 + 2) - 6, "ISO: 6 bytes; text: length, units (é: 2)"
    history[0]["date"] = "1969-12-31T23:59:59.999Z"  # before 1970: kept as text
    assert len(codec.pack(progress, course)) - len(iso) == (1 + 24) - 6


@pytest.mark.parametrize(
    ("date", "millis"),
    [
        ("1970-01-01T00:00:00.000Z", 0),
        ("2026-12-03T09:15:42.123Z", 1796289342123),
        (codec.LAST_DATE, 253402300799999),
        ("2026-02-30T00:00:00.000Z", None),
        ("2026-12-03T09:15:42Z", None),
    ],
)
def test_iso_times_are_read_as_javascript_writes_them(date: str, millis: int | None) -> None:
    assert codec._iso_time(date) == millis


def test_the_golden_string_holds_the_bytes_of_its_record() -> None:
    """The browser wrote it (tests/browser/test_codec_in_chromium.py, --update-golden)."""
    course = fixture("course.json")
    text = GOLDEN.read_text(encoding="utf-8").strip()
    head, body = unpack_text(text)
    t = codec.table(course)
    assert head[:2] == t.course.to_bytes(2, "big")
    assert head[2:6] == t.build.to_bytes(4, "big")
    assert head[6] == 1, "compressed"
    assert body == codec.pack(fixture("progress.json"), course)


# --- the worst case ----------------------------------------------------------------------


def test_the_shipped_course_fits_in_scorm_12_suspend_data(shipped: dict[str, Any]) -> None:
    assert codec.worst_case_length(shipped) <= SCORM12_LIMIT


def test_the_worst_case_is_the_uncompressed_worst_record_with_head_and_prefix(
    shipped: dict[str, Any],
) -> None:
    body = codec.pack(codec.worst_progress(shipped), shipped)
    byte_count = codec.HEAD + len(body)
    assert codec.worst_case_length(shipped) == len("cq1.") + len(
        base64.urlsafe_b64encode(bytes(byte_count)).rstrip(b"=")
    )


@pytest.mark.parametrize("count", range(0, 12))
def test_text_length_is_the_length_of_unpadded_base64url(count: int) -> None:
    assert codec.text_length(count) == 4 + len(base64.urlsafe_b64encode(bytes(count)).rstrip(b"="))


def test_the_worst_record_has_everything_done_at_its_longest(shipped: dict[str, Any]) -> None:
    worst = codec.worst_progress(shipped)
    every = items(shipped)
    assert set(worst["visited"]) == {i["id"] for i in every}
    assert set(worst["visited"].values()) == {"done"}
    answerable = {q["id"] for i in every for q in i["questions"] if q["type"] != "decision"}
    assert set(worst["answers"]) == answerable
    quizzes = {q["id"]: q for i in every for q in i["questions"] if q.get("options")}
    for qid, answer in worst["answers"].items():
        if qid in quizzes:
            assert answer["chosen"] == quizzes[qid]["options"], "every option ticked"
        assert answer["firstChosen"] == answer["chosen"], "and as many at the first attempt"
    graded = [i for i in every if i.get("pass_mark")]
    assert set(worst["attempts"]) == {i["id"] for i in graded}
    for item in graded:
        tries = worst["attempts"][item["id"]]
        assert len(tries["history"]) == codec.HISTORY
        assert len(tries["drawn"]) == len(item["questions"])
    cases = [i for i in every if i["kind"] == "case"]
    for case in cases:
        assert len(worst["cases"][case["id"]]) == len(case["questions"])
        assert worst["endings"][case["id"]] == case["endings"]


def test_the_worst_case_grows_with_the_course() -> None:
    course = fixture("course.json")
    bigger = copy.deepcopy(course)
    bigger["modules"][0]["items"][3]["questions"].append(
        {"id": "check/q3", "type": "single", "approach": None, "options": ["a", "b"]}
    )
    assert codec.worst_case_length(bigger) > codec.worst_case_length(course)


def test_items_with_colliding_keys_are_written_in_full_and_counted_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = fixture("course.json")
    plain = codec.worst_case_length(course)
    monkeypatch.setattr(codec, "_hash", lambda text: 7)  # every key the same
    t = codec.table(course)
    assert t.items == []
    assert len(t.colliding) == 5
    worst = codec.worst_progress(course)
    assert b"final/f1" in codec.pack(worst, course), "ids in full"
    assert codec.worst_case_length(course) > plain


def test_the_figures_of_the_shipped_course(shipped: dict[str, Any]) -> None:
    """The worst case is far below its record as JSON (what localStorage keeps today)."""
    worst = codec.worst_progress(shipped)
    as_json = len(json.dumps(worst, separators=(",", ":")))
    assert codec.worst_case_length(shipped) * 4 < as_json
