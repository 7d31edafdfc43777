"""A project folder as a user has one, and the `course` command run in-process on it.

Shared by the tests of the CLI and of the MkDocs plugin.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from builder.adapters.cli import main
from builder.validate import Content, validate_content

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"


def valid_content(folder: Path) -> Content:
    """The content of ``folder``, which must validate (the diagnostics show if it does not)."""
    found, diagnostics = validate_content(folder)
    assert found is not None, [d.format() for d in diagnostics]
    return found


def invoke(*args: str) -> Result:
    """`course ARGS` in-process; an exception that is not a deliberate exit is re-raised."""
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug, not a user error: show where it happened
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``, by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differing(first: Path, second: Path) -> list[str]:
    """The files that differ between two folders, or are in one only."""
    one, two = snapshot(first), snapshot(second)
    return sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in the file at ``path`` with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_project(target: Path, content: Path = ROOT / "content") -> Path:
    """A project folder as a user has it: content, templates, mkdocs.yml and the schema."""
    shutil.copytree(content, target / "content")
    shutil.copytree(ROOT / "templates", target / "templates")
    shutil.copytree(ROOT / "schema", target / "schema")
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target
