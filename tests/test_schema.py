"""builder/schema.py: the JSON Schema of content files, generated from the model.

The committed copy (schema/content.schema.json) is what editors use; it must stay equal to the
generated one, and an independent validator (check-jsonschema) must agree with the builder.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from builder.schema import (
    KINDS,
    SCHEMA_BASE,
    all_schemas,
    content_schema,
    course_categories,
    schema_text,
)
from builder.validate import find_content_files, validate_standalone

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
COMMITTED = ROOT / "schema" / "content.schema.json"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
INVALID = TESTS / "fixtures" / "invalid"


@dataclass
class CheckResult:
    """What check-jsonschema said about a set of files: exit status and the rejected files."""

    returncode: int
    rejected: dict[str, list[str]]
    output: str


def check_jsonschema(*files: Path) -> CheckResult:
    if not CHECK_JSONSCHEMA.is_file():
        pytest.fail(f"{CHECK_JSONSCHEMA} is missing: install the test extras (make test)")
    command = [str(CHECK_JSONSCHEMA), "-o", "json", "--schemafile", str(COMMITTED)]
    run = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=False)
    report = json.loads(run.stdout)
    rejected: dict[str, list[str]] = {}
    for error in [*report["errors"], *report["parse_errors"]]:
        best = error.get("best_match") or error
        rejected.setdefault(error["filename"], []).append(f"{best['path']}: {best['message']}")
    return CheckResult(run.returncode, rejected, run.stdout + run.stderr)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckResult, Path]:
    """One run of check-jsonschema (it is slow to start) over the shipped content, the
    fixture course and one broken file."""
    broken = tmp_path_factory.mktemp("schema") / "broken.yml"
    broken.write_text(
        "kind: page\nid: broken\ntitle: A page\nbody: Text.\ncolour: blue\n", encoding="utf-8"
    )
    shipped = find_content_files(ROOT / "content")
    assert shipped, "no shipped content found"
    return check_jsonschema(*shipped, *find_content_files(FIXTURE_COURSE), broken), broken


def test_the_committed_schemas_are_the_generated_ones() -> None:
    folder = COMMITTED.parent
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    assert committed == all_schemas(course_categories(ROOT / "content")), (
        "schema/ is stale: run `course schema --out-dir schema` and commit the result"
    )


@pytest.mark.parametrize("kind", [None, *KINDS], ids=lambda k: k or "any")
def test_each_schema_is_a_valid_draft_2020_12_schema(kind: str | None) -> None:
    schema = content_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{SCHEMA_BASE}{kind or 'content'}.schema.json"


@pytest.mark.parametrize("path", find_content_files(ROOT / "content"), ids=lambda p: p.name)
def test_every_content_file_names_the_schema_of_its_kind_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path} does not start with a yaml-language-server schema line"
    kind = instance(path)["kind"]  # type: ignore[index]
    assert (path.parent / match.group(1)).resolve() == (ROOT / "schema" / f"{kind}.schema.json")


def test_the_schema_text_is_stable_sorted_json() -> None:
    text = schema_text()
    assert text == schema_text()
    assert text.endswith("}\n")
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True) + "\n" == text


def test_the_schema_describes_every_kind() -> None:
    text = schema_text()
    for kind in ["course", "module", "case", "roleplay", "drill", "quiz", "page"]:
        assert f'"const": "{kind}"' in text, kind


def test_every_shipped_content_file_passes_check_jsonschema(
    checked: tuple[CheckResult, Path],
) -> None:
    result, _broken = checked
    content = str(ROOT / "content")
    assert {f: e for f, e in result.rejected.items() if f.startswith(content)} == {}


def test_every_fixture_course_file_passes_check_jsonschema(
    checked: tuple[CheckResult, Path],
) -> None:
    result, _broken = checked
    fixture = str(FIXTURE_COURSE)
    assert {f: e for f, e in result.rejected.items() if f.startswith(fixture)} == {}


def test_check_jsonschema_rejects_a_broken_file(checked: tuple[CheckResult, Path]) -> None:
    result, broken = checked
    assert result.returncode == 1, result.output
    assert list(result.rejected) == [str(broken)], result.output
    assert "colour" in " ".join(result.rejected[str(broken)])


# Files the builder rejects for their shape (not for cross-references or pedagogy, which a
# schema cannot see): the schema must reject each of them too.
SHAPE_ERRORS = [
    "unknown-key",
    "unknown-key-nested",
    "missing-field",
    "missing-field-nested",
    "missing-kind",
    "unknown-kind",
    "wrong-type-text",
    "wrong-type-number",
    "wrong-type-list",
    "wrong-type-mapping",
    "wrong-type-boolean",
    "invalid-id",
    "invalid-question-type",
    "invalid-range",
    "invalid-empty",
    "invalid-approach-key",
    "limit-title",
]


def instance(path: Path) -> object:
    """The file as check-jsonschema reads it (YAML 1.2, via ruamel)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SHAPE_ERRORS)
def test_the_schema_rejects_what_the_builder_rejects(case: str) -> None:
    path = INVALID / f"{case}.yml"
    assert [d for d in validate_standalone([path]) if d.severity == "error"], "builder accepts it"
    validator = jsonschema.Draft202012Validator(content_schema())
    assert not validator.is_valid(instance(path)), f"the schema accepts {case}.yml"


@pytest.mark.parametrize("path", find_content_files(FIXTURE_COURSE), ids=lambda p: p.name)
def test_the_schema_accepts_what_the_builder_accepts(path: Path) -> None:
    assert validate_standalone([path]) == []
    validator = jsonschema.Draft202012Validator(content_schema())
    errors = [e.message for e in validator.iter_errors(instance(path))]
    assert errors == []


# --- the message an author sees first ---------------------------------------------------------

READABLE = [
    pytest.param(
        "kind: quiz\nid: q\ntitle: T\nquestions:\n  - id: a\n    prompt: P\n    approach: coachin\n"
        "    options:\n      - {id: x, text: X, correct: true}\n      - {id: y, text: Y}\n",
        "$.questions[0].approach: 'coachin' is not one of ['leading', 'managing', 'coaching', "
        "'training', 'mentoring', 'role-modeling', None]",
        id="optional-approach",
    ),
    pytest.param(
        "kind: quiz\nid: q\ntitle: T\nquestions:\n  - id: a\n    prompt: P\n    explanation: [a]\n"
        "    options:\n      - {id: x, text: X, correct: true}\n      - {id: y, text: Y}\n",
        "$.questions[0].explanation: ['a'] is not of type 'string', 'null'",
        id="optional-text",
    ),
    pytest.param(
        "kind: quiz\nid: q\ntitle: T\npass_mark: 80\ndraw: {questions: many}\nquestions:\n"
        "  - id: a\n    prompt: P\n    options:\n      - {id: x, text: X, correct: true}\n"
        "      - {id: y, text: Y}\n",
        "$.draw.questions: 'many' is not of type 'integer', 'null'",
        id="optional-mapping",
    ),
    pytest.param(
        "kind: page\nid: p\ntitle: T\nbody: B\ncolour: blue\n",
        "$: Additional properties are not allowed ('colour' was unexpected)",
        id="a-kind-is-checked-against-its-own-schema-only",
    ),
    pytest.param(
        "kind: pgae\nid: p\ntitle: T\nbody: B\n",
        "$.kind: 'pgae' is not one of ['case', 'course', 'drill', 'module', 'page', 'quiz', "
        "'roleplay']",
        id="unknown-kind",
    ),
]


def test_check_jsonschema_gives_the_useful_message_first(tmp_path: Path) -> None:
    """Its best match once said "is not of type 'null'" for a misspelt approach: an optional
    value was an `anyOf` with null, and every kind was a branch of one `oneOf`."""
    files = []
    for n, case in enumerate(READABLE):
        path = tmp_path / f"case-{n}.yml"
        path.write_text(case.values[0], encoding="utf-8")
        files.append(path)
    result = check_jsonschema(*files)
    shown = {Path(name).name: messages for name, messages in result.rejected.items()}
    for n, case in enumerate(READABLE):
        assert shown.get(f"case-{n}.yml") == [case.values[1]], (case.id, shown)
