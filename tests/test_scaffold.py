"""builder/scaffold.py: `course new` writes a valid, commented item and lists it in its module."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from builder.diagnostics import ContentError
from builder.layers import PACKAGE_TEMPLATES, find_template, layered
from builder.load import load_file
from builder.pipeline import run_pipeline
from builder.scaffold import KINDS, init_project, scaffold
from builder.schema import write_schemas
from builder.validate import validate_content

TESTS = Path(__file__).resolve().parent
FIXTURE_COURSE = TESTS / "fixtures" / "course" / "content"
ITEMS = ["welcome", "fork-in-the-road", "sort-the-sayings", "two-ways-to-talk", "quick-check"]
BLOCK_ITEMS = "items:\n" + "".join(f"  - {i}\n" for i in ITEMS)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_COURSE, tmp_path / "content")
    return tmp_path / "content"


def module_file(content: Path) -> Path:
    return content / "01-basics" / "module.yml"


def set_items(content: Path, written: str) -> None:
    """Rewrite the module's ``items:`` list as ``written``."""
    path = module_file(content)
    text = path.read_text(encoding="utf-8")
    assert BLOCK_ITEMS in text
    path.write_text(text.replace(BLOCK_ITEMS, written), encoding="utf-8")


def listed_items(content: Path) -> list[str]:
    loaded, diagnostics = load_file(module_file(content))
    assert diagnostics == [], [d.format() for d in diagnostics]
    assert loaded is not None
    items: list[str] = loaded.data["items"]
    return items


def assert_course_is_clean(content: Path) -> None:
    found, diagnostics = validate_content(content)
    assert [d.format() for d in diagnostics] == []
    assert found is not None


@pytest.mark.parametrize("kind", KINDS)
def test_new_item_of_each_kind_validates_and_is_listed_last(content: Path, kind: str) -> None:
    written = scaffold(content, kind, f"new-{kind}", "basics")
    target = content / "01-basics" / f"new-{kind}.yml"
    assert written == [target, module_file(content)]
    assert listed_items(content) == [*ITEMS, f"new-{kind}"]
    assert_course_is_clean(content)
    loaded, _ = load_file(target)
    assert loaded is not None
    assert (loaded.data["kind"], loaded.data["id"]) == (kind, f"new-{kind}")


def test_every_kind_can_be_added_to_one_module(content: Path) -> None:
    for kind in KINDS:
        scaffold(content, kind, f"another-{kind}", "basics")
    assert listed_items(content) == [*ITEMS, *(f"another-{kind}" for kind in KINDS)]
    assert_course_is_clean(content)


def test_the_new_file_points_editors_at_the_project_schema_of_its_kind(content: Path) -> None:
    write_schemas(content.parent / "schema")
    scaffold(content, "page", "with-schema", "basics")
    first = (content / "01-basics" / "with-schema.yml").read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match is not None, first
    schema = (content / "01-basics" / match.group(1)).resolve()
    assert schema == (content.parent / "schema" / "page.schema.json").resolve()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param(BLOCK_ITEMS, BLOCK_ITEMS + "  - fresh\n", id="block-style"),
        pytest.param(
            "items:\n" + "".join(f"    - {i}\n" for i in ITEMS),
            "items:\n" + "".join(f"    - {i}\n" for i in [*ITEMS, "fresh"]),
            id="block-style-indented-four",
        ),
        pytest.param(
            "items:\n" + "".join(f"- {i}\n" for i in ITEMS),
            "items:\n" + "".join(f"- {i}\n" for i in [*ITEMS, "fresh"]),
            id="block-style-not-indented",
        ),
        pytest.param(
            "items:\n" + "".join(f"  - {i}  # note {n}\n" for n, i in enumerate(ITEMS)),
            "items:\n"
            + "".join(f"  - {i}  # note {n}\n" for n, i in enumerate(ITEMS))
            + "  - fresh\n",
            id="block-style-with-comments",
        ),
        pytest.param(
            f"items: [{', '.join(ITEMS)}]\n",
            f"items: [{', '.join([*ITEMS, 'fresh'])}]\n",
            id="flow-style",
        ),
        pytest.param(
            f"items: [{', '.join(ITEMS)}]  # in order\n",
            f"items: [{', '.join([*ITEMS, 'fresh'])}]  # in order\n",
            id="flow-style-with-comment",
        ),
        pytest.param(
            f"items: [{', '.join(ITEMS[:2])},\n  {', '.join(ITEMS[2:])}]\n",
            None,
            id="flow-style-over-two-lines",
        ),
    ],
)
def test_the_id_is_appended_to_the_items_list_as_it_is_written(
    content: Path, written: str, expected: str | None
) -> None:
    set_items(content, written)
    scaffold(content, "page", "fresh", "basics")
    assert listed_items(content) == [*ITEMS, "fresh"]
    text = module_file(content).read_text(encoding="utf-8")
    if expected is not None:
        assert expected in text
    assert text.count("items:") == 1
    assert_course_is_clean(content)


def test_an_empty_items_list_gets_its_first_item(content: Path) -> None:
    set_items(content, "items: []\n")
    scaffold(content, "quiz", "first-quiz", "basics")
    assert listed_items(content) == ["first-quiz"]
    assert "items: [first-quiz]\n" in module_file(content).read_text(encoding="utf-8")


def test_the_rest_of_the_module_file_is_kept_byte_for_byte(content: Path) -> None:
    before = module_file(content).read_text(encoding="utf-8")
    scaffold(content, "page", "fresh", "basics")
    after = module_file(content).read_text(encoding="utf-8")
    assert after == before.replace(BLOCK_ITEMS, BLOCK_ITEMS + "  - fresh\n")


@pytest.mark.parametrize(
    ("item_id", "module", "code", "message"),
    [
        pytest.param(
            "welcome", "basics", "duplicate-id", "id `welcome` is already used", id="existing-id"
        ),
        pytest.param(
            "basics", "basics", "duplicate-id", "id `basics` is already used", id="id-of-a-module"
        ),
        pytest.param(
            "fresh", "basic", "unknown-reference", "there is no module `basic`", id="unknown-module"
        ),
        pytest.param(
            "Bad_Id", "basics", "invalid-value", "`Bad_Id` is not a valid id", id="bad-id"
        ),
        pytest.param(
            "fresh",
            "welcome",
            "unknown-reference",
            "there is no module `welcome`",
            id="an-item-is-not-a-module",
        ),
    ],
)
def test_a_refused_new_item_writes_nothing(
    content: Path, item_id: str, module: str, code: str, message: str
) -> None:
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    with pytest.raises(ContentError, match=r"^1 content problem") as caught:
        scaffold(content, "page", item_id, module)
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [(code, message)]
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


def test_an_existing_file_is_never_overwritten(content: Path) -> None:
    keep = content / "01-basics" / "notes.yml"
    keep.write_text("# my notes, not content yet\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^1 content problem") as caught:
        scaffold(content, "page", "notes", "basics")
    assert [d.code for d in caught.value.diagnostics] == ["file-exists"]
    assert keep.read_text(encoding="utf-8") == "# my notes, not content yet\n"
    assert listed_items(content) == ITEMS


def test_the_existing_id_is_reported_where_it_is_written(content: Path) -> None:
    with pytest.raises(ContentError, match=r"^1 content problem") as caught:
        scaffold(content, "case", "quick-check", "basics")
    (diagnostic,) = caught.value.diagnostics
    assert Path(diagnostic.position.path).name == "quick-check.yml"
    assert (diagnostic.position.line, diagnostic.position.column) == (2, 5)
    assert diagnostic.hint == "choose another id"


# --- course init ------------------------------------------------------------------------------


def test_init_starts_a_valid_course_with_one_item_of_each_kind_and_its_schemas(
    tmp_path: Path,
) -> None:
    project = tmp_path / "new-course"
    init_project(project)
    content, diagnostics = validate_content(project / "content")
    assert diagnostics == [], [d.format() for d in diagnostics]
    assert content is not None
    assert content.course.approach_order == ["fact", "opinion"]
    assert sorted(item.kind for item in content.items.values()) == [
        "case",
        "drill",
        "page",
        "quiz",
        "quiz",
        "roleplay",
    ]
    assert any(q.pass_mark is not None for q in content.items.values() if q.kind == "quiz")
    for path in (project / "content").rglob("*.yml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path} has no schema line"
        kind = load_file(path)[0].data["kind"]  # type: ignore[union-attr]
        assert (
            path.parent / match.group(1)
        ).resolve() == project / "schema" / f"{kind}.schema.json"
    drill = json.loads((project / "schema" / "drill.schema.json").read_text(encoding="utf-8"))
    assert drill["$defs"]["Statement"]["properties"]["approach"]["enum"] == ["fact", "opinion"]
    for name in ("mkdocs.yml", "README.md", ".gitignore", "templates/static/.gitkeep"):
        assert (project / name).is_file(), name
    assert not (project / "templates" / "pages").exists(), "templates stay in the package"


def test_init_into_an_empty_folder_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert init_project(tmp_path / "empty")


@pytest.mark.parametrize("existing", ["notes.txt", ".git/HEAD"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(
    tmp_path: Path, existing: str
) -> None:
    folder = tmp_path / "taken"
    (folder / existing).parent.mkdir(parents=True)
    (folder / existing).write_text("mine", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        init_project(folder)
    (problem,) = caught.value.diagnostics
    assert (problem.code, problem.message, problem.position.path, problem.hint) == (
        "project-exists",
        f"{folder} is not an empty folder",
        str(folder),
        "give `course init` a new folder (it creates it), or an empty one",
    )
    assert sorted(p.name for p in folder.rglob("*")) == sorted(Path(existing).parts)


# --- a project's own templates over the package's ----------------------------------------------


def test_a_project_page_template_overrides_the_package_one_and_the_rest_come_from_the_package(
    tmp_path: Path,
) -> None:
    project = tmp_path / "course"
    init_project(project)
    pages = project / "templates" / "pages"
    pages.mkdir(parents=True)
    home = (PACKAGE_TEMPLATES / "pages" / "home.md.j2").read_text(encoding="utf-8")
    (pages / "home.md.j2").write_text(home + "\nOur own home page.\n", encoding="utf-8")
    result = run_pipeline(project / "content", pages)
    by_path = {page.path: page.text for page in result.rendered.pages}
    assert "Our own home page." in by_path["index.md"]
    assert "Our own home page." not in by_path["glossary.md"]
    assert 'data-approach-name="fact">Fact<' in by_path["first-steps/sort-them.md"]


def test_layers_put_the_project_folder_first_and_its_file_wins(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "print"
    assert layered(own) == [PACKAGE_TEMPLATES / "print"], "no folder of its own: the package's"
    own.mkdir(parents=True)
    assert layered(own) == [own, PACKAGE_TEMPLATES / "print"]
    assert layered(PACKAGE_TEMPLATES / "print") == [PACKAGE_TEMPLATES / "print"]
    static = tmp_path / "templates" / "static"
    assert find_template(static, "assets/job-aid.css") == (
        PACKAGE_TEMPLATES / "static" / "assets" / "job-aid.css"
    )
    (static / "assets").mkdir(parents=True)
    (static / "assets" / "job-aid.css").write_text("p{}", encoding="utf-8")
    assert find_template(static, "assets/job-aid.css") == static / "assets" / "job-aid.css"


def test_a_new_item_in_a_started_project_names_the_projects_own_categories(
    tmp_path: Path,
) -> None:
    """The skeletons once named `coaching` and `managing`: in any other course, every new
    quiz, drill, case and role play was an unknown-approach error until edited."""
    project = tmp_path / "course"
    init_project(project)
    for kind in KINDS:
        scaffold(project / "content", kind, f"new-{kind}", "first-steps")
    content, diagnostics = validate_content(project / "content")
    assert [d.format() for d in diagnostics if d.severity == "error"] == []
    assert content is not None
    drill = content.items["new-drill"]
    assert {s.approach for s in drill.statements} == {"fact", "opinion"}  # type: ignore[union-attr]
