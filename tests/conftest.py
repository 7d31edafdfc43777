"""Shared test setup: golden files, and the built site served to a real, offline Chromium.

Browser tests (``@pytest.mark.browser``) drive Debian's ``/usr/bin/chromium`` through
pytest-playwright (``make test`` installs both). Pages come only from a server on 127.0.0.1
that this file starts; a request to any other host, or an error in the browser console, fails
the test that caused it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from builder.handouts import CHROMIUM_ARGS  # one list of offline flags, also for handouts

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Route, WebError

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = "127.0.0.1"

# Chromium talks to Google services even when headless; CHROMIUM_ARGS stop what they can and
# make every host name but the loopback server unresolvable. Headless mode itself comes from
# pytest-playwright, so `--headed` keeps working. `make test` adds a managed policy and, where
# it may, a loopback-only network namespace.

# Requests for which the browser asks this file first; others go straight to the loopback
# server. A regex (unlike a function) lets Chromium skip the round trip for those.
_MAYBE_FOREIGN = re.compile(rf"^(?!(?:https?|wss?)://{re.escape(LOOPBACK)}[:/]|data:|blob:|about:)")

UPDATE_GOLDEN = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing against them",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[UPDATE_GOLDEN] = bool(config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def update_golden(pytestconfig: pytest.Config) -> bool:
    """Whether golden-file tests should rewrite their expected files (``--update-golden``)."""
    return pytestconfig.stash[UPDATE_GOLDEN]


# --- every test starts from the state of a new process ---------------------------------------


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """Empty the builder's process-wide caches before each test, and undo what a build changed.

    Pages converted by an earlier build (``CONVERTED``), compiled templates and minified assets
    would otherwise make a test see less work than a fresh build does, depending on which tests
    ran before it; `course build` points MkDocs' logger at stderr, and the plugin sets
    ``SOURCE_DATE_EPOCH``. Test order must not matter.
    """
    from builder import assets
    from builder.adapters import mkdocs_plugin
    from builder.pages import environment

    mkdocs_plugin.CONVERTED.clear()
    environment.BYTECODE_CACHE.clear()
    assets._DONE.clear()
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    environment = dict(os.environ)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved
    os.environ.clear()
    os.environ.update(environment)


# --- a run that passed nothing is not a success ----------------------------------------------

_PASSED = pytest.StashKey[int]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_PASSED] = 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.passed:
        item.config.stash[_PASSED] += 1
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Turn "everything was skipped or deselected" into a failing exit status.

    pytest exits 0 when every test is skipped, which would let CI go green without having
    checked anything (say, if the browser tests stopped being collected).
    """
    config = session.config
    if config.option.collectonly or exitstatus != pytest.ExitCode.OK:
        return
    if config.stash.get(_PASSED, 0) == 0:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("error: no test passed (all skipped or deselected)", red=True)
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


_BROWSER_FIXTURES = {"page", "context", "new_context", "browser", "browser_type"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Require the ``browser`` marker wherever a browser is used, so ``-m`` selects honestly."""
    unmarked = [
        item.nodeid
        for item in items
        if _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests use a browser but lack @pytest.mark.browser:\n  " + "\n  ".join(unmarked)
        )


# --- the built site, served on loopback ------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that drops a connection it no longer needs is not an error of the site.
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve the folder ``site`` on a free loopback port; yields its URL (with a slash)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    with _QuietServer((LOOPBACK, 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
        thread.start()
        try:
            yield f"http://{LOOPBACK}:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join()


@pytest.fixture(scope="session")
def _site_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A loopback server on a free port for the site folder, started before the build.

    The site is built for the address it is served from (``SITE_URL``), as it would be when
    published: Material's instant navigation only works there.
    """
    given = os.environ.get("COURSE_TEST_SITE")
    if given and not Path(given).is_dir():
        pytest.fail(f"COURSE_TEST_SITE={given!r} is not a directory", pytrace=False)
    site = Path(given).resolve() if given else tmp_path_factory.mktemp("site")
    with serve(site) as url:
        yield site, url


def build_site(project: Path, site: Path, url: str) -> subprocess.CompletedProcess[str]:
    """``python -m builder build`` in ``project`` into ``site``, for the address ``url``.

    Run as a user would; if it fails, the test that needs the site fails with its output.
    """
    command = [sys.executable, "-m", "builder", "build", "--site-dir", str(site)]
    result = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"building the site failed with exit status {result.returncode}:\n"
            f"$ {' '.join(command)}\n{result.stdout}{result.stderr}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def built_site(_site_server: tuple[Path, str]) -> Path:
    """The directory of a built site: ``$COURSE_TEST_SITE`` if set, else a fresh build.

    The fresh build runs once per session.
    """
    site, url = _site_server
    if not os.environ.get("COURSE_TEST_SITE"):
        build_site(ROOT, site, url)
    return site


@dataclass(frozen=True)
class ServedSite:
    """A built site, the URL it is served from, and the form of its pages' URLs."""

    site: Path
    url: str
    #: ``use_directory_urls`` of the build: pages at ``page/`` (true) or ``page.html`` (false).
    directory_urls: bool


@pytest.fixture(scope="session", params=[True, False], ids=["directory-urls", "file-urls"])
def site_of_either_url_form(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedSite]:
    """The shipped course built with ``use_directory_urls`` true (the ``built_site``), then
    false (a copy of the project, built once per session and served on its own port)."""
    if request.param:
        site = request.getfixturevalue("built_site")
        yield ServedSite(site, request.getfixturevalue("site_url"), True)
        return
    from project import copy_project, edit

    project = copy_project(tmp_path_factory.mktemp("file-urls"))
    edit(project / "mkdocs.yml", "use_directory_urls: true\n", "use_directory_urls: false\n")
    site = project / "site"
    site.mkdir()
    with serve(site) as url:
        build_site(project, site, url)
        yield ServedSite(site, url, False)


# --- the hostile course (tests/hostile.py), built and served on loopback ---------------------


@dataclass(frozen=True)
class HostileSite:
    """The shipped course with payloads in every text field, as built and served."""

    project: Path
    site: Path
    url: str
    #: Which text fields of which models got a payload, and how many fields in all.
    reached: frozenset[tuple[str, str]]
    fields: int
    #: What `course build` printed (its warnings).
    output: str


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    """The hostile course, built once per session and served on its own loopback port."""
    from hostile import make_hostile_project

    project = tmp_path_factory.mktemp("hostile")
    attacker = make_hostile_project(project)
    site = project / "site"
    site.mkdir()
    with serve(site) as url:
        result = build_site(project, site, url)
        yield HostileSite(
            project,
            site,
            url,
            frozenset(attacker.reached),
            attacker.count,
            result.stdout + result.stderr,
        )


@dataclass(frozen=True)
class SecondCourse:
    """tests/courses/feedback: a course with three categories of its own, built with the
    package's templates only (it has none of its own) and served on its own loopback port."""

    site: Path
    url: str


@pytest.fixture(scope="session")
def second_course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecondCourse]:
    import shutil

    project = tmp_path_factory.mktemp("second-course") / "feedback"
    shutil.copytree(ROOT / "tests" / "courses" / "feedback", project)
    site = project / "site"
    site.mkdir()
    with serve(site) as url:
        build_site(project, site, url)
        yield SecondCourse(site, url)


@pytest.fixture(scope="session")
def site_url(built_site: Path, _site_server: tuple[Path, str]) -> str:
    """The URL (with a trailing slash) of the built site, served on a free loopback port."""
    return _site_server[1]


@pytest.fixture(scope="session")
def base_url(site_url: str) -> str:
    """Lets tests write ``page.goto("module/item/")`` (pytest-playwright's fixture)."""
    return site_url


# --- Chromium, kept offline ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (Playwright cannot download browsers here) with offline flags."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": args}


@dataclass
class OfflineGuard:
    """What the browser did that a test must not allow: reach other hosts, log errors."""

    requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        """Record ``context``'s requests and errors, and block requests to other hosts."""
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)
        context.route(_MAYBE_FOREIGN, self._on_route)

    def __repr__(self) -> str:
        return (
            f"OfflineGuard({len(self.requests)} requests, {len(self.foreign_requests)} to other"
            f" hosts, {len(self.console_errors)} console errors)"
        )

    @staticmethod
    def allows(url: str) -> bool:
        """Whether the browser may fetch ``url``: the loopback server, or data needing no host."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == LOOPBACK

    def problems(self) -> list[str]:
        """One line per distinct problem, with how often it happened."""
        lines = [
            *(f"request to another host: {r}" for r in self.foreign_requests),
            *(f"console error: {e}" for e in self.console_errors),
        ]
        return [f"{line} ({n} times)" if n > 1 else line for line, n in Counter(lines).items()]

    def _on_request(self, request: Request) -> None:
        entry = f"{request.method} {request.url}"
        self.requests.append(entry)
        if not self.allows(request.url):
            self.foreign_requests.append(entry)

    def _on_route(self, route: Route) -> None:
        if self.allows(route.request.url):
            route.fallback()
        else:
            route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url") or "?"
            self.console_errors.append(f"{message.text} (at {where})")

    def _on_web_error(self, error: WebError) -> None:
        frames = [line.strip() for line in (error.error.stack or "").splitlines()[1:2]]
        where = f"{frames[0]}, " if frames else ""
        page = error.page.url if error.page else "?"
        self.console_errors.append(f"uncaught {error.error.message} ({where}on {page})")


@pytest.fixture
def offline_guard() -> OfflineGuard:
    """The guard watching this test's browser contexts (tests may inspect or clear it)."""
    return OfflineGuard()


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], offline_guard: OfflineGuard
) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory (behind ``context`` and ``page``), guarded."""

    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        offline_guard.watch(context)
        return context

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    guard = getattr(item, "funcargs", {}).get("offline_guard")
    if isinstance(guard, OfflineGuard) and guard.problems():
        pytest.fail("\n".join(["the browser misbehaved:", *guard.problems()]), pytrace=False)
    return result


# --- axe-core --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> Path:
    """axe-core's script, installed from .ci/package-lock.json by ``npm ci --prefix .ci``."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci --prefix .ci`", pytrace=False)
    return AXE_JS


@pytest.fixture(scope="session")
def run_axe(axe_source: Path) -> Callable[[Page], list[dict[str, Any]]]:
    """``run_axe(page)``: axe-core's violations on the page as it is now (all rule tags)."""

    def run(page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("typeof axe === 'object'"):
            page.add_script_tag(path=axe_source)
            # Later pages of this tab get axe as they load, which is quicker than injecting it.
            page.add_init_script(path=axe_source)
        violations: list[dict[str, Any]] = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        return violations

    return run
