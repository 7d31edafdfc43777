"""builder/handouts.py and `course handouts`: print HTML, and PDFs printed by Chromium.

The PDFs are checked by reading them as Chromium writes them: page objects and their
``/MediaBox`` stay uncompressed, and the document title is in the info dictionary. Tests
that start Chromium carry the ``browser`` mark.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from markupsafe import escape
from project import valid_content

from builder.adapters.cli import main
from builder.handouts import (
    PAPERS,
    HandoutError,
    Paper,
    find_chromium,
    handout_documents,
    job_aid_document,
    page_count,
    print_pdfs,
    save,
    write_handouts,
)
from builder.validate import Content

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PRINT = ROOT / "templates" / "print"
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
FOUR_THINGS = "four-things-coaching-is-not"
ROLEPLAYS = ["not-managing", "not-training", "not-mentoring", "not-role-modeling"]
SIZES = {"a4": (595, 842), "letter": (612, 792)}


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def course() -> Content:
    return valid_content(ROOT / "content")


def media_boxes(pdf: bytes) -> list[tuple[int, int]]:
    """The size of every page, in points (Chromium writes e.g. 594.95996 for 595)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def pages_in(pdf: bytes) -> int:
    """Page objects (``/Type /Page``, not ``/Pages``), counted independently of the builder."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def title_of(pdf: bytes) -> str:
    match = re.search(rb"/Title \(((?:[^()\\]|\\.)*)\)", pdf)
    assert match is not None, "the PDF has no title"
    return re.sub(rb"\\(.)", rb"\1", match.group(1)).decode("latin-1")


# --- print HTML ------------------------------------------------------------------------------


def test_handouts_are_a_guide_per_module_and_cards_and_gamebooks_per_scenario(
    course: Content,
) -> None:
    documents = handout_documents(course, PRINT, PAPERS["a4"])
    names = [d.name for d in documents]
    assert len(names) == len(set(names))
    for module in course.modules:
        assert f"{module.id}-guide" in names
        for item in course.items_of(module):
            if item.kind == "roleplay":
                assert f"{module.id}-{item.id}-cards" in names
            if item.kind == "case":
                assert f"{module.id}-{item.id}-gamebook" in names
    assert names[0] == "job-aid", "the whole course's handouts start with the learners' job aid"
    only = [d.name for d in handout_documents(course, PRINT, PAPERS["a4"], FOUR_THINGS)]
    assert only[:6] == ["job-aid", f"{FOUR_THINGS}-guide"] + [
        f"{FOUR_THINGS}-{r}-cards" for r in ROLEPLAYS
    ], "a module's handouts include the learners' job aid too"


def test_the_job_aid_is_drawn_from_the_course_data(course: Content) -> None:
    html = job_aid_document(course, PRINT).html
    data = course.course
    assert all(a.question and escape(a.question) in html for a in data.approaches.values())
    assert all(escape(step.question) in html for step in data.lookalike_test)
    assert data.team_grid is not None
    assert all(f">{escape(box.name)}</text>" in html for box in data.team_grid.boxes)
    assert all(f'<th scope="row">{escape(field)}</th>' in html for field in data.job_aid.plan)
    assert html.count("<tr><td>") == len(data.job_aid.days)


@pytest.mark.parametrize(("paper", "css"), [("a4", "A4"), ("letter", "letter")])
def test_print_html_is_standalone_and_sets_the_paper_size_with_page_css(
    course: Content, paper: str, css: str
) -> None:
    for document in handout_documents(course, PRINT, PAPERS[paper], FOUR_THINGS):
        html = document.html
        assert html.startswith('<!doctype html>\n<html lang="en">')
        landscape = " landscape" if document.name.endswith(("-sorting", "-certificate")) else ""
        assert f"@page {{\n  size: {css}{landscape};" in html
        assert f"<title>{document.title}</title>" in html.replace("&#39;", "'")
        assert not re.search(r"<(script|link|img|iframe)\b", html), document.name
        assert "http" not in html.split("</style>")[0], "no fetched fonts or styles"


def test_cards_keep_each_card_whole_and_put_private_cards_on_their_own_sheets() -> None:
    css = (PRINT / "print.css").read_text(encoding="utf-8")
    card = re.search(r"\.cq-card \{([^}]*)\}", css)
    private = re.search(r"\.cq-card-private \{([^}]*)\}", css)
    assert card is not None
    assert private is not None
    assert "break-inside: avoid" in card.group(1)
    assert "border: 1pt dashed" in card.group(1), "the dashed border is the cut line"
    assert "break-before: page" in private.group(1)


def test_print_html_escapes_hostile_text() -> None:
    documents = handout_documents(valid_content(FIXTURE_COURSE), PRINT, PAPERS["letter"])
    for document in documents:
        assert "<script>" not in document.html, document.name
    cards = next(d for d in documents if d.name.endswith("-cards"))
    assert "Rep &amp; friend" in cards.html


# --- PDFs ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["a4", "letter"])
def printed(
    request: pytest.FixtureRequest, course: Content, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(f"handouts-{request.param}")
    write_handouts(course, PRINT, PAPERS[request.param], out, FOUR_THINGS)
    return request.param, out


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_job_aid_prints_on_one_sheet_of_each_paper(course: Content, paper: str) -> None:
    (pdf,) = print_pdfs([job_aid_document(course, PRINT, paper=PAPERS[paper])], find_chromium())
    assert page_count(pdf) == 1
    assert media_boxes(pdf) == [SIZES[paper]]


@pytest.mark.browser
def test_every_pdf_page_has_the_chosen_paper_size(printed: tuple[str, Path]) -> None:
    paper, out = printed
    pdfs = sorted(out.glob("*.pdf"))
    names = [p.name for p in pdfs]
    assert set(names) >= {f"{FOUR_THINGS}-guide.pdf", "job-aid.pdf"}
    assert set(names) >= {f"{FOUR_THINGS}-{r}-cards.pdf" for r in ROLEPLAYS}
    for path in pdfs:
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        width, height = SIZES[paper]
        landscape = path.name.endswith(("-sorting.pdf", "-certificate.pdf"))
        expected = (height, width) if landscape else (width, height)
        assert set(media_boxes(data)) == {expected}, path.name
        assert len(media_boxes(data)) == pages_in(data) == page_count(data)


@pytest.mark.browser
def test_the_guide_runs_to_several_pages_and_is_titled_by_its_module(
    printed: tuple[str, Path],
) -> None:
    _, out = printed
    data = (out / f"{FOUR_THINGS}-guide.pdf").read_bytes()
    assert pages_in(data) >= 4
    assert title_of(data) == "Facilitator guide: 3. Four things coaching is not"


@pytest.mark.browser
def test_each_set_of_cards_ends_with_the_private_card_on_a_sheet_of_its_own(
    printed: tuple[str, Path], course: Content
) -> None:
    _, out = printed
    for roleplay in ROLEPLAYS:
        data = (out / f"{FOUR_THINGS}-{roleplay}-cards.pdf").read_bytes()
        item = course.items[roleplay]
        assert item.kind == "roleplay"
        private = sum(1 for role in item.roles if role.private)
        assert private >= 1
        # The public cards need at least one sheet; each private card starts another.
        assert pages_in(data) >= 1 + private, roleplay
        assert title_of(data).startswith("Role-play cards: ")


@pytest.mark.browser
def test_course_handouts_writes_pdfs_and_says_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "ho"
    result = invoke("handouts", "--module", "three-levers", "--paper", "letter", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "job-aid.pdf",
        "three-levers-certificate.pdf",
        "three-levers-evaluation.pdf",
        "three-levers-guide.pdf",
        "three-levers-kpi-review-meeting-gamebook.pdf",
        "three-levers-levers-drill-sorting.pdf",
        "three-levers-sign-in.pdf",
        "three-levers-trainer-sheets.pdf",
    ]
    wrote = re.findall(r"^wrote .+\.pdf \(\d+ pages?, \d+ KB\)$", result.stdout, re.M)
    assert len(wrote) == len(names)
    gamebook = (out / "three-levers-kpi-review-meeting-gamebook.pdf").read_bytes()
    assert set(media_boxes(gamebook)) == {SIZES["letter"]}


@pytest.mark.browser
def test_print_pdfs_refuses_every_request_a_document_makes(course: Content) -> None:
    from builder.handouts import PrintDocument

    leaky = PrintDocument(
        "leaky", "Leaky", '<!doctype html><title>Leaky</title><img src="http://127.0.0.1:9/x.png">'
    )
    (pdf,) = print_pdfs([leaky], find_chromium())
    assert pages_in(pdf) == 1


# --- when printing is not possible -----------------------------------------------------------


def own_output(stderr: str) -> str:
    """What a command printed after the shipped content's warnings and their count, if any.

    Warnings (pedagogy lint) do not stop a command; they come first, then its own messages.
    """
    warnings, counted, rest = stderr.partition(" warning(s)\n")
    if not counted:
        return stderr
    assert "error[" not in warnings
    return rest


def test_a_missing_browser_is_a_clean_error_with_a_hint(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-chromium"
    result = invoke(
        "handouts", "--module", FOUR_THINGS, "--chromium", str(missing), "--out", str(tmp_path)
    )
    assert result.exit_code == 1
    assert own_output(result.stderr).startswith(
        f"error: no Chromium browser at {missing}\n    hint: install"
    )
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_a_missing_browser_stops_the_workshop_pdf_but_not_the_run_of_show(tmp_path: Path) -> None:
    result = invoke(
        "workshop",
        "--modules",
        FOUR_THINGS,
        "--minutes",
        "90",
        "--chromium",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "ws"),
    )
    assert result.exit_code == 1
    assert "Workshop: Four things coaching is not" in result.stdout
    assert "error: no Chromium browser at" in result.stderr
    written = sorted(p.name for p in (tmp_path / "ws").iterdir())
    assert written == ["prework-email.txt", "workshop.html"]


def test_no_browser_on_the_path_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(HandoutError, match="no Chromium browser found") as caught:
        find_chromium()
    assert "--chromium" in caught.value.hint


def test_course_chromium_names_the_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COURSE_CHROMIUM", str(tmp_path / "elsewhere"))
    with pytest.raises(HandoutError, match=r"no Chromium browser at .*elsewhere"):
        find_chromium()


def test_a_file_that_is_not_a_browser_is_a_clean_error(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    result = invoke("handouts", "--module", FOUR_THINGS, "--chromium", str(fake), "--out", "x")
    assert result.exit_code == 1
    assert own_output(result.stderr).startswith(f"error: Chromium at {fake} could not print")
    assert "hint:" in result.stderr


def test_an_unknown_module_is_a_usage_error() -> None:
    result = invoke("handouts", "--module", "four-things-coaching-is-nt", "--out", "x")
    assert result.exit_code == 2
    assert "did you mean `four-things-coaching-is-not`?" in result.stderr


@pytest.mark.parametrize("paper", ["a3", "A4"])
def test_only_a4_and_letter_paper_are_offered(paper: str) -> None:
    result = invoke("handouts", "--paper", paper, "--out", "x")
    assert result.exit_code == 2
    assert "--paper" in result.stderr


# --- helpers ---------------------------------------------------------------------------------


def test_save_writes_each_file_and_leaves_other_files_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "a.pdf").write_bytes(b"old")
    written = save({"a.pdf": b"new", "b.pdf": b"B"}, tmp_path)
    assert [p.name for p in written] == ["a.pdf", "b.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf", "notes.txt"]
    assert (tmp_path / "a.pdf").read_bytes() == b"new"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_page_count_counts_page_objects_but_not_the_page_tree() -> None:
    pdf = b"<</Type /Pages /Count 2>> <</Type /Page /MediaBox [0 0 595 842]>> <</Type/Page>>"
    assert page_count(pdf) == 2


def test_the_paper_sizes_are_a4_and_us_letter_in_points() -> None:
    expected = {
        "a4": Paper("a4", "A4", 595, 842),
        "letter": Paper("letter", "letter", 612, 792),
    }
    assert expected == PAPERS
