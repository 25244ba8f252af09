"""Choose each segment's English so that no guarantee costs quality.

The model's own translation is kept whenever it passes every guarantee after their
deterministic normalisation (restyled marks, respelled terms, house-style digits).
Only a segment that still fails is repaired, always in its own sentence context:

1. **hypothesis**: the decoder is asked again for several scored hypotheses; the
   best-scoring one that passes every check is taken, if its score is within
   :data:`SCORE_MARGIN` of the best (a far worse hypothesis is not worth a guarantee);
2. **alignment**: the missing term, mark or number is placed into the model's
   translation where the decoder's attention says its Danish went;
3. otherwise the fluent translation is kept and the problem is reported.

A segment whose decoding was cut at the length bound is split at clause boundaries
and its parts translated one by one (**split**). Fragments are never translated on
their own for a guarantee: short fragments make real models loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from translator.engines.base import Engine, Hypothesis, search
from translator.guarantees import Guarantee, Problem, Segment, apply_edits

#: Hypotheses asked for when a segment fails a check.
CANDIDATES = 4
#: How far below the best hypothesis's score (length-normalised log-probability) a
#: hypothesis that passes may be and still be chosen.
SCORE_MARGIN = 1.0
# Clause boundaries a too-long segment is split at, strongest first.
TranslateFn = Callable[[list[str]], list[Hypothesis]]
#: The problem of a translation that decoding cut at the length bound.
CUT = Problem("length", "cut", "the translation was cut at the decoding length bound", False)
_CLAUSE = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+(?=[–—-]\s)"))


@dataclass
class Outcome:
    """The English chosen for a segment, and how.

    Attributes:
        text: The English.
        technique: ``""`` (the model's translation), ``hypothesis``, ``alignment`` or
            ``split``.
        fixed: The problems the technique repaired.
        problems: The problems left (reported as warnings).
    """

    text: str
    technique: str = ""
    fixed: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Guard:
    """The active guarantees, run together over a segment's outputs."""

    def __init__(self, guarantees: Sequence[Guarantee]) -> None:
        self.guarantees = list(guarantees)

    def normalize(self, segment: Segment, output: str) -> str:
        """``output`` after every guarantee's deterministic fixes."""
        for guarantee in self.guarantees:
            output = guarantee.normalize(segment, output)
        return output

    def check(self, segment: Segment, output: str) -> list[Problem]:
        """Every guarantee's problems with a normalised ``output``."""
        return [p for g in self.guarantees for p in g.check(segment, output)]

    def judge(self, segment: Segment, output: str) -> tuple[str, list[Problem]]:
        """``output`` normalised, and its problems."""
        text = self.normalize(segment, output)
        return text, self.check(segment, text)

    def place(self, segment: Segment, hypothesis: Hypothesis) -> str | None:
        """``hypothesis`` with every guarantee's alignment edits, or ``None`` without alignment."""
        if hypothesis.alignment is None:
            return None
        edits = [
            edit
            for g in self.guarantees
            for edit in g.place(segment, hypothesis.text, hypothesis.alignment)
        ]
        return apply_edits(hypothesis.text, edits) if edits else None


def resolve(
    guard: Guard,
    engine: Engine,
    segments: Sequence[Segment],
    first: Sequence[Hypothesis],
    translate: TranslateFn,
) -> list[Outcome]:
    """Choose the English of each segment from its first ``Hypothesis``, repairing if needed.

    Args:
        guard: The active guarantees.
        engine: The engine, asked again for hypotheses of failing segments.
        segments: The segments.
        first: The model's translation of each segment.
        translate: Translates plain sentences (for the parts of a cut segment).
    """
    outcomes = []
    failing: list[int] = []
    for index, (segment, hypothesis) in enumerate(zip(segments, first, strict=True)):
        text, problems = guard.judge(segment, hypothesis.text)
        outcome = Outcome(text, problems=problems)
        if not hypothesis.finished:
            outcome = _split(guard, segment, translate) or Outcome(
                outcome.text, problems=[*outcome.problems, CUT]
            )
        elif outcome.problems:
            failing.append(index)
        outcomes.append(outcome)
    if failing:
        found = search(engine, [segments[i].text for i in failing], CANDIDATES, alignment=True)
        for index, hypotheses in zip(failing, found, strict=True):
            better = _repair(guard, segments[index], first[index], hypotheses)
            if better is not None:
                better.fixed = outcomes[index].problems
                outcomes[index] = better
    return outcomes


def _repair(
    guard: Guard, segment: Segment, first: Hypothesis, hypotheses: Sequence[Hypothesis]
) -> Outcome | None:
    """Another hypothesis that passes, else alignment placement that passes, else ``None``."""
    scores = [h.score for h in hypotheses if h.score is not None]
    floor = max(scores) - SCORE_MARGIN if scores else None
    for hypothesis in hypotheses:
        if not hypothesis.finished or hypothesis.text == first.text:
            continue
        if floor is not None and hypothesis.score is not None and hypothesis.score < floor:
            break
        text, problems = guard.judge(segment, hypothesis.text)
        if not problems:
            return Outcome(text, "hypothesis")
    # Place into the model's own translation when the search found it again.
    for hypothesis in (h for h in hypotheses if h.text == first.text):
        placed = guard.place(segment, hypothesis)
        if placed is None:
            continue
        text, problems = guard.judge(segment, placed)
        if not problems:
            return Outcome(text, "alignment")
    return None


def _split(guard: Guard, segment: Segment, translate: TranslateFn) -> Outcome | None:
    """Translate a segment whose decoding was cut in clauses, joined by their punctuation."""
    for pattern in _CLAUSE:
        cuts = [m.span() for m in pattern.finditer(segment.text)]
        if not cuts:
            continue
        parts, gaps, position = [], [], 0
        for start, end in cuts:
            parts.append(segment.text[position:start])
            gaps.append(segment.text[start:end])
            position = end
        parts.append(segment.text[position:])
        hypotheses = translate(parts)
        english = [
            h.text[:-1] if h.text.endswith(".") and not part.endswith(".") else h.text
            for part, h in zip(parts, hypotheses, strict=True)
        ]
        joined = english[0] + "".join(g + e for g, e in zip(gaps, english[1:], strict=True))
        text, problems = guard.judge(segment, joined)
        if not all(h.finished for h in hypotheses):
            problems.append(CUT)
        return Outcome(text, "split", [CUT], problems)
    return None
