"""The browser-test harness itself can fail: it catches other hosts, console errors and axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page

if TYPE_CHECKING:
    from tests.conftest import OfflineGuard

pytestmark = pytest.mark.browser


def test_a_request_to_another_host_is_blocked_and_reported(
    page: Page, offline_guard: OfflineGuard
) -> None:
    page.goto("")
    outcome = page.evaluate(
        "fetch('https://example.com/tracker.js').then(() => 'loaded', () => 'blocked')"
    )
    assert outcome == "blocked"
    assert offline_guard.foreign_requests == ["GET https://example.com/tracker.js"]
    # Handled: the guard would otherwise fail this test once it returns.
    offline_guard.foreign_requests.clear()
    offline_guard.console_errors.clear()


def test_console_errors_and_uncaught_exceptions_are_reported(
    page: Page, offline_guard: OfflineGuard
) -> None:
    page.goto("")
    page.evaluate("console.error('logged on purpose')")
    with page.context.expect_event("weberror"):
        page.evaluate("setTimeout(() => { throw new Error('thrown on purpose') })")
    assert any("logged on purpose" in e for e in offline_guard.console_errors)
    assert any("thrown on purpose" in e for e in offline_guard.console_errors)
    offline_guard.console_errors.clear()


def test_axe_reports_an_image_without_alternative_text(
    page: Page, run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    page.goto("")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            document.querySelector("main").append(img);
        }"""
    )
    assert "image-alt" in {violation["id"] for violation in run_axe(page)}
