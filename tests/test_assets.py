"""builder/assets.py: the site's own scripts and stylesheets, minified as the site is built."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import pytest

from builder import assets
from builder.diagnostics import ContentError

ROOT = Path(__file__).resolve().parent.parent
OWN_ASSETS = sorted((ROOT / "templates" / "static" / "assets").glob("*.[jc]s*"))


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with empty caches in a folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_DONE", {})


@pytest.mark.parametrize("path", OWN_ASSETS, ids=lambda p: p.name)
def test_every_script_and_stylesheet_of_the_site_minifies_to_something_smaller(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    small = assets.minify(str(path), text)
    assert 0 < len(small) < len(text)
    assert "/*" not in small, "comments are gone"


def test_minified_scripts_still_run_and_keep_their_behaviour(tmp_path: Path) -> None:
    """The shuffle of course.js, minified and run by Node, gives what the source gives."""
    source = (ROOT / "templates" / "static" / "assets" / "course.js").read_text(encoding="utf-8")
    harness = """
    var window = {__md_scope: new URL("http://127.0.0.1/")};
    var document = {readyState: "complete", querySelector: function () { return null; }};
    var localStorage = {getItem: function () { return null; }, setItem: function () {}};
    var crypto = {getRandomValues: function (a) { a[0] = 1; a[1] = 2; return a; }};
    %s
    var order = window.cqCourse.shuffled(["a", "b", "c", "d", "e"], "quiz/q1", "0123456789abcdef");
    process.stdout.write(order.join(""));
    """
    outputs = []
    for text in (source, assets.minify("course.js", source)):
        script = tmp_path / "run.js"
        script.write_text(harness % text, encoding="utf-8")
        run = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == list("abcde")


def test_the_same_source_gives_the_same_output_from_the_disk_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "function f(longName) { return longName + 1; }\n"
    first = assets.minify("f.js", text)
    monkeypatch.setattr(assets, "_DONE", {})

    def fail(_: str) -> str:
        raise AssertionError("minified again instead of read from the cache")

    monkeypatch.setitem(assets.MINIFIERS, ".js", fail)
    assert assets.minify("f.js", text) == first


def test_a_script_that_is_not_es5_is_a_diagnostic_naming_the_file() -> None:
    with pytest.raises(ContentError) as caught:
        assets.minify("templates/static/assets/new.js", "const f = () => 1;\n")
    [problem] = caught.value.diagnostics
    assert problem.code == "asset-syntax"
    assert problem.format().startswith("templates/static/assets/new.js:1:1: error[asset-syntax]")
    assert "ES5" in (problem.hint or "")


def test_the_start_up_is_written_once_in_course_js() -> None:
    """Following Material's page views (`document$`, the document's loading, its root) is
    course.js's job alone; every other script is a hook of it, trainer pages' too, except
    codec.js: a library of its own, which the LMS launch page loads without course.js."""
    scripts = [p for p in OWN_ASSETS if p.suffix == ".js"]
    starting = [
        p.name
        for p in scripts
        if re.search(r"document\$|DOMContentLoaded|__md_scope", p.read_text(encoding="utf-8"))
    ]
    assert starting == ["course.js"]
    register = "window.cqHooks = window.cqHooks || {}"
    hooks = [p.name for p in scripts if register in p.read_text(encoding="utf-8")]
    assert hooks == [p.name for p in scripts if p.name not in ("course.js", "codec.js")]


def test_no_page_loads_more_of_our_own_javascript_and_css_than_its_budget() -> None:
    """Learner pages stay under 8 KB gzipped, trainer pages under 12 KB (see builder/assets.py).

    The weight is what the built site serves: each file minified, then gzipped at level 9,
    summed over the files a page loads: ``site.css`` on every page (mkdocs.yml), the learner
    runtime on pages without ``course_script: false`` and a front matter ``stylesheet``
    (templates/overrides/main.html), and the files the page itself names.
    """
    from builder.render import render
    from tests.project import valid_content

    rendered = render(valid_content(ROOT / "content"), ROOT / "templates" / "pages")
    folder = ROOT / "templates" / "static" / "assets"
    weight: dict[str, int] = {}
    for path in [*folder.glob("*.js"), *folder.glob("*.css")]:
        small = assets.minify(str(path), path.read_text(encoding="utf-8"))
        weight[path.name] = len(gzip.compress(small.encode(), compresslevel=9, mtime=0))
    heaviest = {"learner": (0, ""), "trainer": (0, "")}
    for page in rendered.pages:
        loaded = {"site.css", *re.findall(r"assets/([a-z0-9-]+\.(?:js|css))\b", page.text)}
        loaded.update(re.findall(r"^stylesheet: ([a-z0-9-]+\.css)$", page.text, re.M))
        if not re.search(r"^course_script: false$", page.text, re.M):
            loaded.update({"course.css", "course.js"})
        kind = "trainer" if page.path.startswith("trainer/") else "learner"
        total = sum(weight[name] for name in loaded)
        heaviest[kind] = max(heaviest[kind], (total, page.path))
    assert heaviest["learner"][0] <= assets.LEARNER_BUDGET, heaviest["learner"]
    assert heaviest["trainer"][0] <= assets.TRAINER_BUDGET, heaviest["trainer"]
    assert heaviest["trainer"][1] == "trainer/dashboard.md", "the page the trainer budget is for"
    assert heaviest["trainer"][0] > assets.LEARNER_BUDGET, "else the trainer budget can go"
