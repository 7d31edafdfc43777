"""The package as users install it: a wheel, in a virtual environment of its own.

Offline: the wheel is built without build isolation (setuptools comes from the test install),
and the new environment borrows the test environment's dependencies through a ``.pth`` file.
The project's own code comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from project import FIXTURE_COURSE, ROOT, copy_project


def run(command: list[str | Path], cwd: Path | None = None) -> str:
    """Run ``command``; if it fails, the test fails with its output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"exit status {result.returncode}: {' '.join(map(str, command))}\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (a build writes into the source folder)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("builder", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    run(
        [
            sys.executable,
            *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"),
            *("--wheel-dir", dist, source),
        ]
    )
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, and no other copy of the project."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python]
    run([*pip, "install", "--no-deps", "--no-index", wheel])
    # The dependencies, as folders on the path: the .pth files there (the editable install of
    # this checkout among them) are not read, so `builder` can only come from the wheel.
    query = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(run([python, "-c", query]).strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site_packages / "test-dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    return venv


def test_the_wheel_holds_every_module_and_every_template(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "builder").rglob("*.py")}
    templates = {
        f"builder/{p.relative_to(ROOT).as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert "builder/templates/new/quiz.yml.j2" in templates
    assert sorted(modules - names) == []
    assert sorted(templates - names) == []


def test_course_new_and_course_build_run_from_the_wheel_alone(venv: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", FIXTURE_COURSE)
    python, course = venv / "bin" / "python", venv / "bin" / "course"
    imported = run([python, "-c", "import builder; print(builder.__file__)"], cwd=project)
    assert Path(imported.strip()).is_relative_to(venv), imported

    run([course, "new", "quiz", "from-the-wheel", "--module", "basics"], cwd=project)
    assert (project / "content" / "01-basics" / "from-the-wheel.yml").is_file()
    run([course, "build", "--strict", "--site-dir", tmp_path / "site"], cwd=project)

    described = json.loads((tmp_path / "site" / "course.json").read_text(encoding="utf-8"))
    (basics,) = described["modules"]
    urls = {item["id"]: item["url"] for item in basics["items"]}
    assert (tmp_path / "site" / urls["from-the-wheel"] / "index.html").is_file()


def test_course_init_starts_a_project_that_builds_from_the_wheel_alone(
    venv: Path, tmp_path: Path
) -> None:
    """`course init my-course && cd my-course && course build`: no copy of the engine's
    templates in the project; the pages, theme overrides and scripts come from the wheel."""
    course = venv / "bin" / "course"
    run([course, "init", "my-course"], cwd=tmp_path)
    project = tmp_path / "my-course"
    assert not (project / "templates" / "pages").exists(), "the engine's templates stay in it"
    assert not (project / "builder").exists()
    run([course, "build", "--strict"], cwd=project)

    site = project / "site"
    described = json.loads((site / "course.json").read_text(encoding="utf-8"))
    assert described["approaches"] == ["fact", "opinion"]
    kinds = {item["kind"] for module in described["modules"] for item in module["items"]}
    assert kinds == {"page", "quiz", "drill", "case", "roleplay"}
    drill = (site / "first-steps" / "sort-them" / "index.html").read_text(encoding="utf-8")
    assert 'data-approach-name="opinion">Opinion<' in drill
    assert "assets/course.js" in drill, "the package's theme overrides load the learner script"
    assert (site / "assets" / "course.js").is_file()
    assert (site / "assets" / "drill.js").is_file()
