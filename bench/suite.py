"""The measurement plan: the shipped course first, then each synthetic size.

Imported by run.py only after the snapshot is on the import path, so `builder` here is the copy.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import measure
import synthetic
from report import progress

from builder.diagnostics import ContentError

EDITS = 10
SERVE_TIMEOUT = 120.0


def build_timeout(scenarios: int) -> float:
    """Generous: a build that takes this long has hung or the machine is unusable."""
    return 300 + 0.5 * scenarios


@contextlib.contextmanager
def recorded(into: dict[str, Any], what: str) -> Iterator[None]:
    """Record a failed measurement in the results and carry on with the next one."""
    try:
        yield
    except (measure.MeasureError, ContentError, OSError, ValueError) as exc:
        message = str(exc).strip() or type(exc).__name__
        if isinstance(exc, ContentError):
            message = "\n".join(d.format() for d in exc.diagnostics[:10])
        progress(f"FAILED: {what}: {message}")
        into["error"] = f"{what} failed: {message.splitlines()[0]}"


def best_of(runs: list[measure.Timed]) -> dict[str, float]:
    """Best wall and CPU time over the runs; the highest peak memory of any of them."""
    return {
        "seconds": round(min(r.seconds for r in runs), 2),
        "cpu_seconds": round(min(r.cpu_seconds for r in runs), 2),
        "peak_mb": round(max(r.peak_mb for r in runs), 1),
    }


def measure_shipped(
    project: Path,
    scenarios: list[synthetic.Scenario],
    assets: list[dict[str, Any]],
    root: Path,
    repeat: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    site = root / "shipped-site"
    with recorded(out, "the shipped course"):
        progress(f"shipped course: builder stage (in process, best of {repeat})")
        seconds, cpu, _result = measure.builder_stage(project, repeat)
        out["builder"] = {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)}
        progress("shipped course: `course build`")
        runs = [measure.course_build(project, site, build_timeout(0)) for _ in range(repeat)]
        out["build"] = best_of(runs)
        out["weight"] = measure.page_weight(site, gzipped=True)
        out["third_party"] = measure.third_party_references(site)
        assets[:] = measure.asset_weight(project, site)  # as served: minified by the build
        out["assets_loaded"] = measure.assets_by_page(site, assets)
        progress(
            f"shipped course: {out['build']['seconds']:.1f} s, {out['weight']['pages']} pages, "
            f"{sum(r['count'] for r in out['third_party'])} third-party reference(s)"
        )
    with recorded(out, "rebuild under `course serve`"):
        edited = next((s for s in scenarios if s.kind == "case"), scenarios[0])
        served = shutil.copytree(project, root / "serve" / "project")
        content_dir, _templates = synthetic.plugin_dirs(served)
        page = "/" + page_url(site, edited.id)
        progress(f"shipped course: `course serve`, {EDITS} edits of {edited.path}, polling {page}")
        out["rebuild"] = measure.serve_rebuild(
            served, content_dir / edited.path, page, EDITS, SERVE_TIMEOUT
        )
        progress(f"shipped course: rebuild median {out['rebuild']['median_s']:.2f} s")
    return out


def page_url(site: Path, item_id: str) -> str:
    """The URL of an item below the site root, as the build wrote it into ``course.json``."""
    course = json.loads((site / "course.json").read_text(encoding="utf-8"))
    found: str = next(i["url"] for m in course["modules"] for i in m["items"] if i["id"] == item_id)
    return found


def measure_size(
    shipped: synthetic.Shipped, source: Path, root: Path, scenarios: int, repeat: int
) -> dict[str, Any]:
    row: dict[str, Any] = {"scenarios": scenarios}
    project = root / f"n{scenarios}"
    timeout = build_timeout(scenarios)
    try:
        with recorded(row, f"N={scenarios}"):
            progress(f"N={scenarios}: writing the course")
            synthetic.make_course(shipped, source, project, scenarios)
            row["content_mb"] = round(synthetic.content_bytes(project) / measure.MB, 2)
            progress(f"N={scenarios}: builder stage (in process, best of {repeat})")
            seconds, cpu, result = measure.builder_stage(project, repeat)
            if len(result.content.items) != scenarios:
                raise ValueError(f"built {len(result.content.items)} scenarios, not {scenarios}")
            row.update(builder_s=round(seconds, 3), builder_cpu_s=round(cpu, 3))
            row["scenarios_per_s"] = round(scenarios / seconds)
            row["pages"] = len(result.rendered.pages)
            progress(f"N={scenarios}: {seconds:.2f} s, {scenarios / seconds:,.0f} scenarios/s")
            nav = [entry.to_mkdocs() for entry in result.rendered.nav]
            del result
            plain_config = measure.prepare_plain(project, nav, timeout)
            course_runs: list[measure.Timed] = []
            plain_runs: list[measure.Timed] = []
            for run in range(1, repeat + 1):  # alternated, so drift in load hits both alike
                progress(f"N={scenarios}: `course build` {run}/{repeat}")
                course_runs.append(measure.course_build(project, project / "site", timeout))
                progress(f"N={scenarios}: plain `mkdocs build` {run}/{repeat}")
                plain_runs.append(
                    measure.plain_build(project, plain_config, project / "site-plain", timeout)
                )
            course, plain = best_of(course_runs), best_of(plain_runs)
            row.update(
                course_build_s=course["seconds"],
                course_cpu_s=course["cpu_seconds"],
                course_peak_mb=course["peak_mb"],
                plain_build_s=plain["seconds"],
                plain_cpu_s=plain["cpu_seconds"],
                plain_peak_mb=plain["peak_mb"],
                course_over_plain=round(course["seconds"] / plain["seconds"], 3),
                course_over_plain_cpu=round(course["cpu_seconds"] / plain["cpu_seconds"], 3),
                weight=measure.page_weight(project / "site"),
            )
            progress(
                f"N={scenarios}: course {course['seconds']:.1f} s, plain {plain['seconds']:.1f} s,"
                f" ratio {row['course_over_plain']:.2f} (CPU {row['course_over_plain_cpu']:.2f})"
            )
    finally:
        shutil.rmtree(project, ignore_errors=True)
    return row


def run(project: Path, root: Path, sizes: list[int], repeat: int) -> dict[str, Any]:
    """Every measurement, on the snapshot ``project``; temporary folders go under ``root``."""
    results: dict[str, Any] = {"assets": measure.asset_weight(project), "sizes": []}
    try:
        shipped = synthetic.read_shipped(project)
    except (ContentError, ValueError) as exc:
        progress(f"FAILED: the shipped course does not build: {exc}")
        results["shipped"] = {"error": "the shipped course does not build"}
        return results
    results["profile"] = shipped.profile
    results["shipped"] = measure_shipped(
        project, shipped.scenarios, results["assets"], root, repeat
    )
    for scenarios in sizes:
        results["sizes"].append(measure_size(shipped, project, root, scenarios, repeat))
    return results
