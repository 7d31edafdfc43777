"""Self-study time: how long a learner alone spends on an item, from what its page asks of them.

An estimate is the words the learner reads on the page, at ``READING_WPM``, plus minutes for
what they do besides reading: answer a question, make a case decision, write to a reflection
prompt, play a turn of a role play. What a learner reads is counted per kind, the way the page
shows it to one learner working alone:

- a **page**: its summary and body;
- a **case**: one path, the one the case teaches (its best choices from the start to an
  ending), not every branch: at each decision the story, the question, every choice (read to
  decide) and the consequence of the one taken; then the ending and its debrief;
- a **drill**: its instructions, every statement, and each statement's rationale (the feedback
  after answering);
- a **quiz**: each question's prompt and options, the feedback of its right option(s) and its
  explanation, not every option's feedback (the list a learner can open is not read whole);
  a graded quiz with ``draw`` counts one attempt's draw, at the bank's average length;
- a **role play**: the setting, the role briefs (not the private cards), both versions and
  their commentary, the observer's checklist and the debrief questions; played alone, every turn
  of the learner's role in the coaching version, the question that classifies the look-alike
  version, and each debrief question as a note to write.

Every item also counts its summary and its reflection prompts (read, then written to). An
author's ``minutes:`` overrides the estimate; ``lint`` warns when the two are far apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .model import Case, Choice, Drill, Item, Module, Page, Quiz, RolePlay, Step

#: Words a minute for reading course text: below the 238 of an adult reading English
#: non-fiction silently (Brysbaert, 2019, a meta-analysis of 190 studies), because a learner
#: reads to remember and to decide. The learner walkthrough measured 220.
READING_WPM = 200
#: Choosing an answer and checking it, beyond reading the question and its feedback (the
#: walkthrough measured about 15 seconds a question).
MINUTES_PER_QUESTION = 0.25
#: Weighing the choices of a case decision, beyond reading them.
MINUTES_PER_DECISION = 0.5
#: Writing a few sentences in answer to a reflection prompt or a role play's debrief question.
MINUTES_PER_REFLECTION = 2.0
#: Thinking of (or writing) your own line at a turn of a role play played alone.
MINUTES_PER_TURN = 0.5

#: Runs of characters between spaces that are Markdown marks or punctuation, not words.
_MARKS = frozenset(
    ["-", "*", "+", ">", "|", "#", "##", "###", "####", "\u2013", "\u2014", "\u2192"]
)


def words(*texts: str | None) -> int:
    """How many words the texts hold, as a word processor counts them (runs of characters
    between spaces), less list bullets, heading marks and dashes standing alone.

    Splitting on spaces is ten times quicker than a regular expression for words, and the
    count is within a few percent of one.
    """
    count = 0
    for text in texts:
        if text:
            tokens = text.split()
            count += len(tokens) - sum(map(_MARKS.__contains__, tokens))
    return count


def self_study(item: Item) -> int:
    """The item's self-study minutes: the author's ``minutes``, else the estimate."""
    return item.minutes if item.minutes is not None else estimate(item)


def module_minutes(module: Module, items: Iterable[int]) -> int:
    """The module's self-study minutes: its ``minutes``, else the sum of its items' (``items``:
    each item's self-study minutes)."""
    return module.minutes if module.minutes is not None else sum(items)


def estimate(item: Item) -> int:
    """The builder's estimate of the item's self-study time, in whole minutes (at least 1)."""
    read, act = _work(item)
    read += words(item.title, item.summary, *(r.prompt for r in item.reflect))
    act += MINUTES_PER_REFLECTION * len(item.reflect)
    return max(1, math.floor(read / READING_WPM + act + 0.5))


def _work(item: Item) -> tuple[float, float]:
    """Words read and minutes of activity for what is particular to the item's kind."""
    if isinstance(item, Page):
        return words(item.body), 0.0
    if isinstance(item, Case):
        path = taught_path(item)
        decisions = [step for step in path if step.choices]
        read = 0
        for step, following in zip(path, [*path[1:], None], strict=True):
            read += words(step.title, step.text, step.prompt, step.debrief)
            read += words(*(c.text for c in step.choices))
            taken = _taken(step, following)
            read += words(taken.consequence) if taken else 0
        return read, MINUTES_PER_DECISION * len(decisions)
    if isinstance(item, Drill):
        read = words(item.instructions, *(f"{s.text}\n{s.rationale}" for s in item.statements))
        return read, MINUTES_PER_QUESTION * len(item.statements)
    if isinstance(item, Quiz):
        sizes = [
            words(
                q.prompt,
                q.explanation,
                *(o.text for o in q.options),
                *(o.feedback for o in q.options if o.correct),
            )
            for q in item.questions
        ]
        drawn = attempt_size(item)
        return sum(sizes) * drawn / len(sizes), MINUTES_PER_QUESTION * drawn
    if isinstance(item, RolePlay):
        versions = (item.lookalike_version, item.coaching_version)
        read = words(
            item.setting,
            *(f"{role.name}\n{role.brief}" for role in item.roles),
            *(line.text for version in versions for line in version.lines),
            *(line.why for line in item.coaching_version.lines),
            *(version.commentary for version in versions),
            *item.observer.coaching,
            *item.observer.lookalike,
            *item.debrief,
        )
        turns = len(learner_turns(item))
        act = MINUTES_PER_TURN * turns + MINUTES_PER_QUESTION
        return read, act + MINUTES_PER_REFLECTION * len(item.debrief)
    raise TypeError(f"no estimate for {type(item).__name__}")  # pragma: no cover - a bug


def attempt_size(quiz: Quiz) -> int:
    """How many questions one attempt at the quiz has (a graded quiz's draw, else all).

    A draw per category takes that many of every category of the course, and validation makes
    the bank hold them all: the categories its questions name are the course's.
    """
    if quiz.pass_mark is None or quiz.draw is None:
        return len(quiz.questions)
    if quiz.draw.questions is not None:
        return min(quiz.draw.questions, len(quiz.questions))
    if quiz.draw.per_approach is not None:
        categories = {q.approach for q in quiz.questions if q.approach is not None}
        return min(quiz.draw.per_approach * len(categories), len(quiz.questions))
    return len(quiz.questions)


def taught_path(case: Case) -> list[Step]:
    """The steps of the path the case teaches: from the start, its best choice at each
    decision (the first choice that leads on, where none is marked best), to an ending."""
    by_id = {step.id: step for step in case.steps}
    path: list[Step] = []
    seen: set[str] = set()
    current = by_id.get(case.start)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        path.append(current)
        taken = _taken(current, None)
        current = by_id.get(taken.next) if taken and taken.next else None
    return path


def _taken(step: Step, following: Step | None) -> Choice | None:
    """The choice the taught path takes at ``step`` (towards ``following`` when known)."""
    choices = step.choices
    if following is not None:
        choices = [c for c in choices if c.next == following.id]
    best = next((c for c in choices if c.best), None)
    if best is not None or following is not None:
        return best or next(iter(choices), None)
    return next((c for c in choices if c.next), next(iter(choices), None))


def learner_turns(roleplay: RolePlay) -> list[int]:
    """Indexes of the coaching version's lines a learner playing alone says: those of the role
    that opens the coaching conversation."""
    lines = roleplay.coaching_version.lines
    return [i for i, line in enumerate(lines) if line.role == lines[0].role]


def minutes_text(minutes: int) -> str:
    """``45 minutes``, ``1 hour 5 minutes``: a duration as a learner reads it."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
