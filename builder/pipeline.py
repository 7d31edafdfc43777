"""The whole core in one call: content folder -> validated model -> rendered pages."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ContentError, Diagnostic, has_errors
from .pages.site import Rendered, Urls
from .render import render
from .validate import Content, validate_content


@dataclass
class Result:
    """What the core produced, with the warnings that did not stop it and how long it took."""

    content: Content
    rendered: Rendered
    warnings: list[Diagnostic]
    seconds: float


def run_pipeline(
    content_dir: Path, templates_dir: Path, *, strict: bool = False, urls: Urls | None = None
) -> Result:
    """Validate and render the course; raises ContentError listing every problem.

    With ``strict``, warnings count as errors. Pages link to each other at ``urls`` (the
    form of ``use_directory_urls``; default: folders).
    """
    started = time.perf_counter()
    # The pipeline makes millions of short-lived objects and few reference cycles, so the
    # cycle collector would mostly rescan the growing model: a third of the time at 1,000
    # scenarios, for 7% less peak memory (bench/, docs/benchmark.md). It runs again after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        content, diagnostics = validate_content(content_dir)
        if strict:
            diagnostics = [d.as_error() for d in diagnostics]
        if content is None or has_errors(diagnostics):
            raise ContentError(diagnostics)
        rendered = render(content, templates_dir, urls)
    finally:
        if collecting:
            gc.enable()
    return Result(content, rendered, diagnostics, time.perf_counter() - started)
