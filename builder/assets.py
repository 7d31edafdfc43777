"""Minify the site's own scripts and stylesheets: readable in the repository, small in browsers.

JavaScript goes through calmjs.parse (an ES5 parser and printer that also shortens local names),
CSS through rcssmin. Parsing JavaScript in Python takes a good part of a second per file, so
results are kept in memory for the process and on disk in the user's cache folder, keyed by a
hash of the source: the same source always gives the same output, so builds stay reproducible.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from calmjs.parse import es5
from calmjs.parse.exceptions import ECMASyntaxError
from calmjs.parse.unparsers.es5 import minify_print
from rcssmin import cssmin

from .diagnostics import ContentError, Diagnostic, Position


def _minify_js(text: str) -> str:
    return str(minify_print(es5(text), obfuscate=True, obfuscate_globals=False))


MINIFIERS: dict[str, Callable[[str], str]] = {".js": _minify_js, ".css": cssmin}

#: The most of the site's own JavaScript and CSS, minified and gzipped, a learner's page loads:
#: learners open many pages, often on a phone on a slow connection.
LEARNER_BUDGET = 8 * 1024
#: The same for a trainer's page (the group debrief is the heaviest). A trainer opens it a few
#: times per workshop on a laptop, and its weight buys the debrief (option counts, first and
#: final answers, the integrity check); splitting it into lazily loaded parts would add
#: requests and code to save bytes no learner ever downloads.
TRAINER_BUDGET = 12 * 1024
_TOOLS = f"calmjs.parse {version('calmjs.parse')}, rcssmin {version('rcssmin')}, format 1"
_DONE: dict[str, str] = {}


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coaching-course" / "minified"


def minifies(path: str) -> bool:
    """Whether ``path`` is a file this module minifies (by its suffix)."""
    return Path(path).suffix in MINIFIERS


def minify(path: str, text: str) -> str:
    """``text``, the content of ``path`` (a ``.js`` or ``.css`` file), minified.

    A script that is not valid ES5 is a bug in the project's assets, reported as a diagnostic
    at the place the parser names.
    """
    suffix = Path(path).suffix
    key = hashlib.sha256(f"{_TOOLS}\n{suffix}\n{text}".encode()).hexdigest()
    known = _DONE.get(key)
    if known is not None:
        return known
    stored = cache_folder() / f"{key}{suffix}"
    try:
        result = stored.read_text(encoding="utf-8")
    except OSError:
        try:
            result = MINIFIERS[suffix](text)
        except ECMASyntaxError as exc:
            line, column = getattr(exc, "lineno", 1) or 1, getattr(exc, "colno", 1) or 1
            raise ContentError(
                [
                    Diagnostic(
                        "asset-syntax",
                        f"the script cannot be minified: {exc}",
                        Position(path, line, column),
                        "site scripts are written in ES5 (var, function; no let, const, "
                        "arrow functions or classes); or set `minify: false` for the plugin",
                    )
                ]
            ) from None
        _store(stored, result)
    _DONE[key] = result
    return result


def _store(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass
