"""Run sheets: a module as a live session on a clock, and what the trainer section offers
for each module (``ModuleKit``); the trainer pages, the print documents and the workshop
planner all start from here."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import (
    Case,
    Drill,
    Item,
    Module,
    Quiz,
    RolePlay,
)
from ..pages.site import item_path
from ..validate import Content


def clock(minutes: int) -> str:
    """Minutes since the start of a session as a clock: ``0:08``, ``1:35``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


# --- run sheets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One line of a module's run sheet, placed on the session's clock."""

    index: int
    activity: str
    minutes: int
    start: int
    item: Item | None
    #: The page of the item (``module/item.md``), if the activity uses one.
    page: str | None

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def start_clock(self) -> str:
        return clock(self.start)

    @property
    def end_clock(self) -> str:
        return clock(self.end)


def run_sheet(content: Content, module: Module) -> list[Activity]:
    """The module's run sheet with a cumulative clock.

    A module without one gets a run sheet made from its items' workshop (or else self-study)
    minutes, so every module can be planned.
    """
    items = {item.id: item for item in content.items_of(module)}
    lines: list[tuple[str, int, Item | None]] = []
    if module.facilitator.run_sheet:
        for entry in module.facilitator.run_sheet:
            lines.append((entry.activity, entry.minutes, items.get(entry.item or "")))
    else:
        for one in items.values():
            lines.append((one.title, one.facilitator.minutes or content.self_study[one.id], one))
    activities: list[Activity] = []
    start = 0
    for index, (name, minutes, item) in enumerate(lines):
        page = item_path(module, item) if item is not None else None
        activities.append(Activity(index, name, minutes, start, item, page))
        start += minutes
    return activities


def projected(item: Item) -> bool:
    """Whether ``item`` has a projector view: cases, role plays, drills and live quizzes.

    A quiz that draws each attempt from a bank (the final assessment) is an exam, not a
    live quiz: projecting its bank would show every learner the questions they will draw.
    """
    if isinstance(item, Quiz):
        return item.draw is None
    return isinstance(item, Case | RolePlay | Drill)


@dataclass(frozen=True)
class ModuleKit:
    """Everything the trainer section offers for one module."""

    number: int
    module: Module
    activities: list[Activity]
    items: list[Item]
    roleplays: list[RolePlay]
    cases: list[Case]
    #: Minutes a learner on their own takes over the module (``builder.estimate``).
    self_study: int

    @property
    def total(self) -> int:
        """Workshop minutes: the run sheet's total."""
        return sum(a.minutes for a in self.activities)

    @property
    def unscheduled(self) -> list[Item]:
        """Items the run sheet does not use (self-study only)."""
        used = {a.item.id for a in self.activities if a.item is not None}
        return [item for item in self.items if item.id not in used]


def module_kits(content: Content) -> list[ModuleKit]:
    kits = []
    for number, module in enumerate(content.modules, start=1):
        items = content.items_of(module)
        kits.append(
            ModuleKit(
                number,
                module,
                run_sheet(content, module),
                items,
                [i for i in items if isinstance(i, RolePlay)],
                [i for i in items if isinstance(i, Case)],
                content.module_minutes(module),
            )
        )
    return kits
