"""tests/conftest.py: what every test can count on, checked by tests that would fail without it."""

from __future__ import annotations

import logging
import os

import pytest

from builder import assets
from builder.adapters import mkdocs_plugin
from builder.pages import environment


@pytest.mark.parametrize("turn", ["first", "second"])
def test_no_test_sees_caches_or_logging_left_by_the_test_before(turn: str) -> None:
    """Run twice in a row: the second run finds the process as the first one did."""
    logger = logging.getLogger("mkdocs")
    assert mkdocs_plugin.CONVERTED == {}
    assert environment.BYTECODE_CACHE._compiled == {}
    assert assets._DONE == {}
    assert not any(isinstance(h, _Marker) for h in logger.handlers)
    assert os.environ.get("COURSE_TEST_LEFT_BEHIND") is None
    key = ("page.md", turn)
    mkdocs_plugin.CONVERTED[key] = mkdocs_plugin.Converted("<p>x</p>", None, set())
    environment.BYTECODE_CACHE._compiled[turn] = b""
    assets._DONE[turn] = ""
    logger.addHandler(_Marker())
    os.environ["COURSE_TEST_LEFT_BEHIND"] = turn


class _Marker(logging.NullHandler):
    """A handler a test leaves on MkDocs' logger, as `course build` leaves its own."""
