import unicodedata
from pathlib import Path

import pytest

from builder.diagnostics import CODES, Diagnostic, Position, codes_markdown, sort_diagnostics

ROOT = Path(__file__).resolve().parents[1]


def test_diagnostic_prints_path_line_column_code_message_and_hint() -> None:
    diagnostic = Diagnostic(
        "unknown-key", "unknown key `titel`", Position("content/a.yml", 3, 1), "did you mean?"
    )
    assert diagnostic.format() == (
        "content/a.yml:3:1: error[unknown-key]: unknown key `titel`\n    hint: did you mean?"
    )


def test_an_undocumented_code_is_a_bug_not_a_diagnostic() -> None:
    with pytest.raises(ValueError, match="undocumented diagnostic code"):
        Diagnostic("no-such-code", "x", Position("a.yml"))


def test_diagnostics_sort_by_file_then_line_then_column_and_drop_exact_repeats() -> None:
    a = Diagnostic("missing-field", "m", Position("b.yml", 2, 1))
    b = Diagnostic("unknown-key", "u", Position("a.yml", 9, 4))
    c = Diagnostic("wrong-type", "w", Position("b.yml", 1, 7))
    assert sort_diagnostics([a, b, c, a]) == [b, c, a]


def test_strict_turns_a_warning_into_an_error_with_the_same_code() -> None:
    warning = Diagnostic("unlisted-item", "u", Position("a.yml"), severity="warning")
    assert warning.as_error().severity == "error"
    assert warning.as_error().code == "unlisted-item"


def test_the_codes_reference_page_is_generated_from_the_codes_table() -> None:
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == codes_markdown(), (
        "docs/diagnostics.md is stale: regenerate it with python -c "
        "'from builder.diagnostics import codes_markdown as c; print(c(), end=\"\")'"
        " > docs/diagnostics.md"
    )
    for code in CODES:
        assert f"`{code}`" in page


def test_a_github_annotation_names_file_line_column_and_code_with_special_characters_escaped() -> (
    None
):
    diagnostic = Diagnostic(
        "unknown-key",
        "unknown key `a,b`: 100%",
        Position("content/x,y.yml", 4, 2),
        "did you mean\nthis?",
        "warning",
    )
    assert diagnostic.format_github() == (
        "::warning file=content/x%2Cy.yml,line=4,col=2,title=unknown-key::"
        "unknown key `a,b`: 100%25%0Adid you mean\\nthis?"
    )


CONTROLS = "\x1b[2K\x1b[1A\x1b]0;forged\x07 \x00 \x9b31m \r \u202e \n"


def test_control_characters_anywhere_in_a_diagnostic_are_printed_as_escapes() -> None:
    """Content can put terminal escape sequences into a message (an unknown key, a value):
    printed raw, they erase or forge lines and set the terminal's title."""
    diagnostic = Diagnostic(
        "unknown-key",
        f"unknown key `{CONTROLS}`",
        Position(f"content/{CONTROLS}.yml", 2, 1),
        f"did you mean `{CONTROLS}`?",
    )
    for printed in (diagnostic.format(), diagnostic.format_github()):
        head, _, hint = printed.partition("\n")
        for line in (head, hint):
            assert [c for c in line if unicodedata.category(c) in ("Cc", "Cf")] == [], line
    assert diagnostic.format() == (
        "content/\\x1b[2K\\x1b[1A\\x1b]0;forged\\x07 \\x00 \\x9b31m \\r \\u202e \\n.yml:2:1: "
        "error[unknown-key]: unknown key `\\x1b[2K\\x1b[1A\\x1b]0;forged\\x07 \\x00 \\x9b31m \\r "
        "\\u202e \\n`\n    hint: did you mean `\\x1b[2K\\x1b[1A\\x1b]0;forged\\x07 \\x00 \\x9b31m "
        "\\r \\u202e \\n`?"
    )
