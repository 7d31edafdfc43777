"""The cq-results format: the checksum the progress page, ``course live`` and the dashboard
share, and the code a learner pastes."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.results import VERSION, checksum, code, cyrb53, record

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {
    "quiz/b": {"chosen": ["x", "y"], "firstChosen": ["x"], "correct": True, "first": False},
    "quiz/a": {"chosen": ["m"], "correct": True, "first": True, "approach": "coaching"},
}


def test_cyrb53_gives_the_published_values() -> None:
    # Computed with the JavaScript of templates/static/assets/progress.js in Node.
    assert cyrb53(b"") == "bdcb81aee8d83"
    assert cyrb53(b"coaching") == "fd24a0818612"


def test_the_checksum_changes_with_every_part_the_dashboard_counts() -> None:
    base = checksum("course", "Ana", ANSWERS)
    assert checksum("course", "Ana", dict(reversed(ANSWERS.items()))) == base, "order-free"
    changed = [
        checksum("other", "Ana", ANSWERS),
        checksum("course", "Bo", ANSWERS),
        checksum("course", "Ana", {**ANSWERS, "quiz/a": {**ANSWERS["quiz/a"], "first": False}}),
        checksum("course", "Ana", {**ANSWERS, "quiz/b": {**ANSWERS["quiz/b"], "chosen": ["y"]}}),
        checksum(
            "course", "Ana", {**ANSWERS, "quiz/b": {**ANSWERS["quiz/b"], "firstChosen": ["y"]}}
        ),
        checksum(
            "course", "Ana", {**ANSWERS, "quiz/a": {**ANSWERS["quiz/a"], "approach": "training"}}
        ),
    ]
    assert base not in changed
    assert len(set(changed)) == len(changed)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the page's script")
def test_the_progress_page_script_computes_the_same_checksum() -> None:
    script = (ROOT / "templates/static/assets/progress.js").read_text(encoding="utf-8")
    start = script.index("    function checksum(")
    body = script[start : script.index("\n    }\n", start) + 7]
    answers = {**ANSWERS, "quiz/c": {"chosen": ["é"], "correct": False, "first": False}}
    label = "Zoë “Z” \u2028"
    args = ", ".join(json.dumps(v) for v in ("course", label, answers))
    run = f"{body}\nconsole.log(checksum({args}));"
    out = subprocess.run(["node", "-e", run], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == checksum("course", label, answers)


def test_a_record_carries_its_label_extra_keys_and_checksum() -> None:
    data = record("course", ANSWERS, "Ana", live={"seat": 1})
    assert data["format"] == "cq-results"
    assert data["version"] == VERSION == 2
    assert data["label"] == "Ana"
    assert data["live"] == {"seat": 1}
    assert data["checksum"] == checksum("course", "Ana", ANSWERS)
    assert "label" not in record("course", ANSWERS), "no label: none in the file"


def test_a_code_is_the_record_in_base64url_behind_cq1() -> None:
    data = record("course", ANSWERS, "Zoë")
    text = code(data)
    assert text.startswith("CQ1.")
    body = text[4:]
    assert "=" not in body
    assert json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == data
