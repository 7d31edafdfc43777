"""Build the site with MkDocs and with ProperDocs and compare the two: `make properdocs`.

ProperDocs is the maintained fork of MkDocs 1.6, a drop-in replacement: it reads mkdocs.yml
when there is no properdocs.yml, loads plugins and themes registered for MkDocs, and sends their
`import mkdocs...` to its own modules. This script shows what moving to it would change in the
built site. It needs an environment holding both engines; `make properdocs` makes one of its own
(.venv-properdocs), so the project's .venv never holds ProperDocs.

Both builds run as `python -m mkdocs build` and `python -m properdocs build` from the repository,
each into a folder of its own. Files are compared byte for byte. One difference is expected and
not counted against the engine: Material names the engine and its version in a generator meta
tag. An HTML file that differs only there counts as "same but for the generator"; every other
difference is shown as a diff and makes the script exit 1.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("mkdocs", "properdocs")
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@dataclass
class Comparison:
    """What the two builds hold, file by file (paths relative to the site folder)."""

    identical: list[str] = field(default_factory=list)
    generator_only: list[str] = field(default_factory=list)
    gzip_header_only: list[str] = field(default_factory=list)  # same content, other time stamp
    different: dict[str, str] = field(default_factory=dict)  # path -> a diff or a description
    only_in: dict[str, list[str]] = field(default_factory=dict)
    properdocs_named: bool = False  # ProperDocs' pages say they were built by ProperDocs

    @property
    def ok(self) -> bool:
        return self.properdocs_named and not self.different and not any(self.only_in.values())


def build(engine: str, site: Path) -> str:
    """Build the site with one engine; return what it printed (its warnings)."""
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",  # Material's notice about MkDocs 2
        "DISABLE_MKDOCS_2_WARNING": "true",  # ProperDocs' notice about MkDocs 2
    }
    done = subprocess.run(
        [sys.executable, "-m", engine, "build", "--site-dir", str(site)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"`{engine} build` failed (exit {done.returncode}):\n{done.stderr}{done.stdout}")
    return done.stderr + done.stdout


def warnings_in(log: str) -> list[str]:
    return sorted(line.strip() for line in log.splitlines() if line.lstrip().startswith("WARNING"))


def files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def payload(path: Path) -> bytes:
    """The bytes a browser reads: a gzip file's content, not its container's header."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def normal(data: bytes) -> bytes:
    return GENERATOR.sub(b'<meta name="generator" content="(engine)">', data)


def describe(name: str, first: bytes, second: bytes) -> str:
    try:
        lines = (first.decode().splitlines(), second.decode().splitlines())
    except UnicodeDecodeError:
        return f"binary files differ ({len(first):,} and {len(second):,} bytes)"
    diff = difflib.unified_diff(*lines, f"mkdocs/{name}", f"properdocs/{name}", lineterm="", n=1)
    return "\n".join(list(diff)[:40])


def compare(mkdocs_site: Path, properdocs_site: Path) -> Comparison:
    result = Comparison()
    left, right = files(mkdocs_site), files(properdocs_site)
    result.only_in = {"mkdocs": sorted(left - right), "properdocs": sorted(right - left)}
    for name in sorted(left & right):
        first, second = (mkdocs_site / name).read_bytes(), (properdocs_site / name).read_bytes()
        if name.endswith(".html") and b"ProperDocs" in second:
            result.properdocs_named = True
        if first == second:
            result.identical.append(name)
            continue
        first, second = payload(mkdocs_site / name), payload(properdocs_site / name)
        if first == second:
            result.gzip_header_only.append(name)
        elif normal(first) == normal(second):
            result.generator_only.append(name)
        else:
            result.different[name] = describe(name, normal(first), normal(second))
    return result


def generators(site: Path) -> list[str]:
    found = {m.decode() for p in site.rglob("*.html") for m in GENERATOR.findall(p.read_bytes())}
    return sorted(found)


def report(result: Comparison, sites: dict[str, Path], logs: dict[str, str]) -> str:
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("mkdocs", "properdocs", "mkdocs-material")
    )
    total = sum(
        map(
            len,
            (result.identical, result.generator_only, result.gzip_header_only, result.different),
        )
    )
    pages = sum(1 for name in files(sites["mkdocs"]) if name.endswith(".html"))
    lines = [
        "## ProperDocs compared with MkDocs",
        "",
        f"Engines: {versions}; Python {sys.version.split()[0]}.",
        "",
        "| | files |",
        "| --- | ---: |",
        f"| HTML pages built (MkDocs) | {pages} |",
        f"| files in both sites | {total} |",
        f"| identical, byte for byte | {len(result.identical)} |",
        f"| different only in the generator meta tag | {len(result.generator_only)} |",
        f"| different only in a gzip header (same content) | {len(result.gzip_header_only)} |",
        f"| different otherwise | {len(result.different)} |",
        f"| only in the MkDocs build | {len(result.only_in['mkdocs'])} |",
        f"| only in the ProperDocs build | {len(result.only_in['properdocs'])} |",
        "",
    ]
    for engine in ENGINES:
        tags = "; ".join(f"`{tag}`" for tag in generators(sites[engine])) or "none"
        lines.append(f"- {engine} generator tags: {tags}")
    if not result.properdocs_named:
        lines.append("- **the ProperDocs build does not name ProperDocs: was it MkDocs that ran?**")
    warned = {engine: warnings_in(logs[engine]) for engine in ENGINES}
    lines.append(
        f"- warnings: {len(warned['mkdocs'])} from MkDocs, {len(warned['properdocs'])} from "
        "ProperDocs" + ("" if warned["mkdocs"] == warned["properdocs"] else " (they differ)")
    )
    for engine, names in result.only_in.items():
        lines += [f"- only in the {engine} build: `{name}`" for name in names]
    for name, diff in result.different.items():
        lines += ["", f"### `{name}`", "", "```diff", diff, "```"]
    lines += ["", "Same site." if result.ok else "**The sites differ.**"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build into this folder and keep both sites")
    parser.add_argument("--summary", type=Path, help="also append the report to this file")
    arguments = parser.parse_args()
    for name in ENGINES:
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            sys.exit(f"{name} is not installed here: run `make properdocs`, which installs both")
    with tempfile.TemporaryDirectory(prefix="properdocs-compare-") as scratch:
        root = arguments.keep or Path(scratch)
        sites = {engine: root / engine for engine in ENGINES}
        logs = {engine: build(engine, site) for engine, site in sites.items()}
        result = compare(sites["mkdocs"], sites["properdocs"])
        text = report(result, sites, logs)
    print(text, end="")
    if arguments.summary:
        with arguments.summary.open("a", encoding="utf-8") as summary:
            summary.write(text)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
