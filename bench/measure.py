"""The measurements: each takes a project folder and returns plain numbers.

Every subprocess runs in its own process group with a deadline, and every server is stopped
on the way out, whatever happened; nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import gzip
import html
import os
import posixpath
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any, ClassVar
from urllib.parse import urlsplit

import yaml
from synthetic import plugin_dirs, read_config, retitle

from builder.pipeline import Result, run_pipeline

BIN = Path(sys.executable).parent
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
KB = 1024
MB = 1024 * 1024


class MeasureError(Exception):
    """A measurement could not be taken (a command failed or timed out)."""


@dataclass
class Timed:
    """One run of a command: wall and CPU time, the child's peak resident memory, its output."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    output: str


def _env() -> dict[str, str]:
    """The environment of every command: this one (with the snapshot on PYTHONPATH), quieter."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}


def _stop_group(pid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _spawn(argv: list[str], cwd: Path, output: IO[bytes], **extra: Any) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own process group (so a time limit can stop all of it), output
    and errors to ``output``, no input."""
    return subprocess.Popen(
        argv,
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        **extra,
    )


def run_timed(command: Sequence[str | Path], cwd: Path, timeout: float) -> Timed:
    """Run a command to completion; peak RSS comes from the kernel's rusage of that child."""
    argv = [str(part) for part in command]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = _spawn(argv, cwd, log)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _stop_group(process.pid)

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if expired.is_set():
        raise MeasureError(f"`{' '.join(argv)}` took longer than {timeout:.0f} s and was stopped")
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-20:])
        raise MeasureError(f"`{' '.join(argv)}` exited with {process.returncode}:\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return Timed(seconds, cpu, usage.ru_maxrss * KB / MB, output)


# --- the builder's own stage, in process ------------------------------------------------


def builder_stage(project: Path, repeat: int) -> tuple[float, float, Result]:
    """Best wall and CPU time of load + validate + render (no MkDocs), and the last result.

    Each run starts as a fresh process would: the previous result freed and collected, so
    the garbage collector does not charge one run for the objects of another.
    """
    content_dir, templates_dir = plugin_dirs(project)
    best = best_cpu = float("inf")
    result: Result | None = None
    for _ in range(repeat):
        result = None
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run_pipeline(content_dir, templates_dir)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    assert result is not None
    return best, best_cpu, result


# --- full builds: `course build` against plain MkDocs on the same pages ------------------


def course_build(project: Path, site: Path, timeout: float) -> Timed:
    shutil.rmtree(site, ignore_errors=True)
    command: list[str | Path] = [
        BIN / "course",
        "build",
        "--site-dir",
        site,
        "--config",
        "mkdocs.yml",
    ]
    return run_timed(command, project, timeout)


def prepare_plain(project: Path, nav: list[dict[str, Any]], timeout: float) -> Path:
    """The same pages as plain Markdown, and an mkdocs.yml that builds them without the plugin.

    Pages come from `course export-markdown`, static files from the configured docs_dir and the
    navigation from the builder's own (as the plugin hands it to MkDocs). The configuration
    inherits the project's (`INHERIT`), replacing only docs_dir, the plugin list and nav.
    """
    config = read_config(project)
    docs = project / "plain-docs"
    content_dir, templates_dir = plugin_dirs(project)
    command: list[str | Path] = [BIN / "course", "export-markdown", docs]
    command += ["--content", content_dir, "--templates", templates_dir]
    run_timed(command, project, timeout)
    static = project / config.get("docs_dir", "docs")
    if static.is_dir():
        shutil.copytree(static, docs, dirs_exist_ok=True)
    plugins = config.get("plugins") or []
    if not isinstance(plugins, list):
        raise MeasureError("mkdocs.yml lists plugins as a mapping; the benchmark needs a list")
    plugins = [p for p in plugins if p != "course" and not (isinstance(p, dict) and "course" in p)]
    plain = project / "plain-mkdocs.yml"
    settings = {"INHERIT": "mkdocs.yml", "docs_dir": docs.name, "plugins": plugins, "nav": nav}
    plain.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), "utf-8")
    return plain


def plain_build(project: Path, config: Path, site: Path, timeout: float) -> Timed:
    shutil.rmtree(site, ignore_errors=True)
    command: list[str | Path] = [BIN / "mkdocs", "build", "-f", config, "-d", site]
    return run_timed(command, project, timeout)


# --- what a learner downloads ------------------------------------------------------------


def page_weight(site: Path, *, gzipped: bool = False) -> dict[str, Any]:
    """Size of every HTML page of a built site, in KB (1,024 bytes); gzipped at level 6 too."""
    pages = sorted(site.rglob("*.html"))
    if not pages:
        raise MeasureError(f"no HTML pages in {site}")
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    heaviest = max(sizes, key=lambda k: sizes[k])
    out = {
        "pages": len(sizes),
        "mean_kb": round(statistics.fmean(sizes.values()) / KB, 1),
        "max_kb": round(sizes[heaviest] / KB, 1),
        "max_page": heaviest,
    }
    if gzipped:
        packed = [len(gzip.compress(p.read_bytes(), compresslevel=6, mtime=0)) for p in pages]
        out.update(gzip_mean_kb=round(statistics.fmean(packed) / KB, 1))
        out.update(gzip_max_kb=round(max(packed) / KB, 1))
    return out


def asset_weight(project: Path, site: Path | None = None) -> list[dict[str, Any]]:
    """The course's own JavaScript and CSS, raw and gzipped (level 9), in bytes.

    ``raw`` and ``gzip`` are what browsers download: the built site's minified copy when
    ``site`` is given; ``source_raw`` and ``source_gzip`` are the files as written.
    """
    assets = project / "templates" / "static" / "assets"
    files = sorted([*assets.glob("*.js"), *assets.glob("*.css")])
    out = []
    for path in files:
        source = path.read_bytes()
        served_path = site / "assets" / path.name if site is not None else None
        served = served_path.read_bytes() if served_path and served_path.is_file() else source
        out.append(
            {
                "file": path.relative_to(project).as_posix(),
                "raw": len(served),
                "gzip": len(gzip.compress(served, compresslevel=9, mtime=0)),
                "source_raw": len(source),
                "source_gzip": len(gzip.compress(source, compresslevel=9, mtime=0)),
            }
        )
    return out


def assets_by_page(site: Path, assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Which of the course's own JS and CSS files each page loads, grouped by the set loaded.

    One entry per distinct set: its files, gzipped total, how many pages load it, and one page.
    """
    by_name = {"assets/" + Path(a["file"]).name: a for a in assets}
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        parser = _References()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        loaded = set()
        for tag, attribute, url in parser.found:
            if (tag, attribute) in {("script", "src"), ("link", "href")}:
                target = urlsplit(url)
                where = (
                    target.path
                    if target.netloc
                    else posixpath.join(posixpath.dirname(page), target.path)
                )
                name = posixpath.normpath(where).lstrip("/")
                if name in by_name:
                    loaded.add(name)
        groups.setdefault(tuple(sorted(loaded)), []).append(page)
    return sorted(
        (
            {
                "files": list(files),
                "gzip": sum(by_name[f]["gzip"] for f in files),
                "pages": len(pages),
                "example": pages[0],
            }
            for files, pages in groups.items()
        ),
        key=lambda g: -g["gzip"],
    )


class _References(HTMLParser):
    """Collects every URL a page points at through src, href, srcset or action."""

    ATTRIBUTES: ClassVar[set[str]] = {"src", "href", "srcset", "action", "poster", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                urls = [part.split()[0] for part in value.split(",") if part.strip()]
                for url in urls if name == "srcset" else [value.strip()]:
                    self.found.append((tag, name, url))


_CSS_URL = re.compile(r"""(?:url\(\s*|@import\s+)["']?([^"')\s;]+)""")


def _third_party_host(url: str) -> str | None:
    url = html.unescape(url)
    if not (url.startswith("//") or re.match(r"^https?://", url, re.IGNORECASE)):
        return None
    host = urlsplit(url if not url.startswith("//") else "http:" + url).hostname or ""
    return None if host in LOCAL_HOSTS else host


def third_party_references(site: Path) -> list[dict[str, Any]]:
    """References to hosts other than the local one, in HTML (src, href...) and CSS url().

    One entry per distinct reference: how often it occurs, in how many files, and one of them.
    """
    found: Counter[tuple[str, str]] = Counter()
    files: dict[tuple[str, str], set[str]] = {}

    def note(where: str, url: str, path: Path) -> None:
        if _third_party_host(url):
            found[(where, url)] += 1
            files.setdefault((where, url), set()).add(path.relative_to(site).as_posix())

    for path in sorted(site.rglob("*.html")):
        parser = _References()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        for tag, attribute, url in parser.found:
            note(f"<{tag} {attribute}>", url, path)
    for path in sorted(site.rglob("*.css")):
        for url in _CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace")):
            note("css url()", url, path)
    return [
        {
            "where": where,
            "url": url,
            "count": count,
            "files": len(files[(where, url)]),
            "example": min(files[(where, url)]),
        }
        for (where, url), count in sorted(found.items())
    ]


# --- rebuild after an edit under `course serve` -----------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _fetch(url: str, timeout: float) -> str | None:
    try:
        with _opener.open(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(check: Callable[[], bool], deadline: float, what: str, interval: float) -> None:
    while not check():
        if time.perf_counter() > deadline:
            raise MeasureError(f"gave up waiting for {what}")
        time.sleep(interval)


_BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


def _interruptible() -> None:
    """In the server's process: take SIGINT as Ctrl-C even where the benchmark ignores it.

    A shell starts background jobs with SIGINT ignored, and Python then never installs its
    handler; the server would not shut down (and remove its temporary site) when asked.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a running process so far (Linux), None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: How often MkDocs' file watcher looks for changes (`LiveReloadServer`'s polling interval).
WATCHER_POLL_S = 0.5


def serve_rebuild(
    project: Path, item_file: Path, page: str, edits: int, timeout: float
) -> dict[str, Any]:
    """Seconds from saving a new title in ``item_file`` to the new title being served.

    The edit is written beside the project and renamed into place, so the file watcher never
    sees a half-written file. MkDocs' server holds requests while a build runs, so a page with
    the new title means the whole rebuild has finished.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    original = item_file.read_text(encoding="utf-8")
    command = [str(BIN / "course"), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    log_path = project.parent / "serve.log"
    with open(log_path, "ab") as log:
        started = time.perf_counter()
        server = _spawn(command, project, log, preexec_fn=_interruptible)

        def output() -> str:
            return log_path.read_text(encoding="utf-8", errors="replace")

        def check_alive() -> None:
            if server.poll() is not None:
                tail = "\n".join(output().splitlines()[-20:])
                raise MeasureError(f"`course serve` exited with {server.returncode}:\n{tail}")

        def serves(text: str) -> bool:
            check_alive()
            body = _fetch(base + page, timeout)
            return body is not None and text in body

        def builds() -> int:
            return len(_BUILT.findall(output()))

        def built_after(count: int) -> bool:
            check_alive()
            return builds() > count

        try:
            _wait_for(lambda: serves(""), started + timeout, f"`course serve` on {base}", 0.05)
            first_page = time.perf_counter() - started
            seen: list[float] = []
            built: list[float] = []
            cpu: list[float] = []
            for edit in range(1, edits + 1):
                marker = f"Bench edit {edit} {os.getpid()}"
                builds_before = builds()
                cpu_before = _cpu_seconds(server.pid)
                staged = project.parent / f".{item_file.name}.bench"
                staged.write_text(retitle(original, marker), encoding="utf-8")
                saved = time.perf_counter()
                os.replace(staged, item_file)
                where = f"the edited title on {base + page}"
                _wait_for(functools.partial(serves, marker), saved + timeout, where, 0.02)
                seen.append(time.perf_counter() - saved)
                done = f"MkDocs to report rebuild {edit}"
                _wait_for(
                    functools.partial(built_after, builds_before), saved + timeout, done, 0.02
                )
                built.append(float(_BUILT.findall(output())[-1]))
                cpu_after = _cpu_seconds(server.pid)
                if cpu_before is not None and cpu_after is not None:
                    cpu.append(cpu_after - cpu_before)
                # Let the file watcher settle, then edit at another point of its 0.5 s polling
                # cycle: spread evenly over the cycle, the edits give the typical wait, not a
                # lucky or unlucky phase.
                time.sleep(1.0 + WATCHER_POLL_S * edit / edits)
        finally:
            _stop_group(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _stop_group(server.pid)
                server.wait(timeout=15)
            item_file.write_text(original, encoding="utf-8")
    return {
        "edits": edits,
        "median_s": round(statistics.median(seen), 3),
        "samples_s": [round(s, 3) for s in seen],
        "mkdocs_build_median_s": round(statistics.median(built), 3),
        "cpu_median_s": round(statistics.median(cpu), 3) if cpu else None,
        "first_page_s": round(first_page, 2),
        "edited": item_file.relative_to(project).as_posix(),
        "page": page,
    }
