"""builder/lms/cmi5.py: ``cmi5.xml`` as cmi5 "quartz" section 13.1 describes it; and cmi5.js.

No npm or PyPI package we could find ships the CourseStructure XSD, so the schema's rules that
matter to our one-AU course are checked here one by one (docs/lms.md, "cmi5", says so): the elements
and their order, the required attributes and their value spaces.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builder import assets
from builder.lms.cmi5 import MOVE_ON, course_iri, course_structure
from builder.validate import validate_content

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "lms" / "cmi5.xml"
NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DECIMAL_0_1 = re.compile(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$")


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def structure_problems(text: str) -> list[str]:
    """What in ``text`` breaks the course structure's schema, as far as one AU goes."""
    root = ET.fromstring(text)
    out: list[str] = []
    if root.tag != q("courseStructure"):
        return [f"root element {root.tag}"]
    children = [c.tag for c in root]
    if children[:1] != [q("course")] or not all(t in (q("au"), q("block")) for t in children[1:]):
        out.append(f"courseStructure holds {children}")
    if len(children) < 2:
        out.append("no AU")
    course = root.find(q("course"))
    aus = root.findall(q("au"))
    for element, order in [(course, ["title", "description"])] + [
        (au, ["title", "description", "url"]) for au in aus
    ]:
        assert element is not None
        tags = [c.tag for c in element]
        if tags != [q(t) for t in order]:
            out.append(f"{element.tag} holds {tags}")
        if not IRI.match(element.get("id", "")):
            out.append(f"{element.tag} id {element.get('id')!r} is not an IRI")
        for text_type in (element.find(q("title")), element.find(q("description"))):
            strings = [] if text_type is None else list(text_type)
            if not strings or any(s.tag != q("langstring") or not s.get("lang") for s in strings):
                out.append(f"{element.tag}: a title or description without a langstring")
    for au in aus:
        if au.get("moveOn", "NotApplicable") not in MOVE_ON:
            out.append(f"moveOn {au.get('moveOn')!r}")
        if "masteryScore" in au.attrib and not DECIMAL_0_1.match(au.get("masteryScore", "")):
            out.append(f"masteryScore {au.get('masteryScore')!r}")
        if au.get("launchMethod", "AnyWindow") not in ("AnyWindow", "OwnWindow"):
            out.append(f"launchMethod {au.get('launchMethod')!r}")
        url = au.findtext(q("url"), "")
        if not url.strip() or url.startswith("/"):
            out.append(f"url {url!r} is not relative to the package")
    ids = [e.get("id") for e in (course, *aus) if e is not None]
    if len(set(ids)) != len(ids):
        out.append(f"ids are not unique: {ids}")
    return out


def shipped() -> str:
    content, diagnostics = validate_content(ROOT / "content")
    assert content is not None, diagnostics
    quiz = next(
        i for m in content.modules for i in content.items_of(m) if getattr(i, "pass_mark", None)
    )
    return course_structure(
        course_id=content.course.id,
        title=content.course.title,
        description=content.course.description.split("\n\n")[0].strip(),
        mastery_score=quiz.pass_mark / 100,
    )


def test_the_shipped_course_s_structure_is_its_golden_file(update_golden: bool) -> None:
    text = shipped()
    assert structure_problems(text) == []
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
        return
    assert text == GOLDEN.read_text(encoding="utf-8"), "differs (pytest --update-golden)"


def test_the_checker_finds_what_the_schema_refuses() -> None:
    good = shipped()
    broken = {
        "mastery as percent": good.replace('masteryScore="0.8"', 'masteryScore="80"'),
        "unknown moveOn": good.replace('moveOn="CompletedAndPassed"', 'moveOn="Done"'),
        "url before title": good.replace("    <url>lms/launch.html</url>\n", "").replace(
            'launchMethod="AnyWindow">', 'launchMethod="AnyWindow"><url>lms/launch.html</url>'
        ),
        "course id not an IRI": good.replace(
            'course id="urn:coaching-course:coaching-or-managing"', 'course id="coaching"'
        ),
    }
    assert structure_problems(broken["mastery as percent"]) == ["masteryScore '80'"]
    assert structure_problems(broken["unknown moveOn"]) == ["moveOn 'Done'"]
    [order] = structure_problems(broken["url before title"])
    assert order.startswith(f"{q('au')} holds [{q('url')!r}, {q('title')!r}")
    assert structure_problems(broken["course id not an IRI"]) == [
        f"{q('course')} id 'coaching' is not an IRI"
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("coaching-or-managing", "urn:coaching-course:coaching-or-managing"),
        ("https://courses.example/coaching", "https://courses.example/coaching"),
    ],
)
def test_a_course_id_becomes_an_iri(given: str, expected: str) -> None:
    assert course_iri(given) == expected


def test_text_is_escaped_and_the_options_are_written_as_given() -> None:
    text = course_structure(
        course_id="c",
        title='Coaching <b>or</b> "managing" & more',
        description="Who & why",
        launch="lms/launch.html?x=1&y=2",
        mastery_score=0.75,
        move_on="CompletedOrPassed",
        language="fr",
    )
    assert structure_problems(text) == []
    root = ET.fromstring(text)
    au = root.find(q("au"))
    assert au is not None
    assert au.get("moveOn") == "CompletedOrPassed"
    assert au.get("masteryScore") == "0.75"
    assert au.findtext(q("url")) == "lms/launch.html?x=1&y=2"
    title = root.find(f"{q('course')}/{q('title')}/{q('langstring')}")
    assert title is not None
    assert (title.text, title.get("lang")) == ('Coaching <b>or</b> "managing" & more', "fr")


def test_without_a_pass_mark_there_is_no_mastery_score() -> None:
    text = course_structure(course_id="c", title="t", description="d", mastery_score=None)
    au = ET.fromstring(text).find(q("au"))
    assert au is not None
    assert "masteryScore" not in au.attrib
    assert structure_problems(text) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"mastery_score": 80}, "masteryScore 80 is not between 0 and 1"),
        ({"mastery_score": 0.8, "move_on": "Done"}, "moveOn 'Done' is not one of"),
        ({"mastery_score": 0.8, "launch": "/lms/launch.html"}, "is not a relative URL"),
    ],
    ids=["percent", "move-on", "absolute-launch"],
)
def test_wrong_arguments_are_a_bug_of_the_caller(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        course_structure(course_id="c", title="t", description="d", **arguments)


def test_the_backend_is_es5_as_the_site_s_scripts_are() -> None:
    """The package build minifies it with the site's scripts (builder/assets.py, ES5 only)."""
    source = (ROOT / "templates" / "lms" / "cmi5.js").read_text(encoding="utf-8")
    assert "cqLmsBackends.cmi5" in assets.minify("templates/lms/cmi5.js", source)
