"""Turn loaded data into typed models, or into diagnostics that point at the exact place.

Three layers, each collecting every problem before reporting:

1. ``check_document``: one file against its kind's model (types, required and unknown keys);
2. ``check_item``: rules inside one item (local ids, references between steps, pedagogy lint);
3. ``check_course``: rules across files (ids, the course, modules and what they list).

The lint of answer cues (lengths, positions, options, near copies) is in ``builder/lint.py``.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import types
import typing
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from markdown_it import MarkdownIt
from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Position, did_you_mean, display_path, sort_diagnostics
from .diagrams import check_data, check_placements
from .estimate import learner_turns, module_minutes, self_study
from .lint import lint_course, lint_item, lint_module
from .load import CONTROL_CHARACTERS, Loaded, PathKey, load_file, not_a_file
from .model import ITEM_KINDS, MODELS, Case, Course, Drill, Item, Module, Page, Quiz, RolePlay
from .model.common import TextField, category_refs, text_fields

CONTENT_SUFFIXES = (".yml", ".yaml")
MIN_STATEMENTS_PER_APPROACH = 2  # one example of an approach is a guess, two are a contrast


@dataclass
class Document:
    """A content file that passed its own checks: the model plus where it came from."""

    loaded: Loaded
    model: Course | Module | Item

    @property
    def path(self) -> str:
        return self.loaded.path


@dataclass
class Content:
    """A whole, validated course: what the render stage needs."""

    course: Course
    modules: list[Module]
    items: dict[str, Item]
    module_of: dict[str, Module]
    documents: dict[str, Document] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def items_of(self, module: Module) -> list[Item]:
        return [self.items[item_id] for item_id in module.items]

    @functools.cached_property
    def self_study(self) -> dict[str, int]:
        """Each item's self-study minutes, by id (``builder/estimate.py``), worked out once."""
        return {item_id: self_study(item) for item_id, item in self.items.items()}

    def module_minutes(self, module: Module) -> int:
        """The module's self-study minutes: its own, else the sum of its items'."""
        return module_minutes(module, (self.self_study[i] for i in module.items))


# --- layer 1: one file against its model -----------------------------------------------


def check_document(loaded: Loaded) -> tuple[Document | None, list[Diagnostic]]:
    """Validate one loaded file against the model its ``kind`` names."""
    data = loaded.data
    kind = data.get("kind")
    kinds = sorted(MODELS)
    if kind is None:
        return None, [
            Diagnostic(
                "missing-kind",
                "the file has no `kind`",
                loaded.position(()),
                f"add a first line `kind: ...`, one of: {', '.join(kinds)}",
            )
        ]
    if not isinstance(kind, str) or kind not in MODELS:
        suggestion = did_you_mean(str(kind), kinds)
        return None, [
            Diagnostic(
                "unknown-kind",
                f"`kind: {kind}` is not a content kind",
                loaded.position(("kind",)),
                suggestion or f"use one of: {', '.join(kinds)}",
            )
        ]
    model_class = MODELS[kind]
    try:
        model = model_class.model_validate(data)
    except ValidationError as exc:
        errors = _without_typo_twins(exc.errors())
        return None, [_from_pydantic(error, loaded, model_class) for error in errors]
    return Document(loaded, typing.cast(Course | Module | Item, model)), []


def _without_typo_twins(errors: list[Any]) -> list[Any]:
    """Drop "missing `title`" where the same mapping has an unknown key like `titel`.

    A misspelt key is one mistake; the unknown-key diagnostic already suggests the fix.
    """
    extra: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            extra.setdefault(tuple(error["loc"][:-1]), []).append(str(error["loc"][-1]))
    return [
        error
        for error in errors
        if not (
            error["type"] == "missing"
            and did_you_mean(str(error["loc"][-1]), extra.get(tuple(error["loc"][:-1]), []))
        )
    ]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "`true` or `false`",
    "bool_parsing": "`true` or `false`",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _label(loc: Sequence[str | int]) -> str:
    """A readable name for a location: ``steps[2].choices[0].next``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _from_pydantic(error: Any, loaded: Loaded, model_class: type[BaseModel]) -> Diagnostic:
    """One pydantic error, as a diagnostic at the place it concerns (by error type, not wording)."""
    kind = error["type"]
    loc: tuple[str | int, ...] = tuple(error["loc"])
    if loc and loc[-1] == "[key]":  # a bad key of a dict field, e.g. an unknown approach
        loc = loc[:-1]
        key = loc[-1]
        allowed = _allowed(model_class, loc[:-1], loaded.data, want_keys_of=loc[-2:-1])
        return Diagnostic(
            "invalid-value",
            f"`{key}` is not allowed as a key of `{_label(loc[:-1])}`",
            loaded.key_position(loc),
            did_you_mean(str(key), allowed) or f"use one of: {', '.join(allowed)}",
        )
    where = _label(loc)
    found = error.get("input")
    if kind == "missing":
        parent = loc[:-1]
        name = loc[-1]
        description = _field_description(model_class, loc)
        return Diagnostic(
            "missing-field",
            f"missing required field `{name}`" + (f" in `{_label(parent)}`" if parent else ""),
            loaded.position(parent),
            f"add `{name}:`" + (f" ({description})" if description else ""),
        )
    if kind == "extra_forbidden":
        allowed = _allowed(model_class, loc[:-1], loaded.data)
        return Diagnostic(
            "unknown-key",
            f"unknown key `{loc[-1]}`" + (f" in `{_label(loc[:-1])}`" if loc[:-1] else ""),
            loaded.key_position(loc),
            did_you_mean(str(loc[-1]), allowed) or f"allowed keys here: {', '.join(allowed)}",
        )
    position = loaded.position(loc)
    if kind in _EXPECTED:
        return Diagnostic(
            "wrong-type",
            f"`{where}` should be {_EXPECTED[kind]}, found {_describe(found)}",
            position,
            _type_hint(kind),
        )
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return Diagnostic(
            "invalid-value",
            f"`{where}` is not a valid id: {_describe(found)}",
            position,
            "ids use lower-case letters, digits and single hyphens, e.g. `kpi-review`",
        )
    if kind in {"enum", "literal_error"}:
        choices = _choices(model_class, loc)
        return Diagnostic(
            "invalid-value",
            f"`{where}` cannot be {_describe(found)}",
            position,
            did_you_mean(str(found), choices) or f"use one of: {', '.join(choices)}",
        )
    if kind in {"too_short", "string_too_short"}:
        least = ctx.get("min_length", 1)
        what = "characters" if kind == "string_too_short" else "entries"
        if least == 1:
            return Diagnostic(
                "invalid-value",
                f"`{where}` is empty",
                position,
                "fill it in, or remove the key if it is optional",
            )
        has = len(found) if isinstance(found, str | list | dict) else 0
        return Diagnostic(
            "invalid-value",
            f"`{where}` needs at least {least} {what}, found {has}",
            position,
            f"add {least - has} more",
        )
    if kind in {"too_long", "string_too_long"}:
        return _limit_exceeded(loc, found, ctx.get("max_length"), position)
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = {
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "less_than_equal": f"at most {ctx.get('le')}",
            "greater_than": f"more than {ctx.get('gt')}",
            "less_than": f"less than {ctx.get('lt')}",
        }[kind]
        return Diagnostic(
            "invalid-value", f"`{where}` must be {bound}, found {found}", position, "change it"
        )
    return Diagnostic(
        "invalid-value",
        f"`{where}`: {error['msg']}",
        position,
        "see the field reference for what this field accepts",
    )


_SPLIT_HINTS = {
    "items": "split the module into two or more modules",
    "modules": "split the course into two or more courses",
}


def _limit_exceeded(loc: tuple[str | int, ...], found: Any, limit: Any, at: Position) -> Diagnostic:
    """A text or list over its limit: how far over, and what to do about it."""
    where = _label(loc)
    if isinstance(found, str):
        return Diagnostic(
            "limit-exceeded",
            f"`{where}` is {len(found):,} characters long; at most {limit} are allowed",
            at,
            "shorten it: titles and names show in the navigation, headings and browser tabs",
        )
    count = len(found) if isinstance(found, list | dict) else "too many"
    return Diagnostic(
        "limit-exceeded",
        f"`{where}` has {count:,} entries; at most {limit} are allowed",
        at,
        _SPLIT_HINTS.get(str(loc[-1]) if loc else "", "split it into several"),
    )


def _type_hint(kind: str) -> str:
    if kind == "string_type":
        return "quote the value if it looks like a number, `true`/`false` or a list"
    if kind == "list_type":
        return "write a list as lines starting with `- `"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "write a mapping as indented `key: value` lines"
    return "change the value to the expected type"


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _type_at(model_class: type[BaseModel], loc: Sequence[str | int]) -> list[Any]:
    """The possible types of the value at ``loc`` inside ``model_class``."""
    current: list[Any] = [model_class]
    for part in loc:
        following: list[Any] = []
        for candidate in current:
            origin = typing.get_origin(candidate)
            if isinstance(part, int) and origin is list:
                following.extend(_unwrap(typing.get_args(candidate)[0]))
            elif origin is dict:
                following.extend(_unwrap(typing.get_args(candidate)[1]))
            elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
                info = candidate.model_fields.get(str(part))
                if info is not None:
                    following.extend(_unwrap(info.annotation))
        current = following
    return current


def _allowed(
    model_class: type[BaseModel],
    loc: Sequence[str | int],
    data: Any,
    want_keys_of: Sequence[str | int] = (),
) -> list[str]:
    """The keys allowed at ``loc`` (the fields of the model there, or a dict's key choices)."""
    names: set[str] = set()
    for candidate in _type_at(model_class, loc):
        if typing.get_origin(candidate) is dict:
            names.update(_enum_values(typing.get_args(candidate)[0]))
        elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
            names.update(candidate.model_fields)
    return sorted(names)


def _enum_values(annotation: Any) -> list[str]:
    values: list[str] = []
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            values.extend(str(member.value) for member in candidate)
        elif typing.get_origin(candidate) is Literal:
            values.extend(str(arg) for arg in typing.get_args(candidate))
    return values


def _choices(model_class: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    return [value for t in _type_at(model_class, loc) for value in _enum_values(t)]


def _field_description(model_class: type[BaseModel], loc: Sequence[str | int]) -> str:
    for candidate in _type_at(model_class, loc[:-1]):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            info = candidate.model_fields.get(str(loc[-1]))
            if info is not None and info.description:
                return info.description.split(". ")[0].rstrip(".")
    return ""


# --- layer 2: rules inside one item ----------------------------------------------------


def check_item(document: Document) -> list[Diagnostic]:
    """Rules that need the whole item: unique local ids, step references, pedagogy lint."""
    model = document.model
    loaded = document.loaded
    out: list[Diagnostic] = []
    if isinstance(model, Case):
        out += _unique_ids(loaded, "steps", [s.id for s in model.steps], "step")
        step_ids = {s.id for s in model.steps}
        if model.start not in step_ids:
            out.append(_unknown_ref(loaded, ("start",), model.start, "step", step_ids))
        for i, step in enumerate(model.steps):
            at: PathKey = ("steps", i, "choices")
            out += _unique_ids(loaded, at, [c.id for c in step.choices], "choice")
            for j, choice in enumerate(step.choices):
                if choice.next is not None and choice.next not in step_ids:
                    out.append(
                        _unknown_ref(loaded, (*at, j, "next"), choice.next, "step", step_ids)
                    )
        out += _unreachable_steps(loaded, model)
    elif isinstance(model, RolePlay):
        out += _unique_ids(loaded, "roles", [r.id for r in model.roles], "role")
        role_ids = {r.id for r in model.roles}
        for version in ("lookalike_version", "coaching_version"):
            for j, line in enumerate(getattr(model, version).lines):
                if line.role not in role_ids:
                    at = (version, "lines", j, "role")
                    out.append(_unknown_ref(loaded, at, line.role, "role", role_ids))
        out += _unshown_whys(loaded, model)
    elif isinstance(model, Drill):
        out += _unique_ids(loaded, "statements", [s.id for s in model.statements], "statement")
        offered = set(model.approaches)
        for i, statement in enumerate(model.statements):
            if offered and statement.approach not in offered:
                out.append(
                    Diagnostic(
                        "unknown-reference",
                        f"statement `{statement.id}` is {statement.approach}, which the "
                        "drill does not offer as an answer",
                        loaded.position(("statements", i, "approach")),
                        f"add `{statement.approach}` to the drill's `approaches`, or "
                        "remove `approaches` to offer every category the statements use",
                    )
                )
        counts = Counter(s.approach for s in model.statements)
        for approach, count in sorted(counts.items()):
            if count < MIN_STATEMENTS_PER_APPROACH:
                first = next(i for i, s in enumerate(model.statements) if s.approach == approach)
                out.append(
                    Diagnostic(
                        "thin-approach",
                        f"drill `{model.id}` has {count} {approach} statement(s); "
                        f"each category it uses needs at least {MIN_STATEMENTS_PER_APPROACH}",
                        loaded.position(("statements", first, "approach")),
                        f"add another {approach} statement, or move this one to a "
                        "drill that practises it",
                        "warning",
                    )
                )
    elif isinstance(model, Quiz):
        out += _unique_ids(loaded, "questions", [q.id for q in model.questions], "question")
        out += _check_draw(loaded, model)
        for i, question in enumerate(model.questions):
            at = ("questions", i)
            out += _unique_ids(loaded, (*at, "options"), [o.id for o in question.options], "option")
            correct = sum(o.correct for o in question.options)
            if question.type == "single" and correct != 1:
                out.append(
                    Diagnostic(
                        "single-choice-answers",
                        f"single-choice question `{question.id}` has {correct} right options",
                        loaded.position(at),
                        "mark exactly one option `correct: true`, or use `type: multiple`",
                        "warning",
                    )
                )
            elif question.type == "multiple" and correct == 0:
                out.append(
                    Diagnostic(
                        "no-correct-option",
                        f"question `{question.id}` has no right option",
                        loaded.position(at),
                        "mark at least one option `correct: true`",
                        "warning",
                    )
                )
            for j, option in enumerate(question.options):
                if option.feedback is None:
                    out.append(
                        Diagnostic(
                            "missing-feedback",
                            f"option `{option.id}` of question `{question.id}` has no feedback",
                            loaded.position((*at, "options", j)),
                            "add `feedback:` saying why it is right or wrong "
                            "('This is managing because...')",
                            "warning",
                        )
                    )
    elif isinstance(model, Page):
        out += check_placements(loaded, model)  # builder/diagrams.py
    if not isinstance(model, Course | Module):
        out += lint_item(loaded, model)  # answer cues: builder/lint.py
    return out


def _unshown_whys(loaded: Loaded, roleplay: RolePlay) -> list[Diagnostic]:
    """A line's ``why`` is shown only where a learner alone has just said that line."""
    played = set(learner_turns(roleplay))
    opener = roleplay.coaching_version.lines[0].role
    out = []
    for version, name in (("lookalike_version", "look-alike"), ("coaching_version", "coaching")):
        for j, line in enumerate(getattr(roleplay, version).lines):
            if line.why is None or (version == "coaching_version" and j in played):
                continue
            out.append(
                Diagnostic(
                    "why-not-shown",
                    f"`{line.role}`'s line in the {name} version has a `why`, which no page shows",
                    loaded.position((version, "lines", j, "why")),
                    f"only the lines of `{opener}` in the coaching version (the role that opens "
                    "it, which a learner alone plays) have one; say what this line shows in the "
                    "version's `commentary`",
                )
            )
    return out


def _check_draw(loaded: Loaded, quiz: Quiz) -> list[Diagnostic]:
    """A quiz's ``draw`` must be graded, say one rule, and be satisfiable by its bank."""
    draw = quiz.draw
    if draw is None:
        return []
    at: PathKey = ("draw",)
    out: list[Diagnostic] = []
    if quiz.pass_mark is None:
        out.append(
            Diagnostic(
                "draw-ungraded",
                f"quiz `{quiz.id}` draws its questions but has no `pass_mark`",
                loaded.key_position(at),
                "add `pass_mark:` to make it a graded assessment, or remove `draw:`",
            )
        )
    if (draw.per_approach is None) == (draw.questions is None):
        out.append(
            Diagnostic(
                "draw-rule",
                "`draw` needs exactly one of `per_approach` and `questions`",
                loaded.position(at),
                "`per_approach: 4` tests every approach evenly; `questions: 20` draws from "
                "the whole bank",
            )
        )
        return out
    if draw.questions is not None:
        if draw.questions > len(quiz.questions):
            out.append(
                Diagnostic(
                    "draw-too-large",
                    f"`draw.questions` asks for {draw.questions} questions, but the bank of "
                    f"quiz `{quiz.id}` has {len(quiz.questions)}",
                    loaded.position((*at, "questions")),
                    "add questions to the bank, or draw fewer",
                )
            )
        return out
    for i, question in enumerate(quiz.questions):
        if question.approach is None:
            out.append(
                Diagnostic(
                    "draw-never-drawn",
                    f"question `{question.id}` has no `approach`, so `draw.per_approach` "
                    "never draws it",
                    loaded.position(("questions", i)),
                    "give it `approach:` (the approach its right answer is), or remove it",
                    "warning",
                )
            )
    return out


def _check_draw_per_category(loaded: Loaded, quiz: Quiz, course: Course) -> list[Diagnostic]:
    """A ``draw.per_approach`` rule draws that many questions of every category of the course:
    the bank must hold them."""
    draw = quiz.draw
    if draw is None or draw.per_approach is None or draw.questions is not None:
        return []  # no rule per category, or two rules (``_check_draw`` says so)
    wanted = draw.per_approach
    at: PathKey = ("draw", "per_approach")
    counts = Counter(q.approach for q in quiz.questions)
    return [
        Diagnostic(
            "draw-too-large",
            f"`draw.per_approach` asks for {wanted} {approach} questions per attempt, but the "
            f"bank has {counts[approach]}",
            loaded.position(at),
            f"add {wanted - counts[approach]} {approach} question(s) (with "
            f"`approach: {approach}`), or draw fewer per category",
        )
        for approach in course.approach_order
        if counts[approach] < wanted
    ]


def _unique_ids(loaded: Loaded, at: PathKey | str, ids: list[str], what: str) -> list[Diagnostic]:
    base: PathKey = (at,) if isinstance(at, str) else at
    first: dict[str, int] = {}
    out = []
    for i, item_id in enumerate(ids):
        if item_id in first:
            earlier = loaded.position((*base, first[item_id], "id"))
            out.append(
                Diagnostic(
                    "duplicate-id",
                    f"{what} id `{item_id}` is used twice",
                    loaded.position((*base, i, "id")),
                    f"the first use is at line {earlier.line}; give each {what} its own id",
                )
            )
        else:
            first[item_id] = i
    return out


def _unknown_ref(
    loaded: Loaded, at: PathKey, target: str, what: str, known: Iterable[str]
) -> Diagnostic:
    known_sorted = sorted(known)
    return Diagnostic(
        "unknown-reference",
        f"there is no {what} `{target}`",
        loaded.position(at),
        did_you_mean(target, known_sorted)
        or (f"known {what}s: {', '.join(known_sorted)}" if known_sorted else f"define the {what}"),
    )


def _unreachable_steps(loaded: Loaded, case: Case) -> list[Diagnostic]:
    seen = case.depths()
    starts = any(step.id == case.start for step in case.steps)
    return [
        Diagnostic(
            "unreachable-step",
            f"step `{step.id}` cannot be reached from the start step `{case.start}`",
            loaded.position(("steps", i)),
            "point a choice's `next` at it, or remove the step",
            "warning",
        )
        for i, step in enumerate(case.steps)
        if step.id not in seen and starts
    ]


# --- layer 3: the course as a whole ----------------------------------------------------


def find_content_files(root: Path) -> list[Path]:
    """Every YAML file below ``root``, in a stable order (sorted by path)."""
    return walk_content(root)[0]


def walk_content(root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The content files below ``root`` (sorted by path), and what may not be read there.

    A link is followed only where it stays inside the content folder (a link leaving it would
    publish whatever it points to); a file linked twice is read once. A path named like a
    content file that is not a regular file (a FIFO, a device, a link to nothing) is reported,
    not read and not skipped in silence.
    """
    base = os.path.realpath(root)
    files: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted([*folders, *names]):
            path = Path(folder) / name
            content = path.suffix in CONTENT_SUFFIXES
            if path.is_symlink():
                target = os.path.realpath(path)
                if os.path.commonpath([base, target]) != base:
                    if content or os.path.isdir(target):
                        problems.append(_link_outside(path, target))
                    continue
            if name in folders or not content:
                continue  # linked folders inside the content folder are read where they are
            try:
                mode = path.stat().st_mode
            except OSError:
                problems.append(not_a_file(str(path), None))
                continue
            if not stat.S_ISREG(mode):
                problems.append(not_a_file(str(path), mode))
                continue
            files.setdefault(os.path.realpath(path), path)
    return sorted(files.values()), problems


def _link_outside(path: Path, target: str) -> Diagnostic:
    return Diagnostic(
        "link-outside",
        f"this is a link to {target}, outside the content folder: it is not read",
        Position(str(path)),
        "content must be inside the content folder: copy the file in, or remove the link",
    )


@dataclass
class Checked:
    """The result of checking files one by one."""

    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Ids (and `kind:course`) of files that were read but failed their own checks: what
    refers to them is not reported again as referring to nothing."""


# --- hostile or mistaken text: what no text field may hold ------------------------------

_CONTROL_NAMES = {0: "NUL", 7: "bell", 8: "backspace", 13: "carriage return", 27: "escape"}


def check_texts(loaded: Loaded) -> list[Diagnostic]:
    """Every text value of a file, whatever field it is in: no control characters (a page would
    carry them as raw bytes, a terminal obey them). The loader notes where they are."""
    out = []
    for at in loaded.controls:
        value = _data_at(loaded.data, at)
        found = CONTROL_CHARACTERS.search(value)
        if found is not None:
            out.append(_control_character(loaded, at, value, found.start()))
    return out


def _data_at(data: Any, at: PathKey) -> Any:
    for part in at:
        data = data[part]
    return data


def _control_character(loaded: Loaded, at: PathKey, value: str, index: int) -> Diagnostic:
    code = ord(value[index])
    name = _CONTROL_NAMES.get(code, "a control character")
    if code >= 0xFFFE:
        name = "a noncharacter"
    return Diagnostic(
        "control-character",
        f"`{_label(at)}` holds U+{code:04X} ({name}) as its character {index + 1}",
        loaded.position(at),
        "remove it: text holds printable characters, line breaks and tabs only (in a quoted "
        'value, an escape such as "\\e" or "\\0" writes a control character)',
    )


class _AnyLink(MarkdownIt):
    """CommonMark that keeps every URL, so that validation sees what the author wrote."""

    def validateLink(self, url: str) -> bool:
        return True


_IMAGES = _AnyLink("commonmark").enable("table")
_SCHEME = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.\-]*:")


def check_text_fields(document: Document) -> list[Diagnostic]:
    """Texts as an author means them: no `key: value` line swallowed by the text above it, no
    image from another site."""
    out: list[Diagnostic] = []
    for text in text_fields(document.model):
        if text.markdown and "![" in text.value:
            out += _external_images(document.loaded, text)
        if ":" in text.value:
            out += _swallowed_keys(document.loaded, text)
        if not text.markdown and ("*" in text.value or "`" in text.value or "_" in text.value):
            out += _markdown_in_plain_text(document.loaded, text)
    return out


# Emphasis or code written in Markdown: `*word*`, `**words**`, `_word_`, `` `code` ``.
_MARKUP = re.compile(r"(?<![\w*])(\*\*?|_)(?=\S)[^*_\n]*?(?<=\S)\1(?![\w*])|`[^`\n]+`")


def _markdown_in_plain_text(loaded: Loaded, text: TextField) -> list[Diagnostic]:
    """Markdown marks in a plain-text field, where learners would see the marks themselves."""
    found = _MARKUP.search(text.value)
    if found is None:
        return []
    return [
        Diagnostic(
            "markdown-in-plain-text",
            f"`{_label(text.at)}` is plain text, so `{found.group(0)}` is shown with its marks",
            loaded.position(text.at),
            "remove the marks (plain-text fields are shown as written; the field reference "
            "says which fields take Markdown)",
            "warning",
        )
    ]


def _external_images(loaded: Loaded, text: TextField) -> list[Diagnostic]:
    sources = [
        str(child.attrGet("src") or "")
        for token in _IMAGES.parse(text.value)
        for child in token.children or []
        if child.type == "image"
    ]
    out = []
    for src in sources:
        shown = src if len(src) <= 60 else src[:57] + "..."
        if src.lstrip().lower().startswith("data:"):
            message = f"`{_label(text.at)}` has an image written into the text: {shown}"
            effect = "pages show it as text"
        elif _SCHEME.match(src) or src.lstrip().startswith(("//", "\\\\")):
            message = f"`{_label(text.at)}` shows an image from outside the site: {shown}"
            effect = (
                "every learner's browser would fetch it from that host: pages link to it instead"
            )
        else:
            continue
        out.append(
            Diagnostic(
                "external-image",
                message,
                loaded.position(text.at),
                "serve the image from the site: a file under templates/static/, linked by a "
                f"relative path ({effect})",
                "warning",
            )
        )
    return out


def _swallowed_keys(loaded: Loaded, text: TextField) -> list[Diagnostic]:
    """Lines of ``text`` that look like a key its mapping lacks (an over-indented key)."""
    last = max(i for i, part in enumerate(text.at) if isinstance(part, str))
    owner_at, field = text.at[:last], str(text.at[last])
    written = _data_at(loaded.data, owner_at)
    missing = [k for k in type(text.owner).model_fields if k not in written]
    if not missing:
        return []
    keys = "|".join(re.escape(k) for k in missing)
    line = re.search(rf"^[ \t]*({keys}):(?:[ \t]+\S.*)?$", text.value, re.MULTILINE)
    end = re.search(rf"\s({keys}):[ \t]+(\S+)\s*$", text.value)
    found = line or end
    if found is None:
        return []
    kind = type(text.owner).__name__.lower()
    where = "has a line" if found is line else "ends with"
    return [
        Diagnostic(
            "swallowed-key",
            f"`{_label(text.at)}` {where} `{found.group(0).strip()}`, which YAML read as part "
            "of the text",
            loaded.position(text.at),
            f"if `{found.group(1)}` is a key of this {kind}, indent it like `{field}:` (a line "
            "indented more than the key is part of its text)",
            "warning",
        )
    ]


def check_categories(course_doc: Document, documents: Iterable[Document]) -> list[Diagnostic]:
    """Every category the content names is one the course defines; the rules that need the
    course's categories (a draw per category, a role play's look-alike) hold."""
    course = typing.cast(Course, course_doc.model)
    known = course.approach_order
    out = []
    documents = list(documents)
    roleplay = next((d.model for d in documents if isinstance(d.model, RolePlay)), None)
    if roleplay is not None and course.contrast is None:
        out.append(
            Diagnostic(
                "missing-field",
                f"the course has role plays (`{roleplay.id}`...) but no `contrast`: the category "
                "each role play's second version shows",
                course_doc.loaded.position(()),
                "add `contrast:` with a category id, e.g. `contrast: "
                f"{known[0]}` (a role play's `coaching_version` is that category, and its "
                "`lookalike` one of the others)",
            )
        )
    for document in [course_doc, *documents]:
        model, loaded = document.model, document.loaded
        for use in category_refs(model):
            if use.id not in course.approaches:
                out.append(_unknown_category(loaded, use.at, use.id, known, course_doc.path))
        if isinstance(model, Quiz):
            out += _check_draw_per_category(loaded, model, course)
        if isinstance(model, RolePlay) and course.contrast and model.lookalike == course.contrast:
            others = [a for a in known if a != course.contrast]
            out.append(
                Diagnostic(
                    "invalid-value",
                    f"`lookalike` cannot be `{course.contrast}`: a role play sets "
                    f"{course.contrast} against the category that is mistaken for it (the "
                    f"course's `contrast`)",
                    loaded.position(("lookalike",)),
                    f"use one of: {', '.join(others)}",
                )
            )
    return out


def _unknown_category(
    loaded: Loaded, at: PathKey, target: str, known: list[str], course_path: str
) -> Diagnostic:
    return Diagnostic(
        "unknown-approach",
        f"`{_label(at)}` names `{target}`, which is not one of the course's categories",
        loaded.position(at),
        did_you_mean(target, known)
        or f"use one of: {', '.join(known)}; or define `{target}` under `approaches` in "
        f"{display_path(course_path)}",
    )


def check_files(paths: Iterable[Path]) -> Checked:
    """Load and check each file on its own (layers 1 and 2)."""
    out = Checked()
    for path in paths:
        loaded, problems = load_file(path)
        out.diagnostics += problems
        if loaded is None:
            out.broken.update(_ids_of_unread(path, problems))
            continue
        out.diagnostics += check_texts(loaded)
        document, problems = check_document(loaded)
        out.diagnostics += problems
        if document is None:
            for key in ("id", "kind"):
                value = loaded.data.get(key)
                if isinstance(value, str):
                    out.broken.add(value if key == "id" else f"kind:{value}")
            listed = loaded.data.get("items") if loaded.data.get("kind") == "module" else None
            if isinstance(listed, list):
                out.broken.update(f"listed:{item}" for item in listed if isinstance(item, str))
            continue
        out.documents.append(document)
        out.diagnostics += check_item(document)
        out.diagnostics += check_text_fields(document)
    return out


# The `id:` and `kind:` lines of a file that could not be read as YAML, and a module's items.
_TOP_LINE = re.compile(
    r"""^(id|kind):[ \t]*(["']?)([a-z0-9]+(?:-[a-z0-9]+)*)\2[ \t]*(?:#.*)?$""", re.M
)
_ITEMS = re.compile(r"^items:[ \t]*(?:\[([^\]\n]*)\]|(?:#.*)?\n((?:[ \t]+.*\n?|\n)*))", re.M)
_ITEM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Problems that leave the file's text unread (or not worth reading again).
_UNREAD = frozenset(["no-content", "file-too-large", "not-utf8", "not-a-file"])


def _ids_of_unread(path: Path, problems: list[Diagnostic]) -> set[str]:
    """What a file that failed to load would define: its name and `id:` as ids, its `kind:`
    (``kind:course``), and for a module what it lists (``listed:ITEM``); as ``Checked.broken``.

    What refers to them is not reported again as referring to nothing, nor what they list as
    unlisted: the file's own error is the true one (a module listing it would otherwise print
    a false missing-item, often first, whose hint says to create a file that exists).
    """
    found = {path.stem}
    if any(p.code in _UNREAD for p in problems):
        return found
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return found
    for line in _TOP_LINE.finditer(text):
        found.add(line.group(3) if line.group(1) == "id" else f"kind:{line.group(3)}")
    if "kind:module" in found:
        for items in _ITEMS.finditer(text):
            listed = items.group(1) or re.sub(r"(?m)#.*$", "", items.group(2) or "")
            found.update(f"listed:{item}" for item in _ITEM.findall(listed))
    return found


def check_course(checked: Checked, root: Path) -> Content | None:
    """Cross-file rules; returns the content when nothing fatal was found."""
    documents, out, broken = checked.documents, checked.diagnostics, checked.broken
    by_id: dict[str, Document] = {}
    courses = [d for d in documents if isinstance(d.model, Course)]
    for document in documents:
        if isinstance(document.model, Course):
            continue
        model_id = document.model.id
        if model_id in by_id:
            first = by_id[model_id]
            out.append(
                Diagnostic(
                    "duplicate-id",
                    f"id `{model_id}` is already used by {display_path(first.path)}",
                    document.loaded.position(("id",)),
                    "ids are unique across the whole course: give the new one an id of its "
                    "own (never change a published id: learners' progress is keyed by it)",
                )
            )
        else:
            by_id[model_id] = document
    if not courses:
        if "kind:course" in broken:
            return None
        out.append(
            Diagnostic(
                "missing-course",
                "no file has `kind: course`",
                Position(str(root)),
                "add content/course.yml with the course title and the list of modules",
            )
        )
        return None
    for extra in courses[1:]:
        out.append(
            Diagnostic(
                "multiple-courses",
                "a second course file; the course is already defined in "
                f"{display_path(courses[0].path)}",
                extra.loaded.position(("kind",)),
                "keep one `kind: course` file per content folder",
            )
        )
    course_doc = courses[0]
    course = typing.cast(Course, course_doc.model)
    modules: list[Module] = []
    module_ids = {k for k, d in by_id.items() if isinstance(d.model, Module)}
    for i, module_id in enumerate(course.modules):
        target = by_id.get(module_id)
        if module_id in broken:
            continue
        if target is None or not isinstance(target.model, Module):
            out.append(
                _unknown_ref(course_doc.loaded, ("modules", i), module_id, "module", module_ids)
            )
        else:
            modules.append(target.model)
    for module_id in sorted(module_ids - set(course.modules)):
        out.append(
            Diagnostic(
                "unlisted-module",
                f"module `{module_id}` is not listed in the course",
                by_id[module_id].loaded.position(("id",)),
                f"add `{module_id}` to `modules:` in {display_path(course_doc.path)}, "
                "or delete the module",
                "warning",
            )
        )
        broken.update(
            f"listed:{item}" for item in typing.cast(Module, by_id[module_id].model).items
        )
    items = {k: typing.cast(Item, d.model) for k, d in by_id.items() if d.model.kind in ITEM_KINDS}
    named = {Path(d.path).stem: d for d in by_id.values() if d.model.kind in ITEM_KINDS}
    module_of: dict[str, Module] = {}
    for module in modules:
        module_doc = by_id[module.id]
        for i, item_id in enumerate(module.items):
            at: PathKey = ("items", i)
            if item_id in broken:
                continue
            if item_id not in items:
                file = named.get(item_id)
                out.append(
                    Diagnostic(
                        "missing-item",
                        f"module `{module.id}` lists `{item_id}`, but no item has that id",
                        module_doc.loaded.position(at),
                        (
                            f"{display_path(file.path)} has `id: {file.model.id}`; make the id "
                            "and this entry the same"
                        )
                        if file is not None
                        else did_you_mean(item_id, items)
                        or f"create it with `course new KIND {item_id} --module {module.id}`",
                    )
                )
            elif item_id in module_of:
                out.append(
                    Diagnostic(
                        "item-listed-twice",
                        f"item `{item_id}` is already listed by module `{module_of[item_id].id}`",
                        module_doc.loaded.position(at),
                        "list each item once, in one module",
                    )
                )
            else:
                module_of[item_id] = module
        for i, entry in enumerate(module.facilitator.run_sheet):
            if entry.item is not None and entry.item not in items and entry.item not in broken:
                at = ("facilitator", "run_sheet", i, "item")
                out.append(_unknown_ref(module_doc.loaded, at, entry.item, "item", items))
        on_sheet = {e.item for e in module.facilitator.run_sheet if e.item} or set(module.items)
        for i, item_id in enumerate(module.facilitator.keep_when_short):
            if item_id not in on_sheet:
                at = ("facilitator", "keep_when_short", i)
                out.append(_unknown_ref(module_doc.loaded, at, item_id, "run-sheet item", on_sheet))
    for item_id, item in items.items():
        if item_id not in module_of and f"listed:{item_id}" not in broken:
            out.append(
                Diagnostic(
                    "unlisted-item",
                    f"{item.kind} `{item_id}` is not listed in any module",
                    by_id[item_id].loaded.position(("id",)),
                    "add its id to a module's `items:` list, or delete the file",
                    "warning",
                )
            )
    out += check_categories(course_doc, by_id.values())
    listed = {k: v for k, v in items.items() if k in module_of}
    out += lint_course((by_id[k].loaded, v) for k, v in listed.items())  # builder/lint.py
    for module in modules:
        own = [listed[i] for i in module.items if i in listed]
        out += lint_module(by_id[module.id].loaded, module, own)
    out += check_data(course, ((by_id[k].loaded, v) for k, v in listed.items()))
    documents_by_id = {**by_id, course.id: course_doc}
    return Content(course, modules, listed, module_of, documents_by_id)


def validate_content(root: Path) -> tuple[Content | None, list[Diagnostic]]:
    """Load, check and link every content file below ``root``; all diagnostics, sorted."""
    paths, unreadable = walk_content(root)
    if not paths and not unreadable:
        return None, [
            Diagnostic(
                "no-content",
                "no YAML content files found",
                Position(str(root)),
                "run the command from the project folder, or pass --content DIR",
            )
        ]
    checked = check_files(paths)
    checked.diagnostics += unreadable
    checked.broken.update(Path(d.position.path).stem for d in unreadable)
    content = check_course(checked, root)
    diagnostics = sort_diagnostics(checked.diagnostics)
    if content is not None:
        content.diagnostics = diagnostics
    return content, diagnostics


def validate_standalone(paths: Iterable[Path]) -> list[Diagnostic]:
    """Check files on their own (no cross-file rules), e.g. a scenario outside ``content/``."""
    return sort_diagnostics(check_files(paths).diagnostics)
