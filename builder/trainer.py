"""The trainer toolkit: what a trainer needs to run any module as a live workshop.

Everything is generated from the content, in the section "For trainers": a facilitator guide
per module, printable role-play cards, a projector view of every case and role play, a paper
gamebook of every case, and a group debrief dashboard. The same data feeds the print
templates (``builder/handouts.py``) and the workshop planner (``builder/workshop.py``).

The section is labelled on every page and kept out of the site search, so learners do not
land in it by accident; it is not secret.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any, Protocol

from .kits import FORMS, ActivityKit, activity_kit, has_sheets
from .model import (
    Case,
    Choice,
    Drill,
    Item,
    Module,
    Option,
    Question,
    Quiz,
    RolePlay,
    Statement,
    Step,
)
from .pages.items import LOOKALIKE_QUESTION, drill_choices, story_order
from .pages.site import (
    DASHBOARD_DATA,
    TRAINER,
    NavEntry,
    cards_path,
    dashboard_data_path,
    form_path,
    gamebook_path,
    guide_path,
    in_parts,
    item_path,
    page_meta,
    projector_path,
    sheets_path,
    sorting_path,
)
from .validate import Content

SECTION_TITLE = "For trainers"


class AddPage(Protocol):
    """Renders ``template`` into a page at ``path`` (``render()``'s own ``add``)."""

    def __call__(
        self,
        template: str,
        path: str,
        title: str,
        meta: dict[str, Any] | None = None,
        **context: Any,
    ) -> None: ...


class RenderText(Protocol):
    """Renders ``template`` as seen from the page at ``path`` (``render()``'s ``render_text``)."""

    def __call__(self, template: str, path: str, **context: Any) -> str: ...


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


# --- paper gamebooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """A way out of a gamebook section: a choice (or "read on") and the section it leads to."""

    choice: Choice | None
    number: int


@dataclass(frozen=True)
class Section:
    """A numbered gamebook section: a step of the story, or what one choice leads to."""

    number: int
    step: Step
    choice: Choice | None
    turns: list[Turn]

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


@dataclass(frozen=True)
class Gamebook:
    """A branching case as numbered sections, in number order."""

    case: Case
    sections: list[Section]


_Key = tuple[str, str]  # a gamebook section: (step id, choice id or "")


def gamebook(case: Case) -> Gamebook:
    """The case as a paper gamebook: section 1 is the start, the rest are shuffled.

    Each step is a section, and so is each choice (its consequence), so a reader only sees
    the outcome of the choice they made. No section sends the reader to the very next number,
    which would give the story away: the numbers follow the first order that keeps this,
    searched from a shuffle seeded with the case id (``random.Random`` hashes a text seed with
    SHA-512, so every build and machine agrees). The search finds such an order whenever there
    is one. With every step reachable from the start (validation warns of one that is not),
    there is one unless every other section is a choice of the start step, a case of one step:
    its shuffle is kept as it is.
    """
    steps = story_order(case)
    by_id = {step.id: step for step in steps}
    keys: list[_Key] = [(step.id, "") for step in steps]
    keys += [(step.id, choice.id) for step in steps for choice in step.choices]
    start = (case.start, "")
    others = [key for key in keys if key != start]
    random.Random(case.id).shuffle(others)
    leads_to: dict[_Key, set[_Key]] = {key: set() for key in keys}
    for step in steps:
        for choice in step.choices:
            leads_to[(step.id, "")].add((step.id, choice.id))
            if choice.next in by_id:
                leads_to[(step.id, choice.id)].add((choice.next, ""))
    order = _unlinked_order(start, others, leads_to) or [start, *others]
    numbers = {key: number for number, key in enumerate(order, start=1)}
    sections = []
    for (step_id, choice_id), number in numbers.items():
        step = by_id[step_id]
        if not choice_id:
            turns = [Turn(c, numbers[(step.id, c.id)]) for c in step.choices]
            sections.append(Section(number, step, None, turns))
            continue
        choice = next(c for c in step.choices if c.id == choice_id)
        after = [Turn(None, numbers[(choice.next, "")])] if choice.next in by_id else []
        sections.append(Section(number, step, choice, after))
    return Gamebook(case, sorted(sections, key=lambda s: s.number))


def _unlinked_order(
    first: _Key, rest: list[_Key], leads_to: dict[_Key, set[_Key]]
) -> list[_Key] | None:
    """``first``, then ``rest`` in the earliest order (as listed) where no section is followed
    by one it leads to; None if there is no such order.

    A depth-first search: a section is placed next only if the one before does not lead to
    it, and a dead end takes back the last placement. A section leads to few others (a step
    to its choices, a choice to one step), so dead ends come only near the end, and are rare.
    """
    order, left = [first], list(rest)
    tries = [0]  # for each placed section: where in `left` to look for the one after it
    while left:
        after = leads_to[order[-1]]
        index = next((i for i in range(tries[-1], len(left)) if left[i] not in after), None)
        if index is not None:
            tries[-1] = index  # where the section goes back if it is taken back
            order.append(left.pop(index))
            tries.append(0)
            continue
        tries.pop()  # a dead end: take back the last placement and try the next one there
        if not tries:
            return None
        left.insert(tries[-1], order.pop())
        tries[-1] += 1
    return order


# --- projector views -------------------------------------------------------------------------


def projected(item: Item) -> bool:
    """Whether ``item`` has a projector view: cases, role plays, drills and live quizzes.

    A quiz that draws each attempt from a bank (the final assessment) is an exam, not a
    live quiz: projecting its bank would show every learner the questions they will draw.
    """
    if isinstance(item, Quiz):
        return item.draw is None
    return isinstance(item, Case | RolePlay | Drill)


def coaching_first(item: RolePlay) -> bool:
    """Whether the projector plays the coached version as round 1.

    Drawn from the item id (SHA-512 through ``random.Random``, the same on every build and
    machine), so the room cannot learn that round 2 is always the coaching one.
    """
    return random.Random(f"{item.id}#rounds").random() < 0.5


def projector_questions(item: Quiz) -> list[tuple[Question, list[Option]]]:
    """A live quiz's questions, each with its options in the order the room sees them."""
    shown = []
    for question in item.questions:
        options = list(question.options)
        if question.shuffle:
            random.Random(f"{item.id}/{question.id}#projector").shuffle(options)
        shown.append((question, options))
    return shown


def projector_statements(item: Drill) -> list[Statement]:
    """A drill's statements in the order the room sees them (the author's if not shuffled)."""
    statements = list(item.statements)
    if item.shuffle:
        random.Random(f"{item.id}#projector").shuffle(statements)
    return statements


def default_choice(step: Step) -> Choice | None:
    """The choice the projector follows on "next": the best one, else the first that goes on."""
    going_on = [choice for choice in step.choices if choice.next]
    best = [choice for choice in going_on if choice.best]
    return next(iter(best or going_on), None)


# --- pages -----------------------------------------------------------------------------------


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


def render_trainer(
    content: Content, add: AddPage, render_text: RenderText, files: dict[str, str]
) -> NavEntry:
    """Add every trainer page through ``add``; returns the "For trainers" navigation section.

    Each page gets its full title (the browser tab's) and a shorter one for the navigation;
    trainer pages stay out of the search and do not load the learner script (front matter).
    The dashboard's question rows go into one data file per module (into ``files``), so the
    page itself stays the same size however large the course grows.
    """
    kits = module_kits(content)
    common = {
        "kits": kits,
        "default_choice": default_choice,
        "projected": projected,
        "coaching_first": coaching_first,
        "projector_questions": projector_questions,
        "projector_statements": projector_statements,
    }

    def page(template: str, path: str, title: str, nav_title: str, **context: Any) -> NavEntry:
        add(
            f"trainer/{template}",
            path,
            title,
            meta=page_meta(title, searchable=False, course_script=False),
            **common,
            **context,
        )
        return NavEntry(nav_title, path)

    section = NavEntry(SECTION_TITLE)
    section.children.append(page("index.md.j2", f"{TRAINER}/index.md", SECTION_TITLE, "Start here"))
    names = content.course.approach_names
    dashboard = f"{TRAINER}/dashboard.md"
    section.children.append(
        page("dashboard.md.j2", dashboard, "Group debrief", "Group debrief", data=DASHBOARD_DATA)
    )
    for kit in kits:
        asked = [q for item in kit.items for q in asked_in(item, names)]
        if asked:
            html = render_text("trainer/dashboard-module.html.j2", dashboard, kit=kit, asked=asked)
            data = {"module": kit.module.id, "html": html}
            files[dashboard_data_path(kit.module)] = json.dumps(data, ensure_ascii=False) + "\n"
    modules: list[NavEntry] = []
    for kit in kits:
        module = kit.module
        activities = activity_kit(content, module, names)
        entries = [
            page(
                "guide.md.j2",
                guide_path(module),
                f"Facilitator guide: {module.title}",
                "Facilitator guide",
                kit=kit,
                activities=activities,
            )
        ]
        for item in kit.items:
            if isinstance(item, RolePlay):
                entries.append(
                    page(
                        "cards.md.j2",
                        cards_path(module, item),
                        f"Role-play cards: {item.title}",
                        f"Cards: {item.title}",
                        kit=kit,
                        item=item,
                    )
                )
            if projected(item):
                entries.append(
                    page(
                        "projector.md.j2",
                        projector_path(module, item),
                        f"Projector: {item.title}",
                        f"Projector: {item.title}",
                        kit=kit,
                        item=item,
                    )
                )
            if isinstance(item, Case):
                entries.append(
                    page(
                        "gamebook.md.j2",
                        gamebook_path(module, item),
                        f"Paper gamebook: {item.title}",
                        f"Gamebook: {item.title}",
                        kit=kit,
                        item=item,
                        book=gamebook(item),
                    )
                )
        entries.extend(kit_pages(kit, activities, page))
        modules.append(NavEntry(f"Module {kit.number}: {module.title}", children=entries))
    section.children.extend(in_parts(modules, "Modules"))
    return section


class Page(Protocol):
    """Adds one trainer page and returns its navigation entry (``render_trainer``'s own)."""

    def __call__(
        self, template: str, path: str, title: str, nav_title: str, **context: Any
    ) -> NavEntry: ...


def kit_pages(kit: ModuleKit, activities: ActivityKit, page: Page) -> list[NavEntry]:
    """The pages of a module's activity kit (``builder/kits.py``), each to print on its own."""
    module = kit.module
    entries = [
        page(
            "sorting.md.j2",
            sorting_path(module, sort.drill),
            f"Sorting mat and cards: {sort.drill.title}",
            f"Sorting: {sort.drill.title}",
            kit=kit,
            sort=sort,
        )
        for sort in activities.sortings
    ]
    if has_sheets(activities):
        entries.append(
            page(
                "trainer-sheets.md.j2",
                sheets_path(module),
                f"Trainer's sheets: {module.title}",
                "Trainer's sheets",
                kit=kit,
                activities=activities,
            )
        )
    for form, title, nav_title in FORMS:
        entries.append(
            page(
                "form.md.j2",
                form_path(module, form),
                f"{title}: {module.title}",
                nav_title,
                kit=kit,
                activities=activities,
                form=form,
                form_title=title,
            )
        )
    return entries


# --- the group debrief dashboard -------------------------------------------------------------


@dataclass(frozen=True)
class AskedOption:
    """One option of an answerable question, as the dashboard counts it."""

    id: str
    text: str
    right: bool
    #: Markdown: the option's own feedback, where the content has one.
    feedback: str | None = None
    #: The approach the option is, for the confusion matrix (taken from here, not the file).
    approach: str | None = None


@dataclass(frozen=True)
class Asked:
    """One answerable question, as the dashboard shows it (ids as in ``course.json``)."""

    id: str
    item: Item
    prompt: str
    #: Whether ``prompt`` is Markdown (quiz prompts) or plain text (statements, step titles).
    markdown: bool
    #: The right option or options (a case may have none, said in words).
    answer: list[str]
    why: str | None
    ask: list[str]
    options: list[AskedOption]
    multiple: bool = False


def _approach_options(offered: list[str], right: str, names: dict[str, str]) -> list[AskedOption]:
    return [AskedOption(a, names[a], a == right, approach=a) for a in offered]


def asked_in(item: Item, names: dict[str, str]) -> list[Asked]:
    """Every question of ``item`` that a learner's results can hold an answer to."""
    ask = [*(item.debrief if isinstance(item, RolePlay) else []), *item.facilitator.debrief]
    if isinstance(item, Quiz):
        return [
            Asked(
                f"{item.id}/{q.id}",
                item,
                q.prompt,
                True,
                [o.text for o in q.options if o.correct],
                q.explanation,
                ask,
                [
                    AskedOption(
                        o.id,
                        o.text,
                        o.correct,
                        o.feedback,
                        o.approach,
                    )
                    for o in q.options
                ],
                q.type == "multiple",
            )
            for q in item.questions
        ]
    if isinstance(item, Drill):
        offered = drill_choices(item, list(names))
        return [
            Asked(
                f"{item.id}/{s.id}",
                item,
                s.text,
                False,
                [names[s.approach]],
                s.rationale,
                ask,
                _approach_options(offered, s.approach, names),
            )
            for s in item.statements
        ]
    if isinstance(item, Case):
        decisions = [step for step in story_order(item) if step.choices]
        return [
            Asked(
                f"{item.id}/{step.id}",
                item,
                f"{step.title or f'Decision {n}'}: what does the manager do?",
                False,
                [c.text for c in step.choices if c.best] or ["no single best choice"],
                next((c.consequence for c in step.choices if c.best), None),
                ask,
                [AskedOption(c.id, c.text, c.best, approach=c.approach) for c in step.choices],
            )
            for n, step in enumerate(decisions, start=1)
        ]
    if isinstance(item, RolePlay):
        return [
            Asked(
                f"{item.id}/{LOOKALIKE_QUESTION}",
                item,
                "Version 1 (played alone): which approach is this conversation, really?",
                False,
                [names[item.lookalike]],
                item.lookalike_version.commentary,
                ask,
                _approach_options(list(names), item.lookalike, names),
            )
        ]
    return []
