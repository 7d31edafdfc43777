"""What every page family says about an item: its answerable questions, a drill's choices,
a case's steps in reading order."""

from __future__ import annotations

from typing import Any

from ..model import Case, Drill, Item, Quiz, RolePlay, Step

#: The local id of a role play's question: which approach its look-alike version is.
LOOKALIKE_QUESTION = "lookalike-version"


def story_order(case: Case) -> list[Step]:
    """A case's steps in reading order: breadth-first from the start (``Case.depths``), then
    any unreachable, in the order the content gives."""
    by_id = {step.id: step for step in case.steps}
    reached = case.depths()
    return [
        *(by_id[step_id] for step_id in reached),
        *(s for s in case.steps if s.id not in reached),
    ]


def drill_choices(drill: Drill, order: list[str]) -> list[str]:
    """The categories a drill offers as answers: its own list, else those its statements use,
    in ``order`` (the course's)."""
    if drill.approaches:
        return list(drill.approaches)
    used = {s.approach for s in drill.statements}
    return [a for a in order if a in used]


def answerable(item: Item) -> list[str]:
    """Ids of the questions a learner answers in ``item`` (decisions in cases excluded)."""
    return [q["id"] for q in questions(item) if q["type"] != "decision"]


def questions(item: Item) -> list[dict[str, Any]]:
    """Every answerable thing in an item, with an id that is stable across rebuilds."""
    if isinstance(item, Quiz):
        return [
            {
                "id": f"{item.id}/{q.id}",
                "type": q.type,
                "approach": q.approach,
                "options": [o.id for o in q.options],
                "correct": [o.id for o in q.options if o.correct],
            }
            for q in item.questions
        ]
    if isinstance(item, Drill):
        return [
            {"id": f"{item.id}/{s.id}", "type": "classify", "approach": s.approach}
            for s in item.statements
        ]
    if isinstance(item, Case):
        return [
            {
                "id": f"{item.id}/{step.id}",
                "type": "decision",
                "options": [c.id for c in step.choices],
                "correct": [c.id for c in step.choices if c.best],
            }
            for step in item.steps
            if step.choices
        ]
    if isinstance(item, RolePlay):  # played alone: which approach is the look-alike version?
        return [
            {
                "id": f"{item.id}/{LOOKALIKE_QUESTION}",
                "type": "classify",
                "approach": item.lookalike,
            }
        ]
    return []
