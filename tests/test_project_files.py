"""The files contributors meet first: workflows, pre-commit and the pull request template."""

from __future__ import annotations

import re
import subprocess
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
    assert "make test" in lines
    assert any(line.startswith(".venv/bin/course validate --format github") for line in lines)
    uploads = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert uploads, "the built site is uploaded as an artifact"
    assert uploads[0]["with"]["path"] == "site/"


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
