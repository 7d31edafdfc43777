"""The whole core in one call: content folder -> validated model -> rendered pages."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ContentError, Diagnostic, has_errors
from .render import Rendered, render
from .validate import Content, validate_content


@dataclass
class Result:
    """What the core produced, with the warnings that did not stop it and how long it took."""

    content: Content
    rendered: Rendered
    warnings: list[Diagnostic]
    seconds: float


def run_pipeline(content_dir: Path, templates_dir: Path, *, strict: bool = False) -> Result:
    """Validate and render the course; raises ContentError listing every problem.

    With ``strict``, warnings count as errors.
    """
    started = time.perf_counter()
    content, diagnostics = validate_content(content_dir)
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    if content is None or has_errors(diagnostics):
        raise ContentError(diagnostics)
    rendered = render(content, templates_dir)
    return Result(content, rendered, diagnostics, time.perf_counter() - started)
