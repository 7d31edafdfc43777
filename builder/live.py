"""The live room: a workshop votes from their phones on the course's own questions.

This is the room's state and rules, with no server in it (``builder/adapters/live.py`` puts
it on the network): the activities made from the loaded content model, who has joined, the
open question, the answers, and what each kind of screen may be told. Every message a phone
sends goes through ``Room.answer`` or ``Room.join``, which check it whole and either apply it
or refuse it with a reason; nothing a phone sends can change anything but its own answer.

At the end the answers become one ``cq-results`` record per participant, the format learners
hand to the group dashboard (``templates/static/assets/progress.js``), so the dashboard shows
the session as it shows imported files.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from markupsafe import escape

from . import results as results_format
from .model import Case, Drill, Item, Module, Quiz, RolePlay, Step
from .pages.items import LOOKALIKE_QUESTION, drill_choices, story_order
from .pages.markup import md
from .validate import Content

#: Bounds on what a phone may send and hold (the server also refuses larger frames).
MAX_MESSAGE_BYTES = 2048
MAX_NAME = 24
MAX_PARTICIPANTS = 1000
#: Join codes avoid letters and digits that are easily confused (0/O, 1/I/L, 5/S, 2/Z).
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CODE_LENGTH = 5

Phase = Literal["shown", "open", "closed", "revealed"]
PHASES: tuple[Phase, ...] = ("shown", "open", "closed", "revealed")


class Refused(Exception):
    """A message from a phone or a trainer that the room does not accept (sent back as said)."""


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    #: The approach the option is or names, for the dashboard's confusion matrix.
    approach: str | None = None


@dataclass(frozen=True)
class Poll:
    """One question the room votes on: its id is the question's id in ``course.json``."""

    id: str
    kind: Literal["single", "multiple", "classify", "decision"]
    title: str
    #: What the projector shows above the question (a case's story, a conversation), as HTML.
    body: str
    #: The question, as HTML.
    prompt: str
    options: tuple[Option, ...]
    correct: tuple[str, ...]
    #: Shown on reveal, as HTML.
    explanation: str

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple"


@dataclass(frozen=True)
class Activity:
    """An item the room goes through: its polls in order, or a case's story step by step."""

    item: Item
    polls: tuple[Poll, ...] = ()

    @property
    def is_case(self) -> bool:
        return isinstance(self.item, Case)


def step_poll(case: Case, step: Step, number: int) -> Poll:
    """A case's decision point as a poll: the room picks the branch."""
    title = step.title or f"Decision {number}"
    return Poll(
        f"{case.id}/{step.id}",
        "decision",
        f"{case.title}: {title}",
        str(md(step.text)),
        str(md(step.prompt or "What does the manager do?")),
        tuple(Option(c.id, c.text, c.approach) for c in step.choices),
        tuple(c.id for c in step.choices if c.best),
        "",
    )


def activities(content: Content, modules: list[Module]) -> list[Activity]:
    """What the room can vote on in ``modules``, in running order.

    Graded quizzes (the final assessment's bank) are left out: they are for learners alone.
    """
    names = content.course.approach_names
    order = content.course.approach_order
    found: list[Activity] = []
    for module in modules:
        for item in content.items_of(module):
            if isinstance(item, Quiz) and item.pass_mark is None:
                polls = tuple(
                    Poll(
                        f"{item.id}/{q.id}",
                        q.type,
                        item.title,
                        "",
                        str(md(q.prompt)),
                        tuple(Option(o.id, o.text, o.approach) for o in q.options),
                        tuple(o.id for o in q.options if o.correct),
                        str(md(q.explanation)) if q.explanation else "",
                    )
                    for q in item.questions
                )
                found.append(Activity(item, polls))
            elif isinstance(item, Drill):
                choices = tuple(Option(a, names[a], a) for a in drill_choices(item, order))
                polls = tuple(
                    Poll(
                        f"{item.id}/{s.id}",
                        "classify",
                        item.title,
                        "",
                        str(md(s.text)),
                        choices,
                        (s.approach,),
                        str(md(s.rationale)),  # it names the approach itself
                    )
                    for s in item.statements
                )
                found.append(Activity(item, polls))
            elif isinstance(item, RolePlay):
                speakers = {role.id: role.name for role in item.roles}
                lines = "".join(
                    f"<p><strong>{md_escape(speakers.get(line.role, line.role))}:</strong> "
                    f"{md_escape(line.text)}</p>"
                    for line in item.lookalike_version.lines
                )
                poll = Poll(
                    f"{item.id}/{LOOKALIKE_QUESTION}",
                    "classify",
                    item.title,
                    str(md(item.setting)) + lines,
                    "<p>Which approach is this conversation, really?</p>",
                    tuple(Option(a, names[a], a) for a in order),
                    (item.lookalike,),
                    str(md(item.lookalike_version.commentary)),
                )
                found.append(Activity(item, (poll,)))
            elif isinstance(item, Case):
                found.append(Activity(item))
    return found


def md_escape(text: str) -> str:
    """Plain text as HTML."""
    return str(escape(text))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_name(value: Any) -> str:
    """A nickname as shown: printable characters only, spaces folded, at most ``MAX_NAME``."""
    if not isinstance(value, str):
        return ""
    kept = "".join(
        c for c in value[: MAX_NAME * 4] if unicodedata.category(c)[0] not in "CZ" or c == " "
    )
    return " ".join(kept.split())[:MAX_NAME]


@dataclass
class Participant:
    token: str
    number: int
    name: str


@dataclass
class Room:
    """One live session: its join code, trainer key, activities, participants and answers."""

    content: Content
    activities: list[Activity]
    code: str = field(default_factory=new_code)
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    participants: dict[str, Participant] = field(default_factory=dict)
    #: Answers by poll id, then participant token: the chosen option ids (latest wins).
    answers: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    index: int = 0
    phase: Phase = "shown"
    #: Within the current activity: the poll number, or for a case the path of step ids taken.
    poll_index: int = 0
    path: list[str] = field(default_factory=list)
    #: For a case's revealed decision: the choice the story follows (the room's or the trainer's).
    followed: str | None = None
    ended: bool = False
    #: Bumped on every change; screens use it to skip stale updates.
    version: int = 0

    def __post_init__(self) -> None:
        if not self.activities:
            raise ValueError("a room needs at least one activity")
        self._enter()

    # --- what is on screen now ---------------------------------------------------------------

    @property
    def activity(self) -> Activity:
        return self.activities[self.index]

    def step(self) -> Step | None:
        item = self.activity.item
        if not isinstance(item, Case) or not self.path:
            return None
        return next(s for s in item.steps if s.id == self.path[-1])

    def poll(self) -> Poll | None:
        """The poll on screen, if the screen shows one (a case's ending shows none)."""
        item = self.activity.item
        if isinstance(item, Case):
            step = self.step()
            if step is None or not step.choices:
                return None
            decisions = [s.id for s in story_order(item) if s.choices]
            return step_poll(item, step, decisions.index(step.id) + 1)
        return self.activity.polls[self.poll_index]

    def _enter(self) -> None:
        item = self.activity.item
        self.poll_index = 0
        self.path = [item.start] if isinstance(item, Case) else []
        self._reset()

    def _reset(self) -> None:
        self.phase = "shown"
        self.followed = None

    # --- participants ------------------------------------------------------------------------

    def check_code(self, code: Any) -> bool:
        given = code.strip().upper() if isinstance(code, str) else ""
        return hmac.compare_digest(given.encode(), self.code.encode())

    def check_key(self, key: Any) -> bool:
        """Whether ``key`` is the trainer's (compared in constant time)."""
        return isinstance(key, str) and hmac.compare_digest(key.encode(), self.key.encode())

    def join(self, code: Any, token: Any = None, name: Any = None) -> Participant:
        """A phone joins, or rejoins with the token it was given (keeping its answers)."""
        if not self.check_code(code):
            raise Refused("that is not this session's code: check the code on the screen")
        if isinstance(token, str) and token in self.participants:
            one = self.participants[token]
            if name is not None and clean_name(name):
                one.name = clean_name(name)
            return one
        if len(self.participants) >= MAX_PARTICIPANTS:
            raise Refused(f"the room is full ({MAX_PARTICIPANTS} participants)")
        one = Participant(secrets.token_urlsafe(18), len(self.participants) + 1, clean_name(name))
        self.participants[one.token] = one
        return one

    def answer(self, token: str, poll_id: Any, chosen: Any) -> tuple[str, ...]:
        """A participant's answer to the open poll; the latest one counts until voting closes."""
        poll = self.poll()
        if poll is None or poll_id != poll.id:
            raise Refused("that question is not the one on the screen")
        if self.phase != "open":
            raise Refused(
                "voting on this question is closed"
                if self.phase != "shown"
                else "voting on this question has not opened yet"
            )
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise Refused("an answer is a list of option ids")
        ids = [o.id for o in poll.options]
        picked = tuple(sorted(set(chosen), key=ids.index)) if set(chosen) <= set(ids) else None
        if picked is None:
            raise Refused("that is not one of this question's options")
        if not picked or (len(picked) > 1 and not poll.multiple):
            raise Refused(
                "choose one option" if not poll.multiple else "choose at least one option"
            )
        self.answers.setdefault(poll.id, {})[token] = picked
        self.version += 1
        return picked

    # --- the trainer's controls --------------------------------------------------------------

    def control(self, action: Any, choice: Any = None) -> None:
        """Apply one trainer action: next, previous, open, close, reveal, follow, end."""
        if self.ended and action != "previous":
            raise Refused("the session has ended")
        poll = self.poll()
        if action == "open":
            if poll is None:
                raise Refused("there is nothing to vote on here")
            self.phase = "open"
        elif action == "close":
            if self.phase != "open":
                raise Refused("voting is not open")
            self.phase = "closed"
        elif action == "reveal":
            if poll is None:
                raise Refused("there is nothing to reveal here")
            self.phase = "revealed"
            if self.followed is None and self.activity.is_case:
                self.followed = self.majority(poll)
        elif action == "follow":
            if poll is None or not self.activity.is_case:
                raise Refused("only a case's decision has a branch to follow")
            if choice not in [o.id for o in poll.options]:
                raise Refused("that is not one of this decision's choices")
            self.followed = choice
            self.phase = "revealed"
        elif action == "next":
            self._next()
        elif action == "previous":
            self._previous()
        elif action == "end":
            self.ended = True
            self.phase = "closed" if self.phase == "open" else self.phase
        else:
            raise Refused("unknown action")
        self.version += 1

    def majority(self, poll: Poll) -> str:
        """The choice most of the room took; a tie goes to the best choice, then the first."""
        counts = self.tally(poll)
        top = max(counts.values())
        tied = [o.id for o in poll.options if counts[o.id] == top]
        best = [c for c in tied if c in poll.correct]
        return (best or tied)[0]

    def _next(self) -> None:
        item = self.activity.item
        if isinstance(item, Case):
            step = self.step()
            if step is not None and step.choices:
                if self.followed is None:
                    raise Refused("reveal the room's choice (or pick one) before going on")
                after = next(c for c in step.choices if c.id == self.followed).next
                if after:
                    self.path.append(after)
                    self._reset()
                    return
        elif self.poll_index + 1 < len(self.activity.polls):
            self.poll_index += 1
            self._reset()
            return
        if self.index + 1 >= len(self.activities):
            raise Refused("this is the last question: end the session instead")
        self.index += 1
        self._enter()

    def _previous(self) -> None:
        self.ended = False
        if self.activity.is_case and len(self.path) > 1:
            self.path.pop()
        elif not self.activity.is_case and self.poll_index > 0:
            self.poll_index -= 1
        elif self.index > 0:
            self.index -= 1
            self._enter()
            if not self.activity.is_case:
                self.poll_index = len(self.activity.polls) - 1
        else:
            raise Refused("this is the first question")
        self._reset()

    # --- what each screen is told ------------------------------------------------------------

    def tally(self, poll: Poll) -> dict[str, int]:
        counts = {o.id: 0 for o in poll.options}
        for chosen in self.answers.get(poll.id, {}).values():
            for one in chosen:
                counts[one] += 1
        return counts

    def public(self) -> dict[str, Any]:
        """What every screen may know: where the room is and the question, never the answer."""
        poll = self.poll()
        item = self.activity.item
        state: dict[str, Any] = {
            "type": "state",
            "version": self.version,
            "ended": self.ended,
            "phase": self.phase,
            "activity": {"number": self.index + 1, "of": len(self.activities), "title": item.title},
            "poll": None,
        }
        if poll is not None:
            state["poll"] = {
                "id": poll.id,
                "title": poll.title,
                "prompt": poll.prompt,
                "multiple": poll.multiple,
                "options": [{"id": o.id, "label": o.label} for o in poll.options],
            }
        if self.phase == "revealed" and poll is not None:
            state["reveal"] = self.revealed(poll)
        return state

    def revealed(self, poll: Poll) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "correct": list(poll.correct),
            "explanation": poll.explanation,
            "tally": self.tally(poll),
            "answered": len(self.answers.get(poll.id, {})),
        }
        step = self.step()
        if step is not None and self.followed is not None:
            choice = next(c for c in step.choices if c.id == self.followed)
            shown["followed"] = choice.id
            shown["consequence"] = str(md(choice.consequence))
        return shown

    def for_participant(self, token: str) -> dict[str, Any]:
        state = self.public()
        poll = self.poll()
        mine = self.answers.get(poll.id, {}).get(token) if poll is not None else None
        state["mine"] = list(mine) if mine else None
        return state

    def for_trainer(self) -> dict[str, Any]:
        """The projector's and controls' view: the story, the live count and the tally."""
        state = self.public()
        poll = self.poll()
        step = self.step()
        state["code"] = self.code
        state["joined"] = len(self.participants)
        state["answered"] = len(self.answers.get(poll.id, {})) if poll is not None else 0
        state["tally"] = self.tally(poll) if poll is not None else None
        state["body"] = poll.body if poll is not None else ""
        if step is not None:
            state["body"] = str(md(step.text))
            state["step"] = {"title": step.title or "", "ending": not step.choices}
            if not step.choices and step.debrief:
                state["body"] += str(md(step.debrief))
        if poll is not None:
            state["correct"] = list(poll.correct)
        return state

    # --- results -----------------------------------------------------------------------------

    def results(self) -> list[dict[str, Any]]:
        """One ``cq-results`` record per participant who answered, as the dashboard imports.

        A live answer is given once (changes before voting closes are not a retry), so
        ``first`` says whether it was right. Each record names the session and seat, so two
        people who answered alike stay two learners on the dashboard.
        """
        polls: dict[str, Poll] = {}
        for activity in self.activities:
            for poll in activity.polls:
                polls[poll.id] = poll
            if isinstance(activity.item, Case):
                decisions = [s for s in story_order(activity.item) if s.choices]
                for number, step in enumerate(decisions, start=1):
                    poll = step_poll(activity.item, step, number)
                    polls[poll.id] = poll
        records = []
        for token, one in self.participants.items():
            answers: dict[str, Any] = {}
            for poll_id, given in self.answers.items():
                chosen = given.get(token)
                if chosen is None or poll_id not in polls:
                    continue
                poll = polls[poll_id]
                right = (
                    chosen[0] in poll.correct
                    if poll.kind == "decision"
                    else sorted(chosen) == sorted(poll.correct)
                )
                record: dict[str, Any] = {
                    "chosen": list(chosen),
                    "firstChosen": list(chosen),
                    "correct": right,
                    "first": right,
                }
                if poll.kind == "single":
                    approach = next(o.approach for o in poll.options if o.id == chosen[0])
                    if approach:
                        record["approach"] = approach
                answers[poll_id] = record
            if answers:
                records.append(
                    results_format.record(
                        self.content.course.id,
                        answers,
                        one.name[: results_format.MAX_LABEL],
                        live={"session": self.code, "seat": one.number},
                    )
                )
        return records


def results_code(record: dict[str, Any]) -> str:
    """A results record as the code learners paste into the dashboard (``CQ1.`` + base64url)."""
    return results_format.code(record)
