"""`course export qti` (builder/qti.py): a zip Canvas imports, compared with text2qti's.

text2qti (PyPI) writes the QTI 1.2 dialect Canvas imports; the same small quiz written by both
must have the same element structure (tags, attribute names, nesting: not the same bytes).
No XSD of QTI 1.2 is published on a package registry (IMS serves it from its own site only), so
the files are checked as well-formed XML and against that reference.
"""

from __future__ import annotations

import io
import typing
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hostile import write_hostile_content
from project import FIXTURE_COURSE, ROOT, valid_content

from builder.bank import Answer, BankQuestion, ItemBank, question_bank
from builder.model import Drill, Quiz
from builder.model.items import Draw
from builder.pages.markup import md
from builder.qti import qti_package
from builder.validate import Content

#: The small quiz both writers write: one single-choice and one multiple-answer question.
TEXT2QTI_QUIZ = """\
Quiz title: Small quiz
Quiz description: A quiz.

1.  What is *coaching*?
... General feedback here.
*a) Asking questions
... Right because.
b)  Telling
... Wrong because.

2.  Which are managing?
[*] Setting targets
... yes
[ ] Asking
... no
[*] Reviewing KPIs
"""
#: Canvas's QTI vocabulary: what an assessment file may hold, and nothing from content.
QTI_TAGS = frozenset(
    [
        "questestinterop",
        "assessment",
        "qtimetadata",
        "qtimetadatafield",
        "fieldlabel",
        "fieldentry",
        "section",
        "selection_ordering",
        "selection",
        "selection_number",
        "selection_extension",
        "points_per_item",
        "item",
        "itemmetadata",
        "presentation",
        "material",
        "mattext",
        "response_lid",
        "render_choice",
        "response_label",
        "resprocessing",
        "outcomes",
        "decvar",
        "respcondition",
        "conditionvar",
        "other",
        "varequal",
        "displayfeedback",
        "and",
        "not",
        "setvar",
        "itemfeedback",
        "flow_mat",
    ]
)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def every(element: ET.Element, name: str) -> list[ET.Element]:
    """``element`` and every element below it named ``name`` (any namespace), in order."""
    return [e for e in element.iter() if local(e.tag) == name]


def shape(element: ET.Element) -> Any:
    """The structure of ``element``: tag, attribute names and children's shapes, in order."""
    return (local(element.tag), sorted(element.attrib), [shape(child) for child in element])


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def grouped(quiz: str) -> str:
    """``quiz`` with its questions in one text2qti group drawing one of them."""
    head, questions = quiz.split("\n\n", 1)
    return f"{head}\n\nGROUP\npick: 1\npoints per question: 1\n\n{questions}\nEND_GROUP\n"


def text2qti_zip(quiz: str = TEXT2QTI_QUIZ) -> dict[str, bytes]:
    from text2qti.config import Config  # type: ignore[import-untyped]
    from text2qti.qti import QTI  # type: ignore[import-untyped]
    from text2qti.quiz import Quiz as Text2qtiQuiz  # type: ignore[import-untyped]

    buffer = io.BytesIO()
    QTI(Text2qtiQuiz(quiz, config=Config(), source_name="quiz.md")).write(buffer)
    return read_zip(buffer.getvalue())


def our_small_quiz(content: Content) -> ItemBank:
    """TEXT2QTI_QUIZ as our writer's input (the fixture course's quiz, with its questions)."""
    quiz = next(i for i in content.items.values() if isinstance(i, Quiz))
    single = BankQuestion(
        "small/q1",
        False,
        "<p>What is <em>coaching</em>?</p>",
        (
            Answer("a", "Asking questions", True, "<p>Right because.</p>"),
            Answer("b", "Telling", False, "<p>Wrong because.</p>"),
        ),
        "<p>General feedback here.</p>",
    )
    multiple = BankQuestion(
        "small/q2",
        True,
        "<p>Which are managing?</p>",
        (
            Answer("a", "Setting targets", True, "<p>yes</p>"),
            Answer("b", "Asking", False, "<p>no</p>"),
            Answer("c", "Reviewing KPIs", True, None),
        ),
        None,
    )
    return ItemBank(content.modules[0], quiz, (single, multiple))


def assessments(files: dict[str, bytes]) -> dict[str, ET.Element]:
    """Each assessment's QTI document, by path."""
    return {
        path: ET.fromstring(data)
        for path, data in files.items()
        if path.endswith(".xml") and not path.endswith(("imsmanifest.xml", "assessment_meta.xml"))
    }


@pytest.fixture(scope="module")
def course() -> Content:
    return valid_content(ROOT / "content")


@pytest.fixture(scope="module")
def course_files(course: Content) -> dict[str, bytes]:
    return read_zip(qti_package(course, question_bank(course, course.modules)).zip_bytes())


# --- the same structure as text2qti's ----------------------------------------------------------


def test_items_have_the_structure_text2qti_writes() -> None:
    content = valid_content(FIXTURE_COURSE)
    ours = assessments(read_zip(qti_package(content, [our_small_quiz(content)]).zip_bytes()))
    theirs = assessments(text2qti_zip())
    [our_root], [their_root] = ours.values(), theirs.values()
    our_items = our_root.findall(".//{*}item")
    their_items = their_root.findall(".//{*}item")
    assert [shape(i) for i in our_items] == [shape(i) for i in their_items]
    kinds = [i.findtext(".//{*}qtimetadatafield/{*}fieldentry") for i in our_items]
    assert kinds == ["multiple_choice_question", "multiple_answers_question"]
    # and around the items: questestinterop > assessment > (qtimetadata, section)
    assert [local(e.tag) for e in our_root.iter()][:3] == [
        "questestinterop",
        "assessment",
        "qtimetadata",
    ]
    assert [local(e.tag) for e in their_root.iter()][:3] == [
        "questestinterop",
        "assessment",
        "qtimetadata",
    ]


def test_a_drawn_quiz_is_a_question_group_as_text2qti_writes_one() -> None:
    content = valid_content(FIXTURE_COURSE)
    small = our_small_quiz(content)
    quiz = typing.cast(Quiz, small.item).model_copy(update={"draw": Draw(questions=1)})
    bank = ItemBank(small.module, quiz, small.questions)
    [ours] = assessments(read_zip(qti_package(content, [bank]).zip_bytes())).values()
    [theirs] = assessments(text2qti_zip(grouped(TEXT2QTI_QUIZ))).values()
    our_root, their_root = (
        ours.find("{*}assessment/{*}section"),
        theirs.find("{*}assessment/{*}section"),
    )
    assert our_root is not None
    assert their_root is not None
    assert shape(our_root) == shape(their_root)
    assert our_root.findtext("{*}section/{*}selection_ordering//{*}selection_number") == "1"


def test_the_final_assessment_draws_per_approach_as_the_site_does(
    course: Content, course_files: dict[str, bytes]
) -> None:
    quiz = next(i for i in course.items.values() if isinstance(i, Quiz) and i.draw)
    assert quiz.draw is not None
    assert quiz.draw.per_approach is not None
    [root] = [r for p, r in assessments(course_files).items() if p.startswith(f"cq-{quiz.id}/")]
    groups = root.findall("{*}assessment/{*}section/{*}section")
    approaches = sorted({q.approach for q in quiz.questions if q.approach})
    assert sorted(g.get("ident", "").removeprefix(f"cq-{quiz.id}-") for g in groups) == approaches
    for group in groups:
        assert group.findtext(".//{*}selection_number") == str(quiz.draw.per_approach)
        approach = group.get("ident", "").removeprefix(f"cq-{quiz.id}-")
        wanted = [q.id for q in quiz.questions if q.approach == approach]
        got = [i.get("title", "").split("/")[-1] for i in group.findall("{*}item")]
        assert got == wanted
    meta = ET.fromstring(course_files[f"cq-{quiz.id}/assessment_meta.xml"])
    assert meta.findtext("{*}points_possible") == f"{quiz.draw.per_approach * len(groups)}.0"


def test_the_manifest_lists_resources_as_text2qti_does() -> None:
    content = valid_content(FIXTURE_COURSE)
    ours = ET.fromstring(
        read_zip(qti_package(content, [our_small_quiz(content)]).zip_bytes())["imsmanifest.xml"]
    )
    theirs = ET.fromstring(text2qti_zip()["imsmanifest.xml"])
    assert ours.tag == theirs.tag  # the same namespace too
    for path in ("{*}resources", "{*}metadata/{*}schema", "{*}metadata/{*}schemaversion"):
        found, reference = ours.find(path), theirs.find(path)
        assert found is not None
        assert reference is not None
        assert shape(found) == shape(reference)
        assert (found.text or "").strip() == (reference.text or "").strip()
    kinds = [r.get("type") for r in every(ours, "resource")]
    assert kinds == [r.get("type") for r in every(theirs, "resource")]


def test_canvas_settings_use_text2qti_elements() -> None:
    content = valid_content(FIXTURE_COURSE)
    files = read_zip(qti_package(content, [our_small_quiz(content)]).zip_bytes())
    [ours] = [ET.fromstring(d) for p, d in files.items() if p.endswith("assessment_meta.xml")]
    [theirs] = [
        ET.fromstring(d) for p, d in text2qti_zip().items() if p.endswith("assessment_meta.xml")
    ]
    assert ours.tag == theirs.tag
    assert {local(e.tag) for e in ours} <= {local(e.tag) for e in theirs}


# --- the zip -----------------------------------------------------------------------------------


def test_the_manifest_references_every_file_and_only_files_of_the_zip(
    course_files: dict[str, bytes],
) -> None:
    manifest = ET.fromstring(course_files["imsmanifest.xml"])
    referenced = {f.get("href") for f in every(manifest, "file")}
    assert referenced == set(course_files) - {"imsmanifest.xml"}
    identifiers = {r.get("identifier") for r in every(manifest, "resource")}
    assert {d.get("identifierref") for d in every(manifest, "dependency")} <= identifiers


def test_every_file_is_well_formed_xml(course_files: dict[str, bytes]) -> None:
    for path, data in course_files.items():
        assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), path
        ET.fromstring(data)  # raises on malformed XML


def test_the_shipped_course_gives_one_assessment_per_quiz_and_drill(
    course: Content, course_files: dict[str, bytes]
) -> None:
    banks = [i for i in course.items.values() if isinstance(i, Quiz | Drill)]
    found = assessments(course_files)
    assert len(found) == len(banks)
    items = sum(len(root.findall(".//{*}item")) for root in found.values())
    wanted = sum(len(i.questions) if isinstance(i, Quiz) else len(i.statements) for i in banks)
    assert items == wanted
    titles = {root.find("{*}assessment").get("title") for root in found.values()}  # type: ignore[union-attr]
    assert titles == {i.title for i in banks}


def test_the_same_content_gives_the_same_zip(course: Content) -> None:
    banks = question_bank(course, course.modules)
    assert qti_package(course, banks).zip_bytes() == qti_package(course, banks).zip_bytes()


def test_right_answers_and_feedback_are_those_of_the_content(
    course: Content, course_files: dict[str, bytes]
) -> None:
    quiz = next(i for i in course.items.values() if isinstance(i, Quiz) and i.pass_mark)
    [root] = [
        r
        for r in assessments(course_files).values()
        if r.find("{*}assessment").get("title") == quiz.title
    ]  # type: ignore[union-attr]
    for item, question in zip(every(root, "item"), quiz.questions, strict=True):
        labels = [label.get("ident") for label in every(item, "response_label")]
        scoring = [c for c in every(item, "respcondition") if c.get("continue") == "No"]
        right = {
            v.text for v in every(scoring[0], "varequal") if v not in list(every(scoring[0], "not"))
        }
        negated = {v.text for n in every(scoring[0], "not") for v in n}
        wanted = {lab for lab, o in zip(labels, question.options, strict=True) if o.correct}
        assert right - negated == wanted
        feedback = {
            f.get("ident"): f.findtext(".//{*}mattext") for f in every(item, "itemfeedback")
        }
        for label, option in zip(labels, question.options, strict=True):
            if option.feedback:
                assert feedback[f"{label}_fb"] == str(md(option.feedback)).strip()
        if question.explanation:
            assert feedback["general_fb"] == str(md(question.explanation)).strip()


# --- hostile content stays text ------------------------------------------------------------------


def test_hostile_texts_stay_character_data(tmp_path: Path) -> None:
    write_hostile_content(ROOT / "content", tmp_path / "content")
    content = valid_content(tmp_path / "content")
    files = read_zip(qti_package(content, question_bank(content, content.modules)).zip_bytes())
    for path, root in assessments(files).items():
        assert {local(e.tag) for e in root.iter()} <= QTI_TAGS, path
    quizzes = {f"cq-{i.id}": i for i in content.items.values() if isinstance(i, Quiz)}
    for root in assessments(files).values():
        assessment = root.find("{*}assessment")
        assert assessment is not None
        quiz = quizzes.get(assessment.get("ident", ""))
        if quiz is None:
            continue  # a drill's
        assert assessment.get("title") == quiz.title
        prompts = [
            item.find("{*}presentation/{*}material/{*}mattext") for item in every(root, "item")
        ]
        assert [p.text for p in prompts if p is not None] == [
            str(md(q.prompt)).strip() for q in quiz.questions
        ]
        assert quiz.title.startswith("\U0001d538")  # the payload reached the title
