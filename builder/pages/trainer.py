"""The trainer toolkit: what a trainer needs to run any module as a live workshop.

Everything is generated from the content, in the section "For trainers": a facilitator guide
per module, printable role-play cards, a projector view of every case and role play, a paper
gamebook of every case, and a group debrief dashboard. The same data feeds the print
templates (``builder/handouts.py``); the workshop domain it shows (run sheets, kits,
gamebooks, the planner) is ``builder/teaching/``.

The section is labelled on every page and kept out of the site search, so learners do not
land in it by accident; it is not secret.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import (
    Case,
    Drill,
    Item,
    Option,
    Question,
    Quiz,
    RolePlay,
    Statement,
)
from ..teaching.kits import FORMS, ActivityKit, activity_kit, has_sheets
from ..teaching.run_sheet import ModuleKit, module_kits, projected
from ..teaching.stories import default_choice, gamebook
from ..validate import Content
from .environment import PageSink
from .items import LOOKALIKE_QUESTION, drill_choices, story_order
from .site import (
    DASHBOARD_DATA,
    TRAINER,
    NavEntry,
    cards_path,
    dashboard_data_path,
    form_path,
    gamebook_path,
    guide_path,
    in_parts,
    page_meta,
    projector_path,
    sheets_path,
    sorting_path,
)

SECTION_TITLE = "For trainers"


# --- projector views -------------------------------------------------------------------------


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


# --- pages -----------------------------------------------------------------------------------


def render_trainer(content: Content, sink: PageSink) -> NavEntry:
    """Add every trainer page through ``sink``; returns the "For trainers" navigation section.

    Each page gets its full title (the browser tab's) and a shorter one for the navigation;
    trainer pages stay out of the search and do not load the learner script (front matter).
    The dashboard's question rows go into one data file per module (``sink.files``), so the
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
        sink.add(
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
            html = sink.render_text(
                "trainer/dashboard-module.html.j2", dashboard, kit=kit, asked=asked
            )
            data = {"module": kit.module.id, "html": html}
            sink.files[dashboard_data_path(kit.module)] = (
                json.dumps(data, ensure_ascii=False) + "\n"
            )
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
    """The pages of a module's activity kit (``builder/teaching/kits.py``), each printed alone."""
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
