"""A hostile course: the shipped course with injection payloads in every text field.

Made from the real content, by walking every ``Text`` and ``Markdown`` field of every model
(``builder.model.common.text_fields``), so a field added to the model is attacked without
anyone listing it here. Optional text fields the course leaves out, empty lists of texts and
empty lists of small models (such as reflection prompts) are filled in too; the tests check
that every text field the model declares is reached.

Each kind of field gets every payload at least once (see ``payload_text``). Each payload, if
anything of it were obeyed as HTML, Markdown or a template, would call the page's
``cqPwned(n)`` (the browser test records the calls), open a dialog, link to a ``javascript:``
or ``data:`` URL, load something from ``third-party.invalid``, or print ``cqJINJAran``. Every
text starts with characters outside the Basic Multilingual Plane, which once broke the
generated front matter.
"""

from __future__ import annotations

import copy
import re
import shutil
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import annotated_types
import yaml
from pydantic import BaseModel

from builder.estimate import learner_turns
from builder.model import MODELS, RolePlay
from builder.model.common import TextFormat, format_of
from builder.validate import validate_content

ROOT = Path(__file__).resolve().parent.parent
SENTINEL = "cqPwned"
ASTRAL = "\U0001d538\U0001f600"  # a double-struck capital A and a grinning face
THIRD_PARTY = "third-party.invalid"
JINJA_RAN = "cqJINJAran"  # what the Jinja payload prints if it is ever evaluated

#: Built into the hostile course: none of them may do anything but show as text.
PAYLOADS = [
    "<script>cqPwned(1)</script>",
    "<img src=x onerror=cqPwned(2)>",
    "<svg/onload=cqPwned(3)>",
    "[a link](javascript:cqPwned(4))",
    "[a link](JaVaScRiPt:cqPwned(5))",
    "[a link](<javascript:cqPwned(6)>)",
    "[a reference][r7]\n\n[r7]: javascript:cqPwned(7)",
    "<javascript:cqPwned(8)>",
    "[data](data:text/html;base64,PHNjcmlwdD5jcVB3bmVkKDkpPC9zY3JpcHQ+)",
    "[vb](vbscript:cqPwned(10))",
    '<a href="javascript:cqPwned(11)">an HTML link</a>',
    '" onmouseover="cqPwned(12)" autofocus onfocus="cqPwned(12)" x="',
    "' onmouseover='cqPwned(13)' autofocus onfocus='cqPwned(13)' x='",
    "</textarea></title></span></label></p><img src=x onerror=cqPwned(14)>",
    'A heading {: onclick="cqPwned(15)" }',
    "{: #x15 onclick=cqPwned(16) }",
    "[smuggled](&#106;avascript:cqPwned(17))",
    "&lt;img src=x onerror=cqPwned(18)&gt; &#60;script&#62;cqPwned(18)&#60;/script&#62;",
    "{{ 'cq' ~ 'JINJA' ~ 'ran' }}{% if true %}{{ 'cqJIN' ~ 'JAran' }}{% endif %}",
    "![external](https://third-party.invalid/pixel.png)",
    "![protocol relative](//third-party.invalid/pixel.png)",
    "![a reference image][img22]\n\n[img22]: https://third-party.invalid/ref.png",
    '<iframe src="javascript:cqPwned(23)"></iframe>',
    "<style>@import url(https://third-party.invalid/x.css);</style>",
    "```\n<script>cqPwned(25)</script>\n```",
    "~~~\n<img src=x onerror=cqPwned(26)>\n~~~",
    "<details open ontoggle=cqPwned(27)>",
    "<!-- <img src=x onerror=cqPwned(28)> -->",
    '<math><mi xlink:href="javascript:cqPwned(29)">x</mi></math>',
    "---\ntitle: <img src=x onerror=cqPwned(30)>\n---",
    '[x](#" onclick="cqPwned(31))',
    "<http://third-party.invalid/autolink> https://third-party.invalid/bare",
    "[tab](java&#x09;script:cqPwned(33))",
    "<form action=javascript:cqPwned(34)><button>go</button></form>",
    '<object data="data:text/html,<script>cqPwned(35)</script>"></object>',
    "\\`\\`\\`\nbetween escaped fences <img src=x onerror=cqPwned(36)>\n\\`\\`\\`",
    "[mail](mailto:someone@example.com) [web](https://example.com/) [page](../)",
    "\u202eRTL override\u202c and a zero\u200bwidth space",
    "<img src=x onerror=alert('cqPwned-39')>",
    "[alert](javascript:alert('cqPwned-40'))",
]

#: Refused by validation, so they never reach a build: control characters.
REFUSED_PAYLOADS = [
    "\x1b[2K\x1b[1A\x1b]0;forged title\x07",
    "a NUL \x00 byte",
    "a C1 control \x9b31m",
    "a carriage\rreturn",
]


#: How many payloads a text field gets after the first of its kind, which gets all of them.
WINDOW = 8


def payload_text(index: int, limit: int | None) -> str:
    """The hostile value of the ``index``-th text field of one kind (say, `Choice.consequence`).

    The first field of each kind gets every payload, each as its own paragraph so that none
    hides another; the next ones get ``WINDOW`` payloads in turn, which keeps pages to a size
    a browser crawls quickly while each payload still reaches hundreds of fields. A field with
    a length limit (a title) gets one payload, in turn.
    """
    if limit is not None:
        fitting = [p for p in PAYLOADS if len(p) + len(ASTRAL) + 1 <= limit]
        return f"{ASTRAL} {fitting[index % len(fitting)]}"
    if index == 0:
        chosen = PAYLOADS
    else:
        start = (index - 1) * WINDOW
        chosen = [PAYLOADS[(start + n) % len(PAYLOADS)] for n in range(WINDOW)]
    return f"{ASTRAL} " + "\n\n".join(chosen)


def max_length(model: type[BaseModel], name: str) -> int | None:
    """The length limit of the texts of a field, if it has one."""
    info = model.model_fields[name]
    for candidate in _tree([*info.metadata, info.annotation]):
        if isinstance(candidate, annotated_types.MaxLen):
            return candidate.max_length
    return None


def _tree(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        for arg in typing.get_args(item):
            yield from _tree([arg])
            info_metadata = getattr(arg, "metadata", None)
            if isinstance(info_metadata, list):
                yield from _tree(info_metadata)


def nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    for candidate in _tree([annotation]):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            yield candidate


def declared_text_fields(text_format: TextFormat | None = None) -> set[tuple[str, str]]:
    """Every (model, field) of the content model that holds text (of ``text_format``, if
    given), at any depth."""
    out: set[tuple[str, str]] = set()
    todo: list[type[BaseModel]] = list(MODELS.values())
    seen: set[type[BaseModel]] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            found = format_of(model, name)
            if found is not None and text_format in (None, found):
                out.add((model.__name__, name))
            todo.extend(nested_models(info.annotation))
    return out


class Attacker:
    """Fills a file's data with payloads, field by field; remembers which fields it reached."""

    def __init__(self, payload: Callable[[int, int | None], str] = payload_text) -> None:
        #: The value of the n-th field of a kind, given the length limit of its texts.
        self.payload = payload
        self.count = 0
        self.of_kind: Counter[tuple[str, str]] = Counter()

    @property
    def reached(self) -> set[tuple[str, str]]:
        return set(self.of_kind)

    def text(self, model: type[BaseModel], name: str) -> str:
        kind = (model.__name__, name)
        index = self.of_kind[kind]
        self.of_kind[kind] += 1
        self.count += 1
        return self.payload(index, max_length(model, name))

    def attack(self, model: BaseModel, data: dict[str, Any]) -> None:
        """Put payloads into ``data`` (the YAML data of ``model``), in place."""
        cls = type(model)
        for name, info in cls.model_fields.items():
            value = getattr(model, name)
            if format_of(cls, name) is not None:
                if isinstance(value, list):
                    data[name] = [self.text(cls, name) for _ in value or [None]]
                elif isinstance(value, dict):
                    data[name] = {key: self.text(cls, name) for key in data.get(name, {})}
                else:
                    data[name] = self.text(cls, name)
            elif isinstance(value, BaseModel):
                self.attack(value, data.setdefault(name, {}))
            elif isinstance(value, dict):
                for key, one in value.items():
                    if isinstance(one, BaseModel):
                        self.attack(one, data[name][str(key)])
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                for one, one_data in zip(value, data[name], strict=True):
                    self.attack(one, one_data)
            elif isinstance(value, list) and not value:
                made = self.small_model(info.annotation, name)
                if made is not None:
                    data[name] = [made]

    def small_model(self, annotation: Any, field: str) -> dict[str, Any] | None:
        """Data for one entry of an empty list of models made of an id and texts only."""
        for model in nested_models(annotation):
            fields = model.model_fields.items()
            texts = [name for name, _ in fields if format_of(model, name) is not None]
            if any(
                info.is_required() and name != "id" and name not in texts for name, info in fields
            ):
                continue  # a required number or choice: not made (and no text counted)
            entry: dict[str, Any] = {name: self.text(model, name) for name in texts}
            if "id" in model.model_fields:
                entry["id"] = f"hostile-{field.replace('_', '-')}"
            return entry
        return None


def write_hostile_content(source: Path, target: Path, attacker: Attacker | None = None) -> Attacker:
    """The course in ``source`` with payloads in every text field, written below ``target``."""
    content, diagnostics = validate_content(source)
    assert content is not None, [d.format() for d in diagnostics]
    attacker = attacker or Attacker()
    for document in content.documents.values():
        data = copy.deepcopy(document.loaded.data)
        attacker.attack(document.model, data)
        # A diagram is placed before a heading of the body, which now holds payloads instead:
        # placed at the end of the body, every diagram is still drawn (from attacked data).
        for diagram in data.get("diagrams") or []:
            diagram.pop("before", None)
        # A role play's lines take a `why` only where a learner alone says them
        # (`why-not-shown`): those keep their payloads, the others are taken back.
        if isinstance(document.model, RolePlay):
            played = set(learner_turns(document.model))
            lines = [
                *data["lookalike_version"]["lines"],
                *(x for j, x in enumerate(data["coaching_version"]["lines"]) if j not in played),
            ]
            attacker.count -= sum(line.pop("why", None) is not None for line in lines)
        path = target / Path(document.path).relative_to(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
            encoding="utf-8",
        )
    return attacker


def make_hostile_project(
    target: Path, source: Path = ROOT / "content", attacker: Attacker | None = None
) -> Attacker:
    """A project folder (templates, mkdocs.yml, content) holding the hostile course."""
    shutil.copytree(ROOT / "templates", target / "templates")
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return write_hostile_content(source, target / "content", attacker)


# --- Markdown block syntax in plain text -----------------------------------------------------

#: Each opens a block for a Markdown reader (a line of it, or all of it), and its words are
#: its own (``cq...A`` once in each). In a plain-text field, none may make a block of a page:
#: each shows as written (tests/test_hostile.py).
BLOCK_PAYLOADS = [
    "cqFenceA\n```\ncqFenceB\n```",
    "cqTildeA\n~~~\ncqTildeB\n~~~",
    "cqHeadingA\n# cqHeadingB",
    "cqSetextA\n===",
    "cqListA\n- cqListB\n1. cqListC",
    "cqQuoteA\n> cqQuoteB",
    "cqTableA\n| a | b |\n| --- | --- |\n| cqTableB | d |",
    "cqIndentA\n\n    cqIndentB",
    "cqHtmlA\n<div>\ncqHtmlB\n</div>",
    "cqRuleA\n\n---\n\ncqRuleB",
    "cqDefinitionA\n: cqDefinitionB",
    "cqAdmonitionA\n!!! note\n    cqAdmonitionB",
]


class BlockAttacker(Attacker):
    """Markdown block syntax in every plain-text field; Markdown fields get a sentence.

    A field without a length limit gets every payload, a blank line between two; one with a
    limit (a title) gets as many as fit, the next field of its kind starting where it stopped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.next_of_kind: Counter[tuple[str, str]] = Counter()

    def text(self, model: type[BaseModel], name: str) -> str:
        super().text(model, name)  # counted, as any field
        text_format = format_of(model, name)
        if text_format is not None and text_format.markdown:
            return "A sentence of Markdown."
        limit = max_length(model, name)
        if limit is None:
            return "\n\n".join(BLOCK_PAYLOADS)
        kind = (model.__name__, name)
        chosen: list[str] = []
        while True:
            payload = BLOCK_PAYLOADS[self.next_of_kind[kind] % len(BLOCK_PAYLOADS)]
            if len("\n".join([*chosen, payload])) > limit:
                return "\n".join(chosen)
            chosen.append(payload)
            self.next_of_kind[kind] += 1


# --- what a built page must not hold -------------------------------------------------------

#: Attributes whose value a browser reads as a URL.
URL_ATTRIBUTES = frozenset(
    [
        *("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"),
        *("background", "cite", "ping", "codebase", "longdesc", "usemap", "manifest", "icon"),
    ]
)
#: Attributes with which a browser loads something as the page loads.
LOADING_ATTRIBUTES = frozenset(["src", "srcset", "poster", "data", "background", "icon"])
ALLOWED_SCHEMES = frozenset(["http", "https", "mailto"])
#: Elements content must never add to a page (the theme has its own in the <head>).
FORBIDDEN_IN_CONTENT = frozenset(
    ["script", "iframe", "object", "embed", "form", "style", "base", "meta", "frame", "link"]
)
#: What the templates themselves put into the content: the script (and styles) of the page.
OUR_CONTENT_TAGS = re.compile(
    r'<(?:script src="(?:\.\./)*assets/'
    r'(?:course|quiz|drill|case|marks|roleplay|assessment|progress|trainer|dashboard)\.js"|'
    r'link rel="stylesheet" href="(?:\.\./)*assets/trainer\.css")>'
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def scheme_of(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (spaces around and tabs inside ignored)."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33)))))
    found = _SCHEME.match(cleaned)
    return found.group(1).lower() if found else None


def is_foreign(url: str, scheme: str | None) -> bool:
    """Whether loading ``url`` would contact another host than the site's."""
    return scheme in ("http", "https") or url.strip().startswith("//")


class _PageScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.articles = 0  # how many <article> elements are open (the theme's content)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.articles += tag == "article"
        text = self.get_starttag_text() or tag
        in_content = self.articles > 0
        if in_content and tag in FORBIDDEN_IN_CONTENT and not OUR_CONTENT_TAGS.match(text):
            self.problems.append(f"<{tag}> in the content: {text[:120]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event attribute {name}: {text[:120]}")
            if name in URL_ATTRIBUTES and value is not None:
                urls = (
                    [u.strip().split(" ")[0] for u in value.split(",")]
                    if name == "srcset"
                    else [value]
                )
                for url in urls:
                    scheme = scheme_of(url)
                    if scheme is not None and scheme not in ALLOWED_SCHEMES:
                        self.problems.append(f"{scheme}: URL in {name}: {text[:120]}")
                    elif name in LOADING_ATTRIBUTES and is_foreign(url, scheme):
                        self.problems.append(f"loads from another host: {text[:120]}")

    def handle_endtag(self, tag: str) -> None:
        self.articles -= tag == "article" and self.articles > 0


_PAYLOAD_SCRIPT = re.compile(rf"<script\b[^>]*>[^<]*{SENTINEL}", re.IGNORECASE)


def page_problems(html: str) -> list[str]:
    """What makes a built page unsafe: scripts, event attributes, forbidden URLs, foreign loads."""
    scanner = _PageScanner()
    scanner.feed(html)
    scanner.close()
    found = [f"a payload's script: {m.group()[:120]}" for m in _PAYLOAD_SCRIPT.finditer(html)]
    return scanner.problems + found
