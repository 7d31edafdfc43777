"""builder/adapters/cli.py: the `course` command, run in-process (exit code + output).

Content problems exit 1 with every diagnostic; usage problems exit 2; only a bug may show a
traceback, so ``invoke`` re-raises any exception that is not a deliberate exit.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from project import FIXTURE_COURSE, ROOT, copy_project, differing, edit, invoke, snapshot

from builder.adapters.cli import main
from builder.model.common import ID_PATTERN
from builder.pipeline import run_pipeline
from builder.scaffold import KINDS
from builder.schema import schema_text

MODULE = Path("content/01-basics/module.yml")
ITEMS = ["welcome", "fork-in-the-road", "sort-the-sayings", "two-ways-to-talk", "quick-check"]
BLOCK_ITEMS = "items:\n" + "".join(f"  - {i}\n" for i in ITEMS)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture course as ``content/`` of a project folder that is the current directory."""
    shutil.copytree(FIXTURE_COURSE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- validate -------------------------------------------------------------------------------


def test_validate_accepts_the_shipped_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" file(s) checked: no errors\n")
    assert "error[" not in result.stderr


def test_validate_prints_every_problem_sorted_and_exits_1(project: Path) -> None:
    (project / "content" / "01-basics" / "broken.yml").write_text(
        "kind: page\nid: broken\ntitle: [unclosed\n", encoding="utf-8"
    )
    edit(
        project / "content" / "01-basics" / "two-ways-to-talk.yml",
        "    - role: rep\n      text: Honestly",
        "    - role: rap\n      text: Honestly",
    )
    edit(project / MODULE, "      item: welcome", "      item: welcom")
    result = invoke("validate")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "content/01-basics/broken.yml:4:1: error[yaml-syntax]: did not find expected ',' or ']'"
        " (while parsing a flow sequence)\n"
        "    hint: check the indentation and quoting around this place\n"
        "content/01-basics/module.yml:20:13: error[unknown-reference]: there is no item `welcom`\n"
        "    hint: did you mean `welcome`?\n"
        "content/01-basics/two-ways-to-talk.yml:27:13: error[unknown-reference]:"
        " there is no role `rap`\n"
        "    hint: did you mean `rep`?\n"
        "3 error(s), 0 warning(s)\n"
    )


def test_validate_with_paths_reports_only_those_files(project: Path) -> None:
    edit(project / MODULE, "      item: welcome", "      item: welcom")
    edit(
        project / "content" / "01-basics" / "two-ways-to-talk.yml",
        "    - role: rep\n      text: Honestly",
        "    - role: rap\n      text: Honestly",
    )
    result = invoke("validate", "content/01-basics/two-ways-to-talk.yml")
    assert result.exit_code == 1
    assert "two-ways-to-talk.yml:27:13: error[unknown-reference]" in result.stderr
    assert "module.yml" not in result.stderr


def test_a_file_outside_content_is_validated_on_its_own(project: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-scenario.yml"
    outside.write_text("kind: page\nid: draft\ntitle: A draft\nbody: Text.\n", encoding="utf-8")
    result = invoke("validate", str(outside))
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 file(s) checked: no errors\n"
    assert result.stderr == "", "no course-wide warnings (e.g. unlisted-item) for a lone file"


def test_a_broken_file_outside_content_fails_with_its_diagnostic(project: Path) -> None:
    (project / "draft.yml").write_text("kind: page\nid: Draft\ntitle: x\nbody: y\n", "utf-8")
    result = invoke("validate", "draft.yml")
    assert result.exit_code == 1
    assert result.stderr == (
        'draft.yml:2:5: error[invalid-value]: `id` is not a valid id: the text "Draft"\n'
        "    hint: ids use lower-case letters, digits and single hyphens, e.g. `kpi-review`\n"
        "1 error(s), 0 warning(s)\n"
    )


def test_github_format_prints_annotations_on_standard_output(project: Path) -> None:
    (project / "draft.yml").write_text("kind: page\nid: Draft\ntitle: x\nbody: y\n", "utf-8")
    result = invoke("validate", "--format", "github", "draft.yml")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=draft.yml,line=2,col=5,title=invalid-value::"
        '`id` is not a valid id: the text "Draft"%0A'
        "ids use lower-case letters, digits and single hyphens, e.g. `kpi-review`\n"
    )


def test_warnings_are_printed_but_do_not_fail_validate(project: Path) -> None:
    edit(project / MODULE, "  - quick-check\n", "")
    result = invoke("validate")
    assert result.exit_code == 0
    assert result.stderr == (
        "content/01-basics/quick-check.yml:2:5: warning[unlisted-item]:"
        " quiz `quick-check` is not listed in any module\n"
        "    hint: add its id to a module's `items:` list, or delete the file\n"
        "0 error(s), 1 warning(s)\n"
    )
    assert result.stdout == "7 file(s) checked: no errors\n"


def test_strict_turns_warnings_into_errors(project: Path) -> None:
    edit(project / MODULE, "  - quick-check\n", "")
    result = invoke("validate", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/01-basics/quick-check.yml:2:5: error[unlisted-item]:")
    assert result.stderr.endswith("1 error(s), 0 warning(s)\n")


def test_an_external_image_is_a_warning_and_an_error_under_strict(project: Path) -> None:
    edit(
        project / "content/01-basics/welcome.yml",
        "body: |\n",
        "body: |\n  ![Pixel](https://tracker.example/p.gif)\n\n",
    )
    relaxed = invoke("validate")
    assert relaxed.exit_code == 0
    assert "warning[external-image]: `body` shows an image from outside the site" in relaxed.stderr
    strict = invoke("validate", "--strict")
    assert strict.exit_code == 1
    assert "error[external-image]: `body` shows an image from outside the site" in strict.stderr


def test_validate_of_a_missing_content_folder_exits_1(project: Path) -> None:
    result = invoke("validate", "--content", "nowhere")
    assert result.exit_code == 1
    assert result.stderr.startswith("nowhere:1:1: error[no-content]: no YAML content files found")


def test_content_problems_never_show_a_traceback(project: Path) -> None:
    (project / "content" / "evil.yml").write_text("a: " + "[" * 100_000, encoding="utf-8")
    result = invoke("validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error[yaml-too-deep]" in result.stderr


def test_terminal_escape_sequences_in_content_are_printed_escaped(project: Path) -> None:
    """An unknown key, a value shown in a message: nothing of the content drives the terminal."""
    edit(
        project / MODULE,
        "id: basics\n",
        'id: basics\n"\\e[2K\\e[1A\\e]0;forged title\\a": 1\n',
    )
    result = invoke("validate")
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "unknown key `\\x1b[2K\\x1b[1A\\x1b]0;forged title\\x07`" in result.stderr


# --- schema ---------------------------------------------------------------------------------


SHIPPED_CATEGORIES = ["leading", "managing", "coaching", "training", "mentoring", "role-modeling"]


def test_schema_prints_the_json_schema() -> None:
    result = invoke("schema", "--content", str(ROOT / "content"))
    assert result.exit_code == 0
    assert result.stdout == schema_text(None, SHIPPED_CATEGORIES)
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def drill_categories(schema: dict[str, Any]) -> tuple[object, object]:
    """What a drill's schema allows as a statement's category, and in its `approaches` list."""
    statement = schema["$defs"]["Statement"]["properties"]["approach"]
    return statement.get("enum"), schema["properties"]["approaches"]["items"].get("enum")


def test_schema_lists_the_course_categories_and_follows_its_course_file(project: Path) -> None:
    """Editors complete a category id from the course's own list: change the list in
    course.yml, and `course schema` changes with it."""
    fixture = ["coaching", "managing", "mentoring", "role-modeling"]
    before = json.loads(invoke("schema", "--kind", "drill").stdout)
    assert drill_categories(before) == (fixture, fixture)
    edit(
        project / "content" / "course.yml",
        "  mentoring:\n",
        "  praise:\n    name: Praise\n    definition: Saying what went well.\n  mentoring:\n",
    )
    changed = ["coaching", "managing", "praise", "mentoring", "role-modeling"]
    after = json.loads(invoke("schema", "--kind", "drill").stdout)
    assert drill_categories(after) == (changed, changed)
    written = project / "schema-out"
    assert invoke("schema", "--out-dir", str(written)).exit_code == 0
    course_schema = json.loads((written / "course.schema.json").read_text(encoding="utf-8"))
    contrast = course_schema["properties"]["contrast"]
    assert contrast["enum"] == [*changed, None], "an optional category also takes null"
    assert course_schema["$defs"]["Driver"]["properties"]["lever"]["enum"] == changed


def test_schema_without_a_course_file_takes_any_id_for_a_category(tmp_path: Path) -> None:
    result = invoke("schema", "--kind", "drill", "--content", str(tmp_path))
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert drill_categories(schema) == (None, None)
    assert schema["$defs"]["Statement"]["properties"]["approach"]["pattern"] == ID_PATTERN


def test_init_refuses_a_non_empty_folder_with_a_diagnostic_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "course.yml").write_text("kind: course\n", encoding="utf-8")
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 1
    assert "error[project-exists]" in result.stderr
    assert "hint: give `course init` a new folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["course.yml"]


def test_init_then_build_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke("init", str(tmp_path / "my-course"))
    assert result.exit_code == 0, result.output
    assert "Next: cd" in result.stdout
    monkeypatch.chdir(tmp_path / "my-course")
    built = invoke("build", "--strict")
    assert built.exit_code == 0, built.output
    assert (
        tmp_path / "my-course" / "site" / "first-steps" / "the-late-report" / "index.html"
    ).is_file()


def test_schema_out_writes_the_file_and_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "content.schema.json"
    result = invoke("schema", "--out", str(out), "--content", str(ROOT / "content"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == schema_text(None, SHIPPED_CATEGORIES)
    assert f"Wrote {out}" in result.stderr


# --- new ------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["block", "flow"])
@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_an_item_that_validates_and_is_listed(
    project: Path, kind: str, style: str
) -> None:
    if style == "flow":
        edit(project / MODULE, BLOCK_ITEMS, f"items: [{', '.join(ITEMS)}]\n")
    result = invoke("new", kind, f"my-{kind}", "--module", "basics")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote content/01-basics/my-{kind}.yml\nwrote {MODULE.as_posix()}\n"
    module = (project / MODULE).read_text(encoding="utf-8")
    if style == "flow":
        assert f"items: [{', '.join([*ITEMS, f'my-{kind}'])}]\n" in module
    else:
        assert BLOCK_ITEMS + f"  - my-{kind}\n" in module
    checked = invoke("validate", "--strict")
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["page", "welcome", "--module", "basics"],
            "content/01-basics/welcome.yml:2:5: error[duplicate-id]: id `welcome` is already used\n"
            "    hint: choose another id\n",
            id="existing-id",
        ),
        pytest.param(
            ["page", "fresh", "--module", "basic"],
            "content:1:1: error[unknown-reference]: there is no module `basic`\n"
            "    hint: known modules: basics\n",
            id="unknown-module",
        ),
        pytest.param(
            ["page", "Fresh_Page", "--module", "basics"],
            "content:1:1: error[invalid-value]: `Fresh_Page` is not a valid id\n"
            "    hint: ids use lower-case letters, digits and single hyphens, e.g. `kpi-review`\n",
            id="bad-id",
        ),
    ],
)
def test_new_refuses_with_a_diagnostic_and_exit_1(
    project: Path, args: list[str], expected: str
) -> None:
    before = snapshot(project / "content")
    result = invoke("new", *args)
    assert result.exit_code == 1
    assert result.stderr == expected + "1 error(s), 0 warning(s)\n"
    assert snapshot(project / "content") == before


# --- usage errors and help ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["no-such-command"], id="unknown-command"),
        pytest.param(["validate", "--no-such-option"], id="unknown-option"),
        pytest.param(["validate", "no/such/file.yml"], id="missing-path"),
        pytest.param(["new", "lecture", "x", "--module", "basics"], id="unknown-kind"),
        pytest.param(["new", "page", "x"], id="missing-module-option"),
        pytest.param(["new", "page"], id="missing-id"),
        pytest.param(["schema", "extra"], id="extra-argument"),
        pytest.param(["export-markdown"], id="missing-directory"),
        pytest.param(["build", "--config", "no-such-mkdocs.yml"], id="missing-config"),
    ],
)
def test_usage_errors_exit_2_with_a_usage_message(project: Path, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.stderr
    assert "Traceback" not in result.output


COMMANDS = sorted(main.commands)


EXPORTS = [["export", "gift"], ["export", "qti"]]


@pytest.mark.parametrize(
    "command",
    [[], *([c] for c in COMMANDS), *EXPORTS],
    ids=["course", *COMMANDS, *(" ".join(c) for c in EXPORTS)],
)
def test_help_works_on_every_command(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "Options:" in result.stdout


def test_the_course_command_has_the_twelve_documented_subcommands() -> None:
    assert COMMANDS == [
        "build",
        "export",
        "export-markdown",
        "handouts",
        "init",
        "live",
        "new",
        "package",
        "schema",
        "serve",
        "validate",
        "workshop",
    ]


# --- export gift and qti ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "summary"),
    [
        ("gift", "bank.gift", "6 questions in 2 categories"),
        ("qti", "bank.zip", "6 questions in 2 assessments"),
    ],
)
def test_export_writes_the_bank_and_says_what_it_holds(
    project: Path, kind: str, name: str, summary: str
) -> None:
    result = invoke("export", kind, "--out", name)
    assert result.exit_code == 0, result.output
    size = (project / name).stat().st_size
    assert result.stdout.startswith(f"wrote {name} (")
    assert result.stdout.endswith(f"): {summary}\n")
    assert size > 1000
    assert sorted(p.name for p in project.iterdir()) == ["bank." + name.split(".")[1], "content"]


@pytest.mark.parametrize("kind", ["gift", "qti"])
def test_export_of_broken_content_prints_diagnostics_and_writes_nothing(
    project: Path, kind: str
) -> None:
    (project / "bank").write_bytes(b"previous")
    edit(project / "content" / "01-basics" / "quick-check.yml", "id: ask", "id: Ask")
    result = invoke("export", kind, "--out", "bank")
    assert result.exit_code == 1, result.output
    assert "quick-check.yml:" in result.stderr
    assert "error[invalid-value]" in result.stderr
    assert "Traceback" not in result.output
    assert (project / "bank").read_bytes() == b"previous"
    assert sorted(p.name for p in project.iterdir()) == ["bank", "content"]


def test_a_single_choice_question_with_two_right_options_is_refused_by_the_export(
    project: Path,
) -> None:
    """A warning on the site (learners see it work), an error for an LMS that would refuse it."""
    edit(
        project / "content" / "01-basics" / "quick-check.yml",
        "text: Showing how you would run the call\n",
        "text: Showing how you would run the call\n        correct: true\n",
    )
    assert invoke("validate").exit_code == 0
    result = invoke("export", "gift", "--out", "bank.gift")
    assert result.exit_code == 1, result.output
    assert "quick-check.yml:" in result.stderr
    assert "error[single-choice-answers]" in result.stderr
    assert not (project / "bank.gift").exists()


@pytest.mark.parametrize("escape", ["\\uffff", "\\ufffe"], ids=["FFFF", "FFFE"])
def test_a_character_xml_cannot_carry_is_refused_before_any_export(
    project: Path, escape: str
) -> None:
    """YAML refuses them as written, but a quoted escape writes them into the text, and no XML
    can hold them: the QTI would not be well-formed."""
    edit(
        project / "content" / "01-basics" / "quick-check.yml",
        "text: Asking what gets in the way",
        f'text: "Asking what gets in the way {escape}"',
    )
    for kind in ("qti", "gift"):
        result = invoke("export", kind, "--out", "bank")
        assert result.exit_code == 1, result.output
        assert "quick-check.yml:11:" in result.stderr
        assert "error[control-character]" in result.stderr
        assert not (project / "bank").exists()


def test_export_into_a_missing_folder_is_a_usage_error(project: Path) -> None:
    result = invoke("export", "gift", "--out", "no/such/folder/bank.gift")
    assert result.exit_code == 2, result.output
    assert "does not exist; create it first" in result.stderr
    assert "Traceback" not in result.output
    assert not (project / "no").exists()


def test_export_of_an_unknown_module_suggests_the_right_id(project: Path) -> None:
    result = invoke("export", "qti", "--module", "basic", "--out", "bank.zip")
    assert result.exit_code == 2, result.output
    assert "no module 'basic'" in result.stderr
    assert "basics" in result.stderr


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "bank.gift").write_bytes(b"previous")

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = invoke("export", "gift", "--out", "bank.gift")
    assert result.exit_code == 1, result.output
    assert "error: cannot write bank.gift: No space left on device" in result.stderr
    assert "hint:" in result.stderr
    assert (project / "bank.gift").read_bytes() == b"previous"
    assert sorted(p.name for p in project.iterdir()) == ["bank.gift", "content"]


# --- export-markdown ------------------------------------------------------------------------


def test_export_markdown_writes_every_page_and_data_file(project: Path) -> None:
    out = project / "export"
    (out / "old").mkdir(parents=True)
    (out / "old" / "stale.md").write_text("from an older export", encoding="utf-8")
    result = invoke("export-markdown", "export", "--templates", str(ROOT / "templates" / "pages"))
    assert result.exit_code == 0, result.output
    expected = run_pipeline(project / "content", ROOT / "templates" / "pages").rendered
    assert snapshot(out) == {
        **{p.path: p.text.encode() for p in expected.pages},
        "course.json": expected.course_json.encode(),
        **{path: text.encode() for path, text in expected.files.items()},
    }
    assert expected.files, "the fixture course has dashboard data"
    count = len(expected.pages) + 1 + len(expected.files)
    assert result.stdout == f"Wrote {count} files into export/\n"


def test_export_markdown_of_broken_content_keeps_the_previous_export(project: Path) -> None:
    out = project / "export"
    out.mkdir()
    (out / "index.md").write_text("previous export", encoding="utf-8")
    edit(project / MODULE, "      item: welcome", "      item: welcom")
    result = invoke("export-markdown", "export", "--templates", str(ROOT / "templates" / "pages"))
    assert result.exit_code == 1
    assert "error[unknown-reference]" in result.stderr
    assert snapshot(out) == {"index.md": b"previous export"}


# --- build (MkDocs, about a second each: kept few) ------------------------------------------


def build(site_dir: str, *extra: str) -> Result:
    return invoke("build", "--site-dir", site_dir, *extra)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the shipped content, built once into ``site/``."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        result = build("site")
    logger.handlers[:], logger.level, logger.propagate = saved
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def in_built(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(built)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return built


def test_build_makes_a_site_with_index_html_and_course_json(in_built: Path) -> None:
    site = in_built / "site"
    assert (site / "index.html").is_file()
    data = json.loads((site / "course.json").read_text(encoding="utf-8"))
    expected = run_pipeline(in_built / "content", in_built / "templates" / "pages").rendered
    assert data == json.loads(expected.course_json)
    for module in data["modules"]:
        assert (site / module["url"] / "index.html").is_file()
        for item in module["items"]:
            assert (site / item["url"] / "index.html").is_file(), item["url"]
    assert [p.name for p in in_built.iterdir() if p.name.startswith(".site-")] == []


def test_two_builds_in_separate_processes_are_byte_identical(built: Path, tmp_path: Path) -> None:
    """Nothing carried over: no page converted, template compiled or asset minified before,
    and another hash seed (sets iterate in another order)."""
    sites = []
    for seed in ("1", "2"):
        site = tmp_path / f"site-{seed}"
        command = [sys.executable, "-m", "builder", "build", "--site-dir", str(site)]
        environment = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "XDG_CACHE_HOME": str(tmp_path / f"cache-{seed}"),
            "NO_MKDOCS_2_WARNING": "1",
        }
        done = subprocess.run(
            command, cwd=built, env=environment, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert (tmp_path / f"cache-{seed}" / "coaching-course").is_dir(), "minified anew"
        sites.append(site)
    assert len(snapshot(sites[0])) > 100
    assert differing(*sites) == [], "these files differ between two builds"


def test_a_rebuild_converts_only_the_pages_an_edit_changed_and_matches_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As under `course serve`: pages whose Markdown did not change are not converted again."""
    import markdown

    from builder.adapters import mkdocs_plugin

    project = copy_project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    assert build("site").exit_code == 0
    edit(
        project / "content/02-canadian-country-manager/country-manager-canada.yml",
        "\ntitle: ",
        "\ntitle: Edited ",
    )
    converted: list[str] = []
    convert = markdown.Markdown.convert

    def counting(self: markdown.Markdown, source: str) -> str:
        if source:
            converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    assert build("site-rebuilt").exit_code == 0
    pages = sum(1 for _ in (project / "site").rglob("index.html"))
    assert 0 < len(converted) <= 8 < pages, "the case, its module and trainer pages, no more"
    mkdocs_plugin.CONVERTED.clear()
    assert build("site-fresh").exit_code == 0
    assert len(converted) > pages, "a fresh build converts every page"
    rebuilt, fresh = snapshot(project / "site-rebuilt"), snapshot(project / "site-fresh")
    assert sorted(rebuilt) == sorted(fresh)
    assert [name for name in fresh if rebuilt[name] != fresh[name]] == []
    assert "Edited " in (project / "site-rebuilt/canadian-country-manager/index.html").read_text()


def test_a_failing_build_leaves_the_previous_site_byte_for_byte(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    monkeypatch.chdir(project)
    (project / "site" / "marker.txt").write_text("from the previous build", encoding="utf-8")
    before = snapshot(project / "site")
    (project / "content" / "course.yml").write_text("kind: course\nid: [broken\n", "utf-8")
    result = build("site")
    assert result.exit_code == 1
    assert "content/course.yml:3:1: error[yaml-syntax]" in result.stderr
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == sorted(p.name for p in built.iterdir())


def test_build_prints_content_problems_exactly_as_validate_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same diagnostics, same paths: a message naming another file must not turn absolute
    just because MkDocs hands the plugin an absolute content folder."""
    project = copy_project(tmp_path / "project", FIXTURE_COURSE)
    monkeypatch.chdir(project)
    (project / "content" / "01-basics" / "again.yml").write_text(
        "kind: page\nid: welcome\ntitle: The same id again\nbody: Text.\n", encoding="utf-8"
    )
    validated = invoke("validate")
    assert validated.exit_code == 1
    assert "already used by content/01-basics/again.yml" in validated.stderr
    built = build("site")
    assert built.exit_code == 1
    assert built.stderr == "Checking and rendering the content...\n" + validated.stderr


def test_strict_build_fails_on_a_warning_and_keeps_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project", FIXTURE_COURSE)
    monkeypatch.chdir(project)
    edit(project / MODULE, "  - quick-check\n", "")
    (project / "site").mkdir()
    (project / "site" / "marker.txt").write_text("previous", encoding="utf-8")
    result = build("site", "--strict")
    assert result.exit_code == 1
    assert "error[unlisted-item]" in result.stderr
    assert snapshot(project / "site") == {"marker.txt": b"previous"}


def test_built_html_shows_hostile_content_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture course puts `<script>` (and `</title><script>`) in titles, option texts,
    role-play lines and Markdown; no built page may contain it as a tag."""
    project = copy_project(tmp_path / "project", FIXTURE_COURSE)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    result = build("site")
    assert result.exit_code == 0, result.output
    pages = {
        p.relative_to(project / "site").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((project / "site").rglob("*.html"))
    }
    assert "basics/quick-check/index.html" in pages
    raw = [
        f"{name}:{number}: {line.strip()}"
        for name, html in pages.items()
        for number, line in enumerate(html.splitlines(), start=1)
        if HOSTILE in line or "<b>Not bold</b>" in line
    ]
    assert raw == [], "content text reached the HTML as tags:\n" + "\n".join(raw)
    shown = [
        name for name, html in pages.items() if "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ]
    assert "basics/quick-check/index.html" in shown
    assert "basics/two-ways-to-talk/index.html" in shown


# --- serve (a real server on loopback, edited while it runs) ------------------------------


def page(url: str) -> bytes:
    """A page as `course serve` sends it, without the live-reload call (new on every request)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return re.sub(rb"livereload\(\d+, ?\d+\);", b"", response.read())


class Output:
    """What a running command prints, read line by line as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._process = process
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):  # until the server has ended
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def close(self) -> None:
        """After the server has ended: the last lines read, and the pipe closed."""
        self._reader.join(timeout=60)
        assert self._process.stdout is not None
        self._process.stdout.close()

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, after: int = 0) -> int:
        """Wait until a line from ``after`` on holds ``text``; returns the next line's index.

        The limit only keeps a broken server from hanging the suite; it measures nothing.
        """

        def found() -> int | None:
            return next(
                (n + 1 for n in range(after, len(self.lines)) if text in self.lines[n]), None
            )

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout=180):
                pytest.fail(f"`course serve` never printed {text!r}:\n{self.text}")
            line = found()
            assert line is not None
            return line


def test_serve_reports_an_invalid_save_as_build_does_and_keeps_serving_the_last_good_site(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project", FIXTURE_COURSE)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/basics/quick-check/"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "builder", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command,
        cwd=project,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(server)
    try:
        seen = output.wait_for("Serving on")
        good = page(url)
        assert b"quick-check" in good

        # A save that breaks the content: the diagnostics and their count, as `build` prints.
        duplicate = project / "content/01-basics/again.yml"
        duplicate.write_text("kind: page\nid: welcome\ntitle: Again\nbody: Text.\n", "utf-8")
        seen = output.wait_for("1 error(s), 0 warning(s)", after=seen)
        seen = output.wait_for("serving the last good site", after=seen)
        built = subprocess.run(
            [sys.executable, "-m", "builder", "build", "--site-dir", str(tmp_path / "site")],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert built.returncode == 1
        report = built.stderr.removeprefix("Checking and rendering the content...\n")
        assert report.startswith("content/01-basics/welcome.yml:2:5: error[duplicate-id]")
        assert report in output.text
        assert page(url) == good, "the last good site"

        # A script that cannot be minified: the same, and still the last good site.
        duplicate.unlink()
        script = project / "templates/static/assets/quiz.js"
        source = script.read_text(encoding="utf-8")
        script.write_text(source + "\nlet notEs5 = 1;\n", encoding="utf-8")
        seen = output.wait_for("error[asset-syntax]", after=seen)
        seen = output.wait_for("1 error(s), 0 warning(s)", after=seen)
        seen = output.wait_for("serving the last good site", after=seen)
        assert page(url) == good

        # MkDocs reloads the browsers (onto the same site) after a refused build.
        seen = output.wait_for("Reloading browsers", after=seen)

        # Fixed: the site is built again, with the edit that came with the fix.
        script.write_text(source, encoding="utf-8")
        edit(project / "content/01-basics/quick-check.yml", "\ntitle: ", "\ntitle: Edited ")
        output.wait_for("Reloading browsers", after=seen)
        assert b"Edited " in page(url)
    finally:
        server.terminate()
        server.wait(timeout=60)
        output.close()


def test_a_project_started_by_init_serves_at_once_with_the_packages_templates(
    tmp_path: Path,
) -> None:
    """`course init` then `course serve`: pages, theme overrides and scripts from the package."""
    assert invoke("init", str(tmp_path / "course")).exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "builder", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command,
        cwd=tmp_path / "course",
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(server)
    try:
        output.wait_for("Serving on")
        drill = page(f"http://127.0.0.1:{port}/first-steps/sort-them/")
        assert b'data-approach-name="fact">Fact<' in drill
        assert b"assets/drill.js" in drill
        assert b"cqCourse" in page(f"http://127.0.0.1:{port}/assets/course.js")
    finally:
        server.terminate()
        server.wait(timeout=60)
        output.close()
