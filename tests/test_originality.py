"""The course teaches its sources' ideas in its own words: no run of 9 or more consecutive words
is shared between the source articles (../shared/seeds/*.txt) and what the project publishes
(content/, templates/, docs/ and README.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
RUN = 9
PUBLISHED_SUFFIXES = {".yml", ".yaml", ".md", ".j2", ".html", ".txt"}
PUBLISHED_FOLDERS = ["content", "templates", "docs"]

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens; the typographic apostrophe counts as a plain one."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def runs(tokens: list[str], size: int = RUN) -> Iterator[tuple[str, ...]]:
    for start in range(len(tokens) - size + 1):
        yield tuple(tokens[start : start + size])


def shared_passages(text: str, sources: set[tuple[str, ...]], size: int = RUN) -> list[str]:
    """The passages of ``text`` that share a run of ``size`` words with ``sources``, each
    grown to its full length (overlapping runs are merged)."""
    tokens = words(text)
    hits = [i for i, run in enumerate(runs(tokens, size)) if run in sources]
    passages: list[str] = []
    start = end = -1
    for i in hits:
        if i <= end:
            end = i + size
        else:
            if start >= 0:
                passages.append(" ".join(tokens[start:end]))
            start, end = i, i + size
    if start >= 0:
        passages.append(" ".join(tokens[start:end]))
    return passages


def source_runs(paths: Iterable[Path]) -> set[tuple[str, ...]]:
    return {run for p in paths for run in runs(words(p.read_text(encoding="utf-8")))}


def published_files() -> list[Path]:
    files = [
        p
        for folder in PUBLISHED_FOLDERS
        if (ROOT / folder).is_dir()
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix in PUBLISHED_SUFFIXES
    ]
    readme = ROOT / "README.md"
    return sorted([*files, readme] if readme.is_file() else files)


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source articles are not here ({SEEDS})")
def test_no_published_file_shares_nine_consecutive_words_with_a_source_article() -> None:
    seeds = seed_files()
    assert seeds, f"{SEEDS} holds no .txt files"
    sources = source_runs(seeds)
    published = published_files()
    assert any(p.is_relative_to(ROOT / "content") for p in published), "no content found"
    copied = {
        p.relative_to(ROOT).as_posix(): passages
        for p in published
        if (passages := shared_passages(p.read_text(encoding="utf-8"), sources))
    }
    assert copied == {}, "rewrite these passages in the project's own words: " + "; ".join(
        f"{path}: “{passage}”" for path, passages in copied.items() for passage in passages
    )


# --- the check itself can fail ------------------------------------------------------------

SOURCE = "The quick brown fox jumps over the lazy dog while the cat sleeps soundly."


def source_runs_of(text: str) -> set[tuple[str, ...]]:
    return set(runs(words(text)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "As they say, the quick brown fox jumps over the lazy dog while nobody looks.",
            ["the quick brown fox jumps over the lazy dog while"],
            id="nine-words-shared",
        ),
        pytest.param(
            "THE QUICK, brown fox -- jumps over the lazy dog!!! While",
            ["the quick brown fox jumps over the lazy dog while"],
            id="case-and-punctuation-ignored",
        ),
        pytest.param(
            "the quick brown fox jumps over the lazy dog while the cat sleeps",
            ["the quick brown fox jumps over the lazy dog while the cat sleeps"],
            id="overlapping-runs-merge",
        ),
        pytest.param("quick brown fox jumps over the lazy dog", [], id="eight-words-are-fine"),
        pytest.param(
            "a fox jumps; the dog is lazy; the cat sleeps.", [], id="same-words-reordered"
        ),
    ],
)
def test_shared_passages_finds_runs_of_nine_words(text: str, expected: list[str]) -> None:
    assert shared_passages(text, source_runs_of(SOURCE)) == expected


def test_a_typographic_apostrophe_matches_a_plain_one() -> None:
    source = source_runs_of("it isn't what you think it is and never was")
    assert shared_passages("it isn\u2019t what you think it is and never was", source) != []


def test_the_published_files_include_content_templates_docs_and_readme() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in published_files()}
    assert "content/course.yml" in names
    assert any(n.startswith("templates/") and n.endswith(".j2") for n in names)
    if (ROOT / "README.md").is_file():
        assert "README.md" in names
    if (ROOT / "docs").is_dir():
        assert any(n.startswith("docs/") for n in names)
