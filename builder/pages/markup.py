"""The markup filters: content text to HTML for every page family.

Text from content files reaches the page in exactly two ways, both escaped:
- Markdown fields go through markdown-it-py with raw HTML disabled (``md``, ``md_inline``),
  links only to http(s), mailto and relative URLs, images only from the site;
- plain text goes through Jinja's autoescape, or ``md_text`` where it sits in Markdown syntax
  (headings, link labels), which escapes both HTML and Markdown punctuation.

Either way the result stays one HTML block for any Markdown reader (``one_block``): no line
starts a code fence (MkDocs' Markdown reads fences even inside HTML blocks) and no line is
blank (which ends an HTML block in CommonMark, for the pages ``course export-markdown`` writes),
so what the content says is shown as written, never as Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup, escape

#: The only URL schemes a link may have; anything else (javascript:, data:, vbscript:, file:,
#: an app's own scheme...) is not made a link, and stays in the text as written.
LINK_SCHEMES = frozenset(["http", "https", "mailto"])
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` in lower case, or None for a relative URL."""
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def is_external(url: str) -> bool:
    """Whether ``url`` points outside the site (it has a scheme, or starts with ``//``)."""
    return url_scheme(url) is not None or url.lstrip().startswith(("//", "\\"))


class _CourseMarkdown(MarkdownIt):
    """CommonMark with the course's link rule: http(s), mailto and relative URLs only."""

    def validateLink(self, url: str) -> bool:
        # `url` is normalised: entities decoded, then unsafe characters percent-encoded.
        scheme = url_scheme(url)
        return scheme is None or scheme in LINK_SCHEMES


def _image(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image from the site as an image; one from elsewhere as a link to it.

    Loading it would make every learner's browser contact a third party (validation warns
    about it, and refuses it under --strict); a link asks first.
    """
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not is_external(src):
        return str(renderer.image(tokens, idx, options, env))
    label = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


_markdown = _CourseMarkdown("commonmark", {"html": False, "typographer": False}).enable("table")
_markdown.add_render_rule("image", _image)
# What would end an HTML block or start a code block inside one: a line that starts with three
# backticks or tildes (its first character), and the line break before a blank line.
_BREAKS_BLOCK = re.compile(r"^(?=```|~~~)[`~]|\n(?=[ \t]*\n)", re.MULTILINE)
_ENTITY = {"`": "&#96;", "~": "&#126;", "\n": "&#10;"}
# Text made only of these characters has no Markdown syntax inside a line: letters, digits,
# spaces and punctuation that CommonMark gives no meaning to (``>`` and ``"`` only need
# escaping). Where a line starts matters too; ``_plain_block`` checks that.
_PLAIN_TEXT = re.compile(
    r"[A-Za-z0-9 ,.;:'\"?()/%$@^{}=+>\-\u00c0-\u024f\u2010-\u2027\u2030-\u205e]*"
)
# Markdown punctuation Python-Markdown takes back from a backslash escape; ``|`` and ``~``
# are not among them (a backslash would show), so they are written as character references.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")
_MD_REFERENCE = {ord("|"): "&#124;", ord("~"): "&#126;"}


def md(text: str | None) -> Markup:
    """Markdown to HTML, raw HTML disabled (shown as text)."""
    text = text or ""
    plain = _plain_block(text)
    return Markup(one_block(_markdown.render(text)) if plain is None else plain)


def md_inline(text: str | None) -> Markup:
    """Inline Markdown to HTML (no paragraphs), raw HTML disabled."""
    text = text or ""
    if "\n" not in text and _PLAIN_TEXT.fullmatch(text):
        return Markup(escapeHtml(text))
    return Markup(one_block(_markdown.renderInline(text)))


def one_block(html_text: str) -> str:
    """``html_text`` made to stay inside the HTML block around it, for any Markdown reader.

    No line starts a code fence, and no line is blank: the character that would do it is
    written as a character reference, which is the same HTML to a browser (a line break
    between words or inside ``<pre>`` included).
    """
    if "\n" not in html_text and "```" not in html_text and "~~~" not in html_text:
        return html_text
    return _BREAKS_BLOCK.sub(lambda m: _ENTITY[m.group()], html_text)


def plain(value: Any) -> Any:
    """Jinja's ``finalize``: plain text printed by a template, shown as written.

    Autoescape makes it safe as HTML. Templates print plain text inside HTML blocks (in
    Markdown, through ``md_text``), where Markdown reads no syntax but two: a line of
    backticks or tildes (MkDocs' ``fenced_code`` reads a fence even there) and a blank line,
    which ends the block. So the text is written on one line, its line breaks as character
    references (the same text to a browser), and a fence it starts with is broken the same
    way: whatever block syntax a plain-text field holds, no line of the page starts with it.
    Markup (already HTML) and non-text values pass unchanged.
    """
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if "\n" in value or value.startswith(("```", "~~~")):
        escaped = str(escape(value))
        if escaped.startswith(("```", "~~~")):
            escaped = _ENTITY[escaped[0]] + escaped[1:]
        return Markup(escaped.replace("\n", _ENTITY["\n"]))
    return value


def _plain_block(text: str) -> str | None:
    """markdown-it's HTML for prose without Markdown syntax, made directly; else None.

    Most fields are a few paragraphs of plain sentences, and parsing them is most of the
    builder's time. A line that could open a block (heading, list, quote, code, setext
    underline, table) or end in a hard break sends the whole text to markdown-it;
    tests/test_render.py checks the shortcut against markdown-it on generated texts.
    """
    if not _PLAIN_TEXT.fullmatch(text.replace("\n", " ")):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
        elif line[0] in " #>-+*=" or line[0].isdigit() or line[-1] == " ":
            return None
        else:
            paragraphs[-1].append(line)
    return "".join(f"<p>{escapeHtml(chr(10).join(p))}</p>\n" for p in paragraphs if p)


def cached(render_text: Callable[[str | None], Markup]) -> Callable[[str | None], Markup]:
    """``render_text`` remembering its results: trainer pages show the same texts again."""
    seen: dict[str | None, Markup] = {}

    def remembered(text: str | None) -> Markup:
        html_text = seen.get(text)
        if html_text is None:
            html_text = seen[text] = render_text(text)
        return html_text

    return remembered


def md_text(text: str) -> Markup:
    """Plain text made safe inside Markdown syntax: HTML and Markdown punctuation escaped."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return Markup(_MD_SPECIAL.sub(r"\\\1", escaped).translate(_MD_REFERENCE))


_COUNT_WORDS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def count_word(number: int) -> str:
    """A small count in words, as prose writes it (``six``); past twelve, in digits."""
    return _COUNT_WORDS[number] if 0 <= number < len(_COUNT_WORDS) else str(number)
