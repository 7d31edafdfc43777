"""Read YAML files into plain data plus a map of source positions.

The file is parsed into YAML *events* (libyaml when available) and the tree is assembled here,
never by PyYAML's constructors. That gives us, in one pass and with bounded cost:

- positions for every key and value, so later stages can point at ``path:line:col``;
- duplicate keys, multiple documents and tags reported instead of silently accepted;
- no object construction at all: a ``!!python/object`` tag is refused, never executed;
- limits on nesting depth and alias expansion, so a hostile file fails fast.

Scalars are resolved with the YAML 1.2 core schema (``no`` stays the text "no").
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Position

MAX_FILE_BYTES = 1_000_000
#: C0 controls but tab and line feed, DEL and C1 controls, and the noncharacters U+FFFE and
#: U+FFFF (no XML can hold them: `course export qti`). YAML refuses them written as they are,
#: but an escape in a quoted value ("\e", "\0", "\x9b", "\uffff") writes them into the text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
MAX_DEPTH = 50
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}
# Every null, bool, int and float of the core schema starts with one of these ("" is null).
_NON_TEXT_START = frozenset(["", *"~nNtTfF0123456789+-."])
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_FLOAT_SPECIAL = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}


@dataclass
class Loaded:
    """A content file read into plain data, with the position of every value and key."""

    path: str
    data: Any = None
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    #: Where a text value holds a control character (see ``CONTROL_CHARACTERS``).
    controls: list[PathKey] = field(default_factory=list)

    def position(self, at: PathKey) -> Position:
        """The position of the value at ``at``, or of its nearest ancestor that has one."""
        for n in range(len(at), -1, -1):
            found = self.values.get(at[:n])
            if found is not None:
                return found
        return Position(self.path)

    def key_position(self, at: PathKey) -> Position:
        """Where the key of the value at ``at`` is written (falls back to the value)."""
        return self.keys.get(at) or self.position(at)


class LoadError(Exception):
    """Internal: stops assembling a file at the first problem that makes the rest meaningless."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def load_file(path: Path | str) -> tuple[Loaded | None, list[Diagnostic]]:
    """Read one YAML file; returns the data, or None and the diagnostics that explain why not."""
    name = str(path)
    raw = _read(name)
    if isinstance(raw, Diagnostic):
        return None, [raw]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        return None, [
            _diag(
                "not-utf8",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                Position(name, line, column),
                "save the file as UTF-8 (most editors offer this under 'Save with encoding')",
            )
        ]
    return load_text(text, name)


def _read(name: str) -> bytes | Diagnostic:
    """The bytes of a regular file no larger than the limit, or why not.

    Opened without blocking and checked before any byte is read: a FIFO would block the
    reader forever, a device never end, and a huge file would be read whole to be refused.
    """
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return _diag("no-content", f"cannot read file: {exc.strerror}", Position(name))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return not_a_file(name, info.st_mode)
        raw = file.read(MAX_FILE_BYTES + 1) if info.st_size <= MAX_FILE_BYTES else b""
    size = max(info.st_size, len(raw))
    if size > MAX_FILE_BYTES:
        return _diag(
            "file-too-large",
            f"file is {size:,} bytes; content files are limited to {MAX_FILE_BYTES:,}",
            Position(name),
            "split it into several items",
        )
    return raw


def not_a_file(name: str, mode: int | None) -> Diagnostic:
    """The diagnostic for a content path that is not a regular file (``mode``: what it is)."""
    if mode is None:
        what = "a link to nothing"
    elif stat.S_ISFIFO(mode):
        what = "a FIFO (named pipe)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    elif stat.S_ISDIR(mode):
        what = "a folder"
    else:
        what = "not a regular file"
    return _diag(
        "not-a-file",
        f"this is {what}, not a file: it is not read",
        Position(name),
        "content files are plain YAML files: replace it with one, or remove it",
    )


def load_text(text: str, name: str) -> tuple[Loaded | None, list[Diagnostic]]:
    """Parse YAML text already decoded; ``name`` is the path used in diagnostics."""
    try:
        loaded = _Assembler(name, text).run()
    except LoadError as exc:
        return None, [exc.diagnostic]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_diagnostic(exc, text, name)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        return None, [
            _diag(
                "yaml-syntax",
                f"character U+{exc.character:04X} is not allowed in YAML",
                Position(name, line, column),
                "remove it: control characters cannot appear in a YAML file",
            )
        ]
    return loaded, []


_SYNTAX_HINT = "check the indentation and quoting around this place"


def _diag(code: str, message: str, position: Position, hint: str = "") -> Diagnostic:
    return Diagnostic(code, message, position, hint)


def _at(name: str, mark: Any) -> Position:
    return Position(name, mark.line + 1, mark.column + 1)


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, name: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    position = _at(name, mark) if mark is not None else Position(name)
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines):
        line = lines[mark.line]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent or line[mark.column : mark.column + 1] == "\t":
            column = (indent.index("\t") if "\t" in indent else mark.column) + 1
            return _diag(
                "yaml-tab",
                "tab character in indentation",
                Position(name, mark.line + 1, column),
                "YAML indents with spaces only: replace the tab with spaces",
            )
        misplaced = _misindented_key(lines, mark.line, name)
        if misplaced is not None:
            return misplaced
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    return _diag("yaml-syntax", problem, position, _SYNTAX_HINT)


# A line holding a key (perhaps of a list item): its indentation, the key and what follows.
_KEY_LINE = re.compile(r"( *)(?:- +)?([A-Za-z_][\w-]*):(?: +(.*))?$")


def _content(line: str) -> bool:
    return bool(line.strip()) and line.lstrip()[0] != "#"


def _misindented_key(lines: list[str], at: int, name: str) -> Diagnostic | None:
    """Which key is out of line, when YAML stops at a key indented more than one above it.

    A key that was dedented is not where the parser fails: it reads on, and stops at the next
    key that keeps the old indentation, a line (or, after the dedented key's own text, many
    lines) later. So: find the nearest key above with less indentation whose value is on its
    line or in a block under it. If keys around share the failing line's indentation, that
    key is the odd one out; otherwise the failing line is (it was indented too far). Decided
    on indentation alone, not on the parser's words.
    """
    here = _KEY_LINE.match(lines[at])
    if here is None:
        return None
    column = here.start(2)
    above = at - 1
    while above >= 0 and (not _content(lines[above]) or _indent(lines[above]) > column):
        above -= 1
    before = _KEY_LINE.match(lines[above]) if above >= 0 else None
    nested = any(_content(line) for line in lines[above + 1 : at])
    if before is None or before.start(2) >= column or not (before.group(3) or nested):
        return None  # no key above, or one whose value is the mapping this line is in
    column_above, key_above, key = before.start(2), before.group(2), here.group(2)
    if _sibling(lines, range(at + 1, len(lines)), column, column_above) or _sibling(
        lines, range(above - 1, -1, -1), column, column_above
    ):
        return _diag(
            "yaml-syntax",
            f"`{key_above}` is indented {_spaces(column_above)}, the keys around it {column}",
            Position(name, above + 1, column_above + 1),
            f"indent `{key_above}:` with {_spaces(column)}, like the keys around it",
        )
    if nested:  # no telling which of the two moved: name both
        return _diag(
            "yaml-syntax",
            f"`{key}` is indented {_spaces(column)}, but `{key_above}` (line {above + 1}) of the "
            f"same mapping {column_above}",
            Position(name, at + 1, column + 1),
            f"line up `{key}:` and `{key_above}:` (the keys of one mapping share an indentation)",
        )
    return _diag(
        "yaml-syntax",
        f"`{key}` is indented {_spaces(column)}, more than `{key_above}` above it ({column_above})",
        Position(name, at + 1, column + 1),
        f"indent `{key}:` like `{key_above}:`; a line indented more than a `key: value` line "
        "is read as the rest of that value",
    )


def _spaces(count: int) -> str:
    return f"{count} space" if count == 1 else f"{count} spaces"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _sibling(lines: list[str], order: range, column: int, floor: int) -> bool:
    """Whether a key at ``column`` comes, in ``order``, before a line indented ``floor`` or less."""
    for i in order:
        if not _content(lines[i]):
            continue
        if _indent(lines[i]) <= floor:
            return False
        found = _KEY_LINE.match(lines[i])
        if found is not None and found.start(2) == column:
            return True
    return False


def _resolve(value: str, event: Any) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar; quoted scalars stay text."""
    if event.style or event.tag in ("!", "tag:yaml.org,2002:str"):
        return value
    if value[:1] not in _NON_TEXT_START:  # most plain scalars, keys above all: text
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if value.lower() in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[value.lower()]
    return value


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    at: PathKey
    pending_key: str | None = None
    key_seen: dict[str, Position] = field(default_factory=dict)
    nodes: int = 1
    anchor: str | None = None


class _Assembler:
    """Builds plain data from the event stream, enforcing the limits above."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.loaded = Loaded(name)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.stack: list[_Frame] = []
        self.documents = 0
        self.root: Any = None
        self.root_set = False

    def fail(self, code: str, message: str, mark: Any, hint: str) -> None:
        raise LoadError(_diag(code, message, _at(self.name, mark), hint))

    def run(self) -> Loaded:
        for event in yaml.parse(self.text, Loader=_Parser):
            self.handle(event)
        if not self.root_set or self.root is None:
            raise LoadError(
                _diag(
                    "empty-file",
                    "the file holds no YAML document",
                    Position(self.name),
                    "start with `kind:` and the fields of that kind (see `course new --help`)",
                )
            )
        if not isinstance(self.root, dict):
            found = "a list" if isinstance(self.root, list) else "a single value"
            raise LoadError(
                _diag(
                    "not-a-mapping",
                    f"the top level is {found}, not a mapping of keys to values",
                    self.loaded.position(()),
                    "write the file as `key: value` lines, starting with `kind:`",
                )
            )
        self.loaded.data = self.root
        return self.loaded

    def handle(self, event: Any) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.fail(
                    "multiple-documents",
                    "a second YAML document starts here",
                    event.start_mark,
                    "put one item per file; remove the `---` line and split the file",
                )
        elif isinstance(event, yaml.ScalarEvent):
            self.check_tag(event)
            self.check_anchor(event)
            at = self.add(_resolve(event.value, event), event, 1)
            if CONTROL_CHARACTERS.search(event.value):
                stack = self.stack
                if not (stack and stack[-1].pending_key is not None):  # a value, not a key
                    self.loaded.controls.append(at)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.check_tag(event)
            self.check_anchor(event)
            if len(self.stack) >= MAX_DEPTH:
                self.fail(
                    "yaml-too-deep",
                    f"values are nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                    "content files never need this much nesting; flatten the structure",
                )
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            at = self.add(container, event, 0)
            self.stack.append(_Frame(container, at, anchor=event.anchor))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, frame.nodes)
            if self.stack:
                self.stack[-1].nodes += frame.nodes
        elif isinstance(event, yaml.AliasEvent):
            anchor = event.anchor or ""
            if anchor not in self.anchors:
                self.fail(
                    "yaml-syntax",
                    f"alias `*{anchor}` refers to no anchor",
                    event.start_mark,
                    f"define `&{anchor}` on a value before this line, or write the value out",
                )
            value, size = self.anchors[anchor]
            self.add(value, event, size)

    def check_tag(self, event: Any) -> None:
        tag = event.tag
        if tag is not None and tag not in _CORE_TAGS:
            self.fail(
                "yaml-tag",
                f"YAML tag `{tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed",
                event.start_mark,
                "content files hold plain text, numbers, lists and mappings; remove the tag",
            )

    def check_anchor(self, event: Any) -> None:
        if event.anchor and isinstance(event, yaml.ScalarEvent):
            self.anchors[event.anchor] = (_resolve(event.value, event), 1)

    def add(self, value: Any, event: Any, size: int) -> PathKey:
        """Place a value in the current container; returns its path."""
        self.nodes += size
        if self.nodes > MAX_NODES:
            self.fail(
                "yaml-too-large",
                f"the file expands to more than {MAX_NODES:,} values",
                event.start_mark,
                "aliases (`*name`) are multiplying the data; write the values out or remove them",
            )
        position = _at(self.name, event.start_mark)
        if not self.stack:
            if self.root_set:  # a second root in one document cannot happen; guard anyway
                self.fail("multiple-documents", "a second document", event.start_mark, "")
            self.root, self.root_set = value, True
            self.loaded.values[()] = position
            return ()
        frame = self.stack[-1]
        frame.nodes += size
        container = frame.container
        if isinstance(container, list):
            at = (*frame.at, len(container))
            container.append(value)
            self.loaded.values[at] = position
            return at
        if frame.pending_key is None:
            if isinstance(value, dict | list):
                self.fail(
                    "complex-key",
                    "a key must be plain text, not a list or mapping",
                    event.start_mark,
                    "write keys as `name:`",
                )
            key = "" if value is None else str(value)
            if isinstance(value, bool):
                key = str(value).lower()
            first = frame.key_seen.get(key)
            if first is not None:
                self.fail(
                    "duplicate-key",
                    f"key `{key}` appears twice in this mapping",
                    event.start_mark,
                    f"it was first given at line {first.line}; keep one of them",
                )
            frame.key_seen[key] = position
            frame.pending_key = key
            return frame.at
        key = frame.pending_key
        frame.pending_key = None
        at = (*frame.at, key)
        container[key] = value
        self.loaded.values[at] = position
        self.loaded.keys[at] = frame.key_seen[key]
        return at
