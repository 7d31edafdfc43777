"""LMS packages built as a user builds them, for the tests of `course package`.

``small_project`` is the shipped course cut to its first module and the final assessment, with
a bank of four questions per approach: quicker to build and to play than the whole course (which
fits SCORM 1.2 too: tests/test_package.py packages it with --strict).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from project import copy_project, edit

SMALL_MODULES = ("01-three-levers", "06-final-assessment")
PER_APPROACH = 4


def small_project(target: Path) -> Path:
    """A copy of the project with module 1 and the final assessment (24 questions) only."""
    project = copy_project(target)
    content = project / "content"
    for folder in sorted(content.iterdir()):
        if folder.is_dir() and folder.name not in SMALL_MODULES:
            shutil.rmtree(folder)
    edit(
        content / "course.yml",
        "  - canadian-country-manager\n  - four-things-coaching-is-not\n"
        "  - putting-it-to-work\n  - where-the-pieces-fit\n",
        "",
    )
    quiz_file = content / "06-final-assessment" / "final-quiz.yml"
    quiz = yaml.safe_load(quiz_file.read_text(encoding="utf-8"))
    kept: dict[str, int] = {}
    questions = []
    for question in quiz["questions"]:
        approach = question["approach"]
        if kept.get(approach, 0) < PER_APPROACH:
            kept[approach] = kept.get(approach, 0) + 1
            questions.append(question)
    quiz["questions"] = questions
    quiz_file.write_text(yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True), "utf-8")
    return project


def build_package(
    project: Path, fmt: str, out: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """``python -m builder package --format FMT --out OUT`` in ``project``, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "builder", "package", "--format", fmt, "--out", str(out), *options],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def unzip(package: Path, target: Path) -> Path:
    """The package's files in ``target``."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(target)
    return target
