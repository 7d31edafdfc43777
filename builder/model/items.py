"""The item kinds a module is made of: cases, role plays, drills, quizzes and pages."""

from __future__ import annotations

from collections import deque
from typing import Annotated, Literal

from pydantic import Field

from .common import ApproachId, Facilitator, Id, Markdown, Minutes, Strict, Text, Title


class Reflection(Strict):
    """A reflection prompt; the learner's answer stays in their own browser."""

    id: Id
    prompt: Text = Field(description="The question the learner answers in their own words.")


class ItemBase(Strict):
    """Fields every item has, whatever its kind."""

    id: Id
    title: Title = Field(description="The item's title, shown as its page heading.")
    summary: Markdown | None = Field(
        default=None, description="One or two sentences introducing the item."
    )
    minutes: Minutes | None = Field(
        default=None,
        description="Self-study time in minutes, if the builder's estimate (from the words the "
        "page shows and what it asks the learner to do) is wrong for this item.",
    )
    facilitator: Facilitator = Field(
        default_factory=Facilitator, description="Workshop notes for trainers."
    )
    reflect: list[Reflection] = Field(
        default_factory=list,
        description="Reflection prompts shown at the end of the page; answers stay private.",
    )


# --- case: a branching story -------------------------------------------------------------


class Choice(Strict):
    """One thing the learner can decide at a decision point."""

    id: Id
    text: Text = Field(description="What the manager says or does, as the learner sees it.")
    consequence: Markdown = Field(description="What happens next because of this choice.")
    next: Id | None = Field(
        default=None, description="The step this choice leads to; omit to stay on the story's end."
    )
    approach: ApproachId | None = Field(
        default=None, description="The approach this choice really is, if it is one of the six."
    )
    best: bool = Field(default=False, description="Whether this is the choice the case teaches.")


class Step(Strict):
    """A step of a case: some narrative, then either choices or an ending."""

    id: Id
    title: Title | None = Field(default=None, description="A short heading for the step.")
    text: Markdown = Field(description="The narrative of this step.")
    choices: list[Choice] = Field(
        default_factory=list,
        description="The decision point. A step without choices is an ending.",
    )
    debrief: Markdown | None = Field(
        default=None, description="For endings: what the learner should take away."
    )
    prompt: Text | None = Field(
        default=None,
        description="The question the decision answers, shown above the choices (e.g. 'What "
        "do you make of Kofi's comment?'); without it, 'Your decision'.",
    )
    shuffle: bool = Field(
        default=True,
        description="Show the choices in a different order to each learner (kept for that "
        "learner). `false` keeps the order written here.",
    )


class Case(ItemBase):
    """A case story told in steps, with decision points and per-choice consequences."""

    kind: Literal["case"] = Field(description="Always `case`.")
    start: Id = Field(description="The id of the first step.")
    steps: list[Step] = Field(min_length=1, description="The steps, in any order.")

    def depths(self) -> dict[str, int]:
        """The walk over the case's steps, breadth-first from the start: each step a reader can
        reach, with the fewest choices that reach it, in the order the walk meets them.

        The one walk reading order (``story_order``), the scenario maps' layers and the
        unreachable-step check share. Empty when the start step does not exist.
        """
        by_id = {step.id: step for step in self.steps}
        depth = {self.start: 0} if self.start in by_id else {}
        queue = deque(depth)
        while queue:
            step_id = queue.popleft()
            for choice in by_id[step_id].choices:
                if choice.next is not None and choice.next in by_id and choice.next not in depth:
                    depth[choice.next] = depth[step_id] + 1
                    queue.append(choice.next)
        return depth


# --- roleplay: look-alike versus coaching ------------------------------------------------


class Role(Strict):
    """A part someone plays in a role play."""

    id: Id
    name: Title = Field(description="The role's name, e.g. `Sales manager`.")
    brief: Markdown = Field(description="What the person playing this role is told.")
    private: Markdown | None = Field(
        default=None, description="What only this role knows (printed on their card only)."
    )


class Line(Strict):
    """One turn in a scripted conversation."""

    role: Id = Field(description="The id of the role speaking.")
    text: Text = Field(description="What they say.")
    why: Markdown | None = Field(
        default=None,
        description="What this line does, and what the look-alike would have said instead; "
        "one or two sentences. Only for the lines a learner playing alone says (the coaching "
        "version's lines of the role that opens it): the page shows it after they reveal the "
        "model line, and folded beside the line without JavaScript. Not on the role cards or "
        "the projector: in a group, finding the why is the debrief's work.",
    )


class Conversation(Strict):
    """A scripted version of the conversation, with a comment on what it shows."""

    lines: list[Line] = Field(min_length=1, description="The conversation, turn by turn.")
    commentary: Markdown = Field(description="What this version shows, and why.")


class Tally(Strict):
    """Something the observer counts in each round, with a box to tick for each one."""

    what: Text = Field(description="What to count, e.g. `Open questions from the manager`.")
    up_to: int = Field(
        ge=1,
        le=24,
        description="How many boxes each round gets on the printed checklist: about the most "
        "an observer will count in one round.",
    )


class ObserverChecklist(Strict):
    """What an observer listens for during a role play."""

    coaching: list[Text] = Field(min_length=1, description="Behaviours that are coaching.")
    lookalike: list[Text] = Field(
        min_length=1, description="Behaviours of the look-alike approach."
    )
    counts: list[Tally] = Field(
        default_factory=list,
        description="What the observer's brief asks them to count; the checklist prints tally "
        "boxes for each, per round.",
    )
    notes: list[Text] = Field(
        default_factory=list,
        description="What the observer's brief asks them to note in words; the checklist "
        "prints space to write for each, per round.",
    )


class RolePlay(ItemBase):
    """A role play contrasting a look-alike conversation with a real coaching one."""

    kind: Literal["roleplay"] = Field(description="Always `roleplay`.")
    lookalike: ApproachId = Field(description="The approach that is mistaken for coaching here.")
    setting: Markdown = Field(description="The situation, read to everyone before starting.")
    roles: list[Role] = Field(min_length=2, description="The roles, with their briefs.")
    lookalike_version: Conversation = Field(
        description="The conversation as the look-alike approach."
    )
    coaching_version: Conversation = Field(description="The same conversation, coached.")
    observer: ObserverChecklist = Field(description="The observer's checklist.")
    debrief: list[Text] = Field(min_length=1, description="Debrief questions for the group.")


# --- drill: classify statements ---------------------------------------------------------


class Statement(Strict):
    """Something a manager says or does, to be classified into one approach."""

    id: Id
    text: Text = Field(description="The statement, as a manager would say or do it.")
    approach: ApproachId = Field(description="The approach it really is.")
    rationale: Markdown = Field(description="Why it is that approach (and not a look-alike).")


class Drill(ItemBase):
    """A classification drill: sort statements into the course's categories."""

    kind: Literal["drill"] = Field(description="Always `drill`.")
    instructions: Markdown | None = Field(
        default=None, description="What the learner is asked to do."
    )
    statements: list[Statement] = Field(min_length=1, description="The statements to classify.")
    approaches: list[ApproachId] = Field(
        default_factory=list,
        description="The approaches offered as answers, in this order. Without it, the "
        "approaches the statements use, in the course's order.",
    )
    shuffle: bool = Field(
        default=True,
        description="Show the statements in a different order to each learner (the order is "
        "kept for that learner). `false` keeps the order written here.",
    )


# --- quiz: single and multiple choice ---------------------------------------------------


class Option(Strict):
    """An answer option, with the feedback a learner sees when choosing it."""

    id: Id
    text: Text = Field(description="The option as shown.")
    correct: bool = Field(default=False, description="Whether this option is a right answer.")
    feedback: Markdown | None = Field(
        default=None,
        description="Why this option is right or wrong, e.g. 'This is managing because...'.",
    )
    approach: ApproachId | None = Field(
        default=None, description="The approach this option names or describes, if any."
    )


class Question(Strict):
    """A single- or multiple-choice question."""

    id: Id
    type: Literal["single", "multiple"] = Field(
        default="single", description="`single`: one right option; `multiple`: one or more."
    )
    prompt: Markdown = Field(description="The question.")
    approach: ApproachId | None = Field(
        default=None, description="The approach the right answer is, for the confusion profile."
    )
    options: list[Option] = Field(min_length=2, description="The answer options.")
    explanation: Markdown | None = Field(
        default=None, description="Shown after answering, whatever the answer."
    )
    shuffle: bool = Field(
        default=True,
        description="Show the options in a different order to each learner (kept for that "
        "learner). `false` keeps the order written here, e.g. for a scale or for an option "
        "like 'all of the above'.",
    )


class Draw(Strict):
    """How a graded quiz draws one attempt from a larger bank of questions.

    Give `per_approach` (every attempt tests every approach evenly) or `questions` (a number
    drawn from the whole bank). "Start again" draws questions the learner has seen least.
    """

    per_approach: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None,
        description="How many questions of each approach (by the question's `approach`) one "
        "attempt draws.",
    )
    questions: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        default=None, description="How many questions one attempt draws from the whole bank."
    )


class Quiz(ItemBase):
    """A quiz; with a pass mark it is graded (the final assessment is one)."""

    kind: Literal["quiz"] = Field(description="Always `quiz`.")
    pass_mark: int | None = Field(
        default=None, ge=1, le=100, description="Percent needed to pass; makes the quiz graded."
    )
    questions: list[Question] = Field(
        min_length=1,
        description="The questions, in order; for a quiz with `draw`, the bank an attempt is "
        "drawn from.",
    )
    draw: Draw | None = Field(
        default=None,
        description="For a graded quiz: draw each attempt from `questions` as a bank. Without "
        "it every attempt has every question.",
    )


# --- page: free text --------------------------------------------------------------------


DiagramKind = Literal["levers", "team-grid", "lookalike-test"]


class Diagram(Strict):
    """A diagram the builder draws from the course's data, placed in a page's body."""

    kind: DiagramKind = Field(
        description="`levers` (the course's `drivers`), `team-grid` (its `team_grid`) or "
        "`lookalike-test` (its `lookalike_test`)."
    )
    # A reference to a heading, never shown itself: not a `Text` (text fields are what the site
    # shows, and what the hostile-content tests fill with payloads).
    before: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="The heading of the body (its text as written after the `#`s) the diagram "
        "goes just before; without it, the diagram ends the body.",
    )


class Page(ItemBase):
    """A page of free Markdown text (an introduction, a reading, a worked example)."""

    kind: Literal["page"] = Field(description="Always `page`.")
    body: Markdown = Field(description="The page's text.")
    diagrams: list[Diagram] = Field(
        default_factory=list,
        description="Diagrams drawn from the course's own data (accessible SVG), each placed "
        "before a heading of the body.",
    )
