"""The learner pages: home, progress, each module's overview and items, glossary, job aid,
sources."""

from __future__ import annotations

from ..validate import Content
from .environment import PageSink
from .site import JOB_AID, NavEntry, in_parts, item_path, module_path, page_meta


def render_learner(content: Content, sink: PageSink) -> list[NavEntry]:
    """Add the learner pages through ``sink``: home, progress, each module's overview and
    items, glossary, job aid, sources; return their navigation."""
    course = content.course
    add = sink.add
    nav: list[NavEntry] = [NavEntry("Home", "index.md")]
    add("home.md.j2", "index.md", course.title, content=content)
    add("progress.md.j2", "progress.md", "Your progress")
    modules: list[NavEntry] = []
    for number, module in enumerate(content.modules, start=1):
        items = content.items_of(module)
        overview = module_path(module)
        add(
            "module.md.j2",
            overview,
            module.title,
            module=module,
            number=number,
            items=[(item, f"{item.id}.md") for item in items],
        )
        # The overview's own title names its module: it is what the browser tab and the
        # footer's "Next" show, where six pages called "Overview" told the learner nothing.
        section = NavEntry(
            f"{number}. {module.title}",
            children=[NavEntry(f"Module {number}: {module.title}", overview)],
        )
        for item in items:
            path = item_path(module, item)
            add(f"{item.kind}.md.j2", path, item.title, item=item, module=module)
            section.children.append(NavEntry(item.title, path))
        modules.append(section)
    nav.extend(in_parts(modules, "Modules"))
    if course.approaches:
        add("glossary.md.j2", "glossary.md", "Glossary")
        nav.append(NavEntry("Glossary", "glossary.md"))
        add("job-aid.md.j2", JOB_AID, "Job aid", page_meta("Job aid", stylesheet="job-aid.css"))
        nav.append(NavEntry("Job aid", JOB_AID))
    if course.sources:
        add("sources.md.j2", "sources.md", "Sources")
        nav.append(NavEntry("Sources", "sources.md"))
    nav.append(NavEntry("Your progress", "progress.md"))
    return nav
