"""The course and its modules: the structure that orders everything else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import ApproachName, Id, Markdown, Minutes, Strict, Text


class ApproachInfo(Strict):
    """How the course names and defines one approach (used by the glossary and drills)."""

    name: Text = Field(description="The approach's display name, e.g. `Role modeling`.")
    definition: Markdown = Field(description="A one-paragraph definition in the course's words.")
    signs: list[Text] = Field(
        default_factory=list, description="Telltale signs that a conversation is this approach."
    )


class Source(Strict):
    """A published work the course draws its ideas from, credited on the Sources page."""

    title: Text = Field(description="The work's title.")
    author: Text = Field(description="Who wrote it.")
    publisher: Text = Field(description="Who published it.")
    published: Text | None = Field(default=None, description="Publication date, if known.")
    url: Annotated[str, Field(pattern=r"^https://\S+$")] | None = Field(
        default=None, description="Where the work can be read (an https:// address)."
    )
    contribution: Markdown | None = Field(
        default=None, description="What the course takes from it, in one or two sentences."
    )


class Course(Strict):
    """The course: its title, the ordered modules, and the shared vocabulary."""

    kind: Literal["course"] = Field(description="Always `course` (one per content folder).")
    id: Id
    title: Text = Field(description="The course title, shown on every page.")
    description: Markdown = Field(description="What the course is and who it is for.")
    modules: list[Id] = Field(min_length=1, description="Module ids, in teaching order.")
    approaches: dict[ApproachName, ApproachInfo] = Field(
        default_factory=dict,
        description="Names and definitions of the six approaches, keyed by approach id.",
    )
    sources: list[Source] = Field(
        default_factory=list, description="Works the course is based on, credited on the site."
    )


class RunSheetEntry(Strict):
    """One line of a module's workshop run sheet."""

    activity: Text = Field(description="What the group does.")
    minutes: Minutes = Field(description="How long it takes.")
    item: Id | None = Field(default=None, description="The item this activity uses, if any.")


class ModuleFacilitator(Strict):
    """Trainer material for running a whole module as a workshop."""

    materials: list[Text] = Field(
        default_factory=list, description="What the room needs (printouts, flip chart...)."
    )
    run_sheet: list[RunSheetEntry] = Field(
        default_factory=list, description="The workshop's activities in order, with minutes."
    )
    notes: Markdown | None = Field(default=None, description="Facilitation notes for the module.")
    debrief: list[Text] = Field(
        default_factory=list, description="Closing debrief questions for the module."
    )
    confusions: list[Text] = Field(
        default_factory=list, description="Confusions learners commonly bring to this module."
    )


class Module(Strict):
    """A module: a titled sequence of items with objectives."""

    kind: Literal["module"] = Field(description="Always `module`.")
    id: Id
    title: Text = Field(description="The module title.")
    summary: Markdown = Field(description="What the module covers, shown on its overview page.")
    objectives: list[Text] = Field(
        min_length=1, description="Learning objectives: what a learner can do afterwards."
    )
    minutes: Minutes | None = Field(
        default=None,
        description="Self-study time for the whole module, in minutes, if it should not be the "
        "sum of its items' (each an author's `minutes` or the builder's estimate).",
    )
    items: list[Id] = Field(description="Ids of the module's items, in order.")
    approaches: list[ApproachName] = Field(
        default_factory=list,
        description="The approaches this module teaches; the final assessment suggests it to "
        "learners who confuse them.",
    )
    facilitator: ModuleFacilitator = Field(
        default_factory=ModuleFacilitator, description="Workshop material for trainers."
    )
