"""The one module that writes to disk: always into a fresh folder, then swapped into place.

A failed or interrupted write never leaves the target half-written: the previous folder stays
whole until the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .pages.site import Page


def staging_dir(target: Path) -> Path:
    """A new empty folder beside ``target`` (same file system, so the swap is a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staged.chmod(0o777 & ~umask)  # mkdtemp makes it private; the site is meant to be served
    return staged


def replace_dir(staged: Path, target: Path) -> None:
    """Put ``staged`` in place of ``target``; the old folder is removed only afterwards."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.rename(target, old / target.name)
    try:
        os.rename(staged, target)
    except OSError:
        if old is not None:  # put the previous folder back before reporting
            os.rename(old / target.name, target)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_into(target: Path, fill: Callable[[Path], None]) -> None:
    """Run ``fill`` on a staging folder, then swap it in; on any failure, discard it."""
    staged = staging_dir(target)
    try:
        fill(staged)
        replace_dir(staged, target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def write_pages(pages: Iterable[Page], extra: dict[str, str], target: Path) -> int:
    """Write pages (and extra files, by relative path) as a fresh folder at ``target``."""
    count = 0

    def fill(folder: Path) -> None:
        nonlocal count
        for path, text in [*((p.path, p.text) for p in pages), *extra.items()]:
            out = folder / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8", newline="\n")
            count += 1

    build_into(target, fill)
    return count


def write_file(target: Path, data: bytes) -> None:
    """Write ``data`` as the file ``target``, whole or not at all.

    The bytes go to a temporary file beside it (same file system), which is then renamed over
    ``target``: a failure or an interruption leaves the previous file, or none, never half of
    one. The folder must exist.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; it is meant to be shared
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: Every entry of a zip written here is dated 1980-01-01, the earliest date a zip can hold,
#: so the same files always give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_zip(files: dict[str, bytes], target: Path) -> None:
    """Write ``files`` (by path inside the zip) as a zip at ``target``, atomically.

    Deterministic: entries sorted by path, fixed dates and permissions, one compression level.
    """
    import zipfile

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name in sorted(files):
                entry = zipfile.ZipInfo(name, ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o100644 << 16
                entry.create_system = 3  # Unix, so the permissions above are read as such
                archive.writestr(entry, files[name], compresslevel=9)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
