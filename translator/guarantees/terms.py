"""The glossary guarantee: every term comes out as the glossary says (Nato → NATO).

The model translates the Danish as written; terms are never pasted into the source,
since a model drops or re-inflects English pasted into Danish. Afterwards a Danish
spelling the model copied is respelled (``Zelenskyj`` → ``Zelensky``) and a target in
the wrong case recased; a target still missing is sought in another hypothesis, then
placed where the alignment says the Danish term went.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from translator.engines.base import Alignment
from translator.guarantees.base import (
    Anchor,
    BaseGuarantee,
    Edit,
    Found,
    Problem,
    Segment,
    Settings,
    Span,
    apply_edits,
)
from translator.language.glossary import (
    DEBRIS,
    Glossary,
    GlossaryHit,
    Match,
    count_term,
    hits_summary,
)

_FUNCTION_WORDS = frozenset("a an and at by for from in of on the to with".split())
#: How like the target the aligned words must be to be replaced by it (difflib's ratio):
#: ``Organisation`` → ``Organization`` and ``Baltic`` → ``Baltic Sea`` are, while an
#: alignment that points at a verb (``cross``) or a paraphrase is not.
SIMILARITY = 0.6
#: How like a one-word name a capitalised word must be to be taken for it misspelt
#: (``Tltenberg``, ``Stoltenburg`` for ``Stoltenberg``), and the shortest such name.
_MISSPELT = 0.8
_NAME_LENGTH = 5
#: Where American and British spelling differ inside a word (-ize/-ise, -yze/-yse).
_SPELLING = re.compile(r"(?<=[iy])z(?=e|a|i)")


def _closest(output: str, span: tuple[int, int], target: str) -> tuple[int, int] | None:
    """The words of ``output`` that render the term: the aligned ``span`` without the
    function words at its edges, widened by neighbours like a word of ``target``;
    ``None`` unless they are like ``target`` as a whole."""
    words = [m.span() for m in re.finditer(r"[\w'’-]+", output)]
    inside = [i for i, (a, b) in enumerate(words) if a < span[1] and span[0] < b]
    while inside and output[slice(*words[inside[0]])].lower() in _FUNCTION_WORDS:
        inside.pop(0)
    while inside and output[slice(*words[inside[-1]])].lower() in _FUNCTION_WORDS:
        inside.pop()
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    while first > 0 and _like_a_word_of(output[slice(*words[first - 1])], target):
        first -= 1
    while last + 1 < len(words) and _like_a_word_of(output[slice(*words[last + 1])], target):
        last += 1
    start, end = words[first][0], words[last][1]
    return (start, end) if _ratio(output[start:end], target) >= SIMILARITY else None


def _renders(output: str, span: tuple[int, int], match: Match) -> bool:
    """Whether ``output[span]`` holds the term, in any case or in its Danish spelling."""
    forms = "|".join(re.escape(f) for f in (match.entry.target, match.entry.source))
    return bool(re.search(rf"(?<!\w)(?:{forms})(?![^\W_])", output[span[0] : span[1]], re.I))


def _likest(output: str, span: tuple[int, int], match: Match) -> list[int]:
    """The start of the word of ``output[span]`` most like the term (a mangled name)."""
    words = list(re.finditer(r"[\w'’-]+", output[span[0] : span[1]]))
    scored = [(_ratio(w.group(), match.entry.target), w.start()) for w in words]
    best = max(scored, default=(0.0, 0))
    return [span[0] + best[1]] if best[0] >= 0.5 else []


def _content_start(output: str, span: tuple[int, int]) -> int:
    """Where the words of ``output[span]`` start after the function words at its edge."""
    for word in re.finditer(r"[\w'’-]+", output[span[0] : span[1]]):
        if word.group().lower() not in _FUNCTION_WORDS:
            return span[0] + word.start()
    return span[0]


def _like_a_word_of(word: str, target: str) -> bool:
    return any(_ratio(word, part) >= SIMILARITY for part in target.split())


def _overlap(edit: Edit, span: tuple[int, int]) -> bool:
    return edit.start < span[1] and span[0] < edit.end


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


class GlossaryGuarantee(BaseGuarantee):
    """Glossary terms in every Danish form come out as their English target."""

    name = "glossary"
    report_field = "glossary_hits"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.glossary: Glossary = settings.glossary or Glossary()

    def find(self, text: str, quoted: bool) -> Found:
        return Found([Span(m.start, m.end, m) for m in self.glossary.find(text)])

    def _matches(self, segment: Segment) -> list[Match]:
        return [span.value for span in self.spans(segment)]

    def _missing(self, segment: Segment, output: str) -> dict[str, tuple[int, int]]:
        """Targets found fewer times than wanted: target → (found, wanted)."""
        matches = self._matches(segment)
        missing = {}
        # A name counts in any grammatical form the English gives it (Putin, Putin's).
        for target in dict.fromkeys(m.entry.target for m in matches):
            wanted = sum(count_term(m.entry.target, target) for m in matches)
            found = count_term(output, target)
            if found < wanted:
                missing[target] = (found, wanted)
        return missing

    def _leftovers(self, output: str) -> list[Match]:
        """Glossary terms in ``output`` in a Danish spelling, not inside their target."""
        left = []
        for match in self.glossary.find(output):
            if match.form == match.target:
                continue
            target = rf"(?<!\w){re.escape(match.entry.target)}(?!\w)"
            inside = any(t.start() <= match.start < t.end() for t in re.finditer(target, output))
            if not inside:
                left.append(match)
        return left

    def normalize(self, segment: Segment, output: str) -> str:
        if not self.glossary.entries:
            return output
        edits = [Edit(m.start, m.end, m.target) for m in self._leftovers(output)]
        missing = self._missing(segment, output)
        if missing:  # most outputs have every term: nothing more to look for
            edits += self._avoided(segment, output, missing)
            edits += self._half_translated(segment, output, missing)
            edits += self._mangled(output, missing)
        for target in missing:
            # The target in another case, or in British spelling (Organisation).
            pattern = _SPELLING.sub("[sz]", re.escape(target))
            for hit in re.finditer(rf"(?<!\w){pattern}(?!\w)", output, re.I):
                edits.append(Edit(hit.start(), hit.end(), target))
        return apply_edits(output, edits) if edits else output

    def _half_translated(
        self, segment: Segment, output: str, missing: dict[str, tuple[int, int]]
    ) -> list[Edit]:
        """A term of several words the model translated in part (``Læger without
        Borders``): the words around a Danish word it copied that read like the target."""
        words = list(re.finditer(r"[\w'’-]+", output))
        edits = []
        for match in self._matches(segment):
            target = match.entry.target
            size = len(target.split())
            if target not in missing or size < 2:
                continue
            danish = {w.lower() for w in re.findall(r"\w+", match.entry.source)}
            windows = [
                (words[j].start(), words[j + size - 1].end())
                for i, word in enumerate(words)
                if word.group().lower() in danish
                for j in range(max(0, i - size + 1), min(i, len(words) - size) + 1)
            ]
            scored = [(_ratio(output[a:b], target), a, b) for a, b in windows]
            best = max(scored, default=(0.0, 0, 0))
            if best[0] >= SIMILARITY:
                edits.append(Edit(best[1], best[2], target))
        return edits

    def _mangled(self, output: str, missing: dict[str, tuple[int, int]]) -> list[Edit]:
        """A one-word name the model misspelt (``Tltenberg`` for ``Stoltenberg``): a
        capitalised word very like it, where the name is missing."""
        edits = []
        for target, (found, wanted) in missing.items():
            if " " in target or len(target) < _NAME_LENGTH or not target[0].isupper():
                continue
            words = re.finditer(r"(?<![\w'’-])([A-Z][\w-]+?)(?:['’]s?)?(?![\w'’-])", output)
            like = [w for w in words if _ratio(w.group(1), target) >= _MISSPELT and w[1] != target]
            edits += [Edit(w.start(1), w.end(1), target) for w in like[: wanted - found]]
        return edits

    def _avoided(
        self, segment: Segment, output: str, missing: dict[str, tuple[int, int]]
    ) -> list[Edit]:
        """A form its entry avoids (``United States`` for ``US``) or a termbase
        deprecates becomes the target its Danish term wants, as often as it is missing."""
        forms = dict(self.glossary.forbidden)
        for match in self._matches(segment):
            forms.update(dict.fromkeys(match.entry.avoid, match.entry.target))
        edits: list[Edit] = []
        for term in sorted(forms, key=len, reverse=True):  # the longest form first
            if forms[term] not in missing:
                continue
            found, wanted = missing[forms[term]]
            hits = re.finditer(rf"(?<!\w){re.escape(term)}(?![^\W_])", output)
            free = [h for h in hits if not any(_overlap(e, h.span()) for e in edits)]
            edits += [Edit(h.start(), h.end(), forms[term]) for h in free[: wanted - found]]
        return edits

    def check(self, segment: Segment, output: str) -> list[Problem]:
        problems = []
        if DEBRIS.search(output) and not DEBRIS.search(segment.text):
            problems.append(Problem(self.name, "debris", "placeholder debris in the output"))
        for target, (found, wanted) in self._missing(segment, output).items():
            problems.append(
                Problem(self.name, "missing", f"term '{target}' {found}× instead of {wanted}×")
            )
        for match in self._leftovers(output):
            problems.append(
                Problem(self.name, "source-spelling", f"Danish spelling '{match.form}' left")
            )
        for term, preferred in self.glossary.forbidden.items():
            if count_term(output, term) > count_term(segment.text, term):
                detail = f"forbidden term '{term}' (the termbase prefers '{preferred}')"
                problems.append(Problem(self.name, "forbidden", detail))
        return problems

    def place(self, segment: Segment, output: str, alignment: Alignment) -> list[Edit]:
        missing = self._missing(segment, self.normalize(segment, output))
        edits = []
        for match in self._matches(segment):
            if match.entry.target not in missing:
                continue
            span = alignment.target_span(match.start, match.end, output)
            if span is None:
                continue
            best = _closest(output, span, match.target)
            if best is not None:
                edits.append(Edit(*best, match.target))
        return edits

    def anchors(self, segment: Segment, output: str, alignment: Alignment) -> list[Anchor]:
        missing = self._missing(segment, self.normalize(segment, output))
        found = []
        for target, (have, _) in missing.items():
            matches = [
                (i, m) for i, m in enumerate(self._matches(segment)) if m.entry.target == target
            ]
            spans = [self._span(m, output, alignment) for _, m in matches]
            # The renderings there are belong to the matches aligned to them, then to
            # the first matches left (models keep the order of names).
            kept = {
                k for k, span in enumerate(spans) if span and _renders(output, span, matches[k][1])
            }
            for k in range(len(matches)):
                if len(kept) < have:
                    kept.add(k)
            for k, ((number, match), span) in enumerate(zip(matches, spans, strict=True)):
                if k not in kept:
                    found += [
                        Anchor(start, match.target, f"{self.name}:{number}")
                        for start in self._starts(segment, match, output, alignment, span)
                    ]
        return found

    def _span(self, match: Match, output: str, alignment: Alignment) -> tuple[int, int] | None:
        """The words of ``output`` aligned to ``match``, if any."""
        span = alignment.target_span(match.start, match.end, output)
        if span is None:
            words = alignment.words(match.start, match.end, output)
            span = words[0] if words else None
        return span

    def _starts(
        self,
        segment: Segment,
        match: Match,
        output: str,
        alignment: Alignment,
        span: tuple[int, int] | None,
    ) -> list[int]:
        """Where to force the term, most likely first: at the aligned word most like it
        (a mangled name), after the article of the aligned words ("the US"), in place of
        them; beside its neighbours if the model dropped it."""
        if span is None:
            return alignment.near(match.start, match.end, segment.text, output)
        starts = [*_likest(output, span, match), _content_start(output, span), span[0]]
        return list(dict.fromkeys(starts))

    def notes(self, segment: Segment) -> list[str]:
        return [f"glossary: {m.form} → {m.target}" for m in self._matches(segment)]

    def summary(self, pairs: Sequence[tuple[Segment, str]]) -> list[GlossaryHit]:
        return hits_summary(m for segment, _ in pairs for m in self._matches(segment))
