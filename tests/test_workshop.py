"""builder/teaching/workshop.py and `course workshop`: fitting modules into a workshop slot."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from project import copy_project, edit

from builder.adapters.cli import main
from builder.estimate import estimate
from builder.model import Module
from builder.pages.site import Urls
from builder.teaching.workshop import (
    Plan,
    WorkshopError,
    find_modules,
    format_plan,
    parse_start,
    plan_workshop,
    prework_message,
)
from builder.validate import Content, validate_content
from tests.test_validate import check_golden

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


def plan(course: Content, minutes: int, *ids: str, start: int | None = None) -> Plan:
    return plan_workshop(course, modules(course, *ids), minutes, start)


GOLDEN = ROOT / "tests" / "golden" / "workshop"
TWO = ("three-levers", FOUR_THINGS)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --- the plan --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "minutes"),
    [
        *((("four-things-coaching-is-not",), m) for m in (30, 45, 60, 90, 180)),
        *((TWO, m) for m in (30, 45, 60, 90, 180)),
    ],
    ids=lambda v: str(v) if isinstance(v, int) else "+".join(v),
)
def test_the_run_of_show_is_the_golden_one(
    course: Content, ids: tuple[str, ...], minutes: int, update_golden: bool
) -> None:
    text = format_plan(plan(course, minutes, *ids, start=parse_start("09:00")))
    check_golden(GOLDEN / f"{'+'.join(ids)}-{minutes}.txt", text, update_golden)


@pytest.mark.parametrize("ids", [(FOUR_THINGS,), TWO, ("where-the-pieces-fit",)])
def test_a_session_opens_closes_and_never_ends_on_a_break(
    course: Content, ids: tuple[str, ...]
) -> None:
    for minutes in range(25, 301, 5):
        try:
            agenda = plan(course, minutes, *ids)
        except WorkshopError:
            assert minutes < 30, minutes
            continue
        kinds = [row.kind for row in agenda.rows]
        assert kinds[0] == "opening"
        assert [r.title for r in agenda.rows if r.kind == "close"] == [
            "Debrief",
            "Action plan",
            "Evaluation",
        ]
        assert kinds[-1] == "close"
        assert kinds.count("break") == minutes // 120, (minutes, kinds)
        body = [k for k in kinds if k not in ("opening", "close", "slack")]
        assert body[0] != "break"
        assert body[-1] != "break"
        assert agenda.rows[-1].start + agenda.rows[-1].minutes == minutes
        for before, after in itertools.pairwise(agenda.rows):
            assert after.start == before.start + before.minutes


def test_a_break_only_in_a_slot_of_two_hours_or_more(course: Content) -> None:
    assert [r for r in plan(course, 90, FOUR_THINGS).rows if r.kind == "break"] == []
    assert [r.minutes for r in plan(course, 120, FOUR_THINGS).rows if r.kind == "break"] == [10]


def test_the_opening_says_the_separating_questions(course: Content) -> None:
    agenda = plan(course, 90, FOUR_THINGS)
    opening = [r for r in agenda.rows if r.kind == "opening"]
    assert [r.title for r in opening] == ["Welcome and objectives", "The separating questions"]
    for question in course.course.lookalike_test:
        assert question.question in opening[1].says


def test_when_time_is_short_the_modules_own_priorities_stay_in_the_room(
    course: Content,
) -> None:
    module = modules(course, FOUR_THINGS)[0]
    assert module.facilitator.keep_when_short[:2] == ["not-managing", "not-role-modeling"]
    agenda = plan(course, 90, FOUR_THINGS)
    role_plays = [r.activity.item.id for r in agenda.live if r.activity and r.activity.item]
    assert [i for i in role_plays if i.startswith("not-")] == ["not-managing", "not-role-modeling"]
    # at 30 minutes no role play fits: the kept drill runs instead
    short = plan(course, 30, FOUR_THINGS)
    assert [r.activity.item.id for r in short.live if r.activity and r.activity.item] == [
        "lookalike-drill"
    ]


def test_slack_is_shown_when_there_is_any(course: Content) -> None:
    for minutes in (45, 90, 180, 240):
        agenda = plan(course, minutes, FOUR_THINGS)
        slack = [r for r in agenda.rows if r.kind == "slack"]
        assert agenda.spare > 0
        assert [r.minutes for r in slack] == [agenda.spare]
        assert agenda.rows[agenda.rows.index(slack[0]) + 1].title == "Debrief"


def test_every_item_is_either_run_live_or_assigned_as_pre_work_exactly_once(
    course: Content,
) -> None:
    for minutes in (30, 60, 90, 120, 173, 240):
        agenda = plan(course, minutes, FOUR_THINGS)
        live = [r.activity.item.id for r in agenda.live if r.activity and r.activity.item]
        pre = [p.item.id for p in agenda.prework]
        module = modules(course, FOUR_THINGS)[0]
        assert sorted(live + pre) == sorted(module.items), minutes
        assert agenda.prework_minutes == sum(p.minutes for p in agenda.prework)


def test_pre_work_takes_the_self_study_minutes(course: Content) -> None:
    intro = [p for p in plan(course, 90, FOUR_THINGS).prework if p.item.id == "lookalikes-intro"]
    assert intro
    assert intro[0].item.minutes is None
    assert intro[0].minutes == estimate(intro[0].item)
    assert intro[0].activity is not None
    assert intro[0].activity.minutes == 8


def test_rows_merge_the_guide_notes_materials_grouping_and_debrief(course: Content) -> None:
    agenda = plan(course, 90, FOUR_THINGS)
    row = next(r for r in agenda.live if r.activity and r.activity.item)
    item = row.activity.item if row.activity else None
    assert item is not None
    assert item.id == "not-managing"
    assert row.grouping == "Groups of three"
    assert row.materials[0].startswith("Role-play cards")
    assert row.says == item.facilitator.notes
    assert row.debrief[: len(item.debrief)] == item.debrief  # type: ignore[attr-defined]
    assert row.page == f"trainer/{FOUR_THINGS}/not-managing-projector/"


@pytest.mark.parametrize(
    ("text", "minutes"), [("09:00", 540), ("13:05", 785), ("0:30", 30), ("23:59", 1439)]
)
def test_a_start_time_is_read_as_a_time_of_day(text: str, minutes: int) -> None:
    assert parse_start(text) == minutes


@pytest.mark.parametrize("text", ["9", "9:0", "24:00", "09:60", "nine", "09-00", ""])
def test_anything_else_is_not_a_start_time(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time"):
        parse_start(text)


def test_a_start_time_gives_clock_times(course: Content) -> None:
    agenda = plan(course, 90, FOUR_THINGS, start=parse_start("09:00"))
    assert agenda.clock(agenda.rows[0].start) == "09:00"
    last = agenda.rows[-1]
    assert agenda.clock(last.start + last.minutes) == "10:30"
    assert plan(course, 90, FOUR_THINGS).clock(90) == "1:30"


def test_a_slot_too_short_for_the_opening_close_and_one_activity_cannot_fit(
    course: Content,
) -> None:
    with pytest.raises(WorkshopError, match=r"a slot of 12 minutes leaves 2 after") as caught:
        plan(course, 12, FOUR_THINGS)
    problem = caught.value.problem
    lines = problem.format().splitlines()
    assert re.fullmatch(
        r"content/03-four-things-coaching-is-not/module\.yml:\d+:\d+: "
        r"error\[workshop-does-not-fit\]: a slot of 12 minutes .*takes 5",
        lines[0],
    )
    assert lines[1] == "    hint: book at least 15 minutes"


def test_the_pre_work_email_has_the_full_addresses(course: Content) -> None:
    agenda = plan(course, 90, FOUR_THINGS, start=parse_start("09:00"))
    text = prework_message(agenda, "https://courses.example.org/coaching")
    for work in agenda.prework:
        assert f"https://courses.example.org/coaching/{work.url}" in text
    assert "https://courses.example.org/coaching/progress/" in text
    assert " at 09:00" in text


def test_pre_work_is_listed_by_the_address_of_the_page_in_either_form_of_urls(
    course: Content,
) -> None:
    chosen = modules(course, FOUR_THINGS)
    files = plan_workshop(course, chosen, 90, urls=Urls(directory_urls=False))
    assert "(four-things-coaching-is-not/lookalikes-intro.html)" in format_plan(files)
    assert [w.url for w in plan(course, 90, FOUR_THINGS).prework] == [
        w.url.removesuffix(".html") + "/" for w in files.prework
    ]
    assert "https://example.org/c/progress.html)" in prework_message(files, "https://example.org/c")


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


def test_course_workshop_lists_pre_work_as_the_sites_mkdocs_yml_makes_its_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path)
    edit(project / "mkdocs.yml", "use_directory_urls: true\n", "use_directory_urls: false\n")
    monkeypatch.chdir(project)
    result = invoke("workshop", "--modules", FOUR_THINGS, "--minutes", "90")
    assert result.exit_code == 0, result.output
    assert "(four-things-coaching-is-not/lookalikes-intro.html)" in result.stdout
    monkeypatch.chdir(tmp_path / "content")  # no mkdocs.yml here: MkDocs' default, folders
    result = invoke("workshop", "--modules", FOUR_THINGS, "--minutes", "90", "--content", ".")
    assert result.exit_code == 0, result.output
    assert "(four-things-coaching-is-not/lookalikes-intro/)" in result.stdout


def test_course_workshop_exits_1_with_a_diagnostic_when_the_modules_cannot_fit() -> None:
    result = invoke("workshop", "--modules", f"three-levers,{FOUR_THINGS}", "--minutes", "12")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[workshop-does-not-fit]: a slot of 12 minutes leaves 2 after" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("start", ["9", "25:00"])
def test_course_workshop_exits_2_for_a_start_that_is_not_a_time(start: str) -> None:
    result = invoke("workshop", "--modules", FOUR_THINGS, "--minutes", "90", "--start", start)
    assert result.exit_code == 2
    assert "--start" in result.stderr
    assert "is not a time" in result.stderr


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
        "--start",
        "09:00",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    names = ["prework-email.txt", "workshop.html", "workshop.pdf"]
    assert sorted(p.name for p in out.iterdir()) == names
    html = (out / "workshop.html").read_text(encoding="utf-8")
    assert "<title>Run of show: 90 minutes</title>" in html
    assert "size: letter;" in html
    assert html.count('<tr class="cq-row-activity">') == 3
    assert html.count('<tr class="cq-row-close">') == 3
    assert "09:00&ndash;09:05" in html
    # the pre-work links are full addresses, from mkdocs.yml's site_url by default
    email = (out / "prework-email.txt").read_text(encoding="utf-8")
    assert f"http://127.0.0.1:8000/{FOUR_THINGS}/lookalikes-intro/" in email
    assert f"http://127.0.0.1:8000/{FOUR_THINGS}/lookalikes-intro/" in html
    pdf = (out / "workshop.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    boxes = {
        tuple(round(float(n)) for n in box.split())
        for box in re.findall(rb"/MediaBox \[0 0 ([\d.]+ [\d.]+)\]", pdf)
    }
    assert boxes == {(612, 792)}
    assert re.search(r"^wrote .*workshop\.pdf \(\d+ pages?, \d+ KB\)$", result.stderr, re.M)
    assert "wrote" not in result.stdout, "stdout holds the agenda only"


def test_course_workshop_takes_the_site_address_for_the_pre_work_links(tmp_path: Path) -> None:
    from builder.adapters.cli import _configured_site_url

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: X\nsite_url: https://example.org/course/\n", encoding="utf-8")
    assert _configured_site_url(config) == "https://example.org/course/"
    config.write_text("site_name: X\n", encoding="utf-8")
    with pytest.raises(click.UsageError, match="has no site_url; give --site-url"):
        _configured_site_url(config)


def test_the_plan_names_each_printable_the_live_activities_need_with_its_pdf_and_page(
    course: Content,
) -> None:
    from builder.handouts import PAPERS, handout_documents
    from builder.render import render

    short = plan(course, 60, FOUR_THINGS)
    long = plan(course, 180, FOUR_THINGS)
    documents = {
        f"{d.name}.pdf"
        for d in handout_documents(course, ROOT / "templates" / "print", PAPERS["a4"])
    }
    pages = {Urls().of(p.path) for p in render(course, ROOT / "templates" / "pages").pages}
    for made in (short, long):
        assert made.kits
        for kit in made.kits:
            assert kit.pdf in documents, kit
            assert kit.url in pages, kit
        titles = [k.title for k in made.kits]
        for form in ("Sign-in sheet", "Evaluation form", "Certificate of attendance"):
            assert any(t.startswith(form) for t in titles), form
        live = {row.activity.item.id for row in made.live if row.activity and row.activity.item}
        drills = {k.pdf for k in made.kits if k.pdf.endswith("-sorting.pdf")}
        assert drills == {f"{FOUR_THINGS}-{i}-sorting.pdf" for i in live if "drill" in i}
        cards = {k.pdf for k in made.kits if k.pdf.endswith("-cards.pdf")}
        assert cards == {f"{FOUR_THINGS}-{i}-cards.pdf" for i in live if i.startswith("not-")}
    assert len(long.kits) > len(short.kits), "a longer session runs more activities"
    text = format_plan(long)
    assert "To print before the session" in text
    assert f"{FOUR_THINGS}-sign-in.pdf, or print trainer/{FOUR_THINGS}/sign-in/" in text
