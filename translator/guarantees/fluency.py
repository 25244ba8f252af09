"""The fluency guarantee: no output loops where its source does not, and none is empty.

A real model sometimes repeats a word or phrase (``as well as as, as well as as``) or
a mark (``.......``). Such an output is never chosen over one that does not loop, and
when every hypothesis loops the line is reported.
"""

from __future__ import annotations

import re

from translator.guarantees import BaseGuarantee, Problem, Segment

_WORD = re.compile(r"\w+|[^\w\s]")
_RUN = re.compile(r"([^\w\s])\1{5,}")
MAX_NGRAM = 4
REPEATS = 3


def repeated(text: str) -> str | None:
    """The first word or n-gram (n ≤ 4) repeated 3 times in a row in ``text``, or a mark run."""
    run = _RUN.search(text)
    if run:
        return run.group()
    words = [w.lower() for w in _WORD.findall(text)]
    for n in range(1, MAX_NGRAM + 1):
        for i in range(len(words) - REPEATS * n + 1):
            gram = words[i : i + n]
            if not any(w[0].isalnum() for w in gram):
                continue
            if all(words[i + k * n : i + (k + 1) * n] == gram for k in range(1, REPEATS)):
                return " ".join(gram)
    return None


class FluencyGuarantee(BaseGuarantee):
    """The English does not repeat a word or phrase 3 times in a row unless the Danish does."""

    name = "fluency"

    def check(self, segment: Segment, output: str) -> list[Problem]:
        if not output.strip():
            return [Problem(self.name, "empty", "the translation is empty")]
        loop = repeated(output)
        if loop is None or repeated(segment.text) is not None:
            return []
        return [Problem(self.name, "repetition", f"'{loop}' repeated")]
