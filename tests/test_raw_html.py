"""builder/adapters/raw_html.py: MkDocs converts the Markdown of a page, not its HTML blocks.

The promise is exact: a page converted with its HTML blocks swapped out and back is the same
HTML, with the same table of contents, as the page converted whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from builder.adapters.raw_html import (
    SAFE_EXTENSIONS,
    AnchorIds,
    is_safe,
    protect,
    raw_html_anchor_ids,
)
from builder.pipeline import run_pipeline

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates" / "pages"

Site = tuple[list[Any], dict[str, Any]]
#: What MkDocs adds to every site's extensions (mkdocs/config/defaults.py).
MKDOCS_DEFAULTS = ["toc", "tables", "fenced_code"]


@pytest.fixture(scope="module")
def settings_of_the_site() -> Site:
    """The Markdown extensions MkDocs uses for this site (its built-in ones included)."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return list(config.markdown_extensions), dict(config.mdx_configs)


class _TreeIds(Treeprocessor):
    """The ids of the converted Markdown, as MkDocs' own tree processor collects them."""

    ids: frozenset[str] = frozenset()  # an empty page is not converted at all

    def run(self, root: Element) -> None:
        self.ids = frozenset(anchor for element in root.iter() if (anchor := element.get("id")))


def convert(text: str, site: Site) -> tuple[str, Any, set[str]]:
    """The page's HTML, table of contents and, as MkDocs finds them, anchor ids."""
    md = markdown.Markdown(extensions=site[0], extension_configs=site[1])
    ids = _TreeIds(md)
    md.treeprocessors.register(ids, "tree-ids", 0)
    html = md.convert(text)
    return html, getattr(md, "toc_tokens", None), ids.ids | raw_html_anchor_ids(text)


def assert_same(text: str, site: Site) -> int:
    """Convert ``text`` whole and around its HTML blocks: the same HTML, toc and ids."""
    protected = protect(text)
    html, toc, ids = convert(protected.markdown, site)
    around = (protected.restore(html), toc, set(protected.anchor_ids(ids)))
    assert around == convert(text, site)
    return len(protected.blocks)


@pytest.mark.parametrize("content", ["content", "tests/fixtures/course/content"])
def test_every_generated_page_converts_to_the_same_html(
    content: str, settings_of_the_site: Site
) -> None:
    assert is_safe(settings_of_the_site[0])
    pages = run_pipeline(ROOT / content, TEMPLATES).rendered.pages
    swapped = 0
    for page in pages:
        text, _meta = get_data(page.text)
        swapped += assert_same(text, settings_of_the_site)
    assert swapped > 3 * len(pages), "most of each page goes around Python-Markdown"


PIECES = [
    *("# Heading", "## Heading { #id }", "", "", "text", "- item", "1. item", "    code"),
    *("```", "~~~", "  ```", "<div>", '<div class="a">', "</div>", "<p>para</p>", "<p>open"),
    "end</p>",
    *("<span>inline</span>", "<svg><title>t</title></svg>", "<table>", "<tr><td>1</td></tr>"),
    *("</table>", "<details><summary>s</summary>", "</details>", "<ul>", "<li>x</li>", "</ul>"),
    *("<!-- note -->", "<div>one line</div> and text", "> quote", "<pre>", "</pre>", "&amp; *em*"),
    *('<div id="a">', '<p id="b">c</p>', "<!-- </div>", "-->", "<script>", "</script>", "<hr>"),
    *("<![CDATA[ </div>", "]]>", "a <script> b", ": definition", "Term", "*[HTML]: Hyper Text"),
]

# Whole blocks of each kind that the safe extensions read, to be joined with blank lines.
BLOCKS = [
    *("<div>\n<p>a</p>\n</div>", '<div id="x">\n<p>a</p>\n</div>', "<p>para</p>", "Term"),
    *(": definition", "# Heading", "## Heading { #h .c }", "text {: #t }", "- item", "1. item"),
    *("!!! note\n    Noted.", '!!! tip "Title"', "*[HTML]: Hyper Text", "HTML words"),
    *("text[^1]", "[^1]: A footnote.", "| a | b |\n| - | - |\n| 1 | 2 |", "```\ncode\n```"),
    *("<table>\n<tr><td>1</td></tr>\n</table>", "> quote", "    indented", "- a\n\n- b"),
    *("<details><summary>s</summary>\n<p>x</p>\n</details>", "<ul>\n<li>x</li>\n</ul>"),
]


# The same examples on every run, so CI judges the change and not the dice; runs of 30,000
# examples with other seeds are worth repeating by hand after touching raw_html.py.
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("\n".join))
@example("<div>\n<script>\n</div>\n\n</script>\n</div>")  # fails without _balanced
def test_any_mix_of_markdown_and_html_converts_to_the_same_html(text: str) -> None:
    site = (["toc", "tables", "fenced_code", "attr_list"], {"toc": {"permalink": False}})
    assert_same(text, site)


@pytest.mark.parametrize("extension", sorted(SAFE_EXTENSIONS))
@settings(max_examples=250, deadline=None, derandomize=True)
@given(
    lines=st.lists(st.sampled_from(PIECES), max_size=16).map("\n".join),
    blocks=st.lists(st.sampled_from(BLOCKS), max_size=10).map("\n\n".join),
)
def test_every_extension_declared_safe_converts_any_mix_to_the_same_html(
    extension: str, lines: str, blocks: str
) -> None:
    site = ([*MKDOCS_DEFAULTS, extension], {})
    assert_same(lines, site)
    assert_same(blocks, site)


def test_def_list_is_not_declared_safe_as_it_makes_a_stand_in_a_term() -> None:
    """The shortest of the differences found: Python-Markdown reads the paragraph before a
    `: definition` line as a term, and `<dt>` holds the stand-in where `<p>` would."""
    assert not is_safe(["def_list"])
    text = "<p>para</p>\n\n: definition"
    site = ([*MKDOCS_DEFAULTS, "def_list"], {})
    protected = protect(text)
    assert protected.blocks == ["<p>para</p>"]
    html, _toc, _ids = convert(protected.markdown, site)
    assert protected.token in protected.restore(html)
    assert protected.restore(html) != convert(text, site)[0]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        pytest.param("<div>\n<p>a</p>\n\n<p>b</p>\n</div>", 1, id="a-block-with-a-blank-line"),
        pytest.param("<div>\n<div>\n</div>\n</div>\n\n<ul>\n<li>x</li>\n</ul>", 2, id="nested"),
        pytest.param("# Title\n<div>\nx\n</div>", 0, id="no-blank-line-before"),
        pytest.param("<div>\nx\n</div>\ntext", 0, id="no-blank-line-after"),
        pytest.param("<div>\nx\n</div> tail", 0, id="text-after-the-closing-tag"),
        pytest.param("<div>\n<div>\nx\n</div>", 0, id="never-closed"),
        pytest.param("<span>\nx\n</span>", 0, id="not-a-block-tag"),
        pytest.param("<pre>\n<div>\n</pre>", 0, id="raw-text-element"),
        pytest.param("<div>\n```\n</div>\n\n```", 0, id="a-code-fence-inside"),
        # What `_balanced` is for: the first `</div>` is text inside the script, so the block
        # runs on to the last line for Python-Markdown.
        pytest.param("<div>\n<script>\n</div>\n\n</script>\n</div>", 0, id="a-script-left-open"),
        pytest.param("<div>\n<!-- </div>\n\n-->\n</div>", 0, id="a-comment-inside"),
        pytest.param("<div>\n<![CDATA[ </div>\n\n]]>\n</div>", 0, id="a-cdata-section-inside"),
        pytest.param("<div>\n<? </div>\n\n?>\n</div>", 0, id="a-processing-instruction"),
    ],
)
def test_only_unambiguous_blocks_are_swapped(text: str, blocks: int) -> None:
    assert len(protect(text).blocks) == blocks
    assert_same(text, (MKDOCS_DEFAULTS, {}))


def test_the_stand_in_paragraph_cannot_be_written_by_content() -> None:
    """A page that writes the very stand-in its HTML block would get keeps it as text."""
    page = "<div>a</div>"
    stand_in = protect(page).markdown
    text = f"{stand_in}\n\n{page}"
    protected = protect(text)
    assert protected.markdown != f"{stand_in}\n\n{stand_in}", "the token depends on the page"
    assert_same(text, (MKDOCS_DEFAULTS, {}))
    html, _toc, _ids = convert(protected.markdown, (MKDOCS_DEFAULTS, {}))
    assert protected.restore(html) == f"<p>{stand_in}</p>\n<div>a</div>"


def test_the_ids_of_html_blocks_are_found_only_when_asked_for() -> None:
    protected = protect('# Title\n\n<div id="inside">\n<a name="named">x</a>\n</div>')
    ids = protected.anchor_ids({"title"})
    assert isinstance(ids, AnchorIds)
    assert ids._source is not None, "nothing parsed yet"
    assert "inside" in ids
    assert ids._source is None
    assert sorted(ids) == ["inside", "named", "title"]
    ids.add("added")
    ids.discard("title")
    assert set(ids) == {"inside", "named", "added"}


@pytest.mark.parametrize(
    ("extensions", "safe"),
    [
        (["toc", "tables", "fenced_code", "attr_list"], True),
        (["toc", "md_in_html"], False),
        (["toc", "pymdownx.superfences"], False),
        (["markdown.extensions.admonition"], True),
        ([TocExtension()], True),
        (["def_list"], False),
        (["mypackage.toc"], False),
        (["mypackage.extensions.tables"], False),
    ],
)
def test_extensions_that_change_html_blocks_turn_it_off(extensions: list[Any], safe: bool) -> None:
    assert is_safe(extensions) is safe
