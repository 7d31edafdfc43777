"""Building blocks shared by every content kind."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic import Strict as PydanticStrict

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
Text = Annotated[str, Field(min_length=1, description="Plain text, shown as written.")]
Markdown = Annotated[
    str,
    Field(
        min_length=1,
        description="Markdown (CommonMark). Raw HTML is not allowed and is shown as text.",
    ),
]
Minutes = Annotated[int, Field(ge=1, le=600, description="A duration in whole minutes.")]


class Approach(StrEnum):
    """The six things a sales leader does that people lump together as coaching."""

    leading = "leading"
    managing = "managing"
    coaching = "coaching"
    training = "training"
    mentoring = "mentoring"
    role_modeling = "role-modeling"


# Models are strict (no `true` -> 1, no "80" -> 80), but an approach is written as text.
ApproachName = Annotated[Approach, PydanticStrict(False)]


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
