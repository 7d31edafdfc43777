"""Targets, the printed table (Markdown), results/latest.json and docs/benchmark.md."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOC_BEGIN = "<!-- bench:results:begin (written by bench/run.py) -->"
DOC_END = "<!-- bench:results:end -->"
REFERENCE_SIZE = 1000
NONE = "-"
STARTED = time.perf_counter()


def progress(message: str) -> None:
    """One line on stderr, with the seconds since the run started."""
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def _num(value: Any, spec: str) -> str:
    return NONE if value is None else format(value, spec)


def _by_size(results: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["scenarios"]: row for row in results["sizes"]}


def _reference(results: dict[str, Any], key: str) -> tuple[int, dict[str, Any]] | None:
    """The row at N=1000, or the largest size measured when 1000 was not run."""
    rows = {n: row for n, row in _by_size(results).items() if row.get(key) is not None}
    if not rows:
        return None
    n = REFERENCE_SIZE if REFERENCE_SIZE in rows else max(rows)
    return n, rows[n]


def _at(n: int) -> str:
    return "" if n == REFERENCE_SIZE else f" (N={n}; 1000 not run)"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with what was measured and PASS, MISS or n/a (not measured in this run)."""
    out: list[dict[str, Any]] = []

    def add(name: str, goal: str, value: Any, passed: Callable[[Any], bool], shown: str) -> None:
        status = "n/a" if value is None else ("PASS" if passed(value) else "MISS")
        out.append({"target": name, "goal": goal, "value": value, "shown": shown, "status": status})

    shipped = results.get("shipped") or {}
    rows = _by_size(results)

    found = _reference(results, "scenarios_per_s")
    rate = found and found[1]["scenarios_per_s"]
    shown = f"{rate:,.0f} scenarios/s{_at(found[0])}" if found else "not measured"
    add(
        "builder stage (load + validate + render)",
        ">= 2,000 scenarios/s",
        rate,
        lambda v: v >= 2000,
        shown,
    )

    found = _reference(results, "course_over_plain")
    ratio = found and found[1]["course_over_plain"]
    shown = (
        f"{ratio:.2f} (CPU time {found[1]['course_over_plain_cpu']:.2f}){_at(found[0])}"
        if found
        else "not measured"
    )
    add(
        "full build, `course build` / plain MkDocs",
        "<= 1.05 at 1,000 scenarios",
        ratio,
        lambda v: v <= 1.05,
        shown,
    )

    scaling = None
    if rows.get(2000, {}).get("course_build_s") and rows.get(1000, {}).get("course_build_s"):
        scaling = rows[2000]["course_build_s"] / rows[1000]["course_build_s"]
    shown = f"{scaling:.2f}" if scaling else "needs sizes 1000 and 2000"
    add("full build time, 2,000 / 1,000 scenarios", "<= 2.1", scaling, lambda v: v <= 2.1, shown)

    rebuild = shipped.get("rebuild")
    median = rebuild and rebuild["median_s"]
    shown = f"{median:.2f} s (median of {rebuild['edits']})" if rebuild else "not measured"
    add("rebuild after one edit under `course serve`", "< 1 s", median, lambda v: v < 1, shown)

    weights = [("shipped", shipped.get("weight"))]
    weights += [(f"N={n}", row.get("weight")) for n, row in rows.items() if n == REFERENCE_SIZE]
    measured = [(w["max_kb"], name, w["max_page"]) for name, w in weights if w]
    heaviest = max(measured) if measured else None
    shown = f"{heaviest[0]:.1f} KB ({heaviest[1]}: `{heaviest[2]}`)" if heaviest else "-"
    add(
        "HTML per page, largest (shipped and N=1000)",
        "<= 60 KB",
        heaviest and heaviest[0],
        lambda v: v <= 60,
        shown,
    )

    groups = shipped.get("assets_loaded") or []
    # Trainer pages (the ones loading trainer.css) have a budget of their own: see
    # LEARNER_BUDGET and TRAINER_BUDGET in builder/assets.py for why.
    for who, budget in (("learner", 8), ("trainer", 12)):
        heaviest_set = next(
            (g for g in groups if ("assets/trainer.css" in g["files"]) == (who == "trainer")),
            None,
        )
        packed = heaviest_set["gzip"] / 1024 if heaviest_set else None
        shown = (
            f"{packed:.1f} KB (`{heaviest_set['example']}` and {heaviest_set['pages'] - 1} more)"
            if heaviest_set
            else "not measured"
        )
        add(
            f"custom JS + CSS loaded by one {who} page, gzipped",
            f"<= {budget} KB",
            packed,
            lambda v, most=budget: v <= most,
            shown,
        )

    refs = shipped.get("third_party")
    count = None if refs is None else sum(r["count"] for r in refs)
    shown = "not measured" if count is None else str(count)
    add("third-party references in the shipped site", "0", count, lambda v: v == 0, shown)
    return out


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _pair(a: Any, b: Any, spec: str, between: str = " / ") -> str:
    return f"{_num(a, spec)}{between}{_num(b, spec)}"


SIZE_COLUMNS = [
    "scenarios",
    "YAML MB",
    "builder s (CPU s)",
    "scenarios/s",
    "`course build` s (CPU s)",
    "plain MkDocs s (CPU s)",
    "course / plain (CPU)",
    "peak MB course / plain",
    "HTML KB mean / max",
]


def _size_row(row: dict[str, Any]) -> list[str]:
    weight = row.get("weight") or {}
    return [
        f"{row['scenarios']:,}",
        _num(row.get("content_mb"), ".1f"),
        _pair(row.get("builder_s"), row.get("builder_cpu_s"), ".2f", " (") + ")",
        _num(row.get("scenarios_per_s"), ",.0f"),
        _pair(row.get("course_build_s"), row.get("course_cpu_s"), ".1f", " (") + ")",
        _pair(row.get("plain_build_s"), row.get("plain_cpu_s"), ".1f", " (") + ")",
        _pair(row.get("course_over_plain"), row.get("course_over_plain_cpu"), ".2f", " (") + ")",
        _pair(row.get("course_peak_mb"), row.get("plain_peak_mb"), ",.0f"),
        _pair(weight.get("mean_kb"), weight.get("max_kb"), ".1f"),
    ]


def _shipped_rows(shipped: dict[str, Any]) -> list[list[str]]:
    builder = shipped.get("builder") or {}
    build = shipped.get("build") or {}
    weight = shipped.get("weight") or {}
    rebuild = shipped.get("rebuild") or {}
    samples = ", ".join(format(s, ".2f") for s in rebuild.get("samples_s", []))
    refs = shipped.get("third_party")
    stage = _pair(builder.get("seconds"), builder.get("cpu_seconds"), ".2f", " s (")
    full = _pair(build.get("seconds"), build.get("cpu_seconds"), ".1f", " s (")
    html = _pair(weight.get("mean_kb"), weight.get("max_kb"), ".1f")
    packed = _pair(weight.get("gzip_mean_kb"), weight.get("gzip_max_kb"), ".1f")
    return [
        ["builder stage, in process (CPU)", f"{stage} s)"],
        ["`course build` (CPU)", f"{full} s)"],
        ["`course build` peak memory", f"{_num(build.get('peak_mb'), ',.0f')} MB"],
        ["pages", str(weight.get("pages", NONE))],
        ["HTML per page, mean / max", f"{html} KB (largest `{weight.get('max_page', NONE)}`)"],
        ["HTML per page gzipped, mean / max", f"{packed} KB"],
        ["rebuild after one edit, median (HTTP)", f"{_num(rebuild.get('median_s'), '.2f')} s"],
        ["rebuild after one edit, each edit", f"{samples or NONE} s"],
        ["MkDocs' own rebuild, median", f"{_num(rebuild.get('mkdocs_build_median_s'), '.2f')} s"],
        [
            "CPU time of the server per edit, median",
            f"{_num(rebuild.get('cpu_median_s'), '.2f')} s",
        ],
        ["`course serve` start to first page", f"{_num(rebuild.get('first_page_s'), '.1f')} s"],
        ["third-party references", NONE if refs is None else str(sum(r["count"] for r in refs))],
    ]


def _errors(results: dict[str, Any]) -> list[str]:
    errors = [f"N={r['scenarios']}: {r['error']}" for r in results["sizes"] if "error" in r]
    shipped = results.get("shipped") or {}
    if shipped.get("error"):
        errors.insert(0, f"shipped course: {shipped['error']}")
    return errors


def markdown(results: dict[str, Any]) -> str:
    """The whole result as Markdown tables: printed, and copied into docs/benchmark.md."""
    machine = results["machine"]
    lines = [
        f"Run on {results['started']} with `{results['command']}` on {machine['cpus']} CPUs "
        f"({machine['cpu']}), Python {machine['python']}, MkDocs {machine['mkdocs']}, "
        f"Material {machine['material']}. Load average {machine['load_before']} before the "
        f"run, {machine['load_after']} after. Times are the best of {results['repeat']} "
        "run(s); CPU s is user + system time of the process.",
        "",
        "**Targets**",
        "",
    ]
    lines += _table(
        ["target", "goal", "measured", "result"],
        [[t["target"], t["goal"], t["shown"], f"**{t['status']}**"] for t in results["targets"]],
    )
    errors = _errors(results)
    if errors:
        lines += ["", "**Failed measurements**", ""] + [f"- {e}" for e in errors]
    if results["sizes"]:
        lines += ["", "**Synthetic courses** (50 scenarios per module)", ""]
        lines += _table(SIZE_COLUMNS, [_size_row(row) for row in results["sizes"]])
    shipped = results.get("shipped") or {}
    if shipped:
        lines += ["", "**Shipped course**", ""]
        lines += _table(["measure", "value"], _shipped_rows(shipped))
        refs = shipped.get("third_party") or []
        lines += [""] * bool(refs) + [
            f"- {r['where']} `{r['url']}`: {r['count']} in {r['files']} file(s), "
            f"e.g. `{r['example']}`"
            for r in refs[:20]
        ]
    assets = results.get("assets") or []
    if assets:
        keys = ("source_raw", "source_gzip", "raw", "gzip")
        total = ["total", *(f"{sum(a.get(k, a['raw']) for a in assets) / 1024:.1f}" for k in keys)]
        lines += ["", "**Custom JavaScript and CSS** (as written, and as served: minified)", ""]
        lines += _table(
            ["file", "source KB", "source gzip KB", "served KB", "served gzip KB"],
            [
                [f"`{a['file']}`", *(f"{a.get(k, a['raw']) / 1024:.1f}" for k in keys)]
                for a in assets
            ]
            + [total],
        )
        lines.append("")
        for group in shipped.get("assets_loaded") or []:
            files = ", ".join(f"`{f}`" for f in group["files"]) or "none of them"
            lines.append(
                f"- {group['pages']} page(s) load {files} ({group['gzip'] / 1024:.1f} KB "
                f"gzipped), e.g. `{group['example']}`"
            )
    profile = results.get("profile")
    if profile:
        kinds = ", ".join(f"{v} {k}" for k, v in profile["kinds"].items())
        lines += [
            "",
            f"Each synthetic scenario is a copy of one of the {profile['scenarios']} shipped "
            f"scenarios ({kinds}), {profile['mean_file_kb']} KB of YAML on average: cases have "
            f"{profile['case_steps']} steps with {profile['choices_per_decision']} choices per "
            f"decision, role plays {profile['roleplay_lines']} scripted lines, drills "
            f"{profile['drill_statements']} statements, quizzes {profile['quiz_questions']} "
            f"questions of {profile['options_per_question']} options. KB = 1,024 bytes.",
        ]
    return "\n".join(lines) + "\n"


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_doc(table: str, path: Path) -> None:
    """Put the table between the markers of docs/benchmark.md, keeping the prose around it."""
    block = f"{DOC_BEGIN}\n\n{table}\n{DOC_END}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark\n"
    pattern = re.compile(re.escape(DOC_BEGIN) + ".*?" + re.escape(DOC_END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + "\n\n## Last run\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
