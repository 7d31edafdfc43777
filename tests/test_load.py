"""builder/load.py: YAML -> plain data + positions, or diagnostics; hostile input is bounded."""

from __future__ import annotations

import importlib.util
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder import load
from builder.diagnostics import CODES, Position
from builder.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, Loaded, load_file, load_text

SYNTAX_HINT = "    hint: check the indentation and quoting around this place"


def printed(text: str, name: str = "f.yml") -> str:
    """What a person sees for ``text``: every diagnostic's printed form, one after another."""
    loaded, diagnostics = load_text(text, name)
    assert (loaded is None) == bool(diagnostics), "data and diagnostics must not both be returned"
    return "\n".join(d.format() for d in diagnostics)


def loaded_data(text: str) -> Any:
    loaded, diagnostics = load_text(text, "f.yml")
    assert diagnostics == [], [d.format() for d in diagnostics]
    assert loaded is not None
    return loaded.data


# --- every bad input has its own code, printed at its place ---------------------------------

BAD_TEXT = [
    pytest.param(
        "kind: page\nid: [a, b\ntitle: x\n",
        "f.yml:3:6: error[yaml-syntax]: did not find expected ',' or ']' "
        "(while parsing a flow sequence)\n" + SYNTAX_HINT,
        id="yaml-syntax",
    ),
    pytest.param(
        "kind: case\nsteps:\n\t- id: a\n",
        "f.yml:3:1: error[yaml-tab]: tab character in indentation\n"
        "    hint: YAML indents with spaces only: replace the tab with spaces",
        id="yaml-tab-at-line-start",
    ),
    pytest.param(
        "kind: case\nsteps:\n  -\tid: a\n",
        "f.yml:3:4: error[yaml-tab]: tab character in indentation\n"
        "    hint: YAML indents with spaces only: replace the tab with spaces",
        id="yaml-tab-after-dash",
    ),
    pytest.param(
        "kind: page\nid: a\ntitle: x\nid: b\n",
        "f.yml:4:1: error[duplicate-key]: key `id` appears twice in this mapping\n"
        "    hint: it was first given at line 2; keep one of them",
        id="duplicate-key",
    ),
    pytest.param(
        "kind: quiz\nquestions:\n  - id: q\n    prompt: a\n    prompt: b\n",
        "f.yml:5:5: error[duplicate-key]: key `prompt` appears twice in this mapping\n"
        "    hint: it was first given at line 4; keep one of them",
        id="duplicate-key-nested",
    ),
    pytest.param(
        "true: a\nTrue: b\n",
        "f.yml:2:1: error[duplicate-key]: key `true` appears twice in this mapping\n"
        "    hint: it was first given at line 1; keep one of them",
        id="duplicate-key-spelt-differently",
    ),
    pytest.param(
        "",
        "f.yml:1:1: error[empty-file]: the file holds no YAML document\n"
        "    hint: start with `kind:` and the fields of that kind (see `course new --help`)",
        id="empty-file",
    ),
    pytest.param(
        "# only a comment\n\n",
        "f.yml:1:1: error[empty-file]: the file holds no YAML document\n"
        "    hint: start with `kind:` and the fields of that kind (see `course new --help`)",
        id="empty-file-with-comments",
    ),
    pytest.param(
        "---\n~\n",
        "f.yml:1:1: error[empty-file]: the file holds no YAML document\n"
        "    hint: start with `kind:` and the fields of that kind (see `course new --help`)",
        id="empty-file-with-a-null-document",
    ),
    pytest.param(
        "- kind: page\n- kind: quiz\n",
        "f.yml:1:1: error[not-a-mapping]: the top level is a list, "
        "not a mapping of keys to values\n"
        "    hint: write the file as `key: value` lines, starting with `kind:`",
        id="not-a-mapping-list",
    ),
    pytest.param(
        "\n\njust some words\n",
        "f.yml:3:1: error[not-a-mapping]: the top level is a single value, "
        "not a mapping of keys to values\n"
        "    hint: write the file as `key: value` lines, starting with `kind:`",
        id="not-a-mapping-scalar",
    ),
    pytest.param(
        "kind: page\nid: one\n---\nkind: page\nid: two\n",
        "f.yml:3:1: error[multiple-documents]: a second YAML document starts here\n"
        "    hint: put one item per file; remove the `---` line and split the file",
        id="multiple-documents",
    ),
    pytest.param(
        "---\nkind: page\n---\n",
        "f.yml:3:1: error[multiple-documents]: a second YAML document starts here\n"
        "    hint: put one item per file; remove the `---` line and split the file",
        id="multiple-documents-second-empty",
    ),
    pytest.param(
        "kind: page\n? [a, b]\n: value\n",
        "f.yml:2:3: error[complex-key]: a key must be plain text, not a list or mapping\n"
        "    hint: write keys as `name:`",
        id="complex-key",
    ),
    pytest.param(
        "kind: page\nfacilitator:\n minutes: 25\n  notes: Pairs.\n  debrief:\n    - Why?\n",
        "f.yml:3:2: error[yaml-syntax]: `minutes` is indented 1 space, the keys around it 2\n"
        "    hint: indent `minutes:` with 2 spaces, like the keys around it",
        id="dedented-first-key-reported-at-its-line-not-the-next",
    ),
    pytest.param(
        "kind: page\nfacilitator:\n  minutes: 25\nnotes: |\n    Pairs.\n    Then all.\n"
        "  debrief:\n    - Why?\n",
        "f.yml:4:1: error[yaml-syntax]: `notes` is indented 0 spaces, the keys around it 2\n"
        "    hint: indent `notes:` with 2 spaces, like the keys around it",
        id="key-dedented-to-the-top-level-reported-at-its-line-not-after-its-text",
    ),
    pytest.param(
        "kind: page\ntitle: Two levers\n  body: Text.\n",
        "f.yml:3:3: error[yaml-syntax]: `body` is indented 2 spaces, more than `title` above it "
        "(0)\n"
        "    hint: indent `body:` like `title:`; a line indented more than a `key: value` line is "
        "read as the rest of that value",
        id="over-indented-key",
    ),
    pytest.param(
        "kind: page\nfacilitator:\n notes:\n    - a\n  minutes: 2\nbody: B\n",
        "f.yml:5:3: error[yaml-syntax]: `minutes` is indented 2 spaces, but `notes` (line 3) of "
        "the same mapping 1\n"
        "    hint: line up `minutes:` and `notes:` (the keys of one mapping share an indentation)",
        id="two-keys-of-one-mapping-indented-differently",
    ),
    pytest.param(
        "kind: page\ntitle: !!python/object/apply:os.system ['true']\n",
        "f.yml:2:8: error[yaml-tag]: YAML tag `!!python/object/apply:os.system` is not allowed\n"
        "    hint: content files hold plain text, numbers, lists and mappings; remove the tag",
        id="yaml-tag",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_TEXT)
def test_bad_yaml_is_reported_with_its_code_at_its_line_and_column(
    text: str, expected: str
) -> None:
    assert printed(text) == expected


def test_a_few_aliases_are_fine() -> None:
    assert loaded_data("a: &x [1, 2]\nb: [*x, *x]\n") == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


def test_invalid_utf8_is_reported_at_the_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    # line 3 holds "é" (two bytes in UTF-8, one character) before the Latin-1 byte 0xe9
    path.write_bytes(b"kind: page\nid: cafe\ntitle: \xc3\xa9t\xe9\n")
    loaded, diagnostics = load_file(path)
    assert loaded is None
    assert [d.format(cwd=tmp_path) for d in diagnostics] == [
        "latin1.yml:3:10: error[not-utf8]: byte 0xe9 is not valid UTF-8\n"
        "    hint: save the file as UTF-8 (most editors offer this under 'Save with encoding')"
    ]


def test_a_utf8_byte_order_mark_is_accepted_and_does_not_shift_columns(tmp_path: Path) -> None:
    path = tmp_path / "bom.yml"
    path.write_bytes(b"\xef\xbb\xbfkind: page\ntitle: x\n")
    loaded, diagnostics = load_file(path)
    assert diagnostics == []
    assert loaded is not None
    assert loaded.data == {"kind": "page", "title": "x"}
    assert loaded.values[("kind",)] == Position(str(path), 1, 7)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yml"
    path.write_bytes(b"kind: page\nbody: |\n" + b"  x\n" * (MAX_FILE_BYTES // 4 + 1))

    def never_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file over the limit must not reach the YAML parser")

    monkeypatch.setattr(yaml, "parse", never_parse)
    loaded, diagnostics = load_file(path)
    assert loaded is None
    size = path.stat().st_size
    assert [d.format(cwd=tmp_path) for d in diagnostics] == [
        f"huge.yml:1:1: error[file-too-large]: file is {size:,} bytes; "
        f"content files are limited to {MAX_FILE_BYTES:,}\n"
        "    hint: split it into several items"
    ]


def test_a_file_at_the_size_limit_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    head = b"kind: page\nbody: "
    path.write_bytes(head + b"x" * (MAX_FILE_BYTES - len(head) - 1) + b"\n")
    loaded, diagnostics = load_file(path)
    assert diagnostics == []
    assert loaded is not None
    assert len(loaded.data["body"]) == MAX_FILE_BYTES - len(head) - 1


def test_every_loader_diagnostic_is_one_line_with_a_hint() -> None:
    """The printed form must stay ``path:line:col: ...`` + hint, whatever PyYAML's wording."""
    texts = {
        "unknown alias": "a: *nowhere\n",
        "control character": "a: b\x07c\n",
        "syntax": "a: [1,\n",
    }
    problems = []
    for what, text in texts.items():
        _loaded, diagnostics = load_text(text, "f.yml")
        assert diagnostics, what
        for d in diagnostics:
            if "\n" in d.message or not d.hint:
                problems.append(f"{what}: {d.format()!r}")
    assert problems == []


def test_an_unknown_alias_is_reported_where_it_is_used() -> None:
    _loaded, diagnostics = load_text("kind: page\ntitle: *nowhere\n", "f.yml")
    assert [(d.code, d.message, d.position) for d in diagnostics] == [
        ("yaml-syntax", "alias `*nowhere` refers to no anchor", Position("f.yml", 2, 8))
    ]


def test_a_control_character_is_reported_where_it_is() -> None:
    _loaded, diagnostics = load_text("kind: page\ntitle: b\x07c\n", "f.yml")
    assert [(d.code, d.position) for d in diagnostics] == [("yaml-syntax", Position("f.yml", 2, 9))]


# --- hostile input: refused, never executed, always bounded ---------------------------------


@pytest.mark.parametrize(
    ("text", "tag", "column"),
    [
        pytest.param(
            "x: !!python/object/new:os.system [echo]\n",
            "!!python/object/new:os.system",
            4,
            id="python-object-new",
        ),
        pytest.param(
            "x: !!python/name:os.system\n", "!!python/name:os.system", 4, id="python-name"
        ),
        pytest.param("x: !!python/module:os\n", "!!python/module:os", 4, id="python-module"),
        pytest.param("x: !!binary aGVsbG8=\n", "!!binary", 4, id="binary"),
        pytest.param("x: !!timestamp 2001-12-14\n", "!!timestamp", 4, id="timestamp"),
        pytest.param("x: !!set {a, b}\n", "!!set", 4, id="set-on-a-mapping"),
        pytest.param("x: !!omap [a: 1]\n", "!!omap", 4, id="omap-on-a-sequence"),
        pytest.param("x: !custom 3\n", "!custom", 4, id="local-tag"),
        pytest.param(
            "!<tag:example.com,2000:app/x> k: v\n",
            "tag:example.com,2000:app/x",
            1,
            id="verbatim-tag-on-a-key",
        ),
    ],
)
def test_every_tag_outside_the_core_schema_is_refused(text: str, tag: str, column: int) -> None:
    loaded, diagnostics = load_text(text, "f.yml")
    assert loaded is None
    assert [(d.code, d.message, d.position) for d in diagnostics] == [
        ("yaml-tag", f"YAML tag `{tag}` is not allowed", Position("f.yml", 1, column))
    ]


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("title: !!python/object/apply:os.mkdir ['{marker}']\n", id="on-a-value"),
        pytest.param("!!python/object/apply:os.mkdir ['{marker}']: x\n", id="on-a-key"),
        pytest.param("title: [!!python/object/apply:os.mkdir ['{marker}']]\n", id="in-a-list"),
        pytest.param("title: !!python/object/apply:os.system ['mkdir {marker}']\n", id="a-shell"),
    ],
)
def test_a_python_tag_is_refused_and_never_executed(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yml"
    path.write_text("kind: page\n" + template.format(marker=marker), encoding="utf-8")
    loaded, diagnostics = load_file(path)
    assert loaded is None
    assert [d.code for d in diagnostics] == ["yaml-tag"]
    assert not marker.exists(), "loading the file ran the tag's code"


def test_the_python_tag_payload_is_live_so_the_test_above_can_fail(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    yaml.unsafe_load(f"title: !!python/object/apply:os.mkdir ['{marker}']\n")
    assert marker.is_dir()


class CountingParse:
    """Wraps ``yaml.parse`` to count how many events the loader pulled before it stopped."""

    def __init__(self) -> None:
        self.events = 0
        self.parse = yaml.parse

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for event in self.parse(*args, **kwargs):
            self.events += 1
            yield event


def billion_laughs(levels: int = 9, fan_out: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan_out) + "]"]
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * fan_out)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_fails_fast_with_yaml_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    text = billion_laughs()  # 10**10 values once expanded, from 136 YAML events
    total = sum(1 for _ in yaml.parse(text, Loader=load._Parser))
    counter = CountingParse()
    monkeypatch.setattr(yaml, "parse", counter)
    loaded, diagnostics = load_text(text, "bomb.yml")
    assert loaded is None
    assert [d.format() for d in diagnostics] == [
        "bomb.yml:6:10: error[yaml-too-large]: "
        f"the file expands to more than {MAX_NODES:,} values\n"
        "    hint: aliases (`*name`) are multiplying the data; write the values out or remove them"
    ]
    # it stopped inside the file, before its end, without expanding anything
    assert counter.events < total


def test_aliases_count_towards_the_limit_even_without_nesting() -> None:
    values = ", ".join(["x"] * 1000)
    text = f"a: &a [{values}]\nb: [" + ", ".join(["*a"] * (MAX_NODES // 1000 + 1)) + "]\n"
    _loaded, diagnostics = load_text(text, "f.yml")
    assert [d.code for d in diagnostics] == ["yaml-too-large"]


def test_deep_nesting_gives_yaml_too_deep_without_recursion_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counter = CountingParse()
    monkeypatch.setattr(yaml, "parse", counter)
    loaded, diagnostics = load_text("[" * 100_000, "deep.yml")
    assert loaded is None
    assert [d.format() for d in diagnostics] == [
        f"deep.yml:1:{MAX_DEPTH + 1}: error[yaml-too-deep]: "
        f"values are nested more than {MAX_DEPTH} levels deep\n"
        "    hint: content files never need this much nesting; flatten the structure"
    ]
    assert counter.events <= MAX_DEPTH + 3  # stream start, document start, the levels read


def test_deep_block_mappings_give_yaml_too_deep() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(MAX_DEPTH + 5))
    _loaded, diagnostics = load_text(text, "f.yml")
    assert [d.code for d in diagnostics] == ["yaml-too-deep"]


def nested(levels: int) -> str:
    """A mapping holding ``levels - 1`` nested lists: ``levels`` containers in all."""
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def test_nesting_up_to_the_limit_is_allowed_and_one_more_level_is_not() -> None:
    assert loaded_data(nested(MAX_DEPTH))["a"] is not None
    _loaded, diagnostics = load_text(nested(MAX_DEPTH + 1), "f.yml")
    assert [d.code for d in diagnostics] == ["yaml-too-deep"]


def test_a_recursive_alias_is_an_error_not_a_loop() -> None:
    loaded, diagnostics = load_text("a: &x [1, *x]\n", "f.yml")
    assert loaded is None
    assert [(d.code, d.position) for d in diagnostics] == [
        ("yaml-syntax", Position("f.yml", 1, 11))
    ]


YAML_FRAGMENTS = [
    "kind: ",
    "page",
    "\n",
    "  ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "'",
    '"',
    "|",
    ">",
    "#",
    "---\n",
    "...\n",
    "\t",
    "?",
    "%YAML 1.2\n",
    "\\",
    "é",
    "\x00",
    "\x07",
    "\ufeff",
    "\r",
    "0x1F",
    "no",
    "~",
    "<<: ",
    "@",
    "`",
    "%",
    "\u2028",
]


def fuzz_texts(count: int, seed: int = 20240327) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(YAML_FRAGMENTS) for _ in range(rng.randint(0, 40)))


def assert_data_or_diagnostics(text: str) -> None:
    loaded, diagnostics = load_text(text, "fuzz.yml")
    if loaded is None:
        assert diagnostics, repr(text)
        for d in diagnostics:
            assert d.code in CODES
            assert d.position.line >= 1
            assert d.position.column >= 1
    else:
        assert diagnostics == [], repr(text)
        assert isinstance(loaded.data, dict)


def test_load_text_returns_data_or_diagnostics_for_arbitrary_yaml_like_text() -> None:
    """A seeded property test: whatever the text, no exception escapes the loader."""
    for text in fuzz_texts(3000):
        assert_data_or_diagnostics(text)


@pytest.mark.skipif(
    importlib.util.find_spec("hypothesis") is None, reason="hypothesis is not installed"
)
def test_load_text_never_raises_for_any_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=500, deadline=None)
    @given(st.text() | st.lists(st.sampled_from(YAML_FRAGMENTS)).map("".join))
    def check(text: str) -> None:
        assert_data_or_diagnostics(text)

    check()


# --- positions ------------------------------------------------------------------------------

POSITIONS_TEXT = """\
kind: case
steps:
  - id: first
    text: |
      A block scalar.
    tags: [x, {k: v}]
  -   id: second
"""


@pytest.mark.parametrize(
    ("at", "line", "column"),
    [
        pytest.param((), 1, 1, id="the-document"),
        pytest.param(("kind",), 1, 7, id="a-top-level-value"),
        pytest.param(("steps",), 3, 3, id="a-block-sequence"),
        pytest.param(("steps", 0), 3, 5, id="a-mapping-in-a-sequence"),
        pytest.param(("steps", 0, "id"), 3, 9, id="a-nested-value"),
        pytest.param(("steps", 0, "text"), 4, 11, id="a-block-scalar-at-its-indicator"),
        pytest.param(("steps", 0, "tags", 1), 6, 15, id="a-flow-mapping"),
        pytest.param(("steps", 0, "tags", 1, "k"), 6, 19, id="a-value-in-a-flow-mapping"),
        pytest.param(("steps", 1, "id"), 7, 11, id="after-extra-spaces"),
    ],
)
def test_values_map_to_one_based_line_and_column(
    at: tuple[str | int, ...], line: int, column: int
) -> None:
    loaded, _ = load_text(POSITIONS_TEXT, "f.yml")
    assert loaded is not None
    assert loaded.values[at] == Position("f.yml", line, column)
    assert loaded.position(at) == Position("f.yml", line, column)


@pytest.mark.parametrize(
    ("at", "line", "column"),
    [
        pytest.param(("kind",), 1, 1, id="a-top-level-key"),
        pytest.param(("steps",), 2, 1, id="the-key-of-a-sequence"),
        pytest.param(("steps", 0, "text"), 4, 5, id="a-nested-key"),
        pytest.param(("steps", 0, "tags", 1, "k"), 6, 16, id="a-key-in-a-flow-mapping"),
    ],
)
def test_keys_map_to_one_based_line_and_column(
    at: tuple[str | int, ...], line: int, column: int
) -> None:
    loaded, _ = load_text(POSITIONS_TEXT, "f.yml")
    assert loaded is not None
    assert loaded.key_position(at) == Position("f.yml", line, column)


def test_a_missing_place_falls_back_to_its_nearest_ancestor() -> None:
    loaded, _ = load_text(POSITIONS_TEXT, "f.yml")
    assert loaded is not None
    assert loaded.position(("steps", 0, "choices", 3, "next")) == Position("f.yml", 3, 5)
    assert loaded.key_position(("steps", 1)) == Position("f.yml", 7, 7)
    assert Loaded("g.yml").position(("anything",)) == Position("g.yml", 1, 1)


def test_columns_count_characters_not_bytes() -> None:
    _loaded, diagnostics = load_text("a: [€€€, !x 1]\n", "f.yml")
    assert [d.position for d in diagnostics] == [Position("f.yml", 1, 10)]


def test_windows_line_endings_do_not_shift_positions() -> None:
    loaded, _ = load_text("kind: page\r\ntitle: x\r\n", "f.yml")
    assert loaded is not None
    assert loaded.values[("title",)] == Position("f.yml", 2, 8)


# --- YAML 1.2 scalars -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("no", "no", id="no-stays-text"),
        pytest.param("yes", "yes", id="yes-stays-text"),
        pytest.param("on", "on", id="on-stays-text"),
        pytest.param("Off", "Off", id="off-stays-text"),
        pytest.param("true", True, id="true"),
        pytest.param("False", False, id="False"),
        pytest.param("'123'", "123", id="single-quoted-number-stays-text"),
        pytest.param('"true"', "true", id="double-quoted-true-stays-text"),
        pytest.param("0x10", 16, id="hex"),
        pytest.param("0o17", 15, id="octal-1.2-style"),
        pytest.param("012", 12, id="leading-zero-is-decimal"),
        pytest.param("1_000", "1_000", id="underscores-stay-text"),
        pytest.param("+12", 12, id="signed-int"),
        pytest.param("1.5", 1.5, id="float"),
        pytest.param("1e3", 1000.0, id="exponent"),
        pytest.param("-.inf", float("-inf"), id="negative-infinity"),
        pytest.param("~", None, id="tilde-is-null"),
        pytest.param("null", None, id="null"),
        pytest.param("", None, id="empty-is-null"),
        pytest.param("2001-12-14", "2001-12-14", id="dates-stay-text"),
        pytest.param("12:30", "12:30", id="sexagesimal-stays-text"),
        pytest.param("! 12", "12", id="non-specific-tag-is-text"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(written: str, value: object) -> None:
    assert loaded_data(f"a: {written}\n") == {"a": value}


def test_an_explicit_str_tag_keeps_a_number_as_text() -> None:
    """``!!str`` is one of the core tags the loader accepts, so it must also be obeyed."""
    assert loaded_data("a: !!str 123\nb: !!str true\n") == {"a": "123", "b": "true"}


def test_keys_are_always_text() -> None:
    assert loaded_data("1: a\ntrue: b\nnull: c\n") == {"1": "a", "true": "b", "": "c"}


def test_tabs_inside_values_and_after_colons_are_fine() -> None:
    assert loaded_data('a:\tb\nc: "x\ty"\nd: [1,\n\t2]\n') == {"a": "b", "c": "x\ty", "d": [1, 2]}


def test_an_unreadable_path_is_a_diagnostic_not_an_exception(tmp_path: Path) -> None:
    loaded, diagnostics = load_file(tmp_path / "missing.yml")
    assert loaded is None
    assert [d.code for d in diagnostics] == ["no-content"]
    assert diagnostics[0].message.startswith("cannot read file: ")


def test_a_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yml"
    with path.open("wb") as file:
        file.truncate(200_000_000)  # sparse: 200 MB that take no room on the disk
    tracemalloc.start()
    try:
        loaded, diagnostics = load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert loaded is None
    assert [d.code for d in diagnostics] == ["file-too-large"]
    assert "200,000,000 bytes" in diagnostics[0].message
    assert peak < MAX_FILE_BYTES, f"{peak:,} bytes were allocated: the file was read"
