"""The course and its modules: the structure that orders everything else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import (
    MAX_CATEGORIES,
    MAX_ITEMS_PER_MODULE,
    MAX_MODULES,
    MIN_CATEGORIES,
    ApproachId,
    Id,
    Markdown,
    Minutes,
    Strict,
    Text,
    Title,
)


class ApproachInfo(Strict):
    """How the course names and defines one of its categories (shown by every page that names it).

    The glossary, drills, answer keys, the confusion profile and the dashboard all show `name`.
    """

    name: Title = Field(description="The category's display name, e.g. `Role modeling`.")
    definition: Markdown = Field(description="A one-paragraph definition in the course's words.")
    signs: list[Text] = Field(
        default_factory=list, description="Telltale signs that a conversation is this approach."
    )
    question: Text | None = Field(
        default=None,
        description="The question that tells this approach apart from the others, in one line "
        "(for the job aid), e.g. `Is a method taught the same way to anyone who takes it?`.",
    )


# --- the course's working models: drawn as diagrams and printed on the job aid ----------------


class Driver(Strict):
    """One driver of a salesperson's results, and the approach that is the lever for it."""

    name: Text = Field(description="The driver, e.g. `Desire`.")
    meaning: Text | None = Field(
        default=None, description="What it is, in a few words: `how much they want to succeed`."
    )
    lever: ApproachId = Field(description="The approach that moves it, e.g. `leading`.")


class TestQuestion(Strict):
    """One question of the course's ordered test for telling a look-alike from coaching."""

    question: Text = Field(description="The question, asked of a conversation.")
    then: list[ApproachId] = Field(
        min_length=1,
        description="The approach a yes points to; two when `note` says how to tell them apart.",
    )
    note: Text | None = Field(
        default=None, description="A short rule that finishes the answer, if one is needed."
    )


class GridAxis(Strict):
    """One axis of the team grid."""

    name: Text = Field(description="What the axis measures, e.g. `Desire`.")
    low: Text = Field(description="Its low end, e.g. `lower`.")
    high: Text = Field(description="Its high end, e.g. `high`.")


class GridBox(Strict):
    """One box of the team grid: a group of people and what they need from their manager."""

    name: Text = Field(description="The group, e.g. `Strivers`.")
    needs: Text = Field(description="What they need from you, in a line or two.")


class TeamGrid(Strict):
    """The team grid: people placed by two ratings, with advice for each box."""

    up: GridAxis = Field(description="The vertical axis (high at the top).")
    across: GridAxis = Field(description="The horizontal axis (high on the right).")
    boxes: list[GridBox] = Field(
        min_length=4,
        max_length=4,
        description="The four boxes in reading order: top left (high up, low across), top "
        "right (both high), bottom left (both low), bottom right (low up, high across).",
    )


class PlanStep(Strict):
    """One step of the job aid's follow-up plan, on a day counted from the start."""

    day: Annotated[int, Field(ge=1, le=366)] = Field(description="The day it is due, from day 1.")
    what: Text = Field(description="What to do by then.")


class JobAid(Strict):
    """The printable job aid's own parts (the approaches, test and grid come from above)."""

    plan: list[Text] = Field(
        default_factory=list,
        description="The fields of a plan template to fill in by hand, one per line (e.g. the "
        "1+1+1 coaching plan: person, competency, behaviour, barrier, follow-up date).",
    )
    plan_title: Text = Field(default="Plan", description="The plan template's heading.")
    days: list[PlanStep] = Field(
        default_factory=list,
        description="A plan over the weeks after the course, each step with a date to fill in.",
    )
    days_title: Text = Field(default="The next 30 days", description="That plan's heading.")


class Source(Strict):
    """A published work the course draws its ideas from, credited on the Sources page."""

    title: Title = Field(description="The work's title.")
    author: Text = Field(description="Who wrote it.")
    publisher: Text = Field(description="Who published it.")
    published: Text | None = Field(default=None, description="Publication date, if known.")
    url: Annotated[str, Field(pattern=r"^https://\S+$")] | None = Field(
        default=None, description="Where the work can be read (an https:// address)."
    )
    contribution: Markdown | None = Field(
        default=None, description="What the course takes from it, in one or two sentences."
    )
    adds: Markdown | None = Field(
        default=None,
        description="What the course adds to the work or changes in it (its own frameworks, "
        "names, axes, extensions of a story), and how that differs from what the authors "
        "published: shown apart, under 'What this course adds', so that none of it is credited "
        "to them.",
    )


class Course(Strict):
    """The course: its title, the ordered modules, and the shared vocabulary."""

    kind: Literal["course"] = Field(description="Always `course` (one per content folder).")
    id: Id
    title: Title = Field(description="The course title, shown on every page.")
    description: Markdown = Field(description="What the course is and who it is for.")
    modules: list[Id] = Field(
        min_length=1, max_length=MAX_MODULES, description="Module ids, in teaching order."
    )
    approaches: dict[Id, ApproachInfo] = Field(
        min_length=MIN_CATEGORIES,
        max_length=MAX_CATEGORIES,
        description="The categories the course teaches learners to tell apart (for this "
        "course, its approaches), keyed by id, in the course's order: drills, quizzes, "
        "cases, role plays and the final's draw name them by these ids, and every page, "
        "handout and dashboard lists them in this order, by `name`. "
        f"From {MIN_CATEGORIES} to {MAX_CATEGORIES}.",
    )
    contrast: ApproachId | None = Field(
        default=None,
        description="The category every role play's second version shows (its "
        "`coaching_version`), against the look-alike of its first (`lookalike`), which "
        "therefore can never be this one; e.g. `coaching`. Without it, role plays compare "
        "any two categories.",
    )
    sources: list[Source] = Field(
        default_factory=list, description="Works the course is based on, credited on the site."
    )
    drivers: list[Driver] = Field(
        default_factory=list,
        description="The drivers of results and the lever for each (the `levers` diagram).",
    )
    lookalike_test: list[TestQuestion] = Field(
        default_factory=list,
        description="The questions that tell the approaches apart, in the order they are asked "
        "(the `lookalike-test` diagram and the job aid).",
    )
    team_grid: TeamGrid | None = Field(
        default=None, description="The team grid (the `team-grid` diagram and the job aid)."
    )
    job_aid: JobAid = Field(
        default_factory=JobAid,
        description="The printable job aid's plan template and follow-up plan; its other parts "
        "come from `approaches`, `lookalike_test` and `team_grid`.",
    )

    # The one table of the course's categories: every page, handout, export and check reads
    # their order and names here.

    @property
    def approach_order(self) -> list[str]:
        """The ids of the course's categories, in the course's order."""
        return list(self.approaches)

    @property
    def approach_names(self) -> dict[str, str]:
        """Each category's display name, by id, in the course's order."""
        return {key: info.name for key, info in self.approaches.items()}


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
    keep_when_short: list[Id] = Field(
        default_factory=list,
        description="When the workshop is shorter than the run sheet, the items whose "
        "activities stay in the room, most important first (e.g. the two role plays the notes "
        "recommend). `course workshop` keeps them before any other activity, and the guide "
        "lists them; each must be an item of the run sheet.",
    )
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
    title: Title = Field(description="The module title.")
    summary: Markdown = Field(description="What the module covers, shown on its overview page.")
    objectives: list[Text] = Field(
        min_length=1, description="Learning objectives: what a learner can do afterwards."
    )
    minutes: Minutes | None = Field(
        default=None,
        description="Self-study time for the whole module, in minutes, if it should not be the "
        "sum of its items' (each an author's `minutes` or the builder's estimate).",
    )
    items: list[Id] = Field(
        max_length=MAX_ITEMS_PER_MODULE, description="Ids of the module's items, in order."
    )
    approaches: list[ApproachId] = Field(
        default_factory=list,
        description="The approaches this module teaches; the final assessment suggests it to "
        "learners who confuse them.",
    )
    facilitator: ModuleFacilitator = Field(
        default_factory=ModuleFacilitator, description="Workshop material for trainers."
    )
