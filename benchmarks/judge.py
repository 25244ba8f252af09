"""An independent judge of the guarantees, for benchmarks: no code of translator's own.

Written apart from the guarantees so that a benchmark never grades the product by the
rules the product itself was built on:

- terms: each glossary entry found in the Danish (as written, capitalised or in capitals,
  with a genitive ``s``/``'s`` or in a hyphenated compound) needs its English target as
  often in the English (whole words; ``NATO's`` counts as ``NATO``);
- quotations: each pair of quotation marks in the Danish („…“ »…« «…« “…” "…") needs a
  pair in the English, in any marks ('…' included);
- numbers: each run of digits in the Danish (separators ignored: ``1.000`` is ``1000``)
  needs the same digits in the English (``22:00`` counts for ``kl. 22``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable


def _forms(term: str) -> str:
    variants = dict.fromkeys([term, term[:1].upper() + term[1:], term.upper()])
    return "|".join(re.escape(v) for v in variants)


class Judge:
    """Judges English outputs against their Danish sources, given glossary pairs."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.entries = sorted(dict(entries).items(), key=lambda e: len(e[0]), reverse=True)
        self._danish = [
            (re.compile(rf"(?<!\w)(?:{_forms(da)})(?:s|'s|’s)?(?!\w)"), en)
            for da, en in self.entries
        ]

    def terms(self, source: str) -> Counter[str]:
        """English targets wanted for ``source``: target → how many times."""
        wanted: Counter[str] = Counter()
        taken: list[tuple[int, int]] = []
        for pattern, target in self._danish:
            for m in pattern.finditer(source):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append(m.span())
                wanted[target] += 1
        return wanted

    def keeps_terms(self, source: str, output: str) -> bool | None:
        wanted = self.terms(source)
        if not wanted:
            return None
        return all(
            len(re.findall(rf"(?<!\w){re.escape(t)}(?![^\W_])", output)) >= n
            for t, n in wanted.items()
        )


_DANISH_QUOTES = re.compile(r"„[^“”\"]+[“”\"]|»[^«]+«|«[^»]+»|“[^”]+”|\"[^\"]+\"")
_ENGLISH_QUOTES = re.compile(
    r"“[^”]+”|„[^“”]+[“”]|«[^»]+»|»[^«]+«|\"[^\"]+\"|(?:(?<=\s)|^)['‘](?=\S).+?(?<=\S)['’](?=[\s.,;:!?)]|$)"
)


def keeps_quotes(source: str, output: str) -> bool | None:
    """Whether the English has as many quotations as the Danish (None: the Danish has none)."""
    wanted = len(_DANISH_QUOTES.findall(source))
    if not wanted:
        return None
    return len(_ENGLISH_QUOTES.findall(output)) >= wanted


_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")


def _digit_runs(text: str) -> Counter[str]:
    runs: Counter[str] = Counter()
    for m in _DIGITS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        runs[digits] += 1
        if re.fullmatch(r"\d{1,2}:00", m.group()):  # 22:00 for "kl. 22"
            runs[digits[:-2]] += 1
    return runs


def keeps_numbers(source: str, output: str) -> bool | None:
    """Whether every run of digits of the Danish is in the English (None: it has none)."""
    wanted = _digit_runs(re.sub(r"(?<=\d)[ \u00a0](?=\d{3}\b)", "", source))
    if not wanted:
        return None
    found = _digit_runs(re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", "", output))
    return all(found[d] >= n for d, n in wanted.items())
