"""builder/render.py: validated content -> Markdown pages, navigation and course.json.

The rendered pages of the fixture course (one item of every kind) are golden files in
``tests/golden/render/``; ``pytest --update-golden`` rewrites them for review as a diff.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hostile import BLOCK_PAYLOADS
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mkdocs.utils.meta import get_data

from builder.diagnostics import ContentError
from builder.model import Case, Course
from builder.pages.environment import make_environment
from builder.pages.items import story_order
from builder.pages.markup import _markdown, _plain_block, md, md_inline, md_text, one_block
from builder.pages.site import NavEntry, Rendered, Urls, front_matter, in_parts, page_meta
from builder.render import render
from builder.validate import Content, validate_content

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TEMPLATES = ROOT / "templates" / "pages"
TWO_CATEGORIES = Course.model_validate(
    {
        "kind": "course",
        "id": "c",
        "title": "C",
        "description": "D.",
        "modules": ["m"],
        "approaches": {
            "praise": {"name": "Praise", "definition": "P."},
            "criticism": {"name": "Criticism", "definition": "C."},
        },
    }
)
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
GOLDEN = TESTS / "golden" / "render"

HOSTILE = "<script>alert(1)</script>"
ESCAPED_TITLE_TAIL = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare ``actual`` with the golden file at ``path`` (or rewrite it with --update-golden)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.is_file():
        pytest.fail(f"no golden file {path.relative_to(TESTS)}: run pytest --update-golden")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.relative_to(TESTS)} differs (pytest --update-golden)"


@pytest.fixture(scope="module")
def content() -> Content:
    found, diagnostics = validate_content(FIXTURE_COURSE)
    assert diagnostics == [], [d.format() for d in diagnostics]
    assert found is not None
    return found


@pytest.fixture(scope="module")
def rendered(content: Content) -> Rendered:
    return render(content, TEMPLATES)


def outputs(rendered: Rendered) -> dict[str, str]:
    """Every file the render produces, by path: the pages and course.json."""
    return {**{p.path: p.text for p in rendered.pages}, "course.json": rendered.course_json}


# --- golden pages -------------------------------------------------------------------------

EXPECTED_PATHS = [
    "index.md",
    "progress.md",
    "basics/index.md",
    "basics/welcome.md",
    "basics/fork-in-the-road.md",
    "basics/sort-the-sayings.md",
    "basics/two-ways-to-talk.md",
    "basics/quick-check.md",
    "glossary.md",
    "job-aid.md",
    "sources.md",
]


def learner_pages(rendered: Rendered) -> list[str]:
    return [p.path for p in rendered.pages if not p.path.startswith(("trainer/", "contributors/"))]


def test_the_fixture_course_renders_a_page_per_module_item_and_reference(
    rendered: Rendered,
) -> None:
    assert learner_pages(rendered) == EXPECTED_PATHS
    paths = [p.path for p in rendered.pages]
    assert paths[-3:] == [
        "contributors/fields.md",
        "contributors/maps.md",
        "contributors/maps/fork-in-the-road.md",  # the fixture's one case
    ]
    assert "trainer/index.md" in paths, "the trainer section follows the learner pages"


@pytest.mark.parametrize("path", [*EXPECTED_PATHS, "course.json"])
def test_each_rendered_file_matches_its_golden_file(
    rendered: Rendered, path: str, update_golden: bool
) -> None:
    check_golden(GOLDEN / path, outputs(rendered)[path], update_golden)


def test_there_is_no_golden_file_without_a_rendered_page() -> None:
    golden = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert golden - {*EXPECTED_PATHS, "course.json"} == set(), "stale golden files: delete them"


def test_two_renders_are_byte_identical(content: Content) -> None:
    first, second = render(content, TEMPLATES), render(content, TEMPLATES)
    assert outputs(first) == outputs(second)
    assert [e.to_mkdocs() for e in first.nav] == [e.to_mkdocs() for e in second.nav]


def test_page_titles_are_the_content_titles(rendered: Rendered) -> None:
    titles = {p.path: p.title for p in rendered.pages}
    assert titles["index.md"] == "Tiny course: 5 * stars, [brackets] & " + HOSTILE
    assert titles["basics/fork-in-the-road.md"] == "A fork in the road"
    assert titles["glossary.md"] == "Glossary"


# --- nothing from the content is obeyed as HTML or Markdown syntax ------------------------


def test_no_page_contains_a_raw_script_tag(rendered: Rendered) -> None:
    """Pages load only scripts of ours, by their fixed names (trainer pages theirs, learner pages
    the runtime's parts); content never adds one. (The theme adds course.js to learner pages:
    templates/overrides/main.html.)"""
    trainer_script = re.compile(
        r'<script src="[./]*assets/'
        r'(course|trainer|dashboard|quiz|drill|case|marks|assessment|progress|roleplay)\.js"></script>'
    )
    offenders = [
        p.path
        for p in rendered.pages
        if re.search(r"<\s*script", trainer_script.sub("", p.text), re.I)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("path", "where"),
    [
        pytest.param("index.md", "course title (heading)", id="course-title"),
        pytest.param("basics/index.md", "item title (link label)", id="link-label"),
        pytest.param("basics/welcome.md", "page body (markdown)", id="markdown-body"),
        pytest.param("basics/quick-check.md", "option text", id="option-text"),
        pytest.param("basics/two-ways-to-talk.md", "role-play line", id="roleplay-line"),
    ],
)
def test_hostile_text_is_shown_escaped(rendered: Rendered, path: str, where: str) -> None:
    text = outputs(rendered)[path]
    assert "&lt;script&gt;alert" in text, f"the {where} should show the tag as text"


def test_markdown_punctuation_in_titles_is_escaped(rendered: Rendered) -> None:
    pages = outputs(rendered)
    assert pages["index.md"].startswith(
        "# Tiny course: 5 \\* stars, \\[brackets\\] &amp; "
        "&lt;script&gt;alert\\(1\\)&lt;/script&gt;\n"
    )
    assert "## An invented handbook \\#1: \\[draft\\]\n" in pages["sources.md"]
    assert "- Tell coaching \\* from managing \\# without a heading\n" in pages["basics/index.md"]


def test_plain_text_in_html_is_escaped_not_interpreted(rendered: Rendered) -> None:
    pages = outputs(rendered)
    assert (
        "<span>Ask: what is &lt;em&gt;really&lt;/em&gt; in the way?</span></label>"
        in pages["basics/fork-in-the-road.md"]
    )
    assert "<li>&lt;b&gt;Not bold&lt;/b&gt; &amp; not a tag</li>" in pages["glossary.md"]
    assert '<h3 id="role-rep">Rep &amp; friend</h3>' in pages["basics/two-ways-to-talk.md"]


def test_a_role_play_lines_why_follows_its_model_line_as_markdown_with_html_shown_as_text(
    rendered: Rendered,
) -> None:
    page = outputs(rendered)["basics/two-ways-to-talk.md"]
    (why,) = re.findall(r'<details class="cq-why">(.*?)</details>', page, re.S)
    assert why.startswith("<summary>Why this line</summary>\n")
    assert "An <em>open</em> question from the rep's side &lt;b&gt;first&lt;/b&gt;" in why
    assert "numbers &amp; a deadline" in why
    model = page.index("How was the month from where you sit?</span>")
    reply = page.index("<dt>Rep &amp; friend</dt>", model)
    assert model < page.index('<details class="cq-why">') < reply


def test_a_javascript_link_in_markdown_is_not_a_link(rendered: Rendered) -> None:
    page = outputs(rendered)["basics/welcome.md"]
    assert "javascript:" not in page.replace("[bad link](javascript:alert(1))", "")
    assert 'href="https://example.invalid/"' in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("plain words", "plain words", id="plain"),
        pytest.param(
            "*stars* and _underscores_", "\\*stars\\* and \\_underscores\\_", id="emphasis"
        ),
        pytest.param("[label](url)", "\\[label\\]\\(url\\)", id="link"),
        pytest.param("# not a heading", "\\# not a heading", id="heading"),
        pytest.param("1. not a list", "1\\. not a list", id="ordered-list"),
        pytest.param("`code` | pipe", "\\`code\\` &#124; pipe", id="code-and-table"),
        pytest.param("~~~ not a fence", "&#126;&#126;&#126; not a fence", id="tildes"),
        pytest.param("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;", id="html"),
        pytest.param("two\n\nparagraphs", "two paragraphs", id="newlines-collapse"),
        pytest.param("{ #id }", "\\{ \\#id \\}", id="attribute-list"),
    ],
)
def test_md_text_escapes_html_and_markdown_punctuation(text: str, expected: str) -> None:
    assert md_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("**bold**", "<p><strong>bold</strong></p>\n", id="markdown-works"),
        pytest.param(HOSTILE, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n", id="raw-html"),
        pytest.param(
            "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n", id="javascript-link"
        ),
        pytest.param(
            "[x](JavaScript:alert(1))",
            "<p>[x](JavaScript:alert(1))</p>\n",
            id="javascript-link-any-case",
        ),
        pytest.param(
            "![x](data:text/html,hi)", "<p>![x](data:text/html,hi)</p>\n", id="data-image"
        ),
        pytest.param(None, "", id="nothing"),
    ],
)
def test_md_renders_markdown_with_raw_html_disabled(text: str | None, expected: str) -> None:
    assert md(text) == expected


def test_md_inline_renders_without_a_paragraph() -> None:
    assert (
        md_inline("That is *managing* <i>x</i>.")
        == "That is <em>managing</em> &lt;i&gt;x&lt;/i&gt;."
    )


# Prose made of what the shortcut accepts, with the characters and line starts that could
# turn it into Markdown syntax mixed in, so both branches of md() and md_inline() are hit.
MARKDOWNISH = [
    *"ab Z9 .,;:'\"?()/%$@^{}=+>-\u00e9\u2014\u2019",
    *["\n", "\n\n", "  \n", "\n ", "\n1. ", "\n- ", "\n# ", "\n> ", "\n===", "\n---"],
    *["*", "_", "`", "[", "]", "!", "<", "&", "#", "|", "~", "\\", "\t", "\r", "\u2028", "1)"],
]


def test_plain_prose_takes_the_shortcut() -> None:
    """So the equivalence checks below test something: these never reach markdown-it."""
    text = 'It\'s the KPI review (again): "pipeline" > 3 + 2 - 1.\nNext line.\n\nMore.'
    assert _plain_block(text) == (
        "<p>It's the KPI review (again): &quot;pipeline&quot; &gt; 3 + 2 - 1.\nNext line.</p>\n"
        "<p>More.</p>\n"
    )
    assert _plain_block("- a list") is None
    assert _plain_block("two spaces  \nmake a break") is None


def test_the_shortcut_gives_markdown_its_html_for_generated_texts() -> None:
    @settings(max_examples=3000, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(MARKDOWNISH), max_size=30).map("".join) | st.text())
    def check(text: str) -> None:
        assert md(text) == one_block(_markdown.render(text))
        assert md_inline(text) == one_block(_markdown.renderInline(text))

    check()


def test_the_shortcut_gives_markdown_its_html_for_every_shipped_text() -> None:
    texts: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for path in (ROOT / "content").rglob("*.yml"):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert len(texts) > 500
    assert sum(_plain_block(t) is not None for t in texts) > len(texts) / 2
    for text in texts:
        assert md(text) == one_block(_markdown.render(text)), text
        assert md_inline(text) == one_block(_markdown.renderInline(text)), text


def test_up_to_ten_modules_stay_at_the_top_of_the_navigation() -> None:
    sections = [NavEntry(f"{n}. Module") for n in range(1, 11)]
    assert in_parts(sections, "Modules") == sections


def test_more_modules_go_into_parts_of_ten_and_parts_of_a_hundred() -> None:
    sections = [NavEntry(f"{n}. Module") for n in range(1, 251)]
    top = in_parts(sections, "Modules")
    assert [e.title for e in top] == [
        "Modules 1\u2013100",
        "Modules 101\u2013200",
        "Modules 201\u2013250",
    ]
    assert [e.title for e in top[2].children] == [
        f"Modules {n}\u2013{n + 9}" for n in range(201, 251, 10)
    ]

    def leaves(entries: list[NavEntry]) -> list[NavEntry]:
        return [x for e in entries for x in (leaves(e.children) if e.children else [e])]

    assert leaves(top) == sections, "every module once, in order"
    assert [e.title for e in in_parts(sections[:11], "Modules")] == [
        "Modules 1\u201310",
        "Modules 11",
    ]


# --- course.json ----------------------------------------------------------------------------


def test_course_json_lists_modules_items_kinds_and_question_ids(rendered: Rendered) -> None:
    data: dict[str, Any] = json.loads(rendered.course_json)
    assert data["schema_version"] == 1
    assert data["id"] == "tiny-course"
    assert data["title"] == "Tiny course: 5 * stars, [brackets] & " + HOSTILE
    assert data["approaches"] == ["coaching", "managing", "mentoring", "role-modeling"]
    (module,) = data["modules"]
    # the module states no minutes: its items' (three stated, two estimated) add up
    assert (module["id"], module["url"], module["minutes"]) == ("basics", "basics/", 14)
    assert [(i["id"], i["kind"], i["url"]) for i in module["items"]] == [
        ("welcome", "page", "basics/welcome/"),
        ("fork-in-the-road", "case", "basics/fork-in-the-road/"),
        ("sort-the-sayings", "drill", "basics/sort-the-sayings/"),
        ("two-ways-to-talk", "roleplay", "basics/two-ways-to-talk/"),
        ("quick-check", "quiz", "basics/quick-check/"),
    ]
    questions = {i["id"]: i["questions"] for i in module["items"]}
    assert [q["id"] for q in questions["quick-check"]] == [
        "quick-check/which-is-coaching",
        "quick-check/select-all",
    ]
    assert questions["quick-check"][1]["correct"] == ["target", "review"]
    assert [q["id"] for q in questions["sort-the-sayings"]] == [
        "sort-the-sayings/numbers",
        "sort-the-sayings/question",
        "sort-the-sayings/pipeline",
        "sort-the-sayings/stuck",
    ]
    assert [q["approach"] for q in questions["sort-the-sayings"]] == [
        "managing",
        "coaching",
        "managing",
        "coaching",
    ]
    assert [(q["id"], q["correct"]) for q in questions["fork-in-the-road"]] == [
        ("fork-in-the-road/opening", ["ask"]),
        ("fork-in-the-road/follow-up", ["listen"]),
    ], "a case's decisions are its steps with choices; endings are not questions"
    assert questions["welcome"] == []
    assert questions["two-ways-to-talk"] == [
        {"id": "two-ways-to-talk/lookalike-version", "type": "classify", "approach": "managing"}
    ], "a role play played alone asks which approach its look-alike version is"
    items = {i["id"]: i for i in module["items"]}
    assert items["quick-check"]["pass_mark"] == 50
    assert items["two-ways-to-talk"]["lookalike"] == "managing"
    assert rendered.question_count == 9


def test_every_question_id_is_unique_and_names_its_item(rendered: Rendered) -> None:
    data = json.loads(rendered.course_json)
    ids = [
        (item["id"], q["id"])
        for module in data["modules"]
        for item in module["items"]
        for q in item["questions"]
    ]
    assert len({q for _, q in ids}) == len(ids)
    assert all(q.startswith(f"{item}/") for item, q in ids)


def test_course_json_question_ids_match_the_data_question_attributes(rendered: Rendered) -> None:
    data = json.loads(rendered.course_json)
    in_json = {q["id"] for m in data["modules"] for i in m["items"] for q in i["questions"]}
    in_pages = {m for p in rendered.pages for m in re.findall(r'data-question="([^"]+)"', p.text)}
    assert in_json == in_pages


# --- navigation and urls --------------------------------------------------------------------


def test_the_navigation_follows_the_course_order_with_escaped_titles(rendered: Rendered) -> None:
    trainer = next(entry for entry in rendered.nav if entry.title == "For trainers")
    trainer_nav = trainer.to_mkdocs()["For trainers"]  # its own entries: test_trainer.py
    assert [entry.to_mkdocs() for entry in rendered.nav] == [
        {"Home": "index.md"},
        {
            "1. Basics &lt;i&gt;first&lt;/i&gt;": [
                {"Module 1: Basics &lt;i&gt;first&lt;/i&gt;": "basics/index.md"},
                {f"Welcome_here_ {ESCAPED_TITLE_TAIL}": "basics/welcome.md"},
                {"A fork in the road": "basics/fork-in-the-road.md"},
                {"Sort the sayings": "basics/sort-the-sayings.md"},
                {"Two ways to talk": "basics/two-ways-to-talk.md"},
                {"Quick check": "basics/quick-check.md"},
            ]
        },
        {"Glossary": "glossary.md"},
        {"Job aid": "job-aid.md"},
        {"Sources": "sources.md"},
        {"Your progress": "progress.md"},
        {"For trainers": trainer_nav},
        {
            "For contributors": [
                {"Field reference": "contributors/fields.md"},
                {"Scenario maps": "contributors/maps.md"},
            ]
        },
    ]


@pytest.mark.parametrize(
    ("path", "folder", "file"),
    [
        pytest.param("index.md", "", "index.html", id="home"),
        pytest.param("basics/index.md", "basics/", "basics/index.html", id="module-overview"),
        pytest.param(
            "basics/quick-check.md", "basics/quick-check/", "basics/quick-check.html", id="item"
        ),
        pytest.param("glossary.md", "glossary/", "glossary.html", id="top-level-page"),
    ],
)
def test_a_pages_url_is_the_one_mkdocs_gives_it_under_either_setting(
    path: str, folder: str, file: str
) -> None:
    assert Urls().of(path) == Urls(directory_urls=True).of(path) == folder
    assert Urls(directory_urls=False).of(path) == file


@pytest.mark.parametrize(
    ("target", "here", "folder", "file"),
    [
        pytest.param("index.md", "index.md", "./", "index.html", id="home-from-home"),
        pytest.param("index.md", "a/b.md", "../../", "../index.html", id="home-from-an-item"),
        pytest.param("a/c.md", "a/b.md", "../c/", "c.html", id="item-from-its-neighbour"),
        pytest.param("a/index.md", "a/b.md", "../", "index.html", id="overview-from-an-item"),
        pytest.param("a/b.md", "a/index.md", "b/", "b.html", id="item-from-its-overview"),
        pytest.param("t/a/g.md", "a/b.md", "../../t/a/g/", "../t/a/g.html", id="deeper"),
        pytest.param("x.md", "x.md", "./", "x.html", id="itself"),
    ],
)
def test_a_link_between_pages_is_relative_under_either_setting(
    target: str, here: str, folder: str, file: str
) -> None:
    assert Urls().relative(target, here) == folder
    assert Urls(directory_urls=False).relative(target, here) == file


@pytest.mark.parametrize(
    ("here", "folder", "file"),
    [
        pytest.param("index.md", "./", "./", id="home"),
        pytest.param("glossary.md", "../", "./", id="top-level-page"),
        pytest.param("a/index.md", "../", "../", id="module-overview"),
        pytest.param("a/b.md", "../../", "../", id="item"),
        pytest.param("trainer/a/index.md", "../../", "../../", id="guide"),
    ],
)
def test_the_site_root_is_the_folder_that_holds_assets_and_course_json(
    here: str, folder: str, file: str
) -> None:
    assert Urls().root(here) == folder
    assert Urls(directory_urls=False).root(here) == file


def test_the_setting_reaches_links_in_html_blocks_and_course_json(content: Content) -> None:
    rendered = render(content, TEMPLATES, Urls(directory_urls=False))
    course = json.loads(rendered.course_json)
    assert course["url"] == "index.html"
    assert course["modules"][0]["url"] == "basics/index.html"
    assert course["modules"][0]["items"][0]["url"] == "basics/welcome.html"
    home = next(p.text for p in rendered.pages if p.path == "index.md")
    assert 'href="basics/index.html"' in home
    item = next(p.text for p in rendered.pages if p.path == "basics/quick-check.md")
    assert 'data-cq-url="basics/quick-check.html"' in item
    assert '<script src="../assets/quiz.js">' in item


# --- story order ----------------------------------------------------------------------------


def test_case_steps_are_told_in_story_order_not_file_order(
    content: Content, rendered: Rendered
) -> None:
    case = content.items["fork-in-the-road"]
    assert isinstance(case, Case)
    assert [s.id for s in case.steps] == ["happy-end", "opening", "sad-end", "follow-up"]
    assert [s.id for s in story_order(case)] == ["opening", "follow-up", "sad-end", "happy-end"]
    page = outputs(rendered)["basics/fork-in-the-road.md"]
    assert re.findall(r'data-step="([^"]+)"', page) == [
        "opening",
        "follow-up",
        "sad-end",
        "happy-end",
    ]
    assert '<h2 id="step-sad-end-title">Step 3</h2>' in page, (
        "an untitled step is numbered in story order"
    )


def test_unreachable_steps_come_last_in_file_order() -> None:
    case = Case.model_validate(
        {
            "kind": "case",
            "id": "c",
            "title": "T",
            "start": "b",
            "steps": [
                {"id": "lost-1", "text": "x"},
                {
                    "id": "b",
                    "text": "x",
                    "choices": [
                        {"id": "loop", "text": "x", "consequence": "x", "next": "b"},
                        {"id": "on", "text": "x", "consequence": "x", "next": "end"},
                    ],
                },
                {"id": "lost-2", "text": "x"},
                {"id": "end", "text": "x"},
            ],
        }
    )
    assert [s.id for s in story_order(case)] == ["b", "end", "lost-1", "lost-2"]


def _old_story_order(case: Case) -> list[str]:
    """Reading order as render.py walked it before ``Case.depths`` (breadth-first, marking a
    step when it leaves the queue): the reference the one walk is checked against."""
    by_id = {step.id: step for step in case.steps}
    order: dict[str, None] = {}
    queue = [case.start]
    while queue:
        step = by_id.get(queue.pop(0))
        if step is None or step.id in order:
            continue
        order[step.id] = None
        queue.extend(choice.next for choice in step.choices if choice.next)
    return [*order, *(s.id for s in case.steps if s.id not in order)]


_STEP_IDS = ["s0", "s1", "s2", "s3", "s4", "s5"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_STEP_IDS, "missing"]), max_size=3),
        min_size=1,
        max_size=len(_STEP_IDS),
    ),
    st.sampled_from([*_STEP_IDS, "missing"]),
)
def test_the_one_walk_over_a_case_keeps_story_order_and_depths(
    nexts: list[list[str]], start: str
) -> None:
    """``Case.depths`` replaced three walks (render.py's story order, reference.py's map
    layers, validate.py's reachability): loops, branches, dangling ``next`` and a missing
    start step give the order and the distances the old walks gave."""
    steps = [
        {
            "id": _STEP_IDS[n],
            "text": "x",
            "choices": [
                {"id": f"c{i}", "text": "x", "consequence": "x", "next": target}
                for i, target in enumerate(targets)
            ],
        }
        for n, targets in enumerate(nexts)
    ]
    case = Case.model_validate(
        {"kind": "case", "id": "c", "title": "T", "start": start, "steps": steps}
    )
    assert [s.id for s in story_order(case)] == _old_story_order(case)
    depths = case.depths()
    for step_id, depth in depths.items():
        # A step at depth d is reached by a choice from a step at depth d - 1, and no sooner.
        parents = [
            depths[s.id]
            for s in case.steps
            if s.id in depths
            for c in s.choices
            if c.next == step_id
        ]
        assert depth == (0 if step_id == start else min(parents) + 1)


# --- templates fail loudly ------------------------------------------------------------------


def broken_templates(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the page templates with ``old`` replaced in page.md.j2; returns the folder
    and the line of the change."""
    templates = tmp_path / "pages"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "page.md.j2"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    (line,) = [n for n, text in enumerate(lines, start=1) if old in text]
    lines[line - 1] = lines[line - 1].replace(old, new)
    page.write_text("".join(lines), encoding="utf-8")
    return templates, line


def test_a_template_syntax_error_is_reported_at_its_file_and_line(
    content: Content, tmp_path: Path
) -> None:
    templates, line = broken_templates(tmp_path, "{{ part|md }}", "{{ part|md }")
    with pytest.raises(ContentError, match=r"^1 content problem") as caught:
        render(content, templates)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "template-error"
    assert (Path(diagnostic.position.path).name, diagnostic.position.line) == ("page.md.j2", line)


def test_an_undefined_name_in_a_template_is_reported_at_its_file_and_line(
    content: Content, tmp_path: Path
) -> None:
    """StrictUndefined turns a typo into an error; the diagnostic must point at the typo."""
    templates, line = broken_templates(tmp_path, "{{ part|md }}", "{{ partt|md }}")
    with pytest.raises(ContentError, match=r"^1 content problem") as caught:
        render(content, templates)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "template-error"
    assert "partt" in diagnostic.message
    assert (Path(diagnostic.position.path).name, diagnostic.position.line) == ("page.md.j2", line)


def test_a_course_without_sources_has_no_sources_page(tmp_path: Path) -> None:
    """Every course defines its categories (two at least), so it always has a glossary and
    job aid; the sources page is there when the course credits sources."""
    shutil.copytree(FIXTURE_COURSE, tmp_path / "content")
    course = tmp_path / "content" / "course.yml"
    text = course.read_text(encoding="utf-8")
    text = text[: text.index("sources:")] + text[text.index("drivers:") :]
    course.write_text(text, encoding="utf-8")
    found, diagnostics = validate_content(tmp_path / "content")
    assert diagnostics == []
    assert found is not None
    rendered = render(found, TEMPLATES)
    paths = [p.path for p in rendered.pages]
    assert "sources.md" not in paths
    assert "glossary.md" in paths


# --- generated front matter parses, whatever the titles hold ---------------------------------

TITLES_THAT_BROKE_FRONT_MATTER = [
    pytest.param("An emoji \U0001f600 and \U0001d538", id="outside-the-bmp"),
    pytest.param("The best session [ever](javascript:alert(1))", id="markdown-link"),
    pytest.param("Quotes \" and ' and: a colon # and a hash", id="yaml-punctuation"),
    pytest.param("--- a rule\nsearch:\n  exclude: false\n---", id="front-matter-lines"),
    pytest.param("</title><script>alert(1)</script> & {: .x}", id="html"),
]


def retitled_content(tmp_path: Path, title: str) -> Content:
    """The fixture course with ``title`` (and a number) as the title of every file."""
    shutil.copytree(FIXTURE_COURSE, tmp_path / "content")
    for number, path in enumerate(sorted((tmp_path / "content").rglob("*.yml"))):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["title"] = f"{title} {number}"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    found, diagnostics = validate_content(tmp_path / "content")
    assert found is not None, [d.format() for d in diagnostics]
    return found


def expected_meta(path: str) -> dict[str, Any] | None:
    """The front matter each family of pages has (None: learner pages have none)."""
    if path.startswith("trainer/"):
        return {"search": {"exclude": True}, "course_script": False}
    if path.startswith("contributors/maps"):
        return {"search": {"exclude": True}}
    if path == "job-aid.md":
        return {"stylesheet": "job-aid.css", "title": None}
    return None


@pytest.mark.parametrize("title", TITLES_THAT_BROKE_FRONT_MATTER)
def test_every_page_front_matter_parses_with_the_title_whatever_it_holds(
    tmp_path: Path, title: str
) -> None:
    """MkDocs prints front matter that does not parse as the page's first paragraph, where a
    Markdown link in a title becomes live and the page loses its title and search exclusion.
    The title is HTML-escaped: the theme prints ``page.meta.title`` as it is."""
    pages = render(retitled_content(tmp_path, title), TEMPLATES).pages
    for page in pages:
        body, meta = get_data(page.text)
        expected = expected_meta(page.path)
        if expected is None:
            assert meta == {}, page.path
            continue
        assert {**meta, "title": None} == {**expected, "title": None}, page.path
        assert meta["title"] == html.escape(page.title), page.path
        assert not body.lstrip().startswith(("---", "title:")), page.path
    families = {re.sub(r".*[/-]", "", p.path) for p in pages if p.path.startswith("trainer/")}
    assert {"cards.md", "projector.md", "gamebook.md", "index.md"} <= families


def test_every_scenario_map_has_its_title_and_stays_out_of_search(rendered: Rendered) -> None:
    maps = [p for p in rendered.pages if p.path.startswith("contributors/maps")]
    assert [p.path for p in maps] == [
        "contributors/maps.md",
        "contributors/maps/fork-in-the-road.md",
    ]
    for page in maps:
        body, meta = get_data(page.text)
        assert meta == {"title": html.escape(page.title), "search": {"exclude": True}}
        assert body.startswith("# "), page.path
    assert get_data(maps[1].text)[1]["title"] == "Map: A fork in the road"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=80))
def test_front_matter_round_trips_any_text(title: str) -> None:
    meta = page_meta(title, searchable=False, course_script=False)
    body, parsed = get_data(front_matter(meta) + "# Heading\n")
    assert parsed == meta
    assert body == "# Heading\n"


# --- links: http(s), mailto and relative URLs only; nothing of text read as a code fence -----

NOT_LINKS = [
    pytest.param("[x](javascript:alert(1))", id="javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="javascript-mixed-case"),
    pytest.param("[x](<javascript:alert(1)>)", id="javascript-in-angle-brackets"),
    pytest.param("[x](&#106;avascript:alert(1))", id="javascript-entity"),
    pytest.param("[x][ref]\n\n[ref]: javascript:alert(1)", id="javascript-reference"),
    pytest.param("<javascript:alert(1)>", id="javascript-autolink"),
    pytest.param("[x](data:text/html,<script>alert(1)</script>)", id="data"),
    pytest.param("![x](data:image/png;base64,iVBORw0KGgo=)", id="data-image"),
    pytest.param("[x](vbscript:msgbox(1))", id="vbscript"),
    pytest.param("[x](file:///etc/passwd)", id="file"),
    pytest.param("[x](tel:+15550100)", id="tel"),
    pytest.param("[x](intent://scan#Intent;end)", id="app-scheme"),
    pytest.param("<ftp://example.com/file>", id="ftp-autolink"),
]


@pytest.mark.parametrize("text", NOT_LINKS)
def test_a_url_of_any_other_scheme_than_http_https_or_mailto_is_not_made_a_link(
    text: str,
) -> None:
    for html_text in (md(text), md_inline(text)):
        assert re.findall(r'(?:href|src)="([^"]*)"', html_text) == [], html_text


LINKS = [
    pytest.param("[x](https://example.com/a)", "https://example.com/a", id="https"),
    pytest.param("[x](http://example.com/a)", "http://example.com/a", id="http"),
    pytest.param("[x](mailto:someone@example.com)", "mailto:someone@example.com", id="mailto"),
    pytest.param("[x](../glossary/)", "../glossary/", id="relative"),
    pytest.param("[x](#step-2)", "#step-2", id="anchor"),
    pytest.param("<https://example.com/>", "https://example.com/", id="autolink"),
    pytest.param(
        "[x][ref]\n\n[ref]: https://example.com/r", "https://example.com/r", id="reference"
    ),
]


@pytest.mark.parametrize(("text", "url"), LINKS)
def test_http_https_mailto_and_relative_links_stay_links(text: str, url: str) -> None:
    assert re.findall(r'href="([^"]*)"', md(text)) == [url]


def test_an_image_from_elsewhere_is_shown_as_a_link_to_it_and_one_from_the_site_as_an_image() -> (
    None
):
    assert str(md("![A chart](https://example.com/c.png)")) == (
        '<p><a href="https://example.com/c.png">A chart</a></p>\n'
    )
    assert str(md("![A chart](//example.com/c.png)")) == (
        '<p><a href="//example.com/c.png">A chart</a></p>\n'
    )
    assert (
        str(md("![A chart](images/c.png)")) == '<p><img src="images/c.png" alt="A chart" /></p>\n'
    )


FENCES = [
    pytest.param("Asking:\n```\nwhat is stopping you?\n```", id="backticks"),
    pytest.param("Asking:\n~~~\nwhat is stopping you?\n~~~", id="tildes"),
    pytest.param("```python\nprint(1)\n```", id="at-the-start"),
    pytest.param("\\`\\`\\`\nescaped in Markdown\n\\`\\`\\`", id="escaped-backticks"),
    pytest.param("A paragraph.\n\n[then](javascript:alert(1))", id="blank-line"),
    pytest.param("    code with\n  \n    a blank line", id="blank-line-in-code"),
]


@pytest.mark.parametrize("text", FENCES)
def test_no_line_of_text_or_markdown_output_starts_a_code_fence_or_is_blank(text: str) -> None:
    """MkDocs' Markdown reads a fence at the start of a line even inside an HTML block: a
    plain-text field would become a code block, and the HTML around it text. A blank line
    ends an HTML block for CommonMark readers of `course export-markdown`'s pages."""
    env = make_environment(TEMPLATES, TWO_CATEGORIES)
    outputs = [
        env.from_string("<p>{{ text }}</p>").render(text=text),
        str(md(text)),
        str(md_inline(text)),
    ]
    for output in outputs:
        assert not re.search(r"^(```|~~~)", output, re.MULTILINE), output
        assert not re.search(r"\n[ \t]*\n", output), output
    assert html.unescape(outputs[0]) == f"<p>{text}</p>", "shown exactly as written"


PLAIN_TEXT_PLACES = [
    pytest.param("<p>{{ text }}</p>", ["p"], id="in-an-html-block"),
    pytest.param('<li data-option="x"><span>{{ text }}</span></li>', ["li", "span"], id="nested"),
    pytest.param("# {{ text|md_text }}", ["h1"], id="md-text-heading"),
    pytest.param("- {{ text|md_text }}", ["ul", "li"], id="md-text-list-item"),
]


@pytest.mark.parametrize("text", BLOCK_PAYLOADS, ids=[p.split()[0] for p in BLOCK_PAYLOADS])
@pytest.mark.parametrize(("template", "tags"), PLAIN_TEXT_PLACES)
@pytest.mark.parametrize("reader", ["mkdocs", "commonmark"])
def test_plain_text_with_markdown_block_syntax_shows_as_written(
    text: str, template: str, tags: list[str], reader: str
) -> None:
    """Where the templates print plain text (in HTML blocks, or through ``md_text``), a fence,
    heading, list, quote, table, ... in it makes no block: the page holds the template's tags
    only, and the text as written (``md_text`` folds its line breaks into spaces)."""
    page = make_environment(TEMPLATES, TWO_CATEGORIES).from_string(template).render(text=text)
    if reader == "mkdocs":  # the extensions MkDocs always adds, and the site's
        extensions = ["toc", "tables", "fenced_code", "attr_list"]
        converted = markdown.Markdown(extensions=extensions).convert(page)
    else:
        converted = MarkdownIt("commonmark", {"html": True}).render(page)
    assert re.findall(r"<(\w+)", converted) == tags, converted
    shown = html.unescape(re.sub(r"<[^>]*>", "", converted))
    assert " ".join(shown.split()) == " ".join(text.split())
    if "md_text" not in template:
        assert shown.strip() == text, "line breaks and all"
        assert "\n" not in page, "one line of Markdown (builder/adapters/raw_html.py needs it)"


def test_the_sources_page_sets_what_the_course_adds_apart_from_the_credit(
    rendered: Rendered,
) -> None:
    text = next(p.text for p in rendered.pages if p.path == "sources.md")
    credit, added = text.split("## What this course adds { #what-this-course-adds }")
    assert "a test should be able to fail" in credit
    assert "which cannot fail is a defect" not in credit
    assert "### Building on An invented handbook" in added
    assert "which cannot fail is a defect" in added
    assert "All credit for the ideas goes to their authors" not in text


def test_the_shipped_sources_credit_their_authors_and_keep_the_courses_additions_apart() -> None:
    content, _ = validate_content(ROOT / "content")
    assert content is not None
    for source in content.course.sources:
        assert source.contribution
        assert source.adds, f"{source.title}: say what the course adds (`adds:`)"
        assert "what this course adds" not in source.contribution.lower(), "that is `adds:`"


#: A page path assembled in a template: an id joined to ``.md`` or ``/index.md``.
_SPELLED_PATH = re.compile(r"""~\s*['"](?:/index)?\.md['"]|\}\}/index\.md""")


def test_no_template_spells_a_page_path() -> None:
    """Templates take a page's path from builder/pages/site.py (``item_path``, ``module_path``
    and the trainer's, as globals), so a page that moves moves everywhere at once."""
    spelled = [
        f"{path.relative_to(TEMPLATES.parent)}:{number}"
        for path in sorted(TEMPLATES.parent.rglob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _SPELLED_PATH.search(line)
    ]
    assert spelled == []
