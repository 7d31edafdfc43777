"""Fit modules into a workshop slot: a run of show, and what becomes pre-work.

The plan starts from the modules' run sheets (``builder.teaching.run_sheet.run_sheet``):

1. The session **opens** (welcome and objectives; the course's separating questions, if it
   has them) and **closes** (debrief, action plan, evaluation). Short slots (under an hour)
   get short versions. If the slot cannot hold them and one activity, the plan says so.
2. **Breaks** are the planner's, not the run sheets' (those are left out): one of 10 minutes
   per full two hours of slot, at the gap between activities nearest its share of the
   session, never first or last.
3. Activities go into the room while they fit: first each module's ``keep_when_short``
   items, in the order given (the module's own priorities, which its guide prints), then
   the most interactive (role plays, cases, then drills and the run sheets' own room
   activities, then quizzes and pages), a quiz or page that follows an activity already in
   the room before others, run-sheet order within a kind.
4. What is left becomes **pre-work**, with its self-study minutes (the author's, else the
   builder's estimate: ``builder.estimate``), and so do items that no run sheet uses. Room
   activities without an item that do not fit are left out.
5. A twentieth of the slot is held back as **slack** for transitions (forming groups, handing
   out cards); with the minutes the activities leave free, it is a row before the close.

The rows keep run-sheet order, on one clock: from 0:00, or from ``start`` (``09:00``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..diagnostics import Diagnostic, Position, printable
from ..model import Drill, Item, Module, RolePlay
from ..pages.site import (
    Urls,
    cards_path,
    form_path,
    guide_path,
    item_path,
    projector_path,
    sheets_path,
    sorting_path,
)
from ..validate import Content
from .kits import FORMS, activity_kit, has_sheets
from .run_sheet import Activity, clock, projected, run_sheet

#: How much an activity gains from the room: higher runs live first. A run sheet's own room
#: activity (no item: an opener, a plenary) counts as a drill.
PRIORITY = {"roleplay": 3, "case": 2, "drill": 1, "quiz": 0, "page": 0}
ROOM_ACTIVITY = 1
BREAK_MINUTES = 10
#: A slot this long or longer gets the full opening and close.
FULL_FROM = 60


def priority(activity: Activity) -> int:
    return PRIORITY.get(activity.item.kind, 0) if activity.item is not None else ROOM_ACTIVITY


def is_break(activity: Activity) -> bool:
    return activity.item is None and activity.activity.lower().startswith("break")


#: What each kind of item needs in the room, and how people work on it.
GROUPING = {
    "roleplay": "Groups of three (manager, salesperson, observer)",
    "case": "Whole room, voting",
    "drill": "Pairs",
    "quiz": "Whole room, voting",
    "page": "Whole room",
}
MATERIALS = {
    "roleplay": "Role-play cards, one set per group of three; the projector view",
    "case": "The projector view (or one paper gamebook per group)",
    "drill": "The projector view",
    "quiz": "The projector view",
    "page": "The course page on the screen",
}


def grouping_of(activity: Activity) -> str:
    """How the room works on an activity: said in the run sheet's words, else by its kind."""
    name = activity.activity.lower()
    for words, grouping in (
        (("trio", "threes", "in threes"), "Groups of three"),
        (("pairs",), "Pairs"),
        (("individual",), "On their own"),
        (("plenary",), "Whole room"),
    ):
        if any(word in name for word in words):
            return grouping
    return GROUPING.get(activity.item.kind, "Whole room") if activity.item else "Whole room"


@dataclass(frozen=True)
class Row:
    """One row of the run of show, placed on the session's clock."""

    kind: str  # "opening", "activity", "break", "slack" or "close"
    title: str
    minutes: int
    start: int
    #: What the facilitator says and does (Markdown), materials, grouping, debrief questions.
    says: str = ""
    materials: list[str] = field(default_factory=list)
    grouping: str = ""
    debrief: list[str] = field(default_factory=list)
    module: Module | None = None
    activity: Activity | None = None
    #: The projector or course page this row uses, below the site root.
    page: str | None = None


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
class KitFile:
    """A printable the session needs: its page on the site and its ``course handouts`` PDF."""

    title: str
    #: How many to print.
    copies: str
    #: The page's address below the site root (``Urls``), printable from the browser.
    url: str
    #: The file ``course handouts --module ID`` writes.
    pdf: str


@dataclass(frozen=True)
class Plan:
    """A workshop's run of show that fits the slot."""

    modules: list[Module]
    minutes: int
    rows: list[Row]
    prework: list[PreWork]
    #: Room activities of the run sheets left out (no item, so no pre-work either).
    left_out: list[Activity]
    #: Minutes of the modules' full run sheets.
    full: int
    #: The clock's start in minutes after midnight, or None for a clock from 0:00.
    start: int | None = None
    #: The address of the learner's progress page below the site root (``Urls``).
    progress_url: str = "progress/"
    #: What to print before the session, module by module.
    kits: list[KitFile] = field(default_factory=list)

    @property
    def live(self) -> list[Row]:
        """The modules' activities run in the room."""
        return [row for row in self.rows if row.kind == "activity"]

    @property
    def used(self) -> int:
        return sum(row.minutes for row in self.rows if row.kind != "slack")

    @property
    def spare(self) -> int:
        return self.minutes - self.used

    @property
    def prework_minutes(self) -> int:
        return sum(p.minutes for p in self.prework)

    @property
    def title(self) -> str:
        return "; ".join(module.title for module in self.modules)

    def clock(self, minutes: int) -> str:
        """A time of the session: ``09:40`` from a start time, else ``0:40``."""
        if self.start is None:
            return clock(minutes)
        at = (self.start + minutes) % (24 * 60)
        return f"{at // 60:02d}:{at % 60:02d}"


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


def parse_start(text: str) -> int:
    """``09:00`` as minutes after midnight; ValueError if it is not a time of day."""
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or len(minutes) != 2 or not minutes.isdigit():
        raise ValueError(f"{text!r} is not a time like 09:00")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"{text!r} is not a time of day")
    return int(hours) * 60 + int(minutes)


def _position(content: Content, module: Module, activity: Activity) -> Position | None:
    if module.facilitator.run_sheet:
        document = content.documents.get(module.id)
        at: tuple[str | int, ...] = ("facilitator", "run_sheet", activity.index)
    else:
        document = content.documents.get(activity.item.id if activity.item else "")
        at = ("facilitator", "minutes")
    return document.loaded.position(at) if document is not None else None


def _opening(content: Content, modules: list[Module], full: bool) -> list[tuple[str, int, str]]:
    objectives = " ".join(
        f"({n}) {o}" for n, o in enumerate((o for m in modules for o in m.objectives), start=1)
    )
    rows = [
        (
            "Welcome and objectives",
            5 if full else 2,
            "Welcome the group; say what they will be able to do by the end: "
            f"{objectives} Show the agenda and when the session ends.",
        )
    ]
    test = content.course.lookalike_test
    if test:
        questions = " ".join(f"({n}) {t.question}" for n, t in enumerate(test, start=1))
        rows.append(
            (
                "The separating questions",
                5 if full else 3,
                "Put the questions that tell coaching from its look-alikes on a flip chart "
                f"and leave them up for the whole session: {questions}",
            )
        )
    return rows


def _close(modules: list[Module], full: bool) -> list[tuple[str, int, str, list[str]]]:
    debrief = [q for m in modules for q in m.facilitator.debrief]
    return [
        (
            "Debrief",
            5 if full else 3,
            "Ask the closing questions; if learners brought their results, import them on the "
            "group debrief dashboard and talk through the questions the group missed most.",
            debrief,
        ),
        (
            "Action plan",
            3 if full else 1,
            "Each person writes one conversation they will have differently next week, with "
            "whom and by when (the job aid's plan).",
            [],
        ),
        (
            "Evaluation",
            2 if full else 1,
            "Hand out the evaluation form, or ask each person for one thing that helped and "
            "one to change.",
            [],
        ),
    ]


def plan_workshop(
    content: Content,
    modules: list[Module],
    minutes: int,
    start: int | None = None,
    urls: Urls | None = None,
) -> Plan:
    """The run of show for ``modules`` in a slot of ``minutes``; WorkshopError if none fits.

    Pages (pre-work, projector views) are given by their addresses on a site whose pages are at
    ``urls`` (folder URLs when not given).
    """
    urls = urls or Urls()
    full_size = minutes >= FULL_FROM
    opening = _opening(content, modules, full_size)
    close = _close(modules, full_size)
    breaks = minutes // 120
    fixed = sum(m for _, m, _ in opening) + sum(c[1] for c in close) + breaks * BREAK_MINUTES
    sheets = [(module, run_sheet(content, module)) for module in modules]
    full = sum(a.minutes for _, activities in sheets for a in activities)
    candidates = [(m, a) for m, acts in sheets for a in acts if not is_break(a)]
    room = minutes - fixed - minutes // 20
    if not candidates or room < min(a.minutes for _, a in candidates):
        raise WorkshopError(_does_not_fit(content, candidates, minutes, fixed))

    order = {module.id: n for n, module in enumerate(modules)}
    keep = {
        (module.id, a.index): rank
        for module, activities in sheets
        for a in activities
        if a.item is not None and a.item.id in module.facilitator.keep_when_short
        for rank in [module.facilitator.keep_when_short.index(a.item.id)]
    }
    live: set[tuple[str, int]] = set()
    waiting = list(candidates)
    used = 0

    def rank(pair: tuple[Module, Activity]) -> tuple[int, int, int, int, int]:
        module, activity = pair
        key = (module.id, activity.index)
        if key in keep:
            return (0, keep[key], order[module.id], 0, activity.index)
        follows_live = (module.id, activity.index - 1) in live
        return (1, -priority(activity), 0 if follows_live else 1, order[module.id], activity.index)

    while True:
        fitting = [p for p in waiting if used + p[1].minutes <= room]
        if not fitting:
            break
        chosen = min(fitting, key=rank)
        waiting.remove(chosen)
        live.add((chosen[0].id, chosen[1].index))
        used += chosen[1].minutes

    rows: list[Row] = []
    clock_at = 0

    def add(row: Row) -> None:
        nonlocal clock_at
        rows.append(replace(row, start=clock_at))
        clock_at += row.minutes

    for title, length, says in opening:
        add(Row("opening", title, length, 0, says, _flip(title), "Whole room"))
    activities = [(m, a) for m, acts in sheets for a in acts if (m.id, a.index) in live]
    gaps = _break_gaps([a.minutes for _, a in activities], breaks)
    for n, (module, activity) in enumerate(activities):
        if n in gaps:
            add(Row("break", "Break", BREAK_MINUTES, 0))
        add(_row(module, activity, urls))
    spare = minutes - fixed - used
    if spare:
        says = (
            "Minutes to spare: for a discussion that runs long, questions, or an early "
            "finish. Nothing is planned here."
        )
        add(Row("slack", "Slack", spare, 0, says))
    for title, length, says, debrief in close:
        add(Row("close", title, length, 0, says, [], "Whole room", debrief))
    left_out = [a for m, a in waiting if a.item is None]
    prework = _prework(content, modules, live, [(m, a) for m, a in waiting if a.item], urls)
    kits = _kits(content, modules, [a for _, a in activities], urls)
    return Plan(
        modules, minutes, rows, prework, left_out, full, start, urls.of("progress.md"), kits
    )


def _kits(
    content: Content, modules: list[Module], live: list[Activity], urls: Urls
) -> list[KitFile]:
    """The printables of the activities that run live, and each module's guide and forms."""
    names = content.course.approach_names
    running = {a.item.id for a in live if a.item is not None}
    out: list[KitFile] = []
    for module in modules:
        out.append(
            KitFile(
                f"Facilitator guide: {module.title}",
                "1 for you",
                urls.of(guide_path(module)),
                f"{module.id}-guide.pdf",
            )
        )
        for item in content.items_of(module):
            if item.id not in running:
                continue
            if isinstance(item, RolePlay):
                out.append(
                    KitFile(
                        f"Role-play cards: {item.title}",
                        "1 set per group of three",
                        urls.of(cards_path(module, item)),
                        f"{module.id}-{item.id}-cards.pdf",
                    )
                )
            if isinstance(item, Drill):
                out.append(
                    KitFile(
                        f"Sorting mat and cards: {item.title}",
                        "1 set per small group",
                        urls.of(sorting_path(module, item)),
                        f"{module.id}-{item.id}-sorting.pdf",
                    )
                )
        if has_sheets(activity_kit(content, module, names)):
            out.append(
                KitFile(
                    f"Trainer's sheets: {module.title}",
                    "1 for you",
                    urls.of(sheets_path(module)),
                    f"{module.id}-trainer-sheets.pdf",
                )
            )
        copies = {"sign-in": "1 per 20 people", "evaluation": "1 each", "certificate": "1 each"}
        for name, title, _ in FORMS:
            out.append(
                KitFile(
                    f"{title}: {module.title}",
                    copies[name],
                    urls.of(form_path(module, name)),
                    f"{module.id}-{name}.pdf",
                )
            )
    return out


def _flip(title: str) -> list[str]:
    if title == "The separating questions":
        return ["A flip chart with the questions, left up all session"]
    return []


def _row(module: Module, activity: Activity, urls: Urls) -> Row:
    """A module's activity as a row: the guide's notes and debrief questions merged in."""
    item = activity.item
    base = Row("activity", activity.activity, activity.minutes, 0, module=module, activity=activity)
    if item is None:
        return replace(base, grouping=grouping_of(activity))
    page = projector_path(module, item) if projected(item) else activity.page or ""
    own = item.debrief if isinstance(item, RolePlay) else []
    return replace(
        base,
        says=item.facilitator.notes or "",
        materials=[MATERIALS.get(item.kind, "")],
        grouping=grouping_of(activity),
        debrief=[*own, *item.facilitator.debrief],
        page=urls.of(page),
    )


def _break_gaps(lengths: list[int], breaks: int) -> set[int]:
    """Indexes of activities to put a break before: nearest each share, never first or last."""
    if breaks <= 0 or len(lengths) < 2:
        return set()
    total = sum(lengths)
    starts = [sum(lengths[:n]) for n in range(len(lengths))]
    gaps: set[int] = set()
    for k in range(1, breaks + 1):
        target = total * k / (breaks + 1)
        free = [n for n in range(1, len(lengths)) if n not in gaps]
        if free:
            gaps.add(min(free, key=lambda n: (abs(starts[n] - target), n)))
    return gaps


def _prework(
    content: Content,
    modules: list[Module],
    live: set[tuple[str, int]],
    waiting: list[tuple[Module, Activity]],
    urls: Urls,
) -> list[PreWork]:
    """Items of activities left out of the room, and items no run sheet uses, in course order.

    An item that also runs live (two activities may use it) is not pre-work.
    """
    live_items = set()
    scheduled = set()
    for module in modules:
        for activity in run_sheet(content, module):
            if activity.item is not None:
                scheduled.add(activity.item.id)
                if (module.id, activity.index) in live:
                    live_items.add(activity.item.id)
    replaced = {a.item.id: a for _, a in waiting if a.item is not None}
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
    content: Content, candidates: list[tuple[Module, Activity]], minutes: int, fixed: int
) -> Problem:
    names = ", ".join(dict.fromkeys(module.id for module, _ in candidates))
    if not candidates:
        return Problem(
            "workshop-does-not-fit",
            f"{names or 'these modules'} have no activity to run in the room",
            None,
            "give the module a run sheet (facilitator.run_sheet) or items",
            [],
        )
    module, shortest = min(candidates, key=lambda pair: pair[1].minutes)
    where = _position(content, module, shortest)
    return Problem(
        "workshop-does-not-fit",
        f"a slot of {minutes} minutes leaves {max(minutes - fixed, 0)} after the opening and "
        f"close ({fixed} min), and the shortest activity of {names} takes {shortest.minutes}",
        where,
        f"book at least {fixed + shortest.minutes} minutes",
        [f'"{shortest.activity}", {shortest.minutes} min'],
    )


def format_plan(plan: Plan) -> str:
    """The run of show as plain text, for the terminal."""
    lines = [
        f"Workshop: {plan.title}",
        f"Slot: {plan.minutes} min"
        + (f" from {plan.clock(0)} to {plan.clock(plan.minutes)}" if plan.start is not None else "")
        + f". Planned: {plan.used} min"
        + (f" ({plan.spare} min of slack)" if plan.spare else "")
        + f". Pre-work: {plan.prework_minutes} min of self-study."
        + f" (Full run sheets: {plan.full} min.)",
        "",
        "Run of show",
    ]
    for row in plan.rows:
        uses = f"  [{row.activity.item.title}]" if row.activity and row.activity.item else ""
        title = row.title if row.kind != "slack" else "Slack (nothing planned)"
        lines.append(
            f"  {plan.clock(row.start):>5}-{plan.clock(row.start + row.minutes):<5} "
            f"{row.minutes:>3} min  {title}{uses}"
        )
    if plan.left_out:
        lines += ["", "Left out (room activities that do not fit)"]
        lines += [f"  {a.minutes:>3} min  {a.activity}" for a in plan.left_out]
    lines += ["", "Pre-work (learners do these on their own before the session)"]
    if not plan.prework:
        lines.append("  none: everything runs live")
    for work in plan.prework:
        lines.append(f"  {work.minutes:>3} min  {work.item.title}  ({work.url})")
    if plan.kits:
        lines += ["", "To print before the session (`course handouts --module ID` writes the PDFs)"]
        lines += [f"  {k.title} ({k.copies}): {k.pdf}, or print {k.url}" for k in plan.kits]
    return "\n".join(lines) + "\n"


def prework_message(plan: Plan, site_url: str) -> str:
    """An email a trainer can paste: the pre-work pages with their full addresses."""
    base = site_url.rstrip("/") + "/"
    when = f" at {plan.clock(0)}" if plan.start is not None else ""
    lines = [f"Subject: Before our workshop: {plan.title}", "", "Hello,", ""]
    if plan.prework:
        lines += [
            f"Before our workshop{when}, please work through these pages of the course on your "
            f"own (about {plan.prework_minutes} minutes in all):",
            "",
            *(f"- {w.item.title} ({w.minutes} min): {base}{w.url}" for w in plan.prework),
            "",
            "When you have finished, open the course's Your progress page "
            f'({base}{plan.progress_url}), press "Save results for your trainer", and bring the '
            "file, or send it to me, for the group debrief.",
        ]
    else:
        lines.append("There is nothing to prepare: we will do everything together in the room.")
    lines += ["", "See you there."]
    return "\n".join(lines) + "\n"
