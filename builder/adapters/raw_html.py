"""Hand MkDocs' Markdown only the Markdown of a generated page, not its HTML blocks.

The generated pages are mostly HTML blocks (questions, cases, role plays) between a few
Markdown headings and lists. Python-Markdown passes such blocks through unchanged, but only
after parsing every tag of them to find where each ends, and MkDocs parses them once more for
their anchor ids: at 1,000 scenarios that is most of the time MkDocs spends on the pages.

- **What is taken.** Before MkDocs converts a page, each top-level HTML block is swapped for a
  one-word paragraph (a stand-in), and after conversion the stand-in is swapped back for the
  block, exactly as Python-Markdown would have emitted it. A block is taken only where there is
  no doubt what Python-Markdown does with it: it starts at the beginning of a line with an
  opening block-level tag, after a blank line or at the start of the page; it ends on the line
  where that tag's own openings and closings balance and which ends with its closing tag; a
  blank line or the end of the page follows; every block-level element opened inside it is
  closed inside it (``_balanced``); and it holds no code fence (which ``fenced_code`` reads
  before the HTML), no comment, CDATA section or processing instruction (inside which a closing
  tag is text).
- **When taking stops.** After HTML left to Python-Markdown that may run on (an element it
  sees open, a comment) or a code fence, no later block is taken either. Markdown extensions
  that treat HTML blocks differently (``md_in_html``, ``def_list``, ``pymdownx.*``, ...) turn it
  off for the whole site: only those in ``SAFE_EXTENSIONS`` allow it. The plugin's
  ``fast_html_blocks: false`` turns it off by hand.
- **What MkDocs still sees.** The same HTML and table of contents, and the anchor ids of the
  blocks for its link validation (``Protected.anchor_ids``).

tests/test_raw_html.py checks this on every page of the shipped and the test course and on
thousands of random mixes of Markdown and HTML, once per extension declared safe; a site built
with and without it is compared file by file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, MutableSet, Set
from dataclasses import dataclass

import markdown
from mkdocs.structure.pages import _HTMLHandler

#: Python-Markdown's own extensions that leave top-level HTML blocks to its raw HTML handling,
#: each checked by tests/test_raw_html.py. (``def_list`` is not one: it reads a paragraph
#: followed by ``: text`` as a term, stand-ins included. ``fenced_code``, which MkDocs always
#: adds, reads a line of backticks even inside an HTML block; ``protect`` leaves a block with
#: one to Python-Markdown, and the generated HTML has none: a Markdown field's line that would
#: start a fence is escaped by ``render.one_block``, and a plain-text field may hold several
#: lines, fences among them, but templates print it on one line (``render.plain``).)
SAFE_EXTENSIONS = frozenset(
    [
        *("abbr", "admonition", "attr_list", "fenced_code", "footnotes", "sane_lists"),
        *("tables", "toc"),
    ]
)

# Every tag that opens an HTML block for Python-Markdown.
_ANY_BLOCK = "|".join(sorted(markdown.Markdown().block_level_elements))
_ANY_BLOCK_SET = frozenset(_ANY_BLOCK.split("|"))
# Tags that open an HTML block for Python-Markdown and always have a closing tag of their own
# (its list also holds void and raw-text elements such as `hr`, `pre` and `script`: left out).
_BLOCK_TAGS = (
    frozenset(
        [
            *("address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset"),
            *("figure", "footer", "form", "header", "nav", "ol", "p", "section", "table", "ul"),
        ]
    )
    & _ANY_BLOCK_SET
)
_OPENING = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])")
_FENCE = re.compile(r"\s*(?:```|~~~)")
# Markup inside which a closing tag is text: a comment, a CDATA section, a processing
# instruction (and a declaration).
_NOT_TAGS = re.compile(r"<[!?]")
_UNCERTAIN = re.compile(rf"\s*(?:```|~~~)|<({_ANY_BLOCK})(?![a-z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class Protected:
    """A page's Markdown with its HTML blocks swapped out, and what restores them."""

    markdown: str
    blocks: list[str]
    token: str
    #: The page as it was given, for its anchor ids.
    source: str

    def restore(self, html: str) -> str:
        """The converted page with each block back where its paragraph is."""
        if not self.blocks:
            return html
        pattern = re.compile(rf"<p>{self.token}(\d+)</p>")
        # Python-Markdown ends every HTML block with a newline, and strips the whole page.
        return pattern.sub(lambda m: self.blocks[int(m.group(1))] + "\n", html).strip()

    def anchor_ids(self, converted: Set[str]) -> AnchorIds:
        """The page's anchor ids as MkDocs finds them when it converts the page whole.

        ``converted`` holds those MkDocs found in the Markdown it converted (headings, and the
        HTML outside the blocks); the blocks' own are found when first asked for.
        """
        return AnchorIds(converted, self.source if self.blocks else None)


class AnchorIds(MutableSet[str]):
    """A page's anchor ids, the raw HTML's found only when someone asks.

    MkDocs looks ids up only to check links to anchors, which most pages never get, and
    finding them means parsing every tag of the page again (as long as converting it). So the
    ids are found on first use, by MkDocs' own parser over the whole page, as it would have.
    """

    def __init__(self, known: Set[str], source: str | None) -> None:
        self._ids = set(known)
        self._source = source

    def _found(self) -> set[str]:
        if self._source is not None:
            self._ids |= raw_html_anchor_ids(self._source)
            self._source = None
        return self._ids

    def __contains__(self, value: object) -> bool:
        return value in self._found()

    def __iter__(self) -> Iterator[str]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())

    def add(self, value: str) -> None:
        self._found().add(value)

    def discard(self, value: str) -> None:
        self._found().discard(value)

    def __repr__(self) -> str:
        return f"AnchorIds({sorted(self._found())!r})"


def raw_html_anchor_ids(markdown: str) -> set[str]:
    """The anchor ids MkDocs finds in the raw HTML of ``markdown`` (its own parser)."""
    parser = _HTMLHandler()
    parser.feed(markdown)
    parser.close()
    return set(parser.present_anchor_ids)


def is_safe(extensions: list[object]) -> bool:
    """Whether the configured Markdown extensions all leave HTML blocks alone.

    An extension is named by its short name (``toc``) or its module
    (``markdown.extensions.toc``), or given as an instance; another package's module that only
    ends in a safe name (``mypackage.toc``) is not safe.
    """
    names = [e if isinstance(e, str) else type(e).__module__ for e in extensions]
    return all(name.removeprefix("markdown.extensions.") in SAFE_EXTENSIONS for name in names)


def protect(markdown: str) -> Protected:
    """``markdown`` with every unambiguous top-level HTML block swapped for a paragraph."""
    # The token cannot occur in the page: it is derived from the page's own text.
    token = "cqraw" + hashlib.sha256(markdown.encode()).hexdigest()[:20] + "x"
    lines = markdown.split("\n")
    out: list[str] = []
    blocks: list[str] = []
    i = 0
    taking = True
    while i < len(lines):
        end = _block_end(lines, i) if taking else None
        if end is None:
            # HTML left to Python-Markdown may run on past later blocks (an element it sees
            # open, a comment), and a code fence holds text, not blocks: take no more.
            if _uncertain(lines[i]):
                taking = False
            out.append(lines[i])
            i += 1
            continue
        out.append(f"{token}{len(blocks)}")
        blocks.append("\n".join(lines[i : end + 1]))
        i = end + 1
    return Protected("\n".join(out), blocks, token, markdown)


def _uncertain(line: str) -> bool:
    """Whether Python-Markdown may read past ``line`` as HTML, or it opens a code fence.

    An element that opens and closes on the line (``<script src=...></script>``) ends there.
    """
    comment = line.find("<!--")
    if comment >= 0 and "-->" not in line[comment:]:
        return True
    found = _UNCERTAIN.match(line)
    if found is None or found.group(1) is None:
        return found is not None  # a code fence, or nothing
    tag = found.group(1).lower()
    opens = len(re.findall(rf"<{tag}(?![a-z0-9])", line, re.IGNORECASE))
    closes = len(re.findall(rf"</{tag}>", line, re.IGNORECASE))
    return not (opens == closes and line.lower().endswith(f"</{tag}>"))


def _block_end(lines: list[str], start: int) -> int | None:
    """The last line of the HTML block starting at ``lines[start]``, or None if there is none.

    The element opened at the start of the line must close at the end of a later (or the
    same) line, and nothing of that tag may close it earlier: `<div>a</div><div>b</div>` is
    two elements on a line, which Python-Markdown reads differently, so it is not taken.
    """
    opening = _OPENING.match(lines[start])
    if opening is None or opening.group(1) not in _BLOCK_TAGS:
        return None
    if start > 0 and lines[start - 1] != "":
        return None
    tag = opening.group(1)
    tags = re.compile(rf"<{tag}[\s>]|</{tag}>")
    depth = 0
    for end in range(start, len(lines)):
        line = lines[end]
        if _FENCE.match(line):  # `fenced_code` reads fences before HTML, even inside a block
            return None
        for found in tags.finditer(line):
            depth += -1 if found.group().startswith("</") else 1
            if depth == 0:
                if found.end() != len(line):
                    return None
                followed = end + 1 == len(lines) or lines[end + 1] == ""
                inside = "\n".join(lines[start : end + 1])
                certain = _balanced(inside) and _NOT_TAGS.search(inside) is None
                return end if followed and certain else None
    return None


def _balanced(html: str) -> bool:
    """Whether every block-level element opened in ``html`` is closed in it too.

    One left open (or a void one such as `<hr>`) changes where Python-Markdown ends the block.
    """
    balance: Counter[str] = Counter()
    for slash, name in _TAG.findall(html):
        name = name.lower()
        if name in _ANY_BLOCK_SET:
            balance[name] += -1 if slash else 1
    return not any(balance.values())
