"""The hostile course (tests/hostile.py) in Chromium: every page and handout, every control.

Every page of the built hostile site is loaded, every control on it clicked (buttons, options,
disclosure widgets, in-page links, twice over, so controls revealed by the first round are
clicked too), the projector driven by its keys, the search run, and the learner's own results
imported into the group debrief dashboard. The handouts are
loaded as the print documents they are. Nothing of the content may run: payloads call
``cqPwned(n)`` (recorded here) or ``alert(...)`` (a dialog, recorded too). No element (in
the page or a template of it) may have an event attribute, through which hovering or focusing
would run script, or a link of another scheme than http(s), mailto or the site's
own, and the browser may ask no other host for anything (the offline guard of conftest.py
also fails the test on any console error).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hostile import SENTINEL
from playwright.sync_api import Error as PlaywrightError

from builder.handouts import PAPERS, handout_documents, workshop_document
from builder.teaching.workshop import plan_workshop
from builder.validate import validate_content

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Dialog, Download, Page

    from tests.conftest import HostileSite, OfflineGuard

pytestmark = pytest.mark.browser

#: Clicks every control of the page once, in document order; returns how many. Synchronous,
#: so that a document replaced under it (a javascript: URL's result) cannot leave it waiting.
CLICK_EVERYTHING = """() => {
    const controls = 'button, input:not([type=file]), select, summary, a[href^="#"], '
        + '[role=button], [tabindex]:not([tabindex="-1"])';
    // Links that would run script are clicked too (there must be none); links to pages are
    // not: every page is visited in turn.
    const links = [...document.querySelectorAll("a[href]")].filter(a =>
        !["http:", "https:", "mailto:"].includes(new URL(a.href, document.baseURI).protocol));
    let clicked = 0;
    for (const element of [...document.querySelectorAll(controls), ...links]) {
        if (!element.isConnected) continue;
        element.click();
        clicked++;
    }
    return clicked;
}"""
#: What a payload calls: records the call and returns nothing, as a real attack's code would.
SENTINEL_SCRIPT = f"window.{SENTINEL} = n => {{ window.cqReport(String(n)); }};"

#: Every element (also inside <template>s): event attributes, URL attributes and their schemes.
AUDIT = """() => {
    const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data",
        "poster", "srcset", "background", "cite", "ping", "codebase", "longdesc", "icon"];
    const loading = ["src", "srcset", "poster", "data", "background", "icon"];
    const out = {elements: 0, urls: 0, events: [], bad: [], foreign: []};
    const roots = [document, ...[...document.querySelectorAll("template")].map(t => t.content)];
    for (const root of roots) {
        for (const element of root.querySelectorAll("*")) {
            out.elements++;
            for (const attribute of element.attributes) {
                const name = attribute.name.toLowerCase();
                const where = () => element.outerHTML.slice(0, 160);
                if (name.startsWith("on")) out.events.push(where());
                if (!urlAttributes.includes(name)) continue;
                out.urls++;
                let url;
                try {
                    url = new URL(attribute.value, document.baseURI);
                } catch (error) {
                    continue;
                }
                if (!["http:", "https:", "mailto:"].includes(url.protocol)) {
                    out.bad.push(`${url.protocol} in ${name}: ${where()}`);
                } else if (loading.includes(name) && url.host !== location.host) {
                    out.foreign.push(`${name}: ${where()}`);
                }
            }
        }
    }
    return out;
}"""


PROJECTOR_KEYS = ["ArrowRight", "ArrowRight", "r", "ArrowRight", "1", "ArrowLeft", "r", "Home"]


@dataclass
class Crawl:
    """What the crawl did and what it found."""

    base: str = ""  # the address of the site crawled, with its slash
    pages: int = 0
    controls: int = 0
    elements: int = 0
    urls: int = 0
    executions: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    bad_links: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        def called(source: dict[str, Any], number: object) -> None:
            self.executions.append(f"cqPwned({number}) on {source['page'].url}")

        context.expose_binding("cqReport", called)
        context.add_init_script(SENTINEL_SCRIPT)
        context.add_init_script("window.print = () => {};")  # no print dialog to wait for
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("dialog", self.on_dialog)
        page.on("download", self.on_download)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(
            f"{dialog.type}: {dialog.message} on {dialog.page.url if dialog.page else '?'}"
        )
        dialog.dismiss()

    def on_download(self, download: Download) -> None:
        path = download.path()
        text = Path(path).read_text(encoding="utf-8") if path else ""
        json.loads(text)  # an export is data, whatever the content held
        self.downloads.append(download.suggested_filename)

    def visit(
        self, page: Page, url: str, *, keys: list[str] | None = None, rounds: int = 2
    ) -> Page:
        """Load ``url``, click everything (``rounds`` times: the first reveals more controls),
        press ``keys``, audit; returns the tab to go on in."""
        page.goto(self.base + url)
        self.pages += 1
        try:
            for _ in range(rounds):
                self.controls += page.evaluate(CLICK_EVERYTHING)
                page.wait_for_timeout(30)
        except PlaywrightError as error:  # a click left the page: a javascript: URL's result
            self.navigations.append(f"/{url}: {error.message.splitlines()[0]}")
            page.close()
            page = page.context.new_page()
            page.goto(self.base + url)
        for key in keys or []:
            page.keyboard.press(key)
        self.audit(page, url)
        return page

    def audit(self, page: Page, url: str) -> None:
        found = page.evaluate(AUDIT)
        self.elements += found["elements"]
        self.urls += found["urls"]
        self.events += [f"/{url}: {e}" for e in found["events"]]
        self.bad_links += [f"/{url}: {b}" for b in found["bad"]]
        self.foreign += [f"/{url}: {f}" for f in found["foreign"]]

    def report(self, seconds: float, guard: OfflineGuard) -> str:
        return (
            f"{self.pages} pages and handouts, {self.controls} clicks, {self.elements} elements, "
            f"{self.urls} URLs; {len(self.executions)} executions, {len(self.dialogs)} dialogs, "
            f"{len(self.events)} event attributes, {len(self.bad_links)} bad links, "
            f"{len(self.foreign)} foreign loads, {len(guard.foreign_requests)} foreign requests, "
            f"{len(self.navigations)} pages left by a click, "
            f"{len(self.downloads)} downloads; {seconds:.0f} s"
        )


def site_pages(site: Path) -> list[str]:
    """Learner pages first (their answers feed the progress page), then the rest."""
    every = {
        "" if p.parent == site else f"{p.parent.relative_to(site).as_posix()}/"
        for p in site.rglob("index.html")
    }
    course = json.loads((site / "course.json").read_text(encoding="utf-8"))
    learner = [m["url"] for m in course["modules"]]
    learner += [i["url"] for m in course["modules"] for i in m["items"]]
    rest = sorted(every - set(learner) - {"progress/", "trainer/dashboard/"})
    return ["", *learner, *[u for u in rest if u], "progress/"]


def write_handouts(hostile: HostileSite) -> list[str]:
    """The print documents of the hostile course, beside the site, as site-relative URLs."""
    content, _ = validate_content(hostile.project / "content")
    assert content is not None
    templates = hostile.project / "templates" / "print"
    documents = handout_documents(content, templates, PAPERS["a4"])
    plan = plan_workshop(content, content.modules[:2], 90)
    site_url = "https://courses.example.org/coaching/"
    documents.append(workshop_document(content, plan, templates, PAPERS["letter"], site_url))
    folder = hostile.site / "handouts-under-test"
    folder.mkdir(exist_ok=True)
    for document in documents:
        (folder / f"{document.name}.html").write_text(document.html, encoding="utf-8")
    return [f"handouts-under-test/{document.name}.html" for document in documents]


def test_no_payload_runs_links_elsewhere_or_loads_anything_on_any_page_or_handout(
    new_context: Callable[..., BrowserContext],
    hostile_site: HostileSite,
    offline_guard: OfflineGuard,
) -> None:
    started = time.perf_counter()
    crawl = Crawl()
    # The hostile site, not the shipped one, by full addresses: pytest-playwright makes its
    # context arguments (base_url among them) once per session, so a module cannot override
    # `base_url`; with the shipped site's tests run first, it would crawl the shipped site.
    crawl.base = hostile_site.url
    context = new_context()
    crawl.watch(context)
    page = context.new_page()

    urls = site_pages(hostile_site.site)
    for url in urls:
        keys = PROJECTOR_KEYS if url.endswith("-projector/") else None
        page = crawl.visit(page, url, keys=keys)
    code = page.locator(".cq-share-code").input_value()
    assert code.startswith("CQ1."), "the progress page gave the learner's results as a code"

    page.goto(crawl.base + "trainer/dashboard/")
    page.locator(".cq-code").fill(code)
    page.get_by_role("button", name="Add the codes").click()
    page.locator(".cq-results").wait_for(state="visible")
    crawl.pages += 1
    crawl.controls += page.evaluate(CLICK_EVERYTHING)
    crawl.audit(page, "trainer/dashboard/")

    page.goto(crawl.base)
    page.locator(".md-search__input").press_sequentially("cqPwned script")  # keyup: see test_scorm
    page.locator(".md-search-result__item").first.wait_for()
    crawl.controls += page.evaluate(CLICK_EVERYTHING)
    crawl.audit(page, "search results")

    for url in write_handouts(hostile_site):
        page = crawl.visit(page, url)
    page.wait_for_load_state("networkidle")

    summary = crawl.report(time.perf_counter() - started, offline_guard)
    print(f"\nhostile crawl: {summary}")
    assert crawl.pages > 80, summary
    assert crawl.downloads, "the export buttons were clicked"
    assert crawl.executions == [], summary
    assert crawl.navigations == [], summary
    assert [d for d in crawl.dialogs if SENTINEL in d] == [], summary
    assert crawl.events == [], "\n".join(crawl.events[:20])
    assert crawl.bad_links == [], "\n".join(crawl.bad_links[:20])
    assert crawl.foreign == [], "\n".join(crawl.foreign[:20])
    assert offline_guard.foreign_requests == [], "\n".join(offline_guard.foreign_requests[:20])
    assert len(offline_guard.requests) > crawl.pages, "the guard saw the crawl's requests"
