"""builder/write.py: a new folder is filled beside the target, then swapped in whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.pages.site import Page
from builder.write import build_into, replace_dir, staging_dir, write_pages


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_site(folder: Path, files: dict[str, str]) -> dict[str, bytes]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return snapshot(folder)


def leftovers(parent: Path, name: str) -> list[str]:
    """Staging or old folders left beside ``parent / name``."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}-"))


def test_staging_dir_is_a_new_empty_folder_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out" / "site"
    staged = staging_dir(target)
    assert staged.parent == target.parent
    assert staged.is_dir()
    assert list(staged.iterdir()) == []
    assert staged != staging_dir(target)


def test_replace_dir_swaps_in_the_new_folder_and_removes_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "site"
    make_site(target, {"index.html": "old", "old-only/page.html": "stale"})
    staged = staging_dir(target)
    new = make_site(staged, {"index.html": "new", "assets/app.js": "js"})
    replace_dir(staged, target)
    assert snapshot(target) == new
    assert not staged.exists()
    assert leftovers(tmp_path, "site") == []


def test_replace_dir_creates_a_target_that_did_not_exist(tmp_path: Path) -> None:
    target = tmp_path / "site"
    staged = staging_dir(target)
    new = make_site(staged, {"index.html": "first"})
    replace_dir(staged, target)
    assert snapshot(target) == new
    assert leftovers(tmp_path, "site") == []


def test_a_failed_swap_puts_the_previous_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "site"
    old = make_site(target, {"index.html": "old", "marker.txt": "keep me"})
    staged = staging_dir(target)
    make_site(staged, {"index.html": "new"})
    real_rename = os.rename

    def rename(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(src) == staged:
            raise OSError("disk on fire")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="disk on fire"):
        replace_dir(staged, target)
    assert snapshot(target) == old
    assert [p for p in leftovers(tmp_path, "site") if "-old-" in p] == []


def test_build_into_swaps_in_what_fill_wrote(tmp_path: Path) -> None:
    target = tmp_path / "site"
    make_site(target, {"stale.html": "from last time"})

    def fill(folder: Path) -> None:
        assert folder != target
        assert folder.parent == target.parent
        (folder / "index.html").write_text("fresh", encoding="utf-8")

    build_into(target, fill)
    assert snapshot(target) == {"index.html": b"fresh"}
    assert leftovers(tmp_path, "site") == []


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(RuntimeError("fill broke halfway"), id="an-exception"),
        pytest.param(KeyboardInterrupt("fill broke halfway"), id="an-interrupt"),
    ],
)
def test_a_failing_fill_leaves_the_old_folder_intact_and_no_staging_folder(
    tmp_path: Path, error: BaseException
) -> None:
    target = tmp_path / "site"
    old = make_site(target, {"index.html": "old", "deep/er/page.html": "old page"})

    def fill(folder: Path) -> None:
        (folder / "index.html").write_text("half-written", encoding="utf-8")
        raise error

    with pytest.raises(type(error), match="fill broke halfway"):
        build_into(target, fill)
    assert snapshot(target) == old
    assert leftovers(tmp_path, "site") == []


def test_write_pages_writes_pages_and_extra_files_as_utf8_with_unix_newlines(
    tmp_path: Path,
) -> None:
    target = tmp_path / "export"
    make_site(target, {"from-an-older-export.md": "gone after the write"})
    pages = [
        Page("index.md", "Home", "# Café\n\nline\n"),
        Page("module/item.md", "Item", "text\n"),
    ]
    count = write_pages(pages, {"course.json": "{}\n"}, target)
    assert count == 3
    assert snapshot(target) == {
        "course.json": b"{}\n",
        "index.md": "# Café\n\nline\n".encode(),
        "module/item.md": b"text\n",
    }
    assert leftovers(tmp_path, "export") == []
