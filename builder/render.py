"""The render stage: the learner, trainer and contributor page families side by side
(``builder/pages/``), each adding its pages through one ``PageSink``, and ``course.json``.

Nothing here touches the disk except reading templates: the result is a list of pages in
memory plus the navigation and the machine-readable course index, for any adapter to use.
What every page family shares (addresses, navigation, markup filters, the Jinja environment)
is in ``builder/pages/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .diagrams import Drawing, drawing
from .model import Case, Quiz, RolePlay
from .pages.contributors import render_reference
from .pages.environment import PageSink, make_environment
from .pages.items import questions
from .pages.learner import render_learner
from .pages.site import (
    JOB_AID,
    Rendered,
    Urls,
    item_path,
    module_path,
)
from .pages.trainer import render_trainer
from .validate import Content

SCHEMA_VERSION = 1


def render(content: Content, templates: Path, urls: Urls | None = None) -> Rendered:
    """All pages of the course, the navigation and ``course.json``, for pages at ``urls``."""
    urls = urls or Urls()
    course = content.course
    env = make_environment(templates, course, urls)
    teaches = {
        approach: [m for m in content.modules if approach in m.approaches]
        for approach in course.approach_order
    }
    minutes = {m.id: content.module_minutes(m) for m in content.modules}
    drawings: dict[tuple[str, bool], Drawing] = {}

    def draw(kind: str, narrow: bool = False) -> Drawing:
        """The layout of a diagram of the course's data (builder/diagrams.py), made once."""
        if (kind, narrow) not in drawings:
            drawings[kind, narrow] = drawing(kind, course, narrow=narrow)
        return drawings[kind, narrow]

    common = {
        "course": course,
        "teaches": teaches,
        "module_minutes": minutes,
        "item_minutes": content.self_study,
        "drawing": draw,
        "job_aid_page": JOB_AID if course.approaches else None,
    }
    sink = PageSink(env, templates, common)
    nav = [
        *render_learner(content, sink),
        render_trainer(content, sink),
        render_reference(content, sink),
    ]
    index = course_index(content, minutes, urls)
    count = sum(len(i["questions"]) for m in index["modules"] for i in m["items"])
    text = json.dumps(index, indent=1, ensure_ascii=False) + "\n"
    return Rendered(sink.pages, nav, text, count, sink.files)


def course_index(content: Content, minutes: dict[str, int], urls: Urls) -> dict[str, Any]:
    """``course.json``: modules, items, question ids, kinds and approaches, for scripts.

    ``minutes`` are the modules' self-study minutes, by module id. The scripts take the
    pages' URLs (relative to the site root) from here rather than make them.
    """
    course = content.course
    modules = []
    for module in content.modules:
        items = []
        for item in content.items_of(module):
            entry: dict[str, Any] = {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "url": urls.of(item_path(module, item)),
                "questions": questions(item),
            }
            if isinstance(item, Quiz) and item.pass_mark is not None:
                entry["pass_mark"] = item.pass_mark
            if isinstance(item, RolePlay):
                entry["lookalike"] = item.lookalike
            if isinstance(item, Case):  # for the progress codec (builder/lms/codec.py)
                entry["endings"] = [step.id for step in item.steps if not step.choices]
            items.append(entry)
        modules.append(
            {
                "id": module.id,
                "title": module.title,
                "minutes": minutes[module.id],
                "url": urls.of(module_path(module)),
                "items": items,
            }
        )
    data = {
        "schema_version": SCHEMA_VERSION,
        "id": course.id,
        "title": course.title,
        "url": urls.of("index.md"),
        "approaches": course.approach_order,
        "modules": modules,
    }
    return data
