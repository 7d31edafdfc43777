"""The import graph of ``builder/``: which module imports which, and every import circle.

Reads the source with ``ast`` (nothing is imported or run), so it also sees the imports a
function makes at call time to dodge a circle. Prints one line per module with what it imports
from the package, then the strongly connected components of more than one module (the circles).

    .venv/bin/python bench/imports.py            # the graph and the circles
    .venv/bin/python bench/imports.py --dot      # Graphviz, for a picture
    .venv/bin/python bench/imports.py --check    # exit 1 if there is a circle

The exit code of ``--check`` is what a test can assert; the text is for notes and reviews.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "builder"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` inside ``current``."""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at module level or inside functions)."""
    files = sorted((root / package).rglob("*.py"))
    modules = {module_name(f, root): f for f in files}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                origin = (
                    _resolve(name, is_package, node.level, node.module)
                    if node.level
                    else node.module or ""
                )
                # `from . import x` names a submodule when x is one.
                found = [
                    f"{origin}.{a.name}" for a in node.names if f"{origin}.{a.name}" in modules
                ]
                found = found or [origin]
            for target in found:
                # The nearest enclosing module of the package: `builder.model.items` stays,
                # `builder.pages.site.Urls` (a name, not a module) becomes `builder.pages.site`.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="print the graph for Graphviz")
    parser.add_argument("--check", action="store_true", help="exit 1 if there is a circle")
    args = parser.parse_args()
    edges = graph()
    found = circles(edges)
    short = {name: name.removeprefix(PACKAGE + ".") for name in edges}
    if args.dot:
        print("digraph builder {")
        for name in sorted(edges):
            for target in sorted(edges[name]):
                print(f'  "{short[name]}" -> "{short[target]}";')
        print("}")
    else:
        for name in sorted(edges):
            targets = ", ".join(short[t] for t in sorted(edges[name])) or "-"
            print(f"{short[name]:28} {targets}")
        print()
        print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} imports,", end=" ")
        print(f"{len(found)} circle{'s' if len(found) != 1 else ''}")
        for component in found:
            print("circle: " + " <-> ".join(short[n] for n in component))
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
