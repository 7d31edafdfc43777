"""bench/properdocs_compare.py: what counts as the same site built by MkDocs and ProperDocs."""

from __future__ import annotations

import gzip
from pathlib import Path

from bench.properdocs_compare import compare

MKDOCS_PAGE = '<head><meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.1">'
PROPERDOCS_PAGE = (
    '<head><meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1">'
)


def site(root: Path, pages: dict[str, bytes]) -> Path:
    for name, data in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_pages_that_differ_only_in_the_generator_tag_are_the_same_site(tmp_path: Path) -> None:
    first = site(tmp_path / "m", {"index.html": MKDOCS_PAGE.encode(), "a.css": b"x"})
    second = site(tmp_path / "p", {"index.html": PROPERDOCS_PAGE.encode(), "a.css": b"x"})
    result = compare(first, second)
    assert (result.identical, result.generator_only, result.different) == (
        ["a.css"],
        ["index.html"],
        {},
    )
    assert result.ok


def test_any_other_difference_is_shown_as_a_diff_and_fails(tmp_path: Path) -> None:
    first = site(tmp_path / "m", {"index.html": (MKDOCS_PAGE + "\n<p>one</p>").encode()})
    second = site(tmp_path / "p", {"index.html": (PROPERDOCS_PAGE + "\n<p>two</p>").encode()})
    result = compare(first, second)
    assert list(result.different) == ["index.html"]
    assert "-<p>one</p>\n+<p>two</p>" in result.different["index.html"]
    assert not result.ok


def test_a_file_only_one_engine_wrote_fails(tmp_path: Path) -> None:
    first = site(tmp_path / "m", {"index.html": MKDOCS_PAGE.encode(), "extra.js": b""})
    second = site(tmp_path / "p", {"index.html": PROPERDOCS_PAGE.encode()})
    result = compare(first, second)
    assert result.only_in == {"mkdocs": ["extra.js"], "properdocs": []}
    assert not result.ok


def test_a_properdocs_build_that_does_not_name_properdocs_fails(tmp_path: Path) -> None:
    """Two MkDocs builds are identical: the check must not pass when ProperDocs never ran."""
    first = site(tmp_path / "m", {"index.html": MKDOCS_PAGE.encode()})
    second = site(tmp_path / "p", {"index.html": MKDOCS_PAGE.encode()})
    result = compare(first, second)
    assert result.identical == ["index.html"]
    assert not result.ok


def test_gzip_files_are_compared_by_what_they_hold(tmp_path: Path) -> None:
    """A gzip header carries a time stamp and a file name; the browser reads the content."""
    sitemap = b"<urlset></urlset>"
    first = site(
        tmp_path / "m",
        {"index.html": MKDOCS_PAGE.encode(), "s.xml.gz": gzip.compress(sitemap, mtime=0)},
    )
    second = site(
        tmp_path / "p",
        {"index.html": PROPERDOCS_PAGE.encode(), "s.xml.gz": gzip.compress(sitemap, mtime=1)},
    )
    result = compare(first, second)
    assert (result.generator_only, result.gzip_header_only) == (["index.html"], ["s.xml.gz"])
    assert result.ok
