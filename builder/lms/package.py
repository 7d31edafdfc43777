"""LMS packages: the built site, a launch page that owns the LMS session, a manifest; one zip.

``course package`` (the adapter) builds the site with MkDocs into a temporary folder in the form
a zip needs (page URLs as files, no instant navigation). This module checks what must hold
before that build (no link out of the static folder, resume data that fits the format), then
adds the LMS's files to the built site and writes the zip: entries sorted, fixed timestamps,
so the same course gives the same bytes.

A format is a row of ``FORMATS``: its backend script, its manifest template and the control
schemas the specification asks the package to carry. cmi5's manifest is a course structure
(``builder.lms.cmi5``), which lists no files and has no schema on a package registry: our own
checks stand in for its XSD (``manifest_problems``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import jinja2

from ..diagnostics import ContentError, Diagnostic, Position
from ..pages.markup import md
from ..validate import Content
from ..write import write_zip
from . import cmi5, codec

#: Where the launch page and its scripts go in the package (``lms/launch.html``).
LMS_FOLDER = "lms"
LAUNCH = f"{LMS_FOLDER}/launch.html"
#: The progress codec (templates/static/assets/codec.js), which every built site has: the
#: launch page writes the resume data with it.
CODEC = "assets/codec.js"
#: Files of the built site only a web server uses; MkDocs writes the 404 page with links from
#: the server's root ("/assets/..."), which lead nowhere inside an LMS.
SERVER_ONLY = frozenset(["404.html", "sitemap.xml", "sitemap.xml.gz"])


@dataclass(frozen=True)
class Format:
    """One kind of package: what the launch page talks to and what describes the package."""

    name: str
    title: str
    #: The backend script in ``templates/lms/`` (``window.cqLmsBackends[name]``).
    backend: str
    #: The manifest template in ``templates/lms/`` and the name it is written as.
    manifest: str
    manifest_name: str
    #: The folder of ``templates/lms/schemas/`` whose files go to the package's root (None:
    #: the specification asks for none).
    schemas: str | None
    #: Characters of resume data every conforming LMS keeps (None: no limit to check).
    resume_limit: int | None
    #: The namespace and spelling of the attribute that makes a resource a SCO, and the wrong
    #: spelling (the other SCORM version's), which the schemas let through.
    sco_attribute: tuple[str, str, str] | None = None
    #: The manifest is a cmi5 course structure (``builder.lms.cmi5.course_structure``): one AU,
    #: no list of files.
    course_structure: bool = False


FORMATS: dict[str, Format] = {
    "scorm12": Format(
        "scorm12", "SCORM 1.2", "scorm12.js", "imsmanifest12.xml.j2", "imsmanifest.xml",
        "scorm12", 4096,
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "scormtype", "scormType"),
    ),
    "scorm2004": Format(
        "scorm2004", "SCORM 2004 4th edition", "scorm2004.js", "imsmanifest2004.xml.j2",
        "imsmanifest.xml", "scorm2004", 64000,
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "scormType", "scormtype"),
    ),
    "cmi5": Format(
        "cmi5", "cmi5", "cmi5.js", "cmi5.xml.j2", "cmi5.xml", None, None,
        course_structure=True,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Packaged:
    """What ``write_package`` wrote: the zip, its size and its entries."""

    path: Path
    size: int
    files: int
    #: The longest resume data a fully completed course can need, and how it was worked out.
    worst_resume: int
    resume_estimate: str


# --- before the build -----------------------------------------------------------------------


def static_links(*folders: Path) -> list[Diagnostic]:
    """Links in the folders MkDocs copies from (the static folder, the theme's overrides) that
    point outside them, as errors.

    MkDocs copies what a link points to, so a link to a private file would put that file in
    the package; the content folder has the same rule (``link-outside``).
    """
    problems = []
    for root in folders:
        base = os.path.realpath(root)
        for folder, folders_in, names in os.walk(root):
            folders_in.sort()
            for name in sorted([*folders_in, *names]):
                path = Path(folder) / name
                if not path.is_symlink():
                    continue
                target = os.path.realpath(path)
                if os.path.commonpath([base, target]) != base:
                    problems.append(
                        Diagnostic(
                            "link-outside",
                            f"this is a link to {target}, outside {root}: a package would "
                            "carry what it points to",
                            Position(str(path)),
                            f"copy the file into {root}, or remove the link",
                        )
                    )
    return problems


def final_assessment(course_index: dict[str, Any]) -> dict[str, Any] | None:
    """The course's final assessment: its last graded quiz (course.json's order), if any."""
    graded = [
        item
        for module in course_index["modules"]
        for item in module["items"]
        if item.get("pass_mark") is not None
    ]
    return graded[-1] if graded else None


def worst_case_resume(course_index: dict[str, Any]) -> tuple[int, str]:
    """Characters of the longest resume data of this course, and how that was worked out: the
    progress codec's own bound (``builder.lms.codec.worst_case_length``)."""
    return codec.worst_case_length(course_index), "bound of builder.lms.codec"


def resume_problems(
    fmt: Format, course_index: dict[str, Any], course_file: Path
) -> tuple[list[Diagnostic], int, str]:
    """An error when a fully completed course would not fit the format's resume data."""
    worst, how = worst_case_resume(course_index)
    if fmt.resume_limit is None or worst <= fmt.resume_limit:
        return [], worst, how
    problem = Diagnostic(
        "resume-too-large",
        f"a learner's progress in this course can take {worst:,} characters of resume data "
        f"({how}); {fmt.title} keeps {fmt.resume_limit:,}, and an LMS cuts the rest, which "
        "sends the learner back to the start",
        Position(str(course_file)),
        "package it as scorm2004 (64,000 characters), or make the course smaller (fewer "
        "questions in the graded banks)",
    )
    return [problem], worst, how


# --- after the build ------------------------------------------------------------------------


class PackageError(Exception):
    """The built site holds something a package must not carry (a bug of the build)."""


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of the built site, by its path in the package; nothing outside it.

    A link in the built site (MkDocs copies files, so there should be none) is refused rather
    than followed: the package holds the site's own bytes only.
    """
    found: dict[str, bytes] = {}
    for folder, folders, names in os.walk(site):
        for name in [*folders, *names]:
            path = Path(folder) / name
            if path.is_symlink():
                raise PackageError(f"the built site has a link, {path}: a package holds no links")
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(site).as_posix()] = path.read_bytes()
    return found


def question_prompts(content: Content, course_index: dict[str, Any]) -> dict[str, str]:
    """The final assessment's questions as plain text, by id: what an LMS shows as their
    description (``lms/questions.json``)."""
    final = final_assessment(course_index)
    if final is None:
        return {}
    quiz = content.items[final["id"]]
    return {
        f"{quiz.id}/{q.id}": " ".join(md(q.prompt).striptags().split())
        for q in getattr(quiz, "questions", [])
    }


def plain_description(content: Content) -> str:
    """The course's description as one line of plain text: its first paragraph without markup."""
    first = content.course.description.strip().split("\n\n")[0]
    return " ".join(md(first).striptags().split())


def _environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def lms_files(
    fmt: Format,
    site: dict[str, bytes],
    course_index: dict[str, Any],
    prompts: dict[str, str],
    templates: Path,
    description: str = "",
) -> dict[str, bytes]:
    """The files a package adds to the built site: launch page, scripts, manifest, schemas.

    ``templates`` is the ``templates/lms`` folder; ``site`` the built site's files (a SCORM
    manifest lists every file of the package); ``description`` the course's, in plain text (a
    cmi5 course structure carries it).
    """
    env = _environment(templates)
    if CODEC not in site:
        raise PackageError(f"the built site has no {CODEC}, which the launch page needs")
    added: dict[str, bytes] = {
        LAUNCH: env.get_template("launch.html.j2")
        .render(
            title=course_index["title"], format=fmt.name, backend=fmt.backend, codec=f"../{CODEC}"
        )
        .encode(),
        f"{LMS_FOLDER}/launch.js": (templates / "launch.js").read_bytes(),
        f"{LMS_FOLDER}/{fmt.backend}": (templates / fmt.backend).read_bytes(),
        f"{LMS_FOLDER}/questions.json": json.dumps(prompts, indent=1, sort_keys=True).encode(),
    }
    if fmt.schemas is not None:
        for path in sorted((templates / "schemas" / fmt.schemas).iterdir()):
            if path.is_file() and path.suffix in (".xsd", ".dtd"):
                added[path.name] = path.read_bytes()
    clash = sorted(set(added) & set(site))
    if clash:
        raise PackageError(f"the built site already has {', '.join(clash)}")
    final = final_assessment(course_index)
    pass_mark = final["pass_mark"] if final else None
    if fmt.course_structure:
        added[fmt.manifest_name] = cmi5.course_structure(
            course_id=course_index["id"],
            title=course_index["title"],
            description=description,
            launch=LAUNCH,
            mastery_score=None if pass_mark is None else pass_mark / 100,
            # Without a final assessment nothing is passed: completing is what counts.
            move_on="Completed" if pass_mark is None else "CompletedAndPassed",
        ).encode()
        return added
    manifest = env.get_template(fmt.manifest).render(
        identifier=_identifier(course_index["id"]),
        title=course_index["title"],
        launch=LAUNCH,
        pass_mark=pass_mark,
        files=sorted([*site, *added]),
    )
    added[fmt.manifest_name] = manifest.encode()
    return added


def manifest_problems(
    fmt: Format, manifest: bytes, names: set[str], pass_mark: float | None = None
) -> list[str]:
    """What the control schemas let through but an LMS would stumble on, one line each.

    ``names`` are the package's files. The schemas accept any attribute of another namespace,
    so a 2004 manifest spelling ``adlcp:scormtype`` (1.2's) validates, and the LMS treats the
    course as an asset that reports nothing; they do not check that files exist either. A cmi5
    course structure is checked against ``pass_mark`` (the final assessment's, in percent).
    """
    root = ElementTree.fromstring(manifest)
    if fmt.course_structure:
        return structure_problems(root, names, pass_mark)
    problems: list[str] = []
    resources = [e for e in root.iter() if _local(e.tag) == "resource"]
    ids = {e.get("identifier") for e in resources}
    for item in (e for e in root.iter() if _local(e.tag) == "item"):
        if item.get("identifierref") not in ids:
            problems.append(f"item {item.get('identifier')} refers to no resource")
    for resource in resources:
        name = resource.get("identifier")
        if fmt.sco_attribute is not None:
            namespace, right, wrong = fmt.sco_attribute
            if resource.get(f"{{{namespace}}}{wrong}") is not None:
                problems.append(
                    f"resource {name} says adlcp:{wrong}, which is not {fmt.title}'s spelling: "
                    f"an LMS reads it as an asset; write adlcp:{right}"
                )
            if resource.get(f"{{{namespace}}}{right}") != "sco":
                problems.append(f'resource {name} is not a SCO (adlcp:{right}="sco")')
        if resource.get("href") != LAUNCH:
            problems.append(f"resource {name} launches {resource.get('href')}, not {LAUNCH}")
    listed = {unquote(e.get("href", "")) for e in root.iter() if _local(e.tag) == "file"}
    problems += [
        f"the manifest lists {name}, which the package does not hold"
        for name in sorted(listed - names)
    ]
    problems += [
        f"the package holds {name}, which the manifest does not list"
        for name in sorted(names - listed - {fmt.manifest_name})
    ]
    return problems


#: The moveOn values that need a passed statement, which only a course with a pass mark sends.
NEEDS_PASSED = frozenset(["Passed", "CompletedAndPassed"])


def structure_problems(
    root: ElementTree.Element, names: set[str], pass_mark: float | None
) -> list[str]:
    """Our checks of a cmi5 course structure, in place of the XSD no package registry has.

    One AU (the launch page owns the session), launching the launch page, which the package
    holds; its masteryScore is the pass mark as a fraction, and its moveOn can be met.
    """
    if root.tag != f"{{{cmi5.NAMESPACE}}}courseStructure":
        return [f"the root element is {root.tag}, not cmi5's courseStructure"]
    aus = [e for e in root if _local(e.tag) == "au"]
    if len(aus) != 1:
        return [f"the course structure has {len(aus)} AUs, not one"]
    au = aus[0]
    problems: list[str] = []
    url = (au.findtext(f"{{{cmi5.NAMESPACE}}}url") or "").strip()
    if url != LAUNCH:
        problems.append(f"the AU launches {url or 'nothing'}, not {LAUNCH}")
    elif url not in names:
        problems.append(f"the AU launches {url}, which the package does not hold")
    move_on = au.get("moveOn", "NotApplicable")
    mastery = au.get("masteryScore")
    if move_on not in cmi5.MOVE_ON:
        problems.append(f"the AU's moveOn {move_on!r} is not one of cmi5's")
    if pass_mark is None:
        if mastery is not None:
            problems.append(f"the AU has masteryScore {mastery}, but the course no pass mark")
        if move_on in NEEDS_PASSED:
            problems.append(
                f"the AU's moveOn is {move_on}, but the course has no pass mark: "
                "it would never be passed"
            )
    else:
        expected = pass_mark / 100
        try:
            found = float(mastery) if mastery is not None else None
        except ValueError:
            found = None
        if found is None or abs(found - expected) > 1e-9:
            problems.append(
                f"the AU's masteryScore is {mastery}, not the pass mark {pass_mark:g} % "
                f"({expected:g})"
            )
        if move_on in ("Completed", "NotApplicable"):
            problems.append(f"the AU's moveOn is {move_on}: the final assessment would not count")
    return problems


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _identifier(course_id: str) -> str:
    """An XML ID for the course: letters, digits, ``-``, ``.``, ``_``; never a digit first."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-._") else "-" for c in course_id)
    digest = hashlib.sha256(course_id.encode()).hexdigest()[:8]
    return f"cq-{safe}-{digest}"


def write_package(
    fmt: Format,
    site: Path,
    content: Content,
    course_index: dict[str, Any],
    templates: Path,
    out: Path,
) -> Packaged:
    """Zip the built ``site`` with the LMS's files into ``out`` (replaced whole, or not at all)."""
    files = {name: data for name, data in site_files(site).items() if name not in SERVER_ONLY}
    prompts = question_prompts(content, course_index)
    description = plain_description(content)
    files.update(lms_files(fmt, files, course_index, prompts, templates, description))
    final = final_assessment(course_index)
    pass_mark = final["pass_mark"] if final else None
    problems = manifest_problems(fmt, files[fmt.manifest_name], set(files), pass_mark)
    if problems:
        raise PackageError("the manifest is wrong: " + "; ".join(problems))
    write_zip(files, out)
    worst, how = worst_case_resume(course_index)
    return Packaged(out, out.stat().st_size, len(files), worst, how)


def refuse(diagnostics: list[Diagnostic]) -> None:
    """Raise the problems found before the build, if any is an error."""
    if any(d.severity == "error" for d in diagnostics):
        raise ContentError(diagnostics)
