"""builder/pages/trainer.py: the "For trainers" pages, generated from the content."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from project import valid_content

from builder.model import Case, Choice, Quiz, Step
from builder.pages.items import story_order
from builder.pages.site import Rendered, Urls
from builder.pages.trainer import SECTION_TITLE
from builder.render import render
from builder.teaching.run_sheet import clock, run_sheet
from builder.teaching.stories import Gamebook, default_choice, gamebook
from builder.validate import Content

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TEMPLATES = ROOT / "templates" / "pages"
STATIC = ROOT / "templates" / "static"
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
FOUR_THINGS = "four-things-coaching-is-not"


@pytest.fixture(scope="module")
def course() -> Content:
    """The shipped course."""
    return valid_content(ROOT / "content")


@pytest.fixture(scope="module")
def site(course: Content) -> Rendered:
    return render(course, TEMPLATES)


@pytest.fixture(scope="module")
def tiny() -> Rendered:
    """The fixture course, whose texts are hostile on purpose."""
    return render(valid_content(FIXTURE_COURSE), TEMPLATES)


def pages(rendered: Rendered) -> dict[str, str]:
    return {p.path: p.text for p in rendered.pages}


def trainer_pages(rendered: Rendered) -> dict[str, str]:
    return {path: text for path, text in pages(rendered).items() if path.startswith("trainer/")}


# --- which pages, where ----------------------------------------------------------------------


def test_every_module_has_a_guide_and_every_activity_its_printables_and_projector_view(
    course: Content, site: Rendered
) -> None:
    expected = {"trainer/index.md", "trainer/dashboard.md"}
    for module in course.modules:
        expected.add(f"trainer/{module.id}/index.md")
        for item in course.items_of(module):
            if item.kind == "roleplay":
                expected |= {
                    f"trainer/{module.id}/{item.id}-{p}.md" for p in ("cards", "projector")
                }
            if item.kind == "case":
                expected |= {
                    f"trainer/{module.id}/{item.id}-{p}.md" for p in ("projector", "gamebook")
                }
            if item.kind == "drill" or (isinstance(item, Quiz) and item.draw is None):
                expected.add(f"trainer/{module.id}/{item.id}-projector.md")
            if item.kind == "drill":
                expected.add(f"trainer/{module.id}/{item.id}-sorting.md")
        expected |= {
            f"trainer/{module.id}/{f}.md" for f in ("sign-in", "evaluation", "certificate")
        }
        if module.id != "final-assessment":
            expected.add(f"trainer/{module.id}/trainer-sheets.md")
    assert set(trainer_pages(site)) == expected
    assert "trainer/final-assessment/final-quiz-projector.md" not in expected, "an exam bank"


def test_the_four_things_module_has_cards_and_a_projector_view_for_each_role_play(
    site: Rendered,
) -> None:
    paths = set(trainer_pages(site))
    for roleplay in ("not-managing", "not-training", "not-mentoring", "not-role-modeling"):
        assert f"trainer/{FOUR_THINGS}/{roleplay}-cards.md" in paths
        assert f"trainer/{FOUR_THINGS}/{roleplay}-projector.md" in paths


def test_the_trainer_section_comes_last_in_the_navigation_and_lists_every_trainer_page(
    site: Rendered,
) -> None:
    (section,) = [entry for entry in site.nav if entry.title == SECTION_TITLE]
    assert SECTION_TITLE == "For trainers"
    assert [c.title for c in section.children[:2]] == ["Start here", "Group debrief"]

    def paths(entry: object) -> set[str]:
        children = getattr(entry, "children", [])
        path = getattr(entry, "path", None)
        own = {path} if path else set()
        return own.union(*(paths(c) for c in children))

    assert paths(section) == set(trainer_pages(site))
    learner_sections = {p for entry in site.nav if entry is not section for p in paths(entry)}
    assert not {p for p in learner_sections if p.startswith("trainer/")}


def test_every_trainer_page_is_labelled_and_kept_out_of_the_site_search(site: Rendered) -> None:
    for path, text in trainer_pages(site).items():
        assert text.startswith("---\ntitle: "), path
        assert "search:\n  exclude: true\ncourse_script: false\n---\n" in text, path
        assert '<p class="cq-trainer-banner"><strong>For trainers.</strong>' in text, path


def test_trainer_pages_load_the_trainer_assets_by_urls_that_resolve(site: Rendered) -> None:
    for path, text in trainer_pages(site).items():
        (css,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', text)
        core, js = re.findall(r'<script src="([^"]+)"></script>', text)
        script = "dashboard.js" if path == "trainer/dashboard.md" else "trainer.js"
        for url, name in ((css, "trainer.css"), (core, "course.js"), (js, script)):
            resolved = posixpath.normpath(posixpath.join(Urls().of(path), url))
            assert resolved == f"assets/{name}", path
            assert (STATIC / resolved).is_file()
        assert "\ncourse_script: false\n" in text, "the theme adds neither course.js nor course.css"


def test_learner_pages_never_load_the_trainer_assets(site: Rendered) -> None:
    for path, text in pages(site).items():
        if not path.startswith("trainer/"):
            for name in ("trainer.js", "dashboard.js", "trainer.css", "course_script"):
                assert name not in text, path


def test_mkdocs_does_not_load_page_specific_scripts_on_every_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in ("trainer.js", "dashboard.js", "trainer.css"):
        assert name not in config
    for name in ("course.js", "course.css"):
        assert f"- assets/{name}" not in config, "the learner pages load it themselves"
    assert "- assets/site.css" in config


# --- run sheets and the facilitator guide ----------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0:00"), (8, "0:08"), (60, "1:00"), (173, "2:53"), (605, "10:05")],
)
def test_clock_shows_hours_and_minutes(minutes: int, shown: str) -> None:
    assert clock(minutes) == shown


def test_the_run_sheet_runs_on_a_cumulative_clock(course: Content) -> None:
    module = next(m for m in course.modules if m.id == FOUR_THINGS)
    sheet = run_sheet(course, module)
    assert [(a.start_clock, a.end_clock) for a in sheet[:3]] == [
        ("0:00", "0:08"),
        ("0:08", "0:38"),
        ("0:38", "0:43"),
    ]
    assert all(a.end == b.start for a, b in itertools.pairwise(sheet))
    assert sheet[-1].end == sum(e.minutes for e in module.facilitator.run_sheet) == 173
    assert sheet[5].activity == "Break"
    assert sheet[5].item is None


def test_a_module_without_a_run_sheet_gets_one_from_its_items_timings(course: Content) -> None:
    module = next(m for m in course.modules if m.id == FOUR_THINGS)
    bare = module.model_copy(update={"facilitator": type(module.facilitator)()})
    sheet = run_sheet(course, bare)
    items = course.items_of(module)
    assert [a.item for a in sheet] == items
    assert [a.minutes for a in sheet] == [i.facilitator.minutes or i.minutes for i in items]


def test_the_guide_has_every_part_a_trainer_needs_in_order(site: Rendered) -> None:
    guide = pages(site)[f"trainer/{FOUR_THINGS}/index.md"]
    headings = re.findall(r"^## (.+)$", guide, re.M)
    assert headings == [
        "Objectives",
        "Materials",
        "Run sheet",
        "Facilitation notes",
        "Debrief questions",
        "Answer keys",
        "Common confusions",
    ]
    assert "<dt>Workshop time</dt><dd>173 minutes (11 activities)</dd>" in guide
    assert "<caption>Run sheet: 173 minutes in all</caption>" in guide
    assert "<tr><td>1:18&ndash;1:28</td><td>10</td><td>Break</td><td>&mdash;</td></tr>" in guide
    assert "- Timer visible to the room" in guide  # materials
    assert "Which look-alike do you default to? What triggers it?" in guide  # module debrief
    assert "Managers: how did it feel to hold back the solution in round two?" in guide
    assert "&#34;So the look-alikes are bad.&#34;" in guide  # confusions, escaped


def test_answer_keys_give_the_right_option_the_right_approach_and_the_best_choice(
    course: Content, site: Rendered
) -> None:
    guide = pages(site)[f"trainer/{FOUR_THINGS}/index.md"]
    keys = guide[guide.index("## Answer keys") : guide.index("## Common confusions")]
    assert (
        "<strong>Answer:</strong> B is coaching, because the rep does the diagnosing; A is "
        "managing."
    ) in keys
    assert "<strong>Managing.</strong>" in keys  # a drill statement's approach
    assert "Round one is <strong>Managing</strong> that looks like coaching" in keys
    case = next(i for i in course.items.values() if isinstance(i, Case))
    module = course.module_of[case.id]
    case_keys = pages(site)[f"trainer/{module.id}/index.md"]
    best = next(c for s in case.steps for c in s.choices if c.best)
    assert best.text.replace("'", "&#39;").replace('"', "&quot;") in case_keys


# --- role-play cards and the projector view --------------------------------------------------


def test_private_briefs_are_printed_on_private_cards_only(course: Content, site: Rendered) -> None:
    roleplay = course.items["not-managing"]
    assert roleplay.kind == "roleplay"
    (secret_role,) = [r for r in roleplay.roles if r.private]
    secret = "President's Club trip this year"
    assert secret in (secret_role.private or "")
    cards = pages(site)[f"trainer/{FOUR_THINGS}/not-managing-cards.md"]
    private = cards.index('<section class="cq-card cq-card-private"')
    assert cards.count(secret) == 1
    assert cards.index(secret) > private
    assert "only for the person playing Sofia Reyes, account executive" in cards
    projector = pages(site)[f"trainer/{FOUR_THINGS}/not-managing-projector.md"]
    assert secret not in projector


def test_each_role_play_has_a_card_per_role_an_observer_checklist_and_its_private_cards(
    course: Content, site: Rendered
) -> None:
    cards = pages(site)[f"trainer/{FOUR_THINGS}/not-training-cards.md"]
    roleplay = course.items["not-training"]
    assert roleplay.kind == "roleplay"
    kinds = re.findall(r'<section class="cq-card([^"]*)"', cards)
    private = sum(1 for r in roleplay.roles if r.private)
    assert (
        kinds == [""] * len(roleplay.roles) + [" cq-card-observer"] + [" cq-card-private"] * private
    )
    assert cards.count('<td class="cq-tick"></td>') == 2 * (
        len(roleplay.observer.coaching) + len(roleplay.observer.lookalike)
    )


def test_the_projector_view_of_a_case_follows_the_best_choice_by_default(
    course: Content, site: Rendered
) -> None:
    case = course.items["a-week-of-choices"]
    assert isinstance(case, Case)
    module = course.module_of[case.id]
    projector = pages(site)[f"trainer/{module.id}/{case.id}-projector.md"]
    slides = re.findall(r'<section class="cq-slide" data-slide="([^"]+)"', projector)
    assert slides == [step.id for step in story_order(case)]
    for step in case.steps:
        choice = default_choice(step)
        if choice is not None:
            assert f'data-slide="{step.id}" data-next="{choice.next}"' in projector
            assert choice.best or not any(c.best and c.next for c in step.choices)
    assert projector.count("data-follow=") == sum(len(s.choices) for s in case.steps)


# --- paper gamebooks -------------------------------------------------------------------------


def cases(content: Content) -> list[Case]:
    return [item for item in content.items.values() if isinstance(item, Case)]


def test_a_gamebook_numbers_every_step_and_choice_once_starting_at_one(course: Content) -> None:
    for case in cases(course):
        book = gamebook(case)
        assert [s.number for s in book.sections] == list(range(1, len(book.sections) + 1))
        assert len(book.sections) == len(case.steps) + sum(len(s.choices) for s in case.steps)
        first = book.sections[0]
        assert (first.step.id, first.choice) == (case.start, None)
        keys = {(s.step.id, s.choice.id if s.choice else None) for s in book.sections}
        assert len(keys) == len(book.sections)


def test_every_turn_leads_to_the_right_section_and_never_to_the_next_number(
    course: Content,
) -> None:
    for case in cases(course):
        book = gamebook(case)
        by_number = {s.number: s for s in book.sections}
        for section in book.sections:
            for turn in section.turns:
                target = by_number[turn.number]
                assert turn.number != section.number + 1, (case.id, section.number)
                if section.choice is None:  # a step: each choice leads to its consequence
                    assert turn.choice is not None
                    assert target.choice == turn.choice
                else:  # a consequence: read on at the step the choice leads to
                    assert target.choice is None
                    assert target.step.id == section.choice.next


def test_gamebook_numbers_are_the_same_every_time_and_differ_between_cases(
    course: Content,
) -> None:
    case = cases(course)[0]
    first = [(s.step.id, s.choice) for s in gamebook(case).sections]
    assert first == [(s.step.id, s.choice) for s in gamebook(case).sections]
    renamed = gamebook(case.model_copy(update={"id": "another-id"}))
    assert [(s.step.id, s.choice) for s in renamed.sections] != first


def story(case: Case, case_id: str, steps: list[list[str | None]]) -> Case:
    """``case`` renamed and retold: step ``s<i>`` has a choice leading to each entry of
    ``steps[i]`` (a step id, or None for an ending); ``s0`` is the start."""
    told = [
        Step(
            id=f"s{i}",
            text="What happens.",
            choices=[
                Choice(id=f"c{j}", text="Do it.", consequence="It is done.", next=target)
                for j, target in enumerate(targets)
            ],
        )
        for i, targets in enumerate(steps)
    ]
    return case.model_copy(update={"id": case_id, "start": "s0", "steps": told})


def assert_no_section_leads_to_the_next_number(book: Gamebook) -> None:
    assert [s.number for s in book.sections] == list(range(1, len(book.sections) + 1))
    assert (book.sections[0].step.id, book.sections[0].choice) == (book.case.start, None)
    for section in book.sections:
        for turn in section.turns:
            assert turn.number != section.number + 1, (book.case.id, section.number)


@st.composite
def reachable_steps(draw: st.DrawFn) -> list[list[str | None]]:
    """Two to eight steps, each reached from an earlier one, with up to four choices (more
    where needed to reach the later steps)."""
    count = draw(st.integers(2, 8))
    steps: list[list[str | None]] = [[] for _ in range(count)]
    for i in range(1, count):  # a choice of an earlier step leads to each later step
        steps[draw(st.integers(0, i - 1))].append(f"s{i}")
    targets = st.one_of(st.none(), st.sampled_from([f"s{i}" for i in range(count)]))
    for targets_of in steps:
        targets_of += draw(st.lists(targets, max_size=max(0, 4 - len(targets_of))))
    return steps


@settings(max_examples=300, deadline=None, derandomize=True)
@given(steps=reachable_steps(), case_id=st.sampled_from(["one-case", "another-case"]))
def test_no_gamebook_section_leads_to_the_next_number_in_a_case_of_several_steps(
    course: Content, steps: list[list[str | None]], case_id: str
) -> None:
    assert_no_section_leads_to_the_next_number(gamebook(story(cases(course)[0], case_id, steps)))


# For these ids, the 64 seeded shuffles tried before all missed, and the last one was kept.
@pytest.mark.parametrize("case_id", [f"few-good-numberings-{n}" for n in (3, 10, 12, 14)])
def test_a_gamebook_keeps_its_guarantee_when_few_numberings_do(
    course: Content, case_id: str
) -> None:
    # The start has 40 choices and one of them leads to the only other step: of the 41
    # sections that could come second, only that step keeps the guarantee.
    steps: list[list[str | None]] = [["s1", *[None] * 39], []]
    book = gamebook(story(cases(course)[0], case_id, steps))
    assert_no_section_leads_to_the_next_number(book)
    assert (book.sections[1].step.id, book.sections[1].choice) == ("s1", None)


def test_in_a_case_of_one_step_the_first_choice_is_the_next_number(course: Content) -> None:
    # Every other section is one of the start's choices: no numbering can keep the guarantee.
    book = gamebook(story(cases(course)[0], "one-step", [[None, None, None]]))
    assert [s.number for s in book.sections] == [1, 2, 3, 4]
    assert sorted(turn.number for turn in book.sections[0].turns) == [2, 3, 4]


def test_the_gamebook_page_links_each_turn_to_its_numbered_section(
    course: Content, site: Rendered
) -> None:
    for case in cases(course):
        module = course.module_of[case.id]
        page = pages(site)[f"trainer/{module.id}/{case.id}-gamebook.md"]
        anchors = set(re.findall(r'<section class="cq-gb-section" id="(section-\d+)"', page))
        links = set(re.findall(r'<a href="#(section-\d+)">', page))
        assert len(anchors) == len(gamebook(case).sections)
        assert links <= anchors
        assert "section-1" in links


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_has_a_row_and_a_debrief_for_every_question_of_course_json(
    site: Rendered,
) -> None:
    data = json.loads(site.course_json)
    ids = [q["id"] for m in data["modules"] for i in m["items"] for q in i["questions"]]
    rows: list[str] = []
    missed: list[str] = []
    for module in data["modules"]:
        asked = [q["id"] for i in module["items"] for q in i["questions"]]
        path = f"trainer/dashboard/{module['id']}.json"
        if not asked:
            assert path not in site.files
            continue
        fragment = json.loads(site.files[path])
        assert fragment["module"] == module["id"]
        module_rows = re.findall(r'<tr data-qid="([^"]+)"', fragment["html"])
        assert sorted(module_rows) == sorted(asked), "a module's rows are its own questions"
        rows += module_rows
        missed += re.findall(r'<template data-detail="([^"]+)">', fragment["html"])
    assert sorted(rows) == sorted(ids)
    assert len(set(rows)) == len(rows)
    assert sorted(missed) == sorted(ids)
    dashboard = pages(site)["trainer/dashboard.md"]
    assert "data-qid=" not in dashboard, "the page itself does not grow with the course"
    assert 'data-module-data="trainer/dashboard/"' in dashboard, "where its script finds them"
    approaches = data["approaches"]
    cells = re.findall(r'<td data-cell="([^"]+)"', dashboard)
    assert cells == [f"{r}:{c}" for r in approaches for c in approaches]
    assert '<div class="cq-import-status" role="status">' in dashboard
    assert '<label for="cq-results-files">' in dashboard
    assert '<label for="cq-results-code">' in dashboard


def test_each_debrief_card_lists_every_option_with_its_approach_and_marks_the_right_ones(
    site: Rendered,
) -> None:
    data = json.loads(site.course_json)
    html = json.loads(site.files["trainer/dashboard/four-things-coaching-is-not.json"])["html"]
    cards = dict(re.findall(r'<template data-detail="([^"]+)">(.*?)</template>', html, re.S))
    quiz = cards["spot-managing/signs-of-managing"]
    rows = re.findall(r'<tr data-option="([^"]+)"([^>]*)>', quiz)
    question = next(
        q
        for m in data["modules"]
        for i in m["items"]
        for q in i["questions"]
        if q["id"] == "spot-managing/signs-of-managing"
    )
    assert [option for option, _ in rows] == question["options"]
    assert [o for o, attributes in rows if "cq-right-option" in attributes] == question["correct"]
    assert all('data-approach="' in attributes for _, attributes in rows)
    assert quiz.count('class="cq-tag cq-missed-tag" hidden') == len(question["correct"])
    assert quiz.count('<div class="cq-feedback">') == len(rows), "each option's feedback"
    assert '<li class="cq-ask-generated" hidden>' in quiz
    assert "Listen for:" in quiz, "the item's common confusions"
    drill = cards["lookalike-drill/cheer-the-number"]
    offered = re.findall(r'<tr data-option="([^"]+)" data-approach="\1"', drill)
    assert "managing" in offered, "a drill's options are its approaches"
    assert "cq-missed-tag" not in drill, "only a multi-select has options to leave out"


def test_the_dashboard_does_not_reuse_the_learner_pages_question_attribute(
    site: Rendered,
) -> None:
    assert "data-question=" not in pages(site)["trainer/dashboard.md"]


# --- nothing from the content is obeyed as markup --------------------------------------------


def test_hostile_text_in_content_is_escaped_on_every_trainer_page(tiny: Rendered) -> None:
    trainer = trainer_pages(tiny)
    assert trainer, "the fixture course has trainer pages"
    for path, text in trainer.items():
        scripts = re.findall(r"<\s*script[^>]*>", text, re.I)
        assert len(scripts) == 2, path
        assert re.fullmatch(r'<script src="(\.\./)+assets/course\.js">', scripts[0]), path
        assert re.fullmatch(r'<script src="(\.\./)+assets/(trainer|dashboard)\.js">', scripts[1]), (
            path
        )
        assert "<script>alert" not in text, path
    cards = trainer["trainer/basics/two-ways-to-talk-cards.md"]
    assert '<h3 id="card-rep">Rep &amp; friend</h3>' in cards
    projector = trainer["trainer/basics/two-ways-to-talk-projector.md"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Okay." in projector
    guide = trainer["trainer/basics/index.md"]
    assert "Tell coaching \\* from managing \\# without a heading" in guide
    assert "Telling &lt;script&gt;alert(1)&lt;/script&gt; what to do" not in guide  # not right


def test_the_front_matter_title_is_html_escaped_for_the_theme(tiny: Rendered) -> None:
    """Material prints ``page.meta.title`` into the header as it is: no tag may survive."""
    guide = trainer_pages(tiny)["trainer/basics/index.md"]
    _body, meta = get_data(guide)
    assert meta["title"] == "Facilitator guide: Basics &lt;i&gt;first&lt;/i&gt;"


def test_two_renders_of_the_trainer_pages_are_identical(course: Content) -> None:
    assert trainer_pages(render(course, TEMPLATES)) == trainer_pages(render(course, TEMPLATES))


def test_the_guide_lists_what_to_keep_when_time_is_short_as_the_planner_does(
    course: Content, site: Rendered
) -> None:
    module = next(m for m in course.modules if m.id == "four-things-coaching-is-not")
    guide = trainer_pages(site)[f"trainer/{module.id}/index.md"]
    kept = guide.split("When time is short", 1)[1].split("</ol>", 1)[0]
    titles = {item.id: item.title for item in course.items_of(module)}
    listed = re.findall(r"<li>(.*?)</li>", kept)
    assert listed == [titles[i].replace("'", "&#39;") for i in module.facilitator.keep_when_short]
    assert listed[:2] == [
        "Coaching is not managing: the activity dip",
        "Coaching is not role modeling: the top rep&#39;s secret",
    ]
