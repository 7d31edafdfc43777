"""Building blocks shared by every content kind."""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=64,
        description="A stable identifier: lower-case letters, digits and single hyphens "
        "(for example `kpi-review`). Never reuse or rename an id once published: learners' "
        "saved progress is keyed by it.",
    ),
]


@dataclass(frozen=True)
class TextFormat:
    """Marks a text type with how pages show it: as written, or as Markdown.

    Checks that concern every text of the content (control characters, external images, a
    swallowed `key: value` line) find the fields by this mark, so a new field is covered by
    being declared with ``Text`` or ``Markdown``.
    """

    markdown: bool


PLAIN = TextFormat(markdown=False)
MARKDOWN = TextFormat(markdown=True)

Text = Annotated[str, Field(min_length=1, description="Plain text, shown as written."), PLAIN]
Markdown = Annotated[
    str,
    Field(
        min_length=1,
        description="Markdown (CommonMark). Raw HTML is not allowed and is shown as text.",
    ),
    MARKDOWN,
]
#: Titles and names appear in the navigation, headings and the browser tab of many pages.
TITLE_LENGTH = 120
Title = Annotated[
    str,
    Field(
        min_length=1,
        max_length=TITLE_LENGTH,
        description=f"Plain text, shown as written; at most {TITLE_LENGTH} characters.",
    ),
    PLAIN,
]
#: A module's items make its pages, and the course's modules the navigation: past these, pages
#: grow past what a browser shows comfortably (1,000 items made every page of a module 300 KB).
MAX_ITEMS_PER_MODULE = 100
MAX_MODULES = 100
Minutes = Annotated[int, Field(ge=1, le=600, description="A duration in whole minutes.")]


@dataclass(frozen=True)
class CategoryRef:
    """Marks an id type as naming one of the course's categories (its `approaches`).

    A file is checked on its own against its model; that each such id is one the course
    defines is a cross-file rule (``validate.check_categories``), which finds the fields by
    this mark, as text checks find texts by ``TextFormat``.
    """


CATEGORY = CategoryRef()
#: The mark of a category id in the generated JSON Schema, replaced by the course's list.
CATEGORY_KEYWORD = "x-category"
#: Fewest and most categories a course may define. Two is the least a learner can tell apart;
#: past twenty-four the confusion profile and the sorting mat stop fitting a screen or a page.
MIN_CATEGORIES = 2
MAX_CATEGORIES = 24

ApproachId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=64,
        description="The id of one of the course's categories (a key of `approaches` in the "
        "course file), e.g. `coaching`.",
        # `course schema` lists the course's own categories here (builder/schema.py).
        json_schema_extra={CATEGORY_KEYWORD: True},
    ),
    CATEGORY,
]


class Strict(BaseModel):
    """Base for every content model: unknown keys are errors, values are never coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Facilitator(Strict):
    """What a trainer needs to run one activity in a live workshop."""

    minutes: Minutes | None = Field(
        default=None, description="How long the activity takes in a workshop, in minutes."
    )
    notes: Markdown | None = Field(
        default=None, description="Facilitation notes: how to set the activity up and run it."
    )
    debrief: list[Text] = Field(
        default_factory=list, description="Questions to ask the group afterwards."
    )
    confusions: list[Text] = Field(
        default_factory=list,
        description="Common confusions to listen for, and how to untangle them.",
    )


# --- every text of a model -----------------------------------------------------------------


@dataclass(frozen=True)
class TextField:
    """One text value of the content: where it is, what it says, how it is shown."""

    at: tuple[str | int, ...]
    value: str
    markdown: bool
    #: The model whose field holds the text (its other fields are the text's neighbours).
    owner: BaseModel


def text_fields(model: BaseModel, at: tuple[str | int, ...] = ()) -> Iterator[TextField]:
    """Every ``Text`` and ``Markdown`` value in ``model``, at any depth, with its location.

    Locations are those of the YAML data (field names, list indexes, mapping keys), so a
    loaded file gives their positions.
    """
    for name, mark in _text_bearing(type(model)):
        value = getattr(model, name)
        if value is not None:
            yield from _walk(value, mark, (*at, name), model)


def _walk(
    value: Any, mark: TextFormat | None, at: tuple[str | int, ...], owner: BaseModel
) -> Iterator[TextField]:
    if isinstance(value, str):
        if mark is not None:
            yield TextField(at, value, mark.markdown, owner)
    elif isinstance(value, BaseModel):
        yield from text_fields(value, at)
    elif isinstance(value, list):
        for index, one in enumerate(value):
            yield from _walk(one, mark, (*at, index), owner)
    elif isinstance(value, dict):
        for key, one in value.items():
            yield from _walk(one, mark, (*at, str(key)), owner)


@functools.cache
def _text_bearing(model: type[BaseModel]) -> list[tuple[str, TextFormat | None]]:
    """The fields of ``model`` that hold text or models (ids, numbers and flags never do)."""
    return [
        (name, format_of(model, name))
        for name, info in model.model_fields.items()
        if format_of(model, name) is not None or _holds_model(info.annotation)
    ]


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(annotation))


@functools.cache
def format_of(model: type[BaseModel], name: str) -> TextFormat | None:
    """How the texts of field ``name`` of ``model`` are shown, or None if it holds none."""
    info = model.model_fields[name]
    return _find_format([*info.metadata, info.annotation])


def _find_format(candidates: list[Any]) -> TextFormat | None:
    for candidate in candidates:
        if isinstance(candidate, TextFormat):
            return candidate
        found = _find_format(list(typing.get_args(candidate)))
        if found is not None:
            return found
    return None


# --- every category a model names ------------------------------------------------------------


def category_refs(model: BaseModel, at: tuple[str | int, ...] = ()) -> Iterator[CategoryUse]:
    """Every category id ``model`` names (``ApproachId`` values), at any depth, with where.

    Locations are those of the YAML data, as for ``text_fields``.
    """
    for name, marked in _category_bearing(type(model)):
        value = getattr(model, name)
        if value is not None:
            yield from _uses(value, marked, (*at, name))


@dataclass(frozen=True)
class CategoryUse:
    """One place where the content names a category by its id."""

    at: tuple[str | int, ...]
    id: str


def _uses(value: Any, marked: bool, at: tuple[str | int, ...]) -> Iterator[CategoryUse]:
    if isinstance(value, str):
        if marked:
            yield CategoryUse(at, value)
    elif isinstance(value, BaseModel):
        yield from category_refs(value, at)
    elif isinstance(value, list):
        for index, one in enumerate(value):
            yield from _uses(one, marked, (*at, index))
    elif isinstance(value, dict):
        for key, one in value.items():
            yield from _uses(one, marked, (*at, str(key)))


@functools.cache
def _category_bearing(model: type[BaseModel]) -> list[tuple[str, bool]]:
    """The fields of ``model`` that name categories or hold models that may."""
    out = []
    for name, info in model.model_fields.items():
        marked = _has_mark([*info.metadata, info.annotation], CATEGORY)
        if marked or _holds_model(info.annotation):
            out.append((name, marked))
    return out


def _has_mark(candidates: list[Any], mark: object) -> bool:
    return any(
        candidate is mark or _has_mark(list(typing.get_args(candidate)), mark)
        for candidate in candidates
    )
