"""The content contract: typed models of every kind of content file.

Each YAML file in `content/` holds one document whose `kind` key picks its model.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from .common import Facilitator
from .course import Course, Module
from .items import (
    Case,
    Choice,
    Conversation,
    Diagram,
    Draw,
    Drill,
    ItemBase,
    Option,
    Page,
    Question,
    Quiz,
    Role,
    RolePlay,
    Statement,
    Step,
)

Item = Case | RolePlay | Drill | Quiz | Page
Document = Annotated[
    Course | Module | Case | RolePlay | Drill | Quiz | Page, Field(discriminator="kind")
]

MODELS: dict[str, type[Course] | type[Module] | type[ItemBase]] = {
    "course": Course,
    "module": Module,
    "case": Case,
    "roleplay": RolePlay,
    "drill": Drill,
    "quiz": Quiz,
    "page": Page,
}
ITEM_KINDS = ("case", "roleplay", "drill", "quiz", "page")

DOCUMENT_ADAPTER: TypeAdapter[Course | Module | Item] = TypeAdapter(Document)

__all__ = [
    "DOCUMENT_ADAPTER",
    "ITEM_KINDS",
    "MODELS",
    "Case",
    "Choice",
    "Conversation",
    "Course",
    "Diagram",
    "Document",
    "Draw",
    "Drill",
    "Facilitator",
    "Item",
    "ItemBase",
    "Module",
    "Option",
    "Page",
    "Question",
    "Quiz",
    "Role",
    "RolePlay",
    "Statement",
    "Step",
]
