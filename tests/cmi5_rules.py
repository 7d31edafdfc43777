"""What an AU's statements must be: the xAPI model (ralph's pydantic models) and cmi5's rules.

``problems()`` returns one line per broken rule, empty when all hold, so a test can say
``assert problems(...) == []`` and show every problem at once. The cmi5 rules are those of
"quartz" section 9 and 10 that an AU can break: order, once-only verdicts, durations,
registration and session id, categories, the mastery score and the launch mode.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

VERBS = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVE_ON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
#: cmi5 defined verbs an AU sends (the LMS sends launched, satisfied, abandoned, waived).
DEFINED = {"initialized", "completed", "passed", "failed", "terminated"}
VERDICTS = {"completed", "passed", "failed"}
DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
#: How far a duration may differ from its timestamps: the AU's clock reading and the
#: statement's timestamp are taken a moment apart.
SLACK_SECONDS = 1.0


@dataclass(frozen=True)
class Session:
    """What the LMS told the AU at launch, against which its statements are checked."""

    registration: str
    session_id: str
    activity_id: str
    mode: str = "Normal"
    mastery_score: float | None = None


def verb(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"]).removeprefix(VERBS)


def seconds(text: str) -> float | None:
    """The length of an ISO 8601 duration ``PnDTnHnMnS`` in seconds, None if it is not one."""
    match = DURATION.match(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        return None
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]


def when(statement: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(statement["timestamp"]).replace("Z", "+00:00"))


def categories(statement: dict[str, Any]) -> set[str]:
    activities = statement.get("context", {}).get("contextActivities", {})
    return {str(a.get("id")) for a in activities.get("category", [])}


def xapi_problems(statement: dict[str, Any]) -> list[str]:
    """What ralph's model of an xAPI 1.0.3 statement finds wrong with ``statement``."""
    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as error:
        return [
            f"{verb(statement)}: xAPI: {'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in error.errors()
        ]
    return []


def problems(statements: list[dict[str, Any]], session: Session) -> list[str]:
    """Every rule that the statements of one session break, in the order of their timestamps."""
    out: list[str] = []
    if not statements:
        return ["no statement was sent"]
    # cmi5 7.1.3 and 9.3: initialized first and terminated last, "order is determined by the
    # value of the timestamp property" (statements of one session may be stored out of order)
    statements = sorted(statements, key=when)
    verbs = [verb(s) for s in statements]
    if verbs[0] != "initialized":
        out.append(f"the first statement is {verbs[0]}, not initialized")
    if "terminated" in verbs and verbs.index("terminated") != len(verbs) - 1:
        out.append(f"{len(verbs) - 1 - verbs.index('terminated')} statement(s) after terminated")
    counts = Counter(v for v in verbs if v in DEFINED)
    out.extend(f"{name} was sent {n} times" for name, n in counts.items() if n > 1)
    if counts["passed"] and counts["failed"]:
        out.append("both passed and failed in one session")
    if session.mode != "Normal":
        extra = sorted(set(counts) - {"initialized", "terminated"})
        if extra:
            out.append(f"{session.mode} mode allows no cmi5 defined {extra}")
    for s in statements:
        out.extend(xapi_problems(s))
        out.extend(_statement_problems(s, session, when(statements[0])))
    return out


def registration_problems(statements: list[dict[str, Any]]) -> list[str]:
    """The rules across the sessions of one registration (cmi5 9.3): completed and passed at
    most once, no failed after passed."""
    verbs = [verb(s) for s in sorted(statements, key=when)]
    out = [
        f"{name} was sent {verbs.count(name)} times in the registration"
        for name in ("completed", "passed")
        if verbs.count(name) > 1
    ]
    if "passed" in verbs and "failed" in verbs[verbs.index("passed") :]:
        out.append("failed was sent after passed")
    return out


def _statement_problems(s: dict[str, Any], session: Session, start: datetime) -> list[str]:
    name = verb(s)
    out = []
    context = s.get("context", {})
    if context.get("registration") != session.registration:
        out.append(f"{name}: registration {context.get('registration')!r}")
    if context.get("extensions", {}).get(SESSION_ID) != session.session_id:
        out.append(f"{name}: session id {context.get('extensions', {}).get(SESSION_ID)!r}")
    cats = categories(s)
    defined = name in DEFINED
    if defined != (CMI5_CATEGORY in cats):
        out.append(f"{name}: cmi5 category {'missing' if defined else 'on an allowed statement'}")
    result = s.get("result", {})
    # cmi5 9.6.2.2: the moveOn category on, and only on, defined statements judging success
    # or completion; 9.5: which result properties each defined verb may have
    judging = defined and ("success" in result or "completion" in result)
    if judging != (MOVE_ON_CATEGORY in cats):
        out.append(f"{name}: moveOn category {'missing' if judging else 'where it has no place'}")
    if defined:
        allowed = {"passed": {"score", "success"}, "failed": {"score", "success"}}.get(name, set())
        allowed |= {"completion"} if name == "completed" else set()
        wrong = sorted({"score", "success", "completion"} & set(result) - allowed)
        if wrong:
            out.append(f"{name}: result has {wrong}")
        if s["object"].get("id") != session.activity_id:
            out.append(f"{name}: object {s['object'].get('id')!r} is not the AU")
    else:
        parents = {a.get("id") for a in context.get("contextActivities", {}).get("parent", [])}
        if session.activity_id not in parents:
            out.append(f"{name}: the AU is not its parent activity")
    if name in VERDICTS | {"terminated"}:
        length = seconds(str(result.get("duration", "")))
        elapsed = (when(s) - start).total_seconds()
        if length is None:
            out.append(f"{name}: duration {result.get('duration')!r} is not ISO 8601")
        elif abs(length - elapsed) > SLACK_SECONDS:
            out.append(f"{name}: duration {length} s, but {elapsed:.2f} s since initialized")
    if name == "completed" and result.get("completion") is not True:
        out.append("completed: result.completion is not true")
    if name in ("passed", "failed"):
        out.extend(_verdict_problems(name, s, session))
    return out


def _verdict_problems(name: str, s: dict[str, Any], session: Session) -> list[str]:
    out = []
    result = s.get("result", {})
    if result.get("success") is not (name == "passed"):
        out.append(f"{name}: result.success is {result.get('success')!r}")
    score = result.get("score", {})
    scaled = score.get("scaled")
    if not isinstance(scaled, int | float):
        out.append(f"{name}: no scaled score")
    if "raw" in score and not all(isinstance(score.get(k), int) for k in ("raw", "min", "max")):
        out.append(f"{name}: raw, min and max are not all integers")
    mastery = s.get("context", {}).get("extensions", {}).get(MASTERY_SCORE)
    if session.mastery_score is not None:
        if mastery != session.mastery_score:
            out.append(f"{name}: masteryScore {mastery!r}, launched with {session.mastery_score}")
        elif isinstance(scaled, int | float) and (scaled >= mastery) != (name == "passed"):
            out.append(f"{name}: scaled score {scaled} against masteryScore {mastery}")
    elif mastery is not None:
        out.append(f"{name}: masteryScore {mastery!r} though the LMS gave none")
    return out


def satisfied(verbs: list[str], move_on: str) -> bool:
    """Whether statements with these verbs satisfy the AU's ``moveOn`` (cmi5 section 13.1.4)."""
    completed, passed = "completed" in verbs, "passed" in verbs
    return {
        "NotApplicable": True,
        "Completed": completed,
        "Passed": passed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
    }[move_on]
