"""The import graph of builder/ has no circle (bench/imports.py --check).

The page layer once had one (kits <-> reference <-> render <-> trainer), dodged by imports made
inside functions; the graph counts those too, so neither the circle nor the dodge can come back.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from project import ROOT

SCRIPT = ROOT / "bench" / "imports.py"


def _imports() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_imports", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_has_no_import_circle() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 circles" in result.stdout


def test_the_check_sees_a_circle_dodged_inside_a_function(tmp_path: Path) -> None:
    """What the check above relies on: a circle through a function-level import is found."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub.b import B\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..a import A\n")
    (package / "c.py").write_text("from . import a\n")
    imports = _imports()
    edges = imports.graph(tmp_path, "pkg")
    assert imports.circles(edges) == [["pkg.a", "pkg.sub.b"]]
