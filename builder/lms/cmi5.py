"""``cmi5.xml``: the course structure a cmi5 LMS imports (cmi5 "quartz", section 13.1).

The whole course is one assignable unit (AU): the launch page owns the xAPI session and shows
the site in a frame, as it does for SCORM. The LMS gives that AU its own activity id at launch,
so the ids written here only have to be stable IRIs: a course id that is not one already
becomes ``urn:coaching-course:<id>``.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

#: The ``moveOn`` values of the cmi5 course structure (section 13.1.4).
MOVE_ON = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")
#: The namespace of cmi5's course structure (its elements; not a place to fetch the XSD from).
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
#: Where the course's own IRIs live when its id is a plain slug.
URN_PREFIX = "urn:coaching-course:"

#: A wheel carries templates/ as builder/templates; a checkout has it beside builder/.
_PACKAGE = Path(__file__).resolve().parent.parent
_TEMPLATES = next(p for p in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if p.is_dir())
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def course_iri(course_id: str) -> str:
    """The course's IRI: ``course_id`` itself if it has a scheme, else a URN made from it."""
    return course_id if _SCHEME.match(course_id) else URN_PREFIX + course_id


def course_structure(
    *,
    course_id: str,
    title: str,
    description: str,
    launch: str = "lms/launch.html",
    mastery_score: float | None,
    move_on: str = "CompletedAndPassed",
    language: str = "en",
) -> str:
    """The text of ``cmi5.xml`` for a course whose launch page is ``launch`` (package-relative).

    ``mastery_score`` is the final assessment's pass mark as a fraction (0.8 for 80 %), or
    ``None`` when the course has no pass mark; the LMS hands it to the AU at launch. Wrong
    arguments are a bug of the caller (the content was validated before), hence ValueError.
    """
    if move_on not in MOVE_ON:
        raise ValueError(f"moveOn {move_on!r} is not one of {', '.join(MOVE_ON)}")
    if mastery_score is not None and not 0 <= mastery_score <= 1:
        raise ValueError(f"masteryScore {mastery_score!r} is not between 0 and 1")
    if not launch or launch.startswith("/") or "\\" in launch:
        raise ValueError(f"launch {launch!r} is not a relative URL inside the package")
    iri = course_iri(course_id)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES / "lms")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("cmi5.xml.j2").render(
        course_iri=iri,
        au_iri=f"{iri}/au",
        title=title,
        description=description,
        language=language,
        launch=launch,
        move_on=move_on,
        mastery_score=None if mastery_score is None else _decimal(mastery_score),
    )


def _decimal(value: float) -> str:
    """``0.8`` -> ``"0.8"``, ``1.0`` -> ``"1"``: an xs:decimal, never an exponent."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
