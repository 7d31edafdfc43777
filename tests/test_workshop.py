"""builder/workshop.py and `course workshop`: fitting modules into a workshop slot."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder.adapters.cli import main
from builder.estimate import estimate
from builder.model import Module
from builder.trainer import run_sheet
from builder.validate import Content, validate_content
from builder.workshop import (
    Plan,
    WorkshopError,
    core_of,
    find_modules,
    format_plan,
    plan_workshop,
)

ROOT = Path(__file__).resolve().parent.parent
FOUR_THINGS = "four-things-coaching-is-not"


@pytest.fixture(scope="module")
def course() -> Content:
    found, diagnostics = validate_content(ROOT / "content")
    assert found is not None, [d.format() for d in diagnostics]
    return found


def modules(course: Content, *ids: str) -> list[Module]:
    found, unknown = find_modules(course, list(ids))
    assert unknown == []
    return found


def plan(course: Content, minutes: int, *ids: str) -> Plan:
    return plan_workshop(course, modules(course, *ids), minutes)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --- the plan --------------------------------------------------------------------------------


def test_a_90_minute_slot_runs_the_core_live_and_fills_the_rest_of_the_slot(
    course: Content,
) -> None:
    agenda = plan(course, 90, FOUR_THINGS)
    assert agenda.used <= 90
    assert agenda.core == 40  # role play 1 (30) and the break (10)
    assert [s.activity.activity for s in agenda.live if s.core] == [
        "Role play 1: managing versus coaching (trios)",
        "Break",
    ]
    assert agenda.full == 173
    assert agenda.spare == 90 - agenda.used
    assert agenda.used == 90, "the greedy fill uses every minute it can here"


def test_every_item_is_either_run_live_or_assigned_as_pre_work_exactly_once(
    course: Content,
) -> None:
    for minutes in (40, 60, 90, 120, 173):
        agenda = plan(course, minutes, FOUR_THINGS)
        live = [s.activity.item.id for s in agenda.live if s.activity.item]
        pre = [p.item.id for p in agenda.prework]
        module = modules(course, FOUR_THINGS)[0]
        assert sorted(live + pre) == sorted(module.items), minutes
        assert agenda.prework_minutes == sum(p.minutes for p in agenda.prework)


def test_live_activities_keep_run_sheet_order_on_one_clock_from_zero(course: Content) -> None:
    agenda = plan(course, 120, "three-levers", "canadian-country-manager", "where-the-pieces-fit")
    assert agenda.live[0].start == 0
    for before, after in itertools.pairwise(agenda.live):
        assert after.start == before.start + before.minutes
        if before.module.id == after.module.id:
            assert before.activity.index < after.activity.index
    order = [s.module.id for s in agenda.live]
    assert order == sorted(
        order, key=["three-levers", "canadian-country-manager", "where-the-pieces-fit"].index
    )


def test_role_plays_are_kept_in_the_room_before_quizzes_and_pages(course: Content) -> None:
    agenda = plan(course, 75, FOUR_THINGS)  # core 40: room for one more role play (30) and 5
    kinds = [s.activity.item.kind for s in agenda.live if s.activity.item]
    assert kinds.count("roleplay") == 2
    assert "page" not in kinds
    intro = [p for p in agenda.prework if p.item.id == "lookalikes-intro"]
    assert intro
    assert intro[0].item.minutes is None
    assert intro[0].minutes == estimate(intro[0].item), (
        "pre-work takes the item's self-study minutes (here the builder's estimate)"
    )
    assert intro[0].activity is not None
    assert intro[0].activity.minutes == 8


def test_a_slot_longer_than_the_run_sheets_runs_everything_live(course: Content) -> None:
    agenda = plan(course, 180, FOUR_THINGS)
    assert agenda.prework == []
    assert agenda.used == 173
    assert agenda.spare == 7


def test_the_live_core_is_the_room_activities_and_the_most_interactive_one(
    course: Content,
) -> None:
    sheet = run_sheet(course, modules(course, "canadian-country-manager")[0])
    core = core_of(sheet)
    assert [a.item.kind if a.item else None for a in core] == [None, None, "roleplay", None]
    final = run_sheet(course, modules(course, "final-assessment")[0])
    assert [a.item for a in core_of(final)] == [None, None], "a quiz can be pre-work"


def test_modules_whose_live_core_exceeds_the_slot_cannot_fit(course: Content) -> None:
    with pytest.raises(WorkshopError, match=r"takes 40 minutes, but the slot is 30") as caught:
        plan(course, 30, FOUR_THINGS)
    problem = caught.value.problem
    assert problem.code == "workshop-does-not-fit"
    lines = problem.format().splitlines()
    assert re.fullmatch(
        r"content/03-four-things-coaching-is-not/module\.yml:\d+:\d+: "
        r"error\[workshop-does-not-fit\]: the live core of four-things-coaching-is-not takes "
        r"40 minutes, but the slot is 30 minutes",
        lines[0],
    )
    assert lines[1].startswith("    hint: book at least 40 minutes, or choose fewer modules")
    assert [line.split(": ", 1)[0] for line in lines[2:]] == ["    note"] * 2
    assert re.search(r'module\.yml:\d+:\d+: "Break", 10 min \(a room activity', lines[3])


def test_the_position_of_each_core_activity_is_its_run_sheet_line(course: Content) -> None:
    with pytest.raises(WorkshopError) as caught:
        plan(course, 30, FOUR_THINGS)
    text = (ROOT / "content" / "03-four-things-coaching-is-not" / "module.yml").read_text(
        encoding="utf-8"
    )
    lines = text.splitlines()
    for note in caught.value.problem.notes:
        line = int(re.search(r"module\.yml:(\d+):", note).group(1))  # type: ignore[union-attr]
        activity = note.split('"')[1]
        assert activity in lines[line - 1], note


def test_the_text_agenda_lists_the_live_clock_and_the_pre_work_links(course: Content) -> None:
    text = format_plan(plan(course, 90, FOUR_THINGS))
    assert text.startswith("Workshop: Four things coaching is not\nSlot: 90 min. Live: 90 min.")
    assert re.search(r"0:00-0:30\s+30 min \* Role play 1", text)
    assert "(four-things-coaching-is-not/lookalikes-intro/)" in text


def test_find_modules_keeps_the_given_order_and_reports_unknown_ids(course: Content) -> None:
    found, unknown = find_modules(course, ["where-the-pieces-fit", "nope", "three-levers"])
    assert [m.id for m in found] == ["where-the-pieces-fit", "three-levers"]
    assert unknown == ["nope"]


# --- the command -----------------------------------------------------------------------------


def test_course_workshop_prints_the_agenda() -> None:
    result = invoke("workshop", "--modules", FOUR_THINGS, "--minutes", "90")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Workshop: Four things coaching is not\n")
    assert "Pre-work (learners do these on their own before the session)" in result.stdout


def test_course_workshop_exits_1_with_a_diagnostic_when_the_modules_cannot_fit() -> None:
    result = invoke("workshop", "--modules", f"three-levers,{FOUR_THINGS}", "--minutes", "60")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[workshop-does-not-fit]: the live core of three-levers, " in result.stderr
    assert "takes 78 minutes, but the slot is 60 minutes" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("modules_arg", "expected"),
    [
        pytest.param("four-things", "no module 'four-things'", id="unknown"),
        pytest.param("three-lever", "did you mean `three-levers`?", id="typo"),
        pytest.param(",", "no module ''", id="empty"),
    ],
)
def test_course_workshop_exits_2_for_an_unknown_module(modules_arg: str, expected: str) -> None:
    result = invoke("workshop", "--modules", modules_arg, "--minutes", "90")
    assert result.exit_code == 2
    assert expected in result.stderr


def test_course_workshop_refuses_a_slot_of_no_minutes() -> None:
    result = invoke("workshop", "--modules", FOUR_THINGS, "--minutes", "0")
    assert result.exit_code == 2
    assert "--minutes" in result.stderr


@pytest.mark.browser
def test_course_workshop_writes_the_agenda_as_html_and_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    result = invoke(
        "workshop",
        "--modules",
        FOUR_THINGS,
        "--minutes",
        "90",
        "--paper",
        "letter",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["workshop.html", "workshop.pdf"]
    html = (out / "workshop.html").read_text(encoding="utf-8")
    assert "<title>Workshop plan: 90 minutes</title>" in html
    assert "size: letter;" in html
    assert html.count('<tr class="core">') == 2
    pdf = (out / "workshop.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    boxes = {
        tuple(round(float(n)) for n in box.split())
        for box in re.findall(rb"/MediaBox \[0 0 ([\d.]+ [\d.]+)\]", pdf)
    }
    assert boxes == {(612, 792)}
    assert re.search(r"^wrote .*workshop\.pdf \(\d+ pages?, \d+ KB\)$", result.stderr, re.M)
    assert "wrote" not in result.stdout, "stdout holds the agenda only"
