"""builder/teaching/kits.py: each module's activity kit, on the site and as PDFs.

The PDFs are read with pypdf for their text (Chromium compresses page contents); page sizes
and counts are read from the bytes as in ``test_handouts.py``. Tests that start Chromium carry
the ``browser`` mark.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from markupsafe import escape
from project import valid_content
from pypdf import PdfReader

from builder.handouts import PAPERS, handout_documents, write_handouts
from builder.model import Drill, Quiz, RolePlay
from builder.pages.site import Rendered
from builder.render import render
from builder.teaching.kits import CHECK_SIZE, SIGN_IN_ROWS, graded_prompts, knowledge_check, sorting
from builder.validate import Content

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PRINT = ROOT / "templates" / "print"
PAGES = ROOT / "templates" / "pages"
FOUR_THINGS = "four-things-coaching-is-not"
ROLEPLAYS = ["not-managing", "not-training", "not-mentoring", "not-role-modeling"]
#: Portrait sizes in points; the sorting set and the certificate print in landscape.
SIZES = {"a4": (595, 842), "letter": (612, 792)}
LANDSCAPE = ("-sorting.pdf", "-certificate.pdf")


@pytest.fixture(scope="module")
def course() -> Content:
    return valid_content(ROOT / "content")


@pytest.fixture(scope="module")
def site(course: Content) -> Rendered:
    return render(course, PAGES)


@pytest.fixture(scope="module")
def names(course: Content) -> dict[str, str]:
    return course.course.approach_names


def documents(course: Content, paper: str = "a4") -> dict[str, str]:
    return {d.name: d.html for d in handout_documents(course, PRINT, PAPERS[paper], FOUR_THINGS)}


def page_text(site: Rendered, path: str) -> str:
    return next(p.text for p in site.pages if p.path == path)


def drill(course: Content) -> Drill:
    item = course.items["lookalike-drill"]
    assert isinstance(item, Drill)
    return item


# --- what a module's kit holds ---------------------------------------------------------------


def test_a_module_prints_its_job_aid_guide_cards_sorting_set_sheets_and_forms(
    course: Content,
) -> None:
    assert list(documents(course)) == [
        "job-aid",
        f"{FOUR_THINGS}-guide",
        *(f"{FOUR_THINGS}-{r}-cards" for r in ROLEPLAYS),
        f"{FOUR_THINGS}-lookalike-drill-sorting",
        f"{FOUR_THINGS}-trainer-sheets",
        f"{FOUR_THINGS}-sign-in",
        f"{FOUR_THINGS}-evaluation",
        f"{FOUR_THINGS}-certificate",
    ]


def test_every_drill_of_the_course_gets_a_sorting_set_and_every_module_its_forms(
    course: Content,
) -> None:
    names = {d.name for d in handout_documents(course, PRINT, PAPERS["a4"])}
    for module in course.modules:
        for form in ("sign-in", "evaluation", "certificate"):
            assert f"{module.id}-{form}" in names
        for item in course.items_of(module):
            if isinstance(item, Drill):
                assert f"{module.id}-{item.id}-sorting" in names


def test_the_sorting_mat_has_a_column_per_approach_the_drill_offers(
    course: Content, names: dict[str, str]
) -> None:
    html = documents(course)[f"{FOUR_THINGS}-lookalike-drill-sorting"]
    columns = re.findall(r'<li class="cq-mat-column"><strong>([^<]*)</strong>', html)
    assert columns == [
        names[a] for a in sorting(drill(course), course.course.approach_order).columns
    ]
    assert len(columns) == 5
    assert "Leading" not in columns, "the drill offers five approaches, not leading"


def test_statement_cards_show_a_number_and_the_statement_and_never_the_key(
    course: Content, site: Rendered, names: dict[str, str]
) -> None:
    item = drill(course)
    for html in (
        documents(course)[f"{FOUR_THINGS}-lookalike-drill-sorting"],
        page_text(site, f"trainer/{FOUR_THINGS}/lookalike-drill-sorting.md"),
    ):
        fronts = re.findall(r'<li class="cq-statement-card">(.*?)</li>', html, re.S)
        assert fronts == [
            f'<span class="cq-card-number">Card {n}</span> {escape(s.text)}'
            for n, s in enumerate(item.statements, start=1)
        ]
        for statement in item.statements:
            assert str(escape(statement.rationale.strip()[:60])) not in html
        assert "approach" not in html.split('class="cq-statement-cards"')[1].split("</ol>")[0]


def test_the_answer_key_gives_each_card_number_its_approach(
    course: Content, names: dict[str, str]
) -> None:
    item = drill(course)
    html = documents(course)[f"{FOUR_THINGS}-trainer-sheets"]
    rows = re.findall(r"<tr><td>(\d+)</td><td><strong>([^<]*)</strong></td>", html)
    assert rows[: len(item.statements)] == [
        (str(n), names[s.approach]) for n, s in enumerate(item.statements, start=1)
    ]


def test_role_play_card_sets_leave_out_the_debrief_card_and_the_sheets_hold_one_per_role_play(
    course: Content, site: Rendered
) -> None:
    printed = documents(course)
    for roleplay in ROLEPLAYS:
        assert "cq-card-debrief" not in printed[f"{FOUR_THINGS}-{roleplay}-cards"]
        assert "cq-card-debrief" not in page_text(
            site, f"trainer/{FOUR_THINGS}/{roleplay}-cards.md"
        )
    for sheets in (
        printed[f"{FOUR_THINGS}-trainer-sheets"],
        page_text(site, f"trainer/{FOUR_THINGS}/trainer-sheets.md"),
    ):
        debriefs = re.findall(
            r'<section class="cq-card cq-card-debrief" [^>]*"debrief-([^"]+)"', sheets
        )
        assert debriefs == ROLEPLAYS


def test_the_observer_checklist_has_tally_boxes_sized_to_each_count_and_room_for_notes(
    course: Content, site: Rendered
) -> None:
    item = course.items["not-managing"]
    assert isinstance(item, RolePlay)
    assert item.observer.counts, "the observer is asked to count the manager's questions"
    for html in (
        documents(course)[f"{FOUR_THINGS}-not-managing-cards"],
        page_text(site, f"trainer/{FOUR_THINGS}/not-managing-cards.md"),
    ):
        rows = re.findall(r'<tr><td>([^<]*)</td>((?:<td class="cq-boxes">.*?</td>){2})</tr>', html)
        assert [what for what, _ in rows] == [str(escape(t.what)) for t in item.observer.counts]
        for (_, cells), tally in zip(rows, item.observer.counts, strict=True):
            assert cells.count('<span class="cq-box"></span>') == 2 * tally.up_to
        notes = re.findall(r'<tr><td>([^<]*)</td><td class="cq-note-space"></td>', html)
        assert notes == [str(escape(n)) for n in item.observer.notes]


# --- the evaluation form's knowledge check ---------------------------------------------------


def test_the_knowledge_check_asks_each_practice_quiz_then_each_drill_in_turn(
    course: Content, names: dict[str, str]
) -> None:
    module = next(m for m in course.modules if m.id == FOUR_THINGS)
    check = knowledge_check(course, module, names)
    assert len(check) == CHECK_SIZE
    assert [q.item.id for q in check] == [
        "spot-managing",
        "spot-training",
        "spot-mentoring",
        "spot-role-modeling",
        "lookalike-drill",
    ]
    first = course.items["spot-managing"]
    assert isinstance(first, Quiz)
    assert check[0].prompt == first.questions[0].prompt
    right = [o.text for o in check[0].options if o.correct]
    assert right == [o.text for o in first.questions[0].options if o.correct]
    assert check[0].answer == next(o.letter for o in check[0].options if o.correct)
    statement = drill(course).statements[0]
    assert check[4].prompt == statement.text
    assert [o.text for o in check[4].options if o.correct] == [names[statement.approach]]
    levers = next(m for m in course.modules if m.id == "three-levers")
    assert [q.item.id for q in knowledge_check(course, levers, names)] == [
        "levers-check",
        "levers-drill",
    ] * 2 + ["levers-check"], "one quiz and one drill: asked in turn"


def test_the_knowledge_check_never_uses_the_final_assessments_bank(
    course: Content, names: dict[str, str]
) -> None:
    graded = graded_prompts(course)
    assert len(graded) > 50
    for module in course.modules:
        for question in knowledge_check(course, module, names):
            assert " ".join(question.prompt.split()).casefold() not in graded
            assert not (isinstance(question.item, Quiz) and question.item.pass_mark)
    final = next(m for m in course.modules if m.id == "final-assessment")
    assert knowledge_check(course, final, names) == []


def test_a_practice_question_worded_like_a_graded_one_is_left_out(
    course: Content, names: dict[str, str]
) -> None:
    final = course.items["final-quiz"]
    spot = course.items["spot-managing"]
    assert isinstance(final, Quiz)
    assert isinstance(spot, Quiz)
    copied = spot.questions[0].model_copy(update={"prompt": final.questions[0].prompt + "\n"})
    items = dict(course.items)
    items["spot-managing"] = spot.model_copy(update={"questions": [copied, *spot.questions[1:]]})
    changed = Content(course.course, course.modules, items, course.module_of)
    module = next(m for m in course.modules if m.id == FOUR_THINGS)
    prompts = [q.prompt for q in knowledge_check(changed, module, names)]
    assert copied.prompt not in prompts
    assert spot.questions[1].prompt in prompts, "the quiz's next question takes its place"


def test_the_evaluation_form_asks_the_same_questions_before_and_after_then_for_reactions(
    course: Content, names: dict[str, str]
) -> None:
    html = documents(course)[f"{FOUR_THINGS}-evaluation"]
    before, after = html.split('aria-labelledby="after"')
    module = next(m for m in course.modules if m.id == FOUR_THINGS)
    check = knowledge_check(course, module, names)
    for part in (before, after):
        assert part.count('<li class="cq-check-question">') == len(check)
    first, second = re.findall(r'<ol class="cq-check">.*?</li>\n</ol>', html, re.S)
    assert first == second
    assert "What you thought of the workshop" in after
    assert after.count('<th scope="row">') == 5
    options = re.findall(r'<ul class="cq-check-options">(.*?)</ul>', html, re.S)
    plain = r'\n<li><span class="cq-box" aria-hidden="true"></span> [A-F]\. [^<]*</li>'
    assert len(options) == 2 * len(check)
    assert all(re.fullmatch(f"({plain})+\n", block) for block in options), "no mark of the key"
    assert "Answer:" not in html


# --- PDFs ------------------------------------------------------------------------------------


def media_boxes(pdf: bytes) -> list[tuple[int, int]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def texts(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module", params=["a4", "letter"])
def printed(
    request: pytest.FixtureRequest, course: Content, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(f"kits-{request.param}")
    write_handouts(course, PRINT, PAPERS[request.param], out, FOUR_THINGS)
    return request.param, out


def pdf(out: Path, name: str) -> bytes:
    return (out / f"{FOUR_THINGS}-{name}.pdf").read_bytes()


@pytest.mark.browser
def test_every_kit_pdf_is_on_the_chosen_paper_landscape_where_it_should_be(
    printed: tuple[str, Path],
) -> None:
    paper, out = printed
    names = sorted(p.name for p in out.glob("*.pdf"))
    assert "job-aid.pdf" in names
    for name in names:
        data = (out / name).read_bytes()
        width, height = SIZES[paper]
        size = (height, width) if name.endswith(LANDSCAPE) else (width, height)
        assert set(media_boxes(data)) == {size}, name
        assert len(media_boxes(data)) == pages_in(data), name


@pytest.mark.browser
def test_the_sorting_set_is_a_mat_then_cards_with_no_key(
    printed: tuple[str, Path], course: Content
) -> None:
    _, out = printed
    item = drill(course)
    pages = texts(pdf(out, "lookalike-drill-sorting"))
    assert 2 <= len(pages) <= 4
    assert "Sorting mat: " in pages[0]
    assert "Statement cards" not in pages[0]
    cards = " ".join(pages[1:])
    assert cards.count("CARD ") == len(item.statements)
    for statement in item.statements:
        words = statement.rationale.split()
        assert " ".join(words[:8]) not in cards, "no rationale on the cards"
    assert "Answer key" not in cards


@pytest.mark.browser
def test_the_trainer_sheets_hold_each_debrief_card_once_and_the_keys(
    printed: tuple[str, Path], course: Content
) -> None:
    _, out = printed
    whole = " ".join(texts(pdf(out, "trainer-sheets")))
    for roleplay in ROLEPLAYS:
        title = course.items[roleplay].title
        assert whole.count(f"Debrief: {title}") == 1
        cards = " ".join(texts(pdf(out, f"{roleplay}-cards")))
        assert "Debrief:" not in cards
        assert "TRAINER CARD" not in cards
    assert "Answer key: " + drill(course).title in whole
    assert "Answer key: knowledge check" in whole


@pytest.mark.browser
def test_the_forms_fit_their_sheets(printed: tuple[str, Path]) -> None:
    _, out = printed
    (sign_in,) = texts(pdf(out, "sign-in"))
    assert "Sign-in sheet: Four things coaching is not" in sign_in
    assert f" {SIGN_IN_ROWS} " in sign_in
    assert f" {SIGN_IN_ROWS + 1} " not in sign_in
    (certificate,) = texts(pdf(out, "certificate"))
    assert "Certificate of attendance" in certificate
    assert "Four things coaching is not" in certificate
    evaluation = texts(pdf(out, "evaluation"))
    assert 2 <= len(evaluation) <= 4
    assert evaluation[0].count("Before the workshop") == 1
    assert "After the workshop" not in evaluation[0], "the after part starts a new sheet"
    assert "After the workshop" in evaluation[1], "the before part fits on one sheet"
    assert "What you thought of the workshop" in " ".join(evaluation[1:])
