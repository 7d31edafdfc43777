"""`course package`: SCORM 1.2, 2004 and cmi5 zips of the course, checked without a browser.

The SCORM manifests validate against ADL's control schemas (the copies the package carries,
with lxml) and pass our own checks where those schemas are lax; cmi5's course structure, which
has no XSD on a package registry, passes our checks and the schema's rules as
tests/test_cmi5.py writes them; the zip holds the built site and the LMS's files only, in a
fixed order with fixed dates; content with problems is refused with the usual diagnostics.
tests/browser/test_scorm.py and test_cmi5_package.py play the packages in an LMS.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from lms_packages import build_package, small_project
from lxml import etree
from project import ROOT, copy_project, edit, invoke
from test_cmi5 import structure_problems as schema_problems

from builder.diagnostics import Position
from builder.lms.package import (
    FORMATS,
    LAUNCH,
    Format,
    PackageError,
    lms_files,
    manifest_problems,
    resume_problems,
    site_files,
)
from builder.write import ZIP_DATE, write_zip

SCHEMAS = ROOT / "templates" / "lms" / "schemas"
SCORM = ["scorm12", "scorm2004"]

#: The namespaces a manifest of each format uses, and the schema of each (in the package root).
NAMESPACES = {
    "scorm12": {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    },
    "scorm2004": {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
    },
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SCORM 2004 of the shipped course; SCORM 1.2 and cmi5 of the small course
    (lms_packages.py)."""
    out: dict[str, Path] = {}
    full = copy_project(tmp_path_factory.mktemp("full"))
    small = small_project(tmp_path_factory.mktemp("small"))
    for fmt, project in (("scorm2004", full), ("scorm12", small), ("cmi5", small)):
        result = build_package(project, fmt, project / f"{fmt}.zip")
        assert result.returncode == 0, result.stdout + result.stderr
        out[fmt] = project / f"{fmt}.zip"
    return out


def entries(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def validator(fmt: str, files: dict[str, bytes], folder: Path) -> etree.XMLSchema:
    """One schema importing each namespace's control schema, as the package carries them."""
    for name, data in files.items():
        if "/" not in name and name.endswith((".xsd", ".dtd")):
            (folder / name).write_bytes(data)
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{location}"/>'
        for ns, location in NAMESPACES[fmt].items()
    )
    (folder / "all.xsd").write_text(
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>',
        encoding="utf-8",
    )
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(folder / "all.xsd"), parser))


@pytest.mark.parametrize("fmt", SCORM)
def test_the_manifest_validates_against_the_control_schemas_in_the_package(
    fmt: str, packages: dict[str, Path], tmp_path: Path
) -> None:
    files = entries(packages[fmt])
    schema = validator(fmt, files, tmp_path)
    manifest = etree.parse(io.BytesIO(files["imsmanifest.xml"]))
    assert schema.validate(manifest), schema.error_log
    assert manifest_problems(FORMATS[fmt], files["imsmanifest.xml"], set(files)) == []


@pytest.mark.parametrize("fmt", SCORM)
def test_the_schemas_reject_a_manifest_they_do_not_describe(
    fmt: str, packages: dict[str, Path], tmp_path: Path
) -> None:
    """The validation can fail: an element the schemas do not know is refused."""
    files = entries(packages[fmt])
    schema = validator(fmt, files, tmp_path)
    broken = files["imsmanifest.xml"].replace(b"<organizations ", b"<organisations ", 1)
    broken = broken.replace(b"</organizations>", b"</organisations>", 1)
    assert not schema.validate(etree.parse(io.BytesIO(broken)))


def test_a_2004_manifest_with_the_12_spelling_of_scormtype_fails_our_check(
    packages: dict[str, Path],
) -> None:
    """The 2004 schemas let `adlcp:scormtype` through (lax), but an LMS reads an asset."""
    files = entries(packages["scorm2004"])
    wrong = files["imsmanifest.xml"].replace(b"adlcp:scormType=", b"adlcp:scormtype=")
    assert wrong != files["imsmanifest.xml"]
    problems = manifest_problems(FORMATS["scorm2004"], wrong, set(files))
    assert any("scormType" in p for p in problems), problems


def test_a_manifest_listing_a_missing_file_or_launching_elsewhere_fails_our_check(
    packages: dict[str, Path],
) -> None:
    files = entries(packages["scorm12"])
    names = set(files)
    problems = manifest_problems(
        FORMATS["scorm12"], files["imsmanifest.xml"], names - {"glossary.html"}
    )
    assert problems == ["the manifest lists glossary.html, which the package does not hold"]
    elsewhere = files["imsmanifest.xml"].replace(b'href="lms/launch.html"', b'href="index.html"')
    problems = manifest_problems(FORMATS["scorm12"], elsewhere, names)
    assert any("launch" in p for p in problems), problems


@pytest.mark.parametrize("fmt", SCORM)
def test_the_package_is_the_site_plus_the_lms_files_and_nothing_else(
    fmt: str, packages: dict[str, Path]
) -> None:
    files = entries(packages[fmt])
    manifest = etree.fromstring(files["imsmanifest.xml"])
    listed = {e.get("href") for e in manifest.iter() if etree.QName(e).localname == "file"}
    assert listed | {"imsmanifest.xml"} == set(files)
    resource = next(e for e in manifest.iter() if etree.QName(e).localname == "resource")
    assert resource.get("href") == LAUNCH
    lms = {name for name in files if name.startswith("lms/")}
    assert lms >= {LAUNCH, "lms/launch.js", f"lms/{FORMATS[fmt].backend}", "lms/questions.json"}
    assert "course.json" in files
    assert "index.html" in files
    assert not files.keys() & {"404.html", "sitemap.xml", "sitemap.xml.gz"}
    assert not any(name.startswith(("/", "../")) or "/../" in name for name in files)


# --- cmi5: a course structure, no list of files, no schema in the package -------------------


def test_the_cmi5_package_is_the_site_plus_the_structure_launch_page_and_backend(
    packages: dict[str, Path],
) -> None:
    files = entries(packages["cmi5"])
    site = entries(packages["scorm12"])  # the same small course
    scorm_only = {n for n in site if "/" not in n and n.endswith((".xsd", ".dtd"))}
    assert set(files) == (set(site) - scorm_only - {"imsmanifest.xml", "lms/scorm12.js"}) | {
        "cmi5.xml",
        "lms/cmi5.js",
    }
    assert files[LAUNCH].count(b'<script src="cmi5.js">') == 1
    structure = files["cmi5.xml"]
    assert schema_problems(structure.decode()) == []
    assert manifest_problems(FORMATS["cmi5"], structure, set(files), 80) == []
    au = etree.fromstring(structure).find("{*}au")
    assert au is not None
    assert (au.get("moveOn"), au.get("masteryScore")) == ("CompletedAndPassed", "0.8")
    assert au.findtext("{*}url") == LAUNCH
    description = etree.fromstring(structure).findtext("{*}course/{*}description/{*}langstring")
    assert description
    assert "<" not in description
    assert "*" not in description


#: Broken course structures and what our checks say of each (a piece of the line).
BROKEN_STRUCTURES = {
    "launches elsewhere": (b"<url>lms/launch.html</url>", b"<url>index.html</url>", "not lms"),
    "masteryScore not the pass mark": (b'masteryScore="0.8"', b'masteryScore="0.7"', "0.8"),
    "masteryScore as a percent": (b'masteryScore="0.8"', b'masteryScore="80"', "pass mark"),
    "moveOn ignores the assessment": (b'"CompletedAndPassed"', b'"Completed"', "not count"),
    "moveOn not cmi5's": (b'"CompletedAndPassed"', b'"Done"', "not one of cmi5"),
    "two AUs": (b"</au>", b'</au><au id="urn:x:2"><url>lms/launch.html</url></au>', "2 AUs"),
    "not a course structure": (b"<courseStructure xmlns=", b"<courseStructure xmlns:x=", "root"),
}


@pytest.mark.parametrize("case", list(BROKEN_STRUCTURES))
def test_a_cmi5_structure_our_checks_refuse(case: str, packages: dict[str, Path]) -> None:
    files = entries(packages["cmi5"])
    old, new, said = BROKEN_STRUCTURES[case]
    broken = files["cmi5.xml"].replace(old, new)
    assert broken != files["cmi5.xml"]
    problems = manifest_problems(FORMATS["cmi5"], broken, set(files), 80)
    assert len(problems) == 1, problems
    assert said in problems[0]


def test_a_cmi5_structure_whose_launch_page_is_missing_is_refused(
    packages: dict[str, Path],
) -> None:
    files = entries(packages["cmi5"])
    problems = manifest_problems(FORMATS["cmi5"], files["cmi5.xml"], set(files) - {LAUNCH}, 80)
    assert problems == [f"the AU launches {LAUNCH}, which the package does not hold"]


def test_a_course_without_a_pass_mark_moves_on_when_completed(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    """Nothing is ever passed without a final assessment: moveOn Completed, no masteryScore."""
    files = entries(packages["cmi5"])
    course = json.loads(files["course.json"])
    for module in course["modules"]:
        for it in module["items"]:
            it.pop("pass_mark", None)
    site = {n: d for n, d in files.items() if not n.startswith("lms/") and n != "cmi5.xml"}
    added = lms_files(FORMATS["cmi5"], site, course, {}, ROOT / "templates" / "lms", "A course.")
    structure = added["cmi5.xml"]
    au = etree.fromstring(structure).find("{*}au")
    assert au is not None
    assert (au.get("moveOn"), au.get("masteryScore")) == ("Completed", None)
    assert manifest_problems(FORMATS["cmi5"], structure, {*site, *added}, None) == []
    with_mastery = structure.replace(b'moveOn="Completed"', b'moveOn="Passed" masteryScore="1"')
    assert len(manifest_problems(FORMATS["cmi5"], with_mastery, {*site, *added}, None)) == 2


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_zip_is_sorted_and_dated_the_same_every_time(
    fmt: str, packages: dict[str, Path]
) -> None:
    with zipfile.ZipFile(packages[fmt]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {ZIP_DATE}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_writing_the_same_files_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    files = {"b.txt": b"two", "a/c.txt": b"one", "a.txt": b"zero"}
    write_zip(files, tmp_path / "one.zip")
    os.utime(tmp_path / "one.zip", (0, 0))
    write_zip(dict(reversed(files.items())), tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_packaged_site_has_file_urls_no_instant_navigation_and_no_absolute_links(
    fmt: str, packages: dict[str, Path]
) -> None:
    files = entries(packages[fmt])
    course = json.loads(files["course.json"])
    assert course["url"] == "index.html"
    assert all(m["url"].endswith(".html") for m in course["modules"])
    pages = {name: data.decode() for name, data in files.items() if name.endswith(".html")}
    absolute = re.compile(r"""(?:href|src|action)\s*=\s*["']?(?:/|https?://127\.0\.0\.1)""")
    offending = sorted(name for name, html in pages.items() if absolute.search(html))
    assert offending == []
    assert not any("navigation.instant" in html for html in pages.values())
    assert not any('rel="canonical"' in html for html in pages.values())


def test_the_final_assessments_prompts_are_plain_text_for_the_lms(
    packages: dict[str, Path],
) -> None:
    files = entries(packages["scorm12"])
    prompts = json.loads(files["lms/questions.json"])
    assert len(prompts) == 24
    assert all(text and "<" not in text and "**" not in text for text in prompts.values())


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_launch_page_loads_the_formats_backend_and_a_codec(
    fmt: str, packages: dict[str, Path]
) -> None:
    files = entries(packages[fmt])
    launch = files[LAUNCH].decode()
    assert f'data-format="{fmt}"' in launch
    assert f'<script src="{FORMATS[fmt].backend}">' in launch
    assert '<script src="../assets/codec.js">' in launch
    assert "assets/codec.js" in files


# --- the control schemas' provenance ---------------------------------------------------------


def test_the_control_schemas_are_the_bytes_their_readme_records() -> None:
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    pairs = re.findall(r"`([0-9a-f]{64})`\s+`([^`]+)`", readme)
    recorded = {path: digest for digest, path in pairs}
    found = {
        p.relative_to(SCHEMAS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(SCHEMAS.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }
    assert found == recorded


# --- refused --------------------------------------------------------------------------------


def test_content_with_problems_is_refused_with_diagnostics_and_no_zip(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    edit(
        project / "content" / "06-final-assessment" / "final-quiz.yml",
        "pass_mark: 80",
        "pass_mark: eighty",
    )
    result = build_package(project, "scorm2004", tmp_path / "out.zip")
    assert result.returncode == 1
    assert re.search(
        r"^content/06-final-assessment/final-quiz\.yml:\d+:\d+: error\[wrong-type\]",
        result.stderr,
        re.MULTILINE,
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_a_link_out_of_the_static_folder_is_refused(tmp_path: Path) -> None:
    """MkDocs would copy what it points to into the package."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the package", encoding="utf-8")
    project = copy_project(tmp_path / "project")
    link = project / "templates" / "static" / "assets" / "notes.txt"
    link.symlink_to(secret)
    result = build_package(project, "scorm2004", tmp_path / "out.zip")
    assert result.returncode == 1
    assert "templates/static/assets/notes.txt:1:1: error[link-outside]" in result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_a_link_out_of_the_theme_overrides_is_refused(tmp_path: Path) -> None:
    """MkDocs copies the overrides' files that are not templates into the site too."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the package")
    project = copy_project(tmp_path / "project")
    (project / "templates" / "overrides" / "logo.png").symlink_to(secret)
    result = build_package(project, "scorm2004", tmp_path / "out.zip")
    assert result.returncode == 1
    assert "templates/overrides/logo.png:1:1: error[link-outside]" in result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_a_link_out_of_the_content_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("kind: page\n", encoding="utf-8")
    project = copy_project(tmp_path / "project")
    (project / "content" / "01-three-levers" / "extra.yml").symlink_to(secret)
    result = build_package(project, "scorm2004", tmp_path / "out.zip")
    assert result.returncode == 1
    assert "error[link-outside]" in result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_a_link_in_the_built_site_is_never_followed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("home", encoding="utf-8")
    (site / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(PackageError, match="a package holds no links"):
        site_files(site)


def test_a_course_whose_resume_data_cannot_fit_is_refused_at_its_course_file() -> None:
    course = json.loads((ROOT / "tests" / "fixtures" / "lms-course.json").read_text("utf-8"))
    tight = Format("tight", "Tight", "scorm12.js", "imsmanifest12.xml.j2", "m.xml", "", 10)
    problems, worst, how = resume_problems(tight, course, Path("content/course.yml"))
    assert [(p.code, p.position) for p in problems] == [
        ("resume-too-large", Position("content/course.yml"))
    ]
    assert problems[0].format() == (
        f"content/course.yml:1:1: error[resume-too-large]: a learner's progress in this course "
        f"can take {worst:,} characters of resume data ({how}); Tight "
        "keeps 10, and an LMS cuts the rest, which sends the learner back to the start\n"
        "    hint: package it as scorm2004 (64,000 characters), or make the course smaller "
        "(fewer questions in the graded banks)"
    )
    roomy = Format(
        "roomy", "A roomy format", "scorm12.js", "imsmanifest12.xml.j2", "m.xml", "", None
    )
    assert resume_problems(roomy, course, Path("content/course.yml"))[0] == []


def test_the_shipped_course_fits_scorm_12_and_packages_in_strict_mode(tmp_path: Path) -> None:
    """The codec's bound keeps the whole course within 1.2's 4,096 characters, and the build
    with file URLs has nothing for MkDocs to warn about: the guides' Markdown links to the kits
    once pointed at .html files MkDocs did not know (61 warnings, and --strict failed)."""
    project = copy_project(tmp_path)
    result = build_package(project, "scorm12", project / "course.zip", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "contains a link" not in result.stderr
    worst = re.search(
        r"resume data at most ([\d,]+) characters, bound of builder.lms.codec", result.stdout
    )
    assert worst, result.stdout
    assert int(worst[1].replace(",", "")) <= 4096


def test_an_unknown_format_is_a_usage_error() -> None:
    result = invoke("package", "--format", "cmi4", "--out", "course.zip")
    assert result.exit_code == 2
    assert "'cmi4' is not one of 'scorm12', 'scorm2004', 'cmi5'" in result.stderr
