"""The built site in a real browser: every page loads, passes axe-core and stays on the site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.conftest import OfflineGuard

pytestmark = pytest.mark.browser

MAX_TABS = 400  # far more stops than any page has before its content; a trap fails the test


def urls_in(data: Any) -> Iterator[str]:
    """Every ``url`` value in ``course.json``, at any depth (modules, items, ...)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "url" and isinstance(value, str):
                yield value
            else:
                yield from urls_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from urls_in(value)


@pytest.fixture(scope="module")
def course_index(built_site: Path) -> dict[str, Any]:
    path = built_site / "course.json"
    assert path.is_file(), f"the built site has no course.json ({path})"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def site_pages(course_index: dict[str, Any], built_site: Path) -> list[str]:
    """Site-relative URLs of the home page, every page in course.json, and every other page."""
    listed = set(urls_in(course_index))
    assert listed, "course.json lists no page urls"
    on_disk = {
        "" if page.parent == built_site else f"{page.parent.relative_to(built_site).as_posix()}/"
        for page in built_site.rglob("index.html")
    }
    return sorted({"", *listed, *on_disk})


def describe(url: str, violation: dict[str, Any]) -> Iterator[str]:
    for node in violation["nodes"]:
        target = " ".join(str(t) for t in node["target"])
        yield f"/{url}: {violation['id']} [{violation['impact']}] at {target}: {violation['help']}"


def test_home_page_shows_the_course_title(page: Page, course_index: dict[str, Any]) -> None:
    title = course_index["title"]
    response = page.goto("")
    assert response is not None
    assert response.status == 200
    expect(page).to_have_title(re.compile(re.escape(title)))
    expect(page.get_by_role("banner")).to_contain_text(title)


def test_every_page_loads_and_has_no_axe_violations(
    page: Page, site_pages: list[str], run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    failures: list[str] = []
    for url in site_pages:
        response = page.goto(url)
        if response is None or response.status != 200:
            failures.append(f"/{url}: HTTP {response.status if response else 'no response'}")
            continue
        for violation in run_axe(page):
            failures.extend(describe(url, violation))
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures)


def test_pages_load_nothing_from_other_hosts(
    page: Page, site_pages: list[str], offline_guard: OfflineGuard
) -> None:
    """Also checks what each page *refers* to, which a lazy or blocked load would not show.

    It moves on once a page's HTML is parsed; what scripts request later is caught by the
    guard on every browser test, the axe test among them, which lets each page load fully.
    """
    referenced: list[str] = []
    for url in site_pages:
        page.goto(url, wait_until="domcontentloaded")
        sources = page.eval_on_selector_all(
            "[src], link[href], object[data]",
            "elements => elements.map(e => e.src || e.href || e.data).filter(Boolean)",
        )
        referenced += [f"/{url} refers to {s}" for s in sources if not offline_guard.allows(s)]
    page.wait_for_load_state("networkidle")
    assert offline_guard.requests, "the browser made no requests at all: is the guard attached?"
    assert not offline_guard.foreign_requests, "\n".join(offline_guard.foreign_requests)
    assert not referenced, "\n".join(referenced)


def test_keyboard_user_can_tab_to_the_first_content_link_and_follow_it(page: Page) -> None:
    page.goto("")
    target = page.evaluate_handle(
        """() => [...document.querySelectorAll("main article a[href]")].find(a =>
                a.checkVisibility() &&
                new URL(a.href).pathname !== location.pathname) ?? null"""
    ).as_element()
    assert target is not None, "the home page's content has no link to another page"
    href = target.evaluate("a => a.href")

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("a => a === document.activeElement"):
            break
    else:
        pytest.fail(f"{MAX_TABS} presses of Tab never reached the link to {href}")

    page.keyboard.press("Enter")
    page.wait_for_url(href)
    expect(page.locator("h1")).to_be_visible()
    assert page.request.get(href).status == 200
