"""Synthetic courses of any number of scenarios, made from the shipped course.

A synthetic scenario is a copy of one of the shipped scenarios (cases, role plays, drills and
quizzes), taken in course order and cycled, with a new id and title and nothing else changed.
So the mix of kinds, the size of every file and the way it is written (block scalars, comments)
are the shipped course's, and stay so as the course grows, without a second description of the
content model to keep in step. Pages are not scenarios and are left out. Every " the " in a
clone becomes " the<n> ", so no two clones share a text and a cache keyed by text cannot make a
large course look cheaper than it is.
"""

from __future__ import annotations

import copy
import json
import shutil
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.yaml import yaml_load

from builder.model import Case, Drill, Quiz, RolePlay
from builder.pipeline import run_pipeline

SCENARIO_KINDS = ("case", "roleplay", "drill", "quiz")
MODULE_SIZE = 50
PROJECT_FILES = ("templates", "mkdocs.yml")


@dataclass(frozen=True)
class Scenario:
    """A shipped scenario file, as written, to be cloned."""

    kind: str
    id: str
    title: str
    text: str
    path: str  # relative to the content folder
    module: str


@dataclass
class Shipped:
    """What synthetic courses are made from: the shipped course's files and data."""

    scenarios: list[Scenario]
    course: dict[str, Any]
    modules: list[dict[str, Any]]
    profile: dict[str, Any] = field(default_factory=dict)


def read_config(project: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as MkDocs reads it (``!ENV`` tags, ``INHERIT``)."""
    with open(project / "mkdocs.yml", "rb") as file:
        config: dict[str, Any] = yaml_load(file)
    return config


def plugin_dirs(project: Path) -> tuple[Path, Path]:
    """The content and page-template folders named by the course plugin in ``mkdocs.yml``."""
    config = read_config(project)
    options: dict[str, Any] = {}
    plugins = config.get("plugins") or []
    for entry in plugins.items() if isinstance(plugins, dict) else plugins:
        if isinstance(entry, dict) and "course" in entry:
            options = entry["course"] or {}
        elif isinstance(entry, tuple) and entry[0] == "course":
            options = entry[1] or {}
    content = options.get("content_dir", "content")
    templates = options.get("templates_dir", "templates/pages")
    return project / content, project / templates


def read_shipped(project: Path) -> Shipped:
    """The shipped scenarios in course order, validated by the builder itself."""
    content_dir, templates_dir = plugin_dirs(project)
    content = run_pipeline(content_dir, templates_dir).content
    scenarios: list[Scenario] = []
    for module in content.modules:
        for item in content.items_of(module):
            if item.kind in SCENARIO_KINDS:
                path = Path(content.documents[item.id].path)
                text = path.read_text(encoding="utf-8")
                relative = path.relative_to(content_dir).as_posix()
                scenarios.append(
                    Scenario(item.kind, item.id, item.title, text, relative, module.id)
                )
    if not scenarios:
        raise ValueError(f"the course in {content_dir} has no scenarios to clone")
    modules = [copy.deepcopy(content.documents[m.id].loaded.data) for m in content.modules]
    course = copy.deepcopy(content.documents[content.course.id].loaded.data)
    items = [content.items[s.id] for s in scenarios]
    return Shipped(scenarios, course, modules, _profile(scenarios, items))


def _mean(values: list[int]) -> float:
    return round(statistics.fmean(values), 1) if values else 0.0


def _profile(scenarios: list[Scenario], items: list[Any]) -> dict[str, Any]:
    """The shape of a typical shipped scenario, reported beside the results."""
    cases = [i for i in items if isinstance(i, Case)]
    quizzes = [i for i in items if isinstance(i, Quiz)]
    return {
        "scenarios": len(scenarios),
        "kinds": dict(Counter(s.kind for s in scenarios)),
        "mean_file_kb": round(statistics.fmean(len(s.text.encode()) for s in scenarios) / 1024, 1),
        "case_steps": _mean([len(c.steps) for c in cases]),
        "choices_per_decision": _mean(
            [len(s.choices) for c in cases for s in c.steps if s.choices]
        ),
        "roleplay_lines": _mean(
            [
                len(r.lookalike_version.lines) + len(r.coaching_version.lines)
                for r in items
                if isinstance(r, RolePlay)
            ]
        ),
        "drill_statements": _mean([len(d.statements) for d in items if isinstance(d, Drill)]),
        "quiz_questions": _mean([len(q.questions) for q in quizzes]),
        "options_per_question": _mean([len(x.options) for q in quizzes for x in q.questions]),
    }


def _replace_keys(text: str, values: dict[str, str]) -> str:
    """Replace top-level ``key: value`` entries (and any continuation lines) in YAML text."""
    out: list[str] = []
    done: set[str] = set()
    skipping = False
    for line in text.splitlines(keepends=True):
        if skipping and line[:1] in (" ", "\t"):
            continue
        skipping = False
        key = line.split(":", 1)[0]
        if key in values and line.startswith(f"{key}:") and key not in done:
            out.append(f"{key}: {json.dumps(values[key], ensure_ascii=False)}\n")
            done.add(key)
            skipping = True
        else:
            out.append(line)
    missing = set(values) - done
    if missing:
        raise ValueError(f"no top-level {', '.join(sorted(missing))} to replace")
    return "".join(out)


def retitle(text: str, title: str) -> str:
    """The file with a new top-level title (used for the edits under `course serve`)."""
    return _replace_keys(text, {"title": title})


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def make_course(shipped: Shipped, repo_project: Path, target: Path, scenarios: int) -> Path:
    """A project folder holding a course of ``scenarios`` cloned scenarios, 50 per module."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = repo_project / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    content_dir, _templates = plugin_dirs(target)
    content_dir.mkdir(parents=True)
    module_count = max(1, round(scenarios / MODULE_SIZE))
    module_ids: list[str] = []
    for m in range(module_count):
        start, stop = m * scenarios // module_count, (m + 1) * scenarios // module_count
        module_id = f"module-{m + 1:03d}"
        folder = content_dir / f"{m + 1:03d}-{module_id}"
        folder.mkdir()
        item_ids: list[str] = []
        for n in range(start, stop):
            model = shipped.scenarios[n % len(shipped.scenarios)]
            item_id = f"{model.id[:58].rstrip('-')}-{n + 1:04d}"
            title = f"{model.title} ({n + 1})"
            text = _replace_keys(model.text, {"id": item_id, "title": title})
            text = text.replace(" the ", f" the{n + 1} ")  # no two clones share a text
            (folder / f"{item_id}.yml").write_text(text, encoding="utf-8")
            item_ids.append(item_id)
        module = _module(shipped.modules[m % len(shipped.modules)], module_id, m + 1, item_ids)
        (folder / "module.yml").write_text(_dump(module), encoding="utf-8")
        module_ids.append(module_id)
    course = copy.deepcopy(shipped.course)
    course["modules"] = module_ids
    (content_dir / "course.yml").write_text(_dump(course), encoding="utf-8")
    return target


def _module(base: dict[str, Any], module_id: str, number: int, items: list[str]) -> dict[str, Any]:
    """A shipped module's data with new id, title and items; run-sheet links follow the items."""
    module = copy.deepcopy(base)
    module["id"] = module_id
    module["title"] = f"Synthetic module {number}"
    module["items"] = items
    linked = 0
    renamed: dict[str, str] = {}
    facilitator = module.get("facilitator") or {}
    for entry in facilitator.get("run_sheet") or []:
        if "item" in entry:
            renamed[entry["item"]] = entry["item"] = items[linked % len(items)]
            linked += 1
    # The items to keep when time is short name run-sheet items: they follow them too.
    if facilitator.get("keep_when_short"):
        kept = [renamed[old] for old in facilitator["keep_when_short"] if old in renamed]
        facilitator["keep_when_short"] = list(dict.fromkeys(kept))
    return module


def content_bytes(project: Path) -> int:
    content_dir, _templates = plugin_dirs(project)
    return sum(p.stat().st_size for p in content_dir.rglob("*.yml"))
