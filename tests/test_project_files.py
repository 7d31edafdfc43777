"""The files contributors meet first: workflows, pre-commit and the pull request template."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def run_lines(workflow: dict[str, Any]) -> list[str]:
    return [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        for line in str(step.get("run", "")).splitlines()
    ]


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.MULTILINE))


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_each_workflow_is_valid_yaml_with_jobs_and_a_trigger(name: str) -> None:
    workflow = load(WORKFLOWS / name)
    # YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on".
    assert workflow.get("on", workflow.get(True)), f"{name} has no trigger"
    assert workflow["jobs"], f"{name} has no jobs"
    for job in workflow["jobs"].values():
        assert job["steps"], "a job without steps"


def test_the_pull_request_workflow_runs_the_same_make_test_as_contributors() -> None:
    workflow = load(WORKFLOWS / "ci.yml")
    assert "pull_request" in workflow.get("on", workflow.get(True))
    lines = run_lines(workflow)
    assert ".ci/run" in lines, "CI has one entry point, .ci/run"
    assert "make test </dev/null" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.startswith(".venv/bin/course validate --format github") for line in lines)
    uploads = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert uploads, "the built site is uploaded as an artifact"
    assert uploads[0]["with"]["path"] == "site/"


def test_the_tests_run_on_every_supported_python() -> None:
    """From the oldest Python that pyproject.toml accepts to the newest in the matrix."""
    workflow = load(WORKFLOWS / "ci.yml")
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    assert ".ci/run" in run_lines({"jobs": {"test": workflow["jobs"]["test"]}})
    oldest = re.search(
        r'requires-python = ">=(3\.\d+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert oldest, "pyproject.toml states the oldest Python it supports"
    minors = sorted(int(version.split(".")[1]) for version in matrix)
    assert minors[0] == int(oldest.group(1).split(".")[1])
    assert minors == list(range(minors[0], minors[-1] + 1)), "no Python left out in between"
    assert minors[-1] >= 13


def test_every_action_is_pinned_by_commit_with_its_release_named() -> None:
    """A tag can be moved to other code; a commit cannot. The comment says which release it is."""
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for use in re.findall(r"^\s*(?:-\s+)?uses:\s*(.+)$", text, re.MULTILINE):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", use), (
                f"{path.name}: `{use}` is not pinned as `owner/name@<commit> # vX.Y.Z`"
            )


def test_the_pages_workflow_builds_with_make_site_from_main() -> None:
    workflow = load(WORKFLOWS / "pages.yml")
    assert workflow.get("on", workflow.get(True))["push"]["branches"] == ["main"]
    assert "make site" in run_lines(workflow)


def test_workflows_call_only_make_targets_that_exist() -> None:
    targets = makefile_targets()
    for path in WORKFLOWS.glob("*.yml"):
        for line in run_lines(load(path)):
            for target in re.findall(r"\bmake ([a-z][\w-]*)", line):
                assert target in targets, f"{path.name} calls `make {target}`, not in Makefile"


def test_pre_commit_runs_the_validator_and_the_linters() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["course-validate"]["entry"] == ".venv/bin/course validate --strict"
    assert {"ruff-check", "ruff-format", "schema-fresh"} <= set(hooks)


def test_the_pull_request_template_has_a_checklist() -> None:
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^- \[ \] ", text, re.MULTILINE)) >= 5
    assert "make test" in text


def test_the_readme_layout_names_every_module_of_the_package() -> None:
    """ "How it works" is where a newcomer meets the architecture: no module may be left out."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = text[text.index("## How it works") :].split("```")[1]
    named = set(re.findall(r"([a-z_]+\.py|[a-z_]+/)", layout))
    package = ROOT / "builder"
    modules = {
        path.name if path.is_file() else f"{path.name}/"
        for path in package.iterdir()
        if (path.suffix == ".py" and not path.name.startswith("__"))
        or (path / "__init__.py").exists()
    }
    for folder in ("adapters", "pages", "teaching"):
        modules |= {path.name for path in (package / folder).glob("[!_]*.py")}
    assert modules - named == set(), "README.md's layout leaves these out"


def test_the_platform_page_names_every_material_global_the_scripts_use() -> None:
    """docs/platform.md is what a move off Material is planned from, and README.md points there."""
    scripts = " ".join(p.read_text() for p in (ROOT / "templates/static/assets").glob("*.js"))
    observables = "document|location|target|keyboard|viewport|tablet|screen|print|alert|component"
    used = set(re.findall(rf"\b(__md_\w+|(?:{observables})\$)", scripts))
    assert {"document$", "__md_scope"} <= used
    platform = (ROOT / "docs" / "platform.md").read_text(encoding="utf-8")
    assert {name for name in used if f"`{name}`" not in platform} == set()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "docs/platform.md" in readme
    assert "two thin adapters" not in readme, "there are three adapters, and not all thin"


CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def test_contributing_calls_only_make_targets_that_exist() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    called = set(re.findall(r"(?:`|^)make ([a-z][\w-]*)", text, re.MULTILINE))  # commands only
    assert "originality" in called, "the originality check has its own command"
    assert called <= makefile_targets()


@pytest.mark.parametrize(
    ("subject", "pattern"),
    [
        pytest.param(
            "what `make serve` does with an invalid save",
            r"last good (site|build).{0,200}terminal",
            id="invalid-save-under-serve",
        ),
        pytest.param("which fields take Markdown", r"Markdown.{0,300}plain text", id="markdown"),
        pytest.param("reflection prompts", r"`reflect:`", id="reflection-prompts"),
    ],
)
def test_contributing_explains(subject: str, pattern: str) -> None:
    text = " ".join(CONTRIBUTING.read_text(encoding="utf-8").split())
    assert re.search(pattern, text, re.DOTALL), f"CONTRIBUTING.md should explain {subject}"


def test_no_diagnostic_tells_a_contributor_to_rename_an_id() -> None:
    """CONTRIBUTING.md says never to rename a published id: learners' progress is keyed by it."""
    golden = ROOT / "tests" / "golden" / "validate"
    hints = [line for p in golden.glob("*.txt") for line in p.read_text().splitlines()]
    assert any("duplicate-id" in line for line in hints)
    assert [line for line in hints if "hint:" in line and "rename" in line] == []


def dry_run(target: str) -> str:
    """What ``make TARGET`` would run (``make -n``: recipes printed, none executed)."""
    run = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return run.stdout


def test_make_unit_runs_the_linters_and_the_tests_without_a_browser_or_sudo() -> None:
    commands = dry_run("unit")
    for check in ("/ruff check", "/ruff format --check", "/mypy", "/eslint ", "-m 'not browser'"):
        assert check in commands, f"make unit does not run {check}"
    for needs in ("sudo", "apt-get", "/etc/chromium"):
        assert needs not in commands, f"make unit needs {needs}"


def test_make_test_also_installs_the_browser_and_runs_every_test() -> None:
    commands = dry_run("test")
    for check in ("/eslint ", "apt-get install", "npm ci"):
        assert check in commands, f"make test does not run {check}"
    assert "not browser" not in commands


def test_pre_commit_lints_the_scripts_as_make_does() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--config .ci/eslint.config.mjs" in hooks["eslint"]["entry"]
    assert "--config .ci/eslint.config.mjs" in makefile


def test_test_modules_have_names_of_their_own() -> None:
    # tests/ has no packages: pytest imports each test file by its name, so a second file of the
    # same name in tests/browser/ stops the whole collection ("import file mismatch").
    names = Counter(path.name for path in (ROOT / "tests").rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
