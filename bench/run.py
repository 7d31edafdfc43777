"""Benchmark the course builder: `make bench`, or `.venv/bin/python bench/run.py [--quick]`.

Measures, on a snapshot of this repository taken at the start:

- the builder's own stage (load + validate + render, in process) on synthetic courses;
- `course build` against plain MkDocs building the same pages (wall time, peak memory);
- the rebuild after one edit under `course serve`, on the shipped course;
- page weight, the course's own JS + CSS, and third-party references in the built site.

Prints a table (Markdown), writes it as JSON to bench/results/latest.json and copies it into
docs/benchmark.md. Nothing is timed in the test suite; this is where speed is watched.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import report

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "latest.json"
DOC = REPO / "docs" / "benchmark.md"
SIZES = (100, 500, 1000, 2000)
QUICK_SIZES = (100, 500)


def snapshot(target: Path) -> Path:
    """Copy what a build reads (builder, content, templates, mkdocs.yml) as of now.

    Others may edit the repository while the benchmark runs. The copy of the builder package
    goes first on the import path, of this process and of every command it starts, so the whole
    run measures one version of the code and the content.
    """
    target.mkdir(parents=True)
    for name in ("builder", "content", "templates"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    sys.path.insert(0, str(target))
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(target), *([inherited] if inherited else [])])
    return target


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mkdocs": importlib.metadata.version("mkdocs"),
        "material": importlib.metadata.version("mkdocs-material"),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def command_line(argv: list[str]) -> str:
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(REPO)
    return " ".join([str(python), "bench/run.py", *argv])


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive numbers, e.g. 100,500")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        help=f"synthetic course sizes in scenarios (default {','.join(map(str, SIZES))})",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each build; the best counts (default 3)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"sizes {','.join(map(str, QUICK_SIZES))} and one run each: a fast check",
    )
    args = parser.parse_args(argv)
    arguments = sys.argv[1:] if argv is None else argv
    sizes = args.sizes or list(QUICK_SIZES if args.quick else SIZES)
    repeat = 1 if args.quick else max(1, args.repeat)
    results: dict[str, Any] = {
        "command": command_line(arguments),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "repeat": repeat,
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        root = Path(tmp)
        report.progress(f"snapshot of {REPO} in {root}")
        project = snapshot(root / "shipped")
        import suite  # only now: the builder it imports must be the snapshot's

        results.update(suite.run(project, root, sizes, repeat))
    results["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["targets"] = report.targets(results)
    table = report.markdown(results)
    print(table)
    report.write_json(results, RESULTS)
    report.write_doc(table, DOC)
    report.progress(f"wrote {RESULTS.relative_to(REPO)} and {DOC.relative_to(REPO)}")
    failed = bool(results["shipped"].get("error")) or any("error" in r for r in results["sizes"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
