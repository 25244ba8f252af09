"""Choose each segment's English so that every guarantee is kept, at no cost in quality.

The model's own translation is kept whenever it passes every guarantee after their
deterministic normalisation (restyled marks, respelled terms, house-style digits).
Only a segment that still fails is repaired, always in its own sentence context. All
failing segments of a call go to the decoder together, one call per stage:

1. **hypothesis**: the other hypotheses of the first decode's beam (asked for, aligned
   to the Danish, with the first translation: the same search, so they cost no second
   decode); those that pass every check are candidates;
2. **alignment**: the missing term, mark or number placed into the model's own
   translation where the alignment says its Danish went;
3. **constrained**: the model decodes again with a target prefix: its own translation
   up to where the missing item belongs (from the alignment), then the item (``US``,
   the opening quotation mark, ``2.5``); the model writes the rest of the sentence
   itself. Several missing items are forced left to right, one round each; a few
   likely positions are tried for each.

Every candidate that passes all checks is scored under the unconstrained model
(:meth:`~translator.engines.base.ConstrainedEngine.score`); the best is taken if it
is within :data:`REPAIR_MARGIN` of the first translation's score, else the fluent
translation is kept and the problem reported. An engine that cannot score takes the
first candidate in the order above; one without search only normalises and reports.

A segment whose decoding was cut at the length bound is split at clause boundaries
and its parts translated one by one (**split**). Fragments are never translated on
their own for a guarantee: short fragments make real models loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from translator.engines.base import ConstrainedEngine, Engine, Hypothesis, SearchEngine, search
from translator.guarantees.base import Anchor, Guarantee, Problem, Segment, apply_edits

#: Hypotheses asked for when a segment fails a check.
CANDIDATES = 4
#: How far below the best hypothesis's beam score a passing hypothesis may be, for an
#: engine that cannot score candidates.
SCORE_MARGIN = 1.0
#: How much mean log-probability per token (under the unconstrained model) a repaired
#: candidate may lose against the model's first translation and still be chosen.
#: Measured on the real test model: on FLORES every candidate chosen at 1.0 lies within
#: 0.5 as well, 0.3 keeps fewer quotations (91 % instead of 97 %), and on the example
#: article 1.0 let a garbled forced sentence through that 0.5 reports instead.
REPAIR_MARGIN = 0.5
#: Rounds of constrained re-decoding (one missing item forced per round).
ROUNDS = 3
#: Positions tried for one missing item, and partial repairs carried to the next round.
POSITIONS = 2
BRANCHES = 1
TranslateFn = Callable[[list[str]], list[Hypothesis]]
#: The problem of a translation that decoding cut at the length bound.
CUT = Problem("length", "cut", "the translation was cut at the decoding length bound", False)
# Clause boundaries a too-long segment is split at, strongest first.
_CLAUSE = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+(?=[–—-]\s)"))
_OPENING = "“‘«»„‚\"'(["


@dataclass
class Outcome:
    """The English chosen for a segment, and how.

    Attributes:
        text: The English.
        technique: ``""`` (the model's translation), ``hypothesis``, ``alignment``,
            ``constrained`` or ``split``.
        fixed: The problems the technique repaired.
        problems: The problems left (reported as warnings).
    """

    text: str
    technique: str = ""
    fixed: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    """An English that passes every check: as written (scored) and normalised (kept)."""

    raw: str
    text: str
    technique: str


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

    def anchors(self, segment: Segment, hypothesis: Hypothesis, floor: int) -> list[Anchor]:
        """The positions to force the leftmost missing item at (at or after ``floor``),
        the most likely first, as its guarantee lists them."""
        if hypothesis.alignment is None:
            return []
        found = [
            anchor
            for g in self.guarantees
            for anchor in g.anchors(segment, hypothesis.text, hypothesis.alignment)
            if anchor.start >= floor
        ]
        if not found:
            return []
        first = min(found, key=lambda a: a.start).item
        return [a for a in found if a.item == first][:POSITIONS]  # in the guarantee's order


def resolve(
    guard: Guard,
    engine: Engine,
    segments: Sequence[Segment],
    found: Sequence[Sequence[Hypothesis]],
    translate: TranslateFn,
) -> list[Outcome]:
    """Choose the English of each segment from its first ``Hypothesis``, repairing if needed.

    Args:
        guard: The active guarantees.
        engine: The engine, asked again for hypotheses of failing segments that came
            without aligned alternatives.
        segments: The segments.
        found: The model's hypotheses of each segment, its translation first: the
            first decode's beam (aligned) or that translation alone.
        translate: Translates plain sentences (for the parts of a cut segment).
    """
    outcomes = []
    failing: list[int] = []
    first = [hypotheses[0] for hypotheses in found]
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
        chosen = _repair(guard, engine, [segments[i] for i in failing], [found[i] for i in failing])
        for index, better in zip(failing, chosen, strict=True):
            if better is not None:
                outcomes[index] = Outcome(better.text, better.technique, outcomes[index].problems)
    return outcomes


def _repair(
    guard: Guard, engine: Engine, segments: list[Segment], given: list[Sequence[Hypothesis]]
) -> list[_Candidate | None]:
    """The best passing candidate for each failing segment, or ``None``."""
    first = [hypotheses[0] for hypotheses in given]
    found = _aligned(engine, segments, given)
    # The search's own copy of the first translation carries its alignment.
    again = [
        next((h for h in hyps if h.text == head.text), None)
        for head, hyps in zip(first, found, strict=True)
    ]
    pools = [
        _searched(guard, segment, head, hypotheses, base)
        for segment, head, hypotheses, base in zip(segments, first, found, again, strict=True)
    ]
    if not isinstance(engine, ConstrainedEngine):
        return [pool[0] if pool else None for pool in pools]
    bases = [base or hyps[0] for base, hyps in zip(again, found, strict=True)]
    for pool, extra in zip(pools, _constrained(guard, engine, segments, bases), strict=True):
        pool.extend(extra)
    return _choose(engine, segments, first, pools)


def _aligned(
    engine: Engine, segments: list[Segment], given: list[Sequence[Hypothesis]]
) -> list[Sequence[Hypothesis]]:
    """Aligned hypotheses of each segment: those given, else searched for (one call)."""
    missing = [i for i, hypotheses in enumerate(given) if hypotheses[0].alignment is None]
    if not missing or not isinstance(engine, SearchEngine):
        return given
    found = list(given)
    searched = search(engine, [segments[i].text for i in missing], CANDIDATES, alignment=True)
    for index, hypotheses in zip(missing, searched, strict=True):
        found[index] = hypotheses
    return found


def _searched(
    guard: Guard,
    segment: Segment,
    first: Hypothesis,
    hypotheses: Sequence[Hypothesis],
    base: Hypothesis | None,
) -> list[_Candidate]:
    """Other hypotheses that pass, then alignment placement into ``base`` (the first
    translation as the search found it again) if that passes."""
    pool = []
    for hypothesis in _within_margin(hypotheses):
        if hypothesis.finished and hypothesis.text != first.text:
            text, problems = guard.judge(segment, hypothesis.text)
            if not problems:
                pool.append(_Candidate(hypothesis.text, text, "hypothesis"))
    placed = guard.place(segment, base) if base is not None else None
    if placed is not None:
        text, problems = guard.judge(segment, placed)
        if not problems:
            pool.append(_Candidate(placed, text, "alignment"))
    return pool


def _within_margin(hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The hypotheses down to :data:`SCORE_MARGIN` below the best beam score."""
    scores = [h.score for h in hypotheses if h.score is not None]
    if not scores:
        return list(hypotheses)
    floor = max(scores) - SCORE_MARGIN
    return [h for h in hypotheses if h.score is None or h.score >= floor]


def _constrained(
    guard: Guard, engine: ConstrainedEngine, segments: list[Segment], bases: list[Hypothesis]
) -> list[list[_Candidate]]:
    """Passing translations decoded with the missing items forced, left to right: each
    round forces the leftmost item still missing, after the prefix forced before."""
    pools: list[list[_Candidate]] = [[] for _ in segments]
    branches = {i: [(base, 0)] for i, base in enumerate(bases) if base.alignment is not None}
    tried: set[tuple[int, str]] = set()
    for _ in range(ROUNDS):
        requests = _requests(guard, segments, branches, tried)
        if not requests:
            break
        decoded = engine.complete(
            [segments[i].text for i, _, _ in requests], [p for _, p, _ in requests]
        )
        partial: dict[int, list[tuple[int, Hypothesis, int]]] = {}
        for (index, prefix, anchor), hypothesis in zip(requests, decoded, strict=True):
            if not hypothesis.finished:
                continue
            raw = _tidy(hypothesis.text, prefix, anchor)
            text, problems = guard.judge(segments[index], raw)
            if not problems:
                pools[index].append(_Candidate(raw, text, "constrained"))
            else:
                partial.setdefault(index, []).append((len(problems), hypothesis, len(prefix)))
        branches = {
            index: [(h, floor) for _, h, floor in sorted(items, key=lambda x: x[0])[:BRANCHES]]
            for index, items in partial.items()
            if not pools[index]
        }
    return pools


def _requests(
    guard: Guard,
    segments: list[Segment],
    branches: dict[int, list[tuple[Hypothesis, int]]],
    tried: set[tuple[int, str]],
) -> list[tuple[int, str, Anchor]]:
    """The prefixes to decode this round, each (segment, prefix) once over all rounds."""
    requests = []
    for index, items in branches.items():
        for hypothesis, floor in items:
            for anchor in guard.anchors(segments[index], hypothesis, floor):
                prefix = _joined(hypothesis.text[: anchor.start], anchor.text)
                if (index, prefix) not in tried:
                    tried.add((index, prefix))
                    requests.append((index, prefix, anchor))
    return requests


def _joined(before: str, text: str) -> str:
    """``before`` and the forced ``text``, with a space between two words."""
    if not before.strip():
        return text
    if before[-1:].isalnum() and text[:1].isalnum():
        return f"{before} {text}"
    if before[-1:] in ".!?" and text[:1].isalnum():
        return f"{before[:-1]} {text}"  # before the sentence's end: the model ends it again
    return before + text


def _tidy(text: str, prefix: str, anchor: Anchor) -> str:
    """``text`` without the space a model writes after a forced opening mark."""
    opens = prefix[-1:] in _OPENING and (len(prefix) == 1 or prefix[-2].isspace())
    if opens and text[len(prefix) : len(prefix) + 1] == " ":
        return text[: len(prefix)] + text[len(prefix) + 1 :]
    return text


def _choose(
    engine: ConstrainedEngine,
    segments: list[Segment],
    first: list[Hypothesis],
    pools: list[list[_Candidate]],
) -> list[_Candidate | None]:
    """Per segment, the passing candidate the model scores best, if within the margin."""
    pairs = [
        (segment.text, output)
        for segment, head, pool in zip(segments, first, pools, strict=True)
        if pool
        for output in (head.text, *(c.raw for c in pool))
    ]
    sources, outputs = [s for s, _ in pairs], [o for _, o in pairs]
    scores = iter(engine.score(sources, outputs) if pairs else [])
    chosen: list[_Candidate | None] = []
    for pool in pools:
        if not pool:
            chosen.append(None)
            continue
        baseline = next(scores)
        scored = [(next(scores), candidate) for candidate in pool]
        score, best = max(scored, key=lambda pair: pair[0])
        chosen.append(best if score >= baseline - REPAIR_MARGIN else None)
    return chosen


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
