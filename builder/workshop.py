"""Fit modules into a workshop slot: which activities run live, which become pre-work.

The plan starts from the modules' run sheets (``builder.trainer.run_sheet``):

1. The **live core** cannot move out of the room: every activity without an item (openers,
   plenaries, closes, breaks), plus each module's most interactive activity (its first role
   play, else its first case, else its first drill). If the core alone is longer than the
   slot, the modules cannot fit, and the plan says so.
2. The other activities are added live while they fit, the most interactive first (role
   plays, cases, drills, then quizzes and pages), in run-sheet order within a kind.
3. What is left becomes **pre-work**, with its self-study minutes (the author's, else the
   builder's estimate: ``builder.estimate``), and so do items that no run sheet uses.

The live activities keep their run-sheet order, on one clock from the start of the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, Position, display_path, printable
from .model import Item, Module
from .render import Urls, item_path
from .trainer import Activity, clock, run_sheet
from .validate import Content

#: How much an activity gains from the room: higher runs live first.
PRIORITY = {"roleplay": 3, "case": 2, "drill": 1, "quiz": 0, "page": 0}


def priority(activity: Activity) -> int:
    return PRIORITY.get(activity.item.kind, 0) if activity.item is not None else 0


@dataclass(frozen=True)
class Slot:
    """An activity run live, placed on the session's clock."""

    module: Module
    activity: Activity
    start: int
    core: bool

    @property
    def minutes(self) -> int:
        return self.activity.minutes

    @property
    def start_clock(self) -> str:
        return clock(self.start)

    @property
    def end_clock(self) -> str:
        return clock(self.start + self.minutes)


@dataclass(frozen=True)
class PreWork:
    """An item learners do on their own before the session."""

    module: Module
    item: Item
    minutes: int
    #: The run-sheet activity it replaces, or None for an item no run sheet uses.
    activity: Activity | None
    #: The item's address below the site root (``Urls``: as the site's mkdocs.yml makes it).
    url: str


@dataclass(frozen=True)
class Plan:
    """A workshop agenda that fits the slot."""

    modules: list[Module]
    minutes: int
    live: list[Slot]
    prework: list[PreWork]
    #: Minutes of the modules' full run sheets, and of their live core.
    full: int
    core: int

    @property
    def used(self) -> int:
        return sum(slot.minutes for slot in self.live)

    @property
    def spare(self) -> int:
        return self.minutes - self.used

    @property
    def prework_minutes(self) -> int:
        return sum(p.minutes for p in self.prework)

    @property
    def title(self) -> str:
        return "; ".join(module.title for module in self.modules)


@dataclass(frozen=True)
class Problem:
    """Why a plan cannot be made, printed like a content diagnostic."""

    code: str
    message: str
    position: Position | None
    hint: str
    notes: list[str]

    def format(self) -> str:
        if self.position is not None:
            head = Diagnostic(self.code, self.message, self.position, self.hint).format()
        else:
            head = (
                f"error[{self.code}]: {printable(self.message)}\n    hint: {printable(self.hint)}"
            )
        return "\n".join([head, *(f"    note: {printable(note)}" for note in self.notes)])


class WorkshopError(Exception):
    """The chosen modules cannot fit the slot (a user error: exit status 1)."""

    exit_code = 1

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def find_modules(content: Content, ids: list[str]) -> tuple[list[Module], list[str]]:
    """The modules with these ids, in the order given, and the ids that match none."""
    by_id = {module.id: module for module in content.modules}
    found = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return found, [i for i in ids if i not in by_id]


def _position(content: Content, module: Module, activity: Activity) -> Position | None:
    if module.facilitator.run_sheet:
        document = content.documents.get(module.id)
        at: tuple[str | int, ...] = ("facilitator", "run_sheet", activity.index)
    else:
        document = content.documents.get(activity.item.id if activity.item else "")
        at = ("facilitator", "minutes")
    return document.loaded.position(at) if document is not None else None


def core_of(activities: list[Activity]) -> list[Activity]:
    """A module's live core: activities without an item, and its most interactive one."""
    core = [a for a in activities if a.item is None]
    interactive = [a for a in activities if a.item is not None and priority(a) > 0]
    if interactive:
        core.append(max(interactive, key=lambda a: (priority(a), -a.index)))
    return sorted(core, key=lambda a: a.index)


def plan_workshop(
    content: Content, modules: list[Module], minutes: int, urls: Urls | None = None
) -> Plan:
    """The agenda for ``modules`` in a slot of ``minutes``; raises WorkshopError if none fits.

    Pre-work is listed by the items' addresses on a site whose pages are at ``urls``.
    """
    sheets = [(module, run_sheet(content, module)) for module in modules]
    core = {(m.id, a.index) for m, activities in sheets for a in core_of(activities)}
    core_minutes = sum(a.minutes for m, acts in sheets for a in acts if (m.id, a.index) in core)
    full = sum(a.minutes for _, activities in sheets for a in activities)
    if core_minutes > minutes:
        raise WorkshopError(_does_not_fit(content, sheets, core, core_minutes, minutes))

    live = set(core)
    used = core_minutes
    order = {module.id: n for n, module in enumerate(modules)}
    candidates = [
        (module, a)
        for module, activities in sheets
        for a in activities
        if (module.id, a.index) not in core
    ]
    candidates.sort(key=lambda pair: (-priority(pair[1]), order[pair[0].id], pair[1].index))
    waiting: list[tuple[Module, Activity]] = []
    for module, activity in candidates:
        if used + activity.minutes <= minutes:
            live.add((module.id, activity.index))
            used += activity.minutes
        else:
            waiting.append((module, activity))
    slots: list[Slot] = []
    start = 0
    for module, activities in sheets:
        for activity in activities:
            if (module.id, activity.index) in live:
                slots.append(Slot(module, activity, start, (module.id, activity.index) in core))
                start += activity.minutes
    return Plan(
        modules,
        minutes,
        slots,
        _prework(content, modules, slots, waiting, urls or Urls()),
        full,
        core_minutes,
    )


def _prework(
    content: Content,
    modules: list[Module],
    slots: list[Slot],
    waiting: list[tuple[Module, Activity]],
    urls: Urls,
) -> list[PreWork]:
    """Items of activities left out of the room, and items no run sheet uses, in course order.

    An item that also runs live (two activities may use it) is not pre-work.
    """
    live_items = {slot.activity.item.id for slot in slots if slot.activity.item is not None}
    replaced = {a.item.id: a for _, a in waiting if a.item is not None}
    scheduled = set(live_items) | set(replaced)
    for module in modules:
        for activity in run_sheet(content, module):
            if activity.item is not None:
                scheduled.add(activity.item.id)
    prework = []
    for module in modules:
        for item in content.items_of(module):
            if item.id in live_items:
                continue
            if item.id in replaced or item.id not in scheduled:
                minutes = content.self_study[item.id]
                url = urls.of(item_path(module, item))
                prework.append(PreWork(module, item, minutes, replaced.get(item.id), url))
    return prework


def _does_not_fit(
    content: Content,
    sheets: list[tuple[Module, list[Activity]]],
    core: set[tuple[str, int]],
    core_minutes: int,
    minutes: int,
) -> Problem:
    notes = []
    biggest: tuple[int, Position | None] = (-1, None)
    for module, activities in sheets:
        in_core = [a for a in activities if (module.id, a.index) in core]
        share = sum(a.minutes for a in in_core)
        if in_core and share > biggest[0]:
            biggest = (share, _position(content, module, in_core[0]))
        for activity in in_core:
            where = _position(content, module, activity)
            prefix = f"{display_path(where.path)}:{where.line}:{where.column}: " if where else ""
            why = (
                "a room activity, it cannot be pre-work"
                if activity.item is None
                else "the module's most interactive activity"
            )
            notes.append(f'{prefix}"{activity.activity}", {activity.minutes} min ({why})')
    names = ", ".join(module.id for module, _ in sheets)
    return Problem(
        "workshop-does-not-fit",
        f"the live core of {names} takes {core_minutes} minutes, but the slot is {minutes} minutes",
        biggest[1],
        f"book at least {core_minutes} minutes, or choose fewer modules; "
        "the live core is what cannot become pre-work:",
        notes,
    )


def format_plan(plan: Plan) -> str:
    """The agenda as plain text, for the terminal."""
    lines = [
        f"Workshop: {plan.title}",
        f"Slot: {plan.minutes} min. Live: {plan.used} min"
        + (f" ({plan.spare} min to spare)" if plan.spare else "")
        + f". Pre-work: {plan.prework_minutes} min of self-study."
        + f" (Full run sheet: {plan.full} min; live core: {plan.core} min.)",
        "",
        "Live in the room",
    ]
    for slot in plan.live:
        uses = f"  [{slot.activity.item.title}]" if slot.activity.item else ""
        mark = "*" if slot.core else " "
        lines.append(
            f"  {slot.start_clock:>5}-{slot.end_clock:<5} {slot.minutes:>3} min {mark} "
            f"{slot.activity.activity}{uses}"
        )
    lines.append("  (* the live core: cannot become pre-work)")
    lines += ["", "Pre-work (learners do these on their own before the session)"]
    if not plan.prework:
        lines.append("  none: everything runs live")
    for work in plan.prework:
        lines.append(f"  {work.minutes:>3} min  {work.item.title}  ({work.url})")
    return "\n".join(lines) + "\n"
