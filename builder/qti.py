"""The question bank as a QTI 1.2 package, in the dialect Canvas imports (`course export qti`).

One assessment per quiz and per drill, each in a folder of its own: the QTI file
(``questestinterop``: items of type ``multiple_choice_question`` or
``multiple_answers_question``, per-option and general feedback as ``itemfeedback``; a graded
quiz's draw as Canvas question groups) and Canvas's ``assessment_meta.xml``;
``imsmanifest.xml`` lists every file. The element structure
follows what Canvas exports and what text2qti writes (tests/test_qti.py compares the two).

The XML is built with ElementTree rather than a template: every text goes in as character
data or an attribute value and is escaped by the serializer, so no content can add markup.
Identifiers are made from the stable ids, and the zip's entries carry a fixed date, so the
same content gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from .bank import BankQuestion, ItemBank
from .model import Quiz
from .pages.markup import md
from .validate import Content

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATIONS = {
    QTI: f"{QTI} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
    CP: f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
    f"{IMSMD} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd",
    CANVAS: f"{CANVAS} https://canvas.instructure.com/xsd/cccv1p0.xsd",
}
#: The date of every zip entry: the zip format's earliest, as a fixed value.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
HTML = "text/html"


@dataclass(frozen=True)
class Package:
    """The QTI package: its files (path -> bytes) in the order they are zipped."""

    files: dict[str, bytes]
    assessments: int
    questions: int

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, data in self.files.items():
                info = zipfile.ZipInfo(path, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _root(namespace: str, tag: str, **attrs: str) -> ET.Element:
    return ET.Element(
        tag,
        {
            "xmlns": namespace,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": SCHEMA_LOCATIONS[namespace],
            **attrs,
        },
    )


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, "utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _material(parent: ET.Element, html: str) -> None:
    _el(_el(parent, "material"), "mattext", html, texttype=HTML)


def _metadata(parent: ET.Element, fields: list[tuple[str, str]]) -> None:
    metadata = _el(parent, "qtimetadata")
    for label, entry in fields:
        field = _el(metadata, "qtimetadatafield")
        _el(field, "fieldlabel", label)
        _el(field, "fieldentry", entry)


def _feedback(parent: ET.Element, ident: str, html: str) -> None:
    _material(_el(_el(parent, "itemfeedback", ident=ident), "flow_mat"), html)


def _item(section: ET.Element, ident: str, question: BankQuestion) -> None:
    item = _el(section, "item", ident=ident, title=question.name)
    answer_ids = [f"{ident}-{answer.ident}" for answer in question.answers]
    kind = "multiple_answers_question" if question.multiple else "multiple_choice_question"
    _metadata(
        _el(item, "itemmetadata"),
        [
            ("question_type", kind),
            ("points_possible", "1"),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", f"{ident}-ref"),
        ],
    )
    presentation = _el(item, "presentation")
    _material(presentation, question.prompt)
    cardinality = "Multiple" if question.multiple else "Single"
    choices = _el(
        _el(presentation, "response_lid", ident="response1", rcardinality=cardinality),
        "render_choice",
    )
    for answer_id, answer in zip(answer_ids, question.answers, strict=True):
        _material(_el(choices, "response_label", ident=answer_id), answer.html)

    processing = _el(item, "resprocessing")
    _el(
        _el(processing, "outcomes"),
        "decvar",
        maxvalue="100",
        minvalue="0",
        varname="SCORE",
        vartype="Decimal",
    )
    if question.general:
        condition = _el(processing, "respcondition", **{"continue": "Yes"})
        _el(_el(condition, "conditionvar"), "other")
        _el(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    for answer_id, answer in zip(answer_ids, question.answers, strict=True):
        if answer.feedback:
            condition = _el(processing, "respcondition", **{"continue": "Yes"})
            _el(_el(condition, "conditionvar"), "varequal", answer_id, respident="response1")
            _el(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{answer_id}_fb")
    right = _el(processing, "respcondition", **{"continue": "No"})
    rule = _el(right, "conditionvar")
    if question.multiple:
        rule = _el(rule, "and")
        for answer_id, answer in zip(answer_ids, question.answers, strict=True):
            parent = rule if answer.correct else _el(rule, "not")
            _el(parent, "varequal", answer_id, respident="response1")
    else:
        for answer_id, answer in zip(answer_ids, question.answers, strict=True):
            if answer.correct:
                _el(rule, "varequal", answer_id, respident="response1")
    _el(right, "setvar", "100", action="Set", varname="SCORE")

    if question.general:
        _feedback(item, "general_fb", question.general)
    for answer_id, answer in zip(answer_ids, question.answers, strict=True):
        if answer.feedback:
            _feedback(item, f"{answer_id}_fb", answer.feedback)


def assessment_xml(ident: str, bank: ItemBank, names: dict[str, str]) -> bytes:
    """One quiz or drill as a QTI 1.2 ``questestinterop`` document."""
    root = _root(QTI, "questestinterop")
    assessment = _el(root, "assessment", ident=ident, title=bank.item.title)
    _metadata(assessment, [("cc_maxattempts", "unlimited")])
    section = _el(assessment, "section", ident="root_section")
    for group in draw_groups(bank, names):
        parent = section
        if group.pick is not None:
            parent = _el(section, "section", ident=f"{ident}-{group.key}", title=group.title)
            selection = _el(_el(parent, "selection_ordering"), "selection")
            _el(selection, "selection_number", str(group.pick))
            _el(_el(selection, "selection_extension"), "points_per_item", "1")
        for question in group.questions:
            _item(parent, f"{ident}-{question.name.split('/')[-1]}", question)
    return _xml(root)


@dataclass(frozen=True)
class Group:
    """Questions of an assessment; with ``pick``, a Canvas question group drawing that many."""

    key: str
    title: str
    pick: int | None
    questions: tuple[BankQuestion, ...]


def draw_groups(bank: ItemBank, names: dict[str, str]) -> list[Group]:
    """The quiz's draw as Canvas question groups, or one group of every question, not drawn.

    ``per_approach``: a group per category drawing that many, in the course's order (that of
    ``names``, the course's categories); a question without one is left out, as the site never
    draws it.
    ``questions``: one group of the whole bank.
    """
    draw = bank.item.draw if isinstance(bank.item, Quiz) else None
    if draw is None:
        return [Group("all", bank.item.title, None, bank.questions)]
    if draw.questions is not None:
        return [Group("bank", bank.item.title, draw.questions, bank.questions)]
    groups = []
    for approach, name in names.items():
        questions = tuple(q for q in bank.questions if q.approach == approach)
        if questions:
            groups.append(Group(approach, name, draw.per_approach, questions))
    return groups


def drawn(bank: ItemBank) -> int:
    """How many questions one attempt asks (its points, one a question)."""
    named = {q.approach: q.approach for q in bank.questions if q.approach}  # names not needed
    return sum(g.pick or len(g.questions) for g in draw_groups(bank, named))


def assessment_meta_xml(ident: str, bank: ItemBank, description: str) -> bytes:
    """Canvas's settings of one quiz: title, description, kind, points, attempts."""
    root = _root(CANVAS, "quiz", identifier=ident)
    graded = bank.pass_mark is not None
    for tag, text in [
        ("title", bank.item.title),
        ("description", description),
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment" if graded else "practice_quiz"),
        ("points_possible", f"{drawn(bank)}.0"),
        ("show_correct_answers", "true"),
        ("allowed_attempts", "-1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ]:
        _el(root, tag, text)
    return _xml(root)


def manifest_xml(content: Content, idents: list[str]) -> bytes:
    """``imsmanifest.xml``: each assessment's QTI file, and its Canvas settings beside it."""
    root = _root(CP, "manifest", identifier=f"cq-{content.course.id}-manifest")
    root.set("xmlns:imsmd", IMSMD)
    metadata = _el(root, "metadata")
    _el(metadata, "schema", "IMS Content")
    _el(metadata, "schemaversion", "1.1.3")
    title = _el(_el(_el(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    _el(title, "imsmd:string", content.course.title)
    _el(root, "organizations")
    resources = _el(root, "resources")
    for ident in idents:
        resource = _el(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
        _el(resource, "file", href=f"{ident}/{ident}.xml")
        _el(resource, "dependency", identifierref=f"{ident}-meta")
        meta = _el(
            resources,
            "resource",
            identifier=f"{ident}-meta",
            type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
            href=f"{ident}/assessment_meta.xml",
        )
        _el(meta, "file", href=f"{ident}/assessment_meta.xml")
    return _xml(root)


def qti_package(content: Content, banks: list[ItemBank]) -> Package:
    """The banks as a QTI 1.2 package: one assessment per quiz and per drill."""
    names = content.course.approach_names
    files: dict[str, bytes] = {}
    idents: list[str] = []
    for bank in banks:
        ident = f"cq-{bank.item.id}"
        idents.append(ident)
        summary = bank.item.summary
        description = str(md(summary)).strip() if summary else ""
        files[f"{ident}/{ident}.xml"] = assessment_xml(ident, bank, names)
        files[f"{ident}/assessment_meta.xml"] = assessment_meta_xml(ident, bank, description)
    files = {"imsmanifest.xml": manifest_xml(content, idents), **files}
    return Package(files, len(banks), sum(len(bank.questions) for bank in banks))
