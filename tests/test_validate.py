"""builder/validate.py: data + positions -> models, or every problem as a diagnostic, sorted.

Single-file problems live in ``tests/fixtures/invalid/<case>.yml``; problems across files are
small edits to the fixture course. The exact printed diagnostics of each case are golden files
in ``tests/golden/validate/`` (``pytest --update-golden`` rewrites them; review the diff).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile import REFUSED_PAYLOADS, Attacker, declared_text_fields, write_hostile_content

from builder.diagnostics import CODES, Diagnostic
from builder.model import Case
from builder.validate import (
    Content,
    find_content_files,
    validate_content,
    validate_standalone,
)

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
INVALID = TESTS / "fixtures" / "invalid"
GOLDEN = TESTS / "golden" / "validate"


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare ``actual`` with the golden file at ``path`` (or rewrite it with --update-golden)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.is_file():
        pytest.fail(f"no golden file {path.relative_to(TESTS)}: run pytest --update-golden")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.relative_to(TESTS)} differs (pytest --update-golden)"


def printed(diagnostics: list[Diagnostic], cwd: Path) -> str:
    return "".join(d.format(cwd=cwd) + "\n" for d in diagnostics)


# --- one file on its own ------------------------------------------------------------------

INVALID_CASES = sorted(p.stem for p in INVALID.glob("*.yml"))


@pytest.mark.parametrize("case", INVALID_CASES)
def test_each_invalid_file_prints_its_exact_diagnostics(case: str, update_golden: bool) -> None:
    diagnostics = validate_standalone([INVALID / f"{case}.yml"])
    assert diagnostics, f"{case}.yml should have at least one problem"
    check_golden(GOLDEN / f"{case}.txt", printed(diagnostics, INVALID), update_golden)


def test_every_golden_file_belongs_to_a_case() -> None:
    golden = {p.stem for p in GOLDEN.glob("*.txt")}
    cases = set(INVALID_CASES) | {case.name for case in COURSE_CASES}
    assert golden - cases == set(), "stale golden files: delete them"


def test_problems_in_one_file_are_all_reported_in_line_order() -> None:
    diagnostics = validate_standalone([INVALID / "several-problems.yml"])
    assert [(d.position.line, d.code) for d in diagnostics] == [
        (2, "invalid-value"),
        (3, "wrong-type"),
        (4, "invalid-value"),
        (9, "unknown-key"),
    ]


def test_a_value_of_another_scalar_type_is_not_silently_converted(tmp_path: Path) -> None:
    """YAML 1.2 keeps `yes` and `"5"` as text and `true` as a boolean; none is a number or flag.

    The JSON Schema (and so every editor) rejects these values, and `minutes: true` would
    otherwise become one minute.
    """
    path = tmp_path / "coerced.yml"
    path.write_text(
        "kind: quiz\n"
        "id: coerced\n"
        "title: Values of the wrong scalar type\n"
        "minutes: true\n"
        "pass_mark: '80'\n"
        "questions:\n"
        "  - id: q\n"
        "    prompt: Which?\n"
        "    options:\n"
        "      - {id: a, text: A, correct: yes, feedback: Right.}\n"
        "      - {id: b, text: B, feedback: Wrong.}\n",
        encoding="utf-8",
    )
    diagnostics = validate_standalone([path])
    assert [(d.code, d.position.line, d.position.column) for d in diagnostics] == [
        ("wrong-type", 4, 10),
        ("wrong-type", 5, 12),
        ("wrong-type", 10, 35),
    ]


# --- the course as a whole ----------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A change to one file below content/: replace ``old`` by ``new``, write or delete it."""

    path: str
    old: str | None = None
    new: str | None = None

    def apply(self, content: Path) -> None:
        target = content / self.path
        if self.new is None:
            target.unlink()
        elif self.old is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.new, encoding="utf-8")
        else:
            text = target.read_text(encoding="utf-8")
            assert text.count(self.old) == 1, f"{self.old!r} is not once in {self.path}"
            target.write_text(text.replace(self.old, self.new), encoding="utf-8")


def replace(path: str, old: str, new: str) -> Edit:
    return Edit(path, old, new)


def create(path: str, text: str) -> Edit:
    return Edit(path, None, text)


def delete(path: str) -> Edit:
    return Edit(path)


@dataclass(frozen=True)
class CourseCase:
    name: str
    edits: tuple[Edit, ...]

    def __str__(self) -> str:
        return self.name


CASE = "01-basics/fork-in-the-road.yml"
QUIZ = "01-basics/quick-check.yml"
MODULE = "01-basics/module.yml"
ROLEPLAY = "01-basics/two-ways-to-talk.yml"

COURSE_CASES = [
    CourseCase(
        "duplicate-id-across-files",
        (
            create(
                "01-basics/another-welcome.yml",
                "kind: page\nid: welcome\ntitle: Welcome again\nbody: Same id.\n",
            ),
        ),
    ),
    CourseCase(
        "unknown-module-in-course",
        (replace("course.yml", "  - basics\n", "  - basics\n  - basic\n"),),
    ),
    CourseCase(
        "missing-item-in-module",
        (replace(MODULE, "  - quick-check\n", "  - quick-chek\n"),),
    ),
    CourseCase(
        "missing-item-without-suggestion",
        (replace(MODULE, "  - quick-check\n", "  - quick-check\n  - role-play-three\n"),),
    ),
    CourseCase("missing-course", (delete("course.yml"),)),
    CourseCase(
        "diagram-before-an-unknown-heading",
        (
            replace(
                "01-basics/welcome.yml", "before: Why this page exists", "before: Why this page"
            ),
        ),
    ),
    CourseCase(
        "diagram-without-data",
        (
            replace(
                "course.yml",
                "lookalike_test:\n"
                "  - question: Is someone held to the number?\n"
                "    then: [managing]\n"
                "  - question: Is the rep doing the thinking?\n"
                "    then: [coaching]\n"
                "    note: Questions alone do not make it coaching.\n",
                "",
            ),
        ),
    ),
    CourseCase(
        "module-minutes-off",
        (replace(MODULE, "summary:", "minutes: 90\nsummary:"),),
    ),
    CourseCase(
        "multiple-courses",
        (
            create(
                "zz-course.yml",
                "kind: course\nid: second\ntitle: Second\ndescription: Again.\nmodules: [basics]\n"
                "approaches:\n  a: {name: A, definition: A.}\n  b: {name: B, definition: B.}\n",
            ),
        ),
    ),
    CourseCase(
        "item-listed-twice",
        (replace(MODULE, "  - quick-check\n", "  - quick-check\n  - welcome\n"),),
    ),
    CourseCase(
        "item-listed-by-two-modules",
        (
            replace("course.yml", "  - basics\n", "  - basics\n  - extra\n"),
            create(
                "02-extra/module.yml",
                "kind: module\nid: extra\ntitle: Extra\nsummary: More.\nobjectives: [Repeat.]\n"
                "minutes: 5\nitems:\n  - quick-check\n",
            ),
        ),
    ),
    CourseCase("unlisted-item", (replace(MODULE, "  - quick-check\n", ""),)),
    CourseCase(
        "thin-approach",
        (
            replace(
                "01-basics/sort-the-sayings.yml",
                "    approach: coaching\n    rationale: It helps",
                "    approach: mentoring\n    rationale: It helps",
            ),
        ),
    ),
    CourseCase(
        "unlisted-module",
        (
            create(
                "02-extra/module.yml",
                "kind: module\nid: extra\ntitle: Extra\nsummary: More.\nobjectives: [Repeat.]\n"
                "minutes: 5\nitems:\n  - extra-page\n",
            ),
            create("02-extra/extra-page.yml", "kind: page\nid: extra-page\ntitle: X\nbody: Y.\n"),
        ),
    ),
    CourseCase(
        "unknown-run-sheet-item",
        (replace(MODULE, "      item: welcome", "      item: welcom"),),
    ),
    CourseCase(
        "unknown-item-kept-when-short",
        (
            replace(
                MODULE,
                "  run_sheet:\n",
                "  keep_when_short: [welcom]\n  run_sheet:\n",
            ),
        ),
    ),
    CourseCase(
        "unknown-step-reference",
        (replace(CASE, "next: sad-end", "next: sadend"),),
    ),
    CourseCase(
        "graded-near-copy",
        (
            create(
                "01-basics/pricing-practice.yml",
                "kind: quiz\nid: pricing-practice\ntitle: Practice\nquestions:\n"
                "  - id: lost-at-pricing\n"
                "    prompt: >-\n"
                "      A rep has lost three deals in a row at the pricing stage. Her manager\n"
                "      asks what she notices about those three calls, and waits for her\n"
                "      answer. What is the manager doing?\n"
                "    options:\n"
                "      - {id: coaching, text: Coaching, correct: true, feedback: Right.}\n"
                "      - {id: managing, text: Managing, feedback: No.}\n",
            ),
            replace(MODULE, "  - quick-check\n", "  - pricing-practice\n  - quick-check\n"),
            # the same situation, a few words changed: flagged
            replace(
                QUIZ,
                "Which one is **coaching**?",
                "A rep has lost three deals in a row at the pricing stage. The manager asks "
                "what she noticed on those calls, then waits. Which one is coaching?",
            ),
            # the same topic, another situation: not flagged
            replace(
                QUIZ,
                "Which are managing?",
                "A rep keeps losing deals at the pricing stage, so his manager books him on "
                "next month's negotiation course. Which are managing?",
            ),
        ),
    ),
    CourseCase(
        "yaml-error-in-a-listed-item-is-its-only-error",
        (
            replace(
                QUIZ, "    approach: coaching\n    options:", "   approach: coaching\n    options:"
            ),
        ),
    ),
    CourseCase(
        "yaml-error-in-an-item-named-otherwise-is-its-only-error",
        (
            delete(QUIZ),
            create(
                "01-basics/check.yml",
                "kind: quiz\nid: 'quick-check'  # listed by the module\ntitle: [Quick\n",
            ),
        ),
    ),
    CourseCase(
        "yaml-error-in-a-module-is-its-only-error",
        (replace(MODULE, "summary: ", "oops: [\nsummary: "),),
    ),
    CourseCase(
        "yaml-error-in-the-course-file-is-its-only-error",
        (replace("course.yml", "id: tiny-course\n", "id: tiny-course\n  oops: [\n"),),
    ),
    CourseCase(
        "listed-item-whose-file-has-another-id",
        (replace(QUIZ, "id: quick-check\n", "id: quick-chek\n"),),
    ),
    CourseCase(
        "limit-items-per-module",
        (
            replace(
                MODULE,
                "items:\n",
                "items:\n" + "".join(f"  - extra-{n}\n" for n in range(1, 97)),
            ),
        ),
    ),
    CourseCase(
        "limit-modules",
        (
            replace(
                "course.yml",
                "  - basics\n",
                "  - basics\n" + "".join(f"  - more-{n}\n" for n in range(1, 101)),
            ),
        ),
    ),
    CourseCase(
        "problems-in-several-files-are-sorted",
        (
            replace(QUIZ, "        feedback: Yes.\n      - id: review", "      - id: review"),
            replace(
                ROLEPLAY,
                "    - role: rep\n      text: Honestly",
                "    - role: rap\n      text: Honestly",
            ),
            replace(MODULE, "      item: welcome", "      item: welcom"),
            replace(CASE, "  - id: sad-end", "  - id: opening"),
            create("01-basics/broken.yml", "kind: page\nid: broken\ntitle: [unclosed\n"),
            create("00-notes.yml", "- not a mapping\n"),
        ),
    ),
]


CATEGORY_CASES = [
    CourseCase(
        "unknown-approach",
        (
            replace(CASE, "approach: managing", "approach: manageing"),
            replace("course.yml", "lever: coaching", "lever: bribery"),
            replace(MODULE, "title:", "approaches: [coachin]\ntitle:"),
        ),
    ),
    CourseCase(
        "draw-per-category-bank-too-small",
        (
            create(
                "01-basics/graded.yml",
                (INVALID / "draw-bank-too-small.yml")
                .read_text(encoding="utf-8")
                .replace("approach: leading", "approach: coaching")
                .replace("approach: training", "approach: managing"),
            ),
        ),
    ),
    CourseCase(
        "lookalike-is-the-contrast",
        (replace(ROLEPLAY, "lookalike: managing", "lookalike: coaching"),),
    ),
    CourseCase("roleplays-without-contrast", (replace("course.yml", "contrast: coaching\n", ""),)),
]
COURSE_CASES += CATEGORY_CASES


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture course in ``tmp_path/content``; the current directory is
    ``tmp_path``, so diagnostics name ``content/...`` as the CLI would."""
    shutil.copytree(FIXTURE_COURSE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(project: Path, *edits: Edit) -> tuple[Content | None, list[Diagnostic]]:
    for edit in edits:
        edit.apply(project / "content")
    return validate_content(Path("content"))


def test_the_fixture_course_is_valid_without_warnings(project: Path) -> None:
    content, diagnostics = validate(project)
    assert diagnostics == []
    assert content is not None
    assert [m.id for m in content.modules] == ["basics"]
    assert sorted(item.kind for item in content.items.values()) == [
        "case",
        "drill",
        "page",
        "quiz",
        "roleplay",
    ]


@pytest.mark.parametrize("case", COURSE_CASES, ids=str)
def test_each_course_problem_prints_its_exact_diagnostics(
    project: Path, case: CourseCase, update_golden: bool
) -> None:
    _content, diagnostics = validate(project, *case.edits)
    assert diagnostics, f"{case.name} should have at least one problem"
    check_golden(GOLDEN / f"{case.name}.txt", printed(diagnostics, project), update_golden)


def test_diagnostics_across_files_are_sorted_by_path_line_and_column(project: Path) -> None:
    (case,) = [c for c in COURSE_CASES if c.name == "problems-in-several-files-are-sorted"]
    _content, diagnostics = validate(project, *case.edits)
    keys = [(d.position.path, d.position.line, d.position.column) for d in diagnostics]
    assert keys == sorted(keys)
    assert len({d.position.path for d in diagnostics}) >= 5


def test_missing_course_returns_no_content(project: Path) -> None:
    content, diagnostics = validate(project, delete("course.yml"))
    assert content is None
    assert [d.code for d in diagnostics] == ["missing-course"]


def test_an_empty_folder_has_no_content(tmp_path: Path) -> None:
    content, diagnostics = validate_content(tmp_path)
    assert content is None
    assert [(d.code, d.message) for d in diagnostics] == [
        ("no-content", "no YAML content files found")
    ]


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        pytest.param(replace(CASE, "minutes: 5", "minuts: 5"), "unknown-key", id="an-item"),
        pytest.param(
            replace("course.yml", "  managing:\n    name:", "  managing:\n    nam:"),
            "unknown-key",
            id="the-course",
        ),
    ],
)
def test_a_file_with_a_problem_is_reported_once_not_again_as_missing(
    project: Path, edit: Edit, code: str
) -> None:
    """The module does list an existing item (the course file does exist): only the file's
    own problem is true; "no item has that id" / "no file has `kind: course`" are not."""
    _content, diagnostics = validate(project, edit)
    assert [d.code for d in diagnostics] == [code], printed(diagnostics, project)


def test_warnings_do_not_stop_validation(project: Path) -> None:
    content, diagnostics = validate(project, replace(MODULE, "  - quick-check\n", ""))
    assert [(d.code, d.severity) for d in diagnostics] == [("unlisted-item", "warning")]
    assert content is not None
    assert content.diagnostics == diagnostics
    assert "quick-check" not in content.items, "an unlisted item is not part of the course"


def test_every_diagnostic_code_about_content_has_a_golden_example() -> None:
    """Each documented code is shown, exactly, by some golden file (or tested elsewhere)."""
    elsewhere = {
        # tests/test_load.py asserts the exact lines of these
        "not-utf8",
        "file-too-large",
        "empty-file",
        "yaml-syntax",
        "yaml-tab",
        "duplicate-key",
        "multiple-documents",
        "not-a-mapping",
        "yaml-tag",
        "yaml-too-large",
        "yaml-too-deep",
        "complex-key",
        # links and special files: tests/test_validate.py asserts their exact lines
        "link-outside",
        "not-a-file",
        # commands: tests/test_cli.py, tests/test_render.py and tests/test_scaffold.py
        "no-content",
        "template-error",
        "file-exists",
        "project-exists",
        # tests/test_workshop.py asserts its exact line
        "workshop-does-not-fit",
        # tests/test_assets.py: a site script that is not ES5
        "asset-syntax",
        # tests/test_gift.py asserts its position: `course export gift` only, not validate
        "gift-weight",
        # tests/test_package.py: a course too large for SCORM 1.2's resume data
        "resume-too-large",
    }
    shown = {
        code
        for path in GOLDEN.glob("*.txt")
        for code in CODES
        if f"[{code}]:" in path.read_text(encoding="utf-8")
    }
    assert set(CODES) - shown - elsewhere == set()


# --- helpers the render stage relies on ----------------------------------------------------


def test_content_files_are_found_in_sorted_order_yml_and_yaml_only(tmp_path: Path) -> None:
    for name in ["b/z.yaml", "b/a.yml", "a.yml", "notes.md", "c.yml.bak"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in find_content_files(tmp_path)] == [
        "a.yml",
        "b/a.yml",
        "b/z.yaml",
    ]


def test_items_of_a_module_come_in_the_module_order(project: Path) -> None:
    content, _ = validate(project)
    assert content is not None
    assert [i.id for i in content.items_of(content.modules[0])] == [
        "welcome",
        "fork-in-the-road",
        "sort-the-sayings",
        "two-ways-to-talk",
        "quick-check",
    ]
    case = content.items["fork-in-the-road"]
    assert isinstance(case, Case)
    assert content.module_of["fork-in-the-road"].id == "basics"


# --- hostile text (tests/hostile.py) ---------------------------------------------------------


def test_a_control_character_in_any_text_field_is_refused_where_it_is(tmp_path: Path) -> None:
    """Every text field of every kind, with escape, NUL, C1 and carriage-return characters:
    each is an error at its own field, so none reaches a page as raw bytes."""

    def payload(index: int, limit: int | None) -> str:
        return f"Text {REFUSED_PAYLOADS[index % len(REFUSED_PAYLOADS)]} more"

    attacker = write_hostile_content(ROOT / "content", tmp_path / "content", Attacker(payload))
    _content, diagnostics = validate_content(tmp_path / "content")
    refused = [d for d in diagnostics if d.code == "control-character"]
    assert {d.severity for d in refused} == {"error"}
    places = {(d.position.path, d.position.line, d.position.column) for d in refused}
    assert len(places) == len(refused) == attacker.count
    assert attacker.reached == declared_text_fields()


# --- hostile files: links that leave the content folder, special files -----------------------


def test_a_link_to_a_file_outside_the_content_folder_is_refused_and_not_read(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.yml"
    outside.write_text("kind: page\nid: secret\ntitle: Private notes\nbody: Secret.\n")
    (project / "content" / "01-basics" / "notes.yml").symlink_to(outside)
    content, diagnostics = validate(project)
    assert [(d.code, d.severity, d.position.path) for d in diagnostics] == [
        ("link-outside", "error", "content/01-basics/notes.yml")
    ]
    assert "secret" not in (content.items if content else {})
    assert printed(diagnostics, project) == (
        f"content/01-basics/notes.yml:1:1: error[link-outside]: this is a link to {outside}, "
        "outside the content folder: it is not read\n"
        "    hint: content must be inside the content folder: copy the file in, or remove the "
        "link\n"
    )


def test_a_linked_folder_outside_the_content_folder_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.yml").write_text("kind: page\nid: secret\ntitle: S\nbody: S.\n")
    (project / "content" / "02-more").symlink_to(outside, target_is_directory=True)
    _content, diagnostics = validate(project)
    assert [(d.code, d.position.path) for d in diagnostics] == [("link-outside", "content/02-more")]


def test_a_link_inside_the_content_folder_is_read_once(project: Path) -> None:
    (project / "content" / "01-basics" / "alias.yml").symlink_to("welcome.yml")
    content, diagnostics = validate(project)
    assert diagnostics == []
    assert content is not None


@pytest.mark.parametrize("kind", ["fifo", "broken-link"])
def test_a_special_file_or_a_link_to_nothing_is_reported_not_read(project: Path, kind: str) -> None:
    """A FIFO would block its reader forever: run as a command with a time limit, which a
    hang would exceed."""
    path = project / "content" / "01-basics" / "pipe.yml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("nowhere.yml")
    result = subprocess.run(
        [sys.executable, "-m", "builder", "validate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    what = "a FIFO (named pipe)" if kind == "fifo" else "a link to nothing"
    assert result.returncode == 1
    assert result.stderr == (
        f"content/01-basics/pipe.yml:1:1: error[not-a-file]: this is {what}, not a file: it is "
        "not read\n"
        "    hint: content files are plain YAML files: replace it with one, or remove it\n"
        "1 error(s), 0 warning(s)\n"
    )


def test_the_second_test_course_with_three_categories_of_its_own_is_valid() -> None:
    """tests/courses/feedback (played in tests/browser/test_second_course.py)."""
    content, diagnostics = validate_content(TESTS / "courses" / "feedback" / "content")
    assert diagnostics == [], [d.format() for d in diagnostics]
    assert content is not None
    assert content.course.approach_names == {
        "feedback": "Feedback",
        "criticism": "Criticism",
        "praise": "Praise",
    }
