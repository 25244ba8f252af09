"""The numbers guarantee: every number of the Danish is in the English, in English style.

House style (the Reuters/EU conventions the models write):

========================  ===================  ===========================
Danish                    English              rule
========================  ===================  ===========================
``2,5``                   ``2.5``              decimal point
``1.000``, ``2.500.000``  ``1,000``, ``2,500,000``  comma thousands (a 4-digit
                                               number written without a
                                               separator, a year, stays so)
``12 pct.``, ``12 %``     ``12%``              percent sign, no space
``kl. 10.30``             ``10:30``            24-hour clock with a colon
``21. september``         ``21 September``     day before the month
``3. plads``              ``3rd`` or ``third``  any English ordinal
``2,5 mio.``, ``3 mia.``  ``2.5 million``, ``3 billion``  the value must agree
========================  ===================  ===========================

A number counts as present when its value is in the English in any usual form
(``four`` for ``4``, ``1.5 billion`` for ``1.500 mio.``). Digits the model wrote in
Danish style (``2,5``, ``1 000``) are rewritten to house style, which is no repair.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from translator.engines.base import Alignment
from translator.guarantees import (
    BaseGuarantee,
    Edit,
    Found,
    Problem,
    Segment,
    Span,
    apply_edits,
)
from translator.resources import data_lines

Kind = Literal["number", "percent", "time", "date", "ordinal"]


@dataclass(frozen=True)
class Number:
    """A number of the Danish: its value, what it is, and its house-style English."""

    value: float
    kind: Kind
    english: str


@dataclass(frozen=True)
class _Reading:
    """A number as written in the English: where, and the values it can mean."""

    start: int
    end: int
    values: tuple[float, ...]
    text: str


@functools.cache
def _words() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for line in data_lines("numbers.tsv"):
        kind, word, value = line.split("\t")
        table.setdefault(kind, {})[word] = value
    return table


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _source_pattern() -> re.Pattern[str]:
    words = _words()
    return re.compile(
        rf"(?:\bkl\.\s*)?(?<![\w.,])(?<!\d[.,])"
        rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?(?!\d)|\d{{1,2}}[.:]\d{{2}}(?!\d|[.,:]\d)|\d+(?:,\d+)?(?!\d|[.,]\d))"
        rf"(?:(?P<dot>\.)(?=\s+(?P<month>{_alternation(list(words['month']))})\b|\s+[a-zæøå]))?"
        rf"(?:\s*(?P<scale>{_alternation(list(words['scale']))})(?!\w))?"
        rf"(?:\s*(?P<percent>{_alternation(list(words['percent']))})(?!\w))?",
    )


@functools.cache
def _english_pattern() -> re.Pattern[str]:
    words = _words()
    spelled = _alternation([*words["word"], *words["ordinal"]])
    return re.compile(
        rf"(?<![\w.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?"
        rf"|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+|\d{{1,2}}:\d{{2}}(?!\d)|\d+(?:[.,]\d+)*)"
        rf"(?P<suffix>st|nd|rd|th|s|\s*[ap]\.?m\.?)?"
        rf"(?:[\s-]*(?P<scale>{_alternation(list(words['english-scale']))})\b)?"
        rf"|\b(?P<word>{spelled})\b",
        re.I,
    )


def _danish_value(digits: str) -> float:
    """The value of Danish digits: ``.`` groups thousands, ``,`` is the decimal mark."""
    return float(digits.replace(".", "").replace(",", "."))


def find_numbers(text: str) -> list[tuple[int, int, Number]]:
    """The numbers in Danish ``text``, each with its span and house-style English."""
    words = _words()
    found = []
    for m in _source_pattern().finditer(text):
        digits = m.group("num")
        clock = re.fullmatch(r"(\d{1,2})[.:](\d{2})", digits)
        if clock:  # kl. 10.30, 10:30, and 10.30 alone: Danish writes times of day so
            hours, minutes = int(clock[1]), int(clock[2])
            if hours < 24 and minutes < 60:
                number = Number(hours + minutes / 100, "time", f"{hours}:{minutes:02d}")
                found.append((m.start("num"), m.end("num"), number))
                continue
            digits = clock[1] + clock[2]
        value = _danish_value(digits)
        decimals = len(digits.partition(",")[2])
        group = "." in digits or value >= 10_000
        english = f"{value:,.{decimals}f}" if group else f"{value:.{decimals}f}"
        kind: Kind = "number"
        end = m.end("num")
        if m.group("month"):
            kind = "date"
            english = f"{int(value)} {words['month'][m.group('month')]}"
            end = m.end("dot")
        elif m.group("dot"):
            kind = "ordinal"
            english = _ordinal(int(value), group)
            end = m.end("dot")
        if m.group("scale"):
            factor = float(words["scale"][m.group("scale")])
            english = f"{english} {_scale_word(factor)}"
            value *= factor
            end = m.end("scale")
        if m.group("percent"):
            kind = "percent"
            english += "%"
            end = m.end("percent")
        found.append((m.start("num"), end, Number(value, kind, english)))
    return found


def _scale_word(factor: float) -> str:
    words = _words()["english-scale"]
    return {float(v): k for k, v in words.items() if not k.endswith("s")}[factor]


def _ordinal(value: int, group: bool) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value:,}{suffix}" if group else f"{value}{suffix}"


def _readings(output: str) -> list[_Reading]:
    """Every number in the English, with each value it can be read as."""
    words = _words()
    readings = []
    for m in _english_pattern().finditer(output):
        if m.group("word"):
            word = m.group("word").lower()
            value = words["word"].get(word) or words["ordinal"][word]
            readings.append(_Reading(m.start(), m.end(), (float(value),), m.group()))
            continue
        digits = m.group("num")
        values = set()
        plain = re.sub(r"[ \u00a0\u202f]", "", digits)
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?", plain):
            values.add(float(plain.replace(",", "")))
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", plain):
            values.add(_danish_value(plain))
        clock = re.fullmatch(r"(\d{1,2})[:.](\d{2})", plain)
        if clock:
            hours = int(clock[1])
            if (m.group("suffix") or "").strip().lower().startswith("p") and hours < 12:
                hours += 12  # 8.30 p.m.
            values.add(hours + int(clock[2]) / 100)
        if m.group("scale"):
            factor = float(words["english-scale"][m.group("scale").lower()])
            values = {v * factor for v in values}
        readings.append(_Reading(m.start(), m.end(), tuple(values), m.group()))
    return readings


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _match(numbers: Sequence[Number], readings: Sequence[_Reading]) -> list[int | None]:
    """For each number, the index of a distinct reading with its value (or ``None``)."""
    used: set[int] = set()
    matched: list[int | None] = []
    for number in numbers:
        choice = next(
            (
                i
                for i, r in enumerate(readings)
                if i not in used and any(_same(number.value, v) for v in r.values)
            ),
            None,
        )
        if choice is not None:
            used.add(choice)
        matched.append(choice)
    return matched


class NumberGuarantee(BaseGuarantee):
    """Every number, amount, percentage, date and clock time of the Danish is in the English."""

    name = "numbers"

    def find(self, text: str, quoted: bool) -> Found:
        return Found([Span(start, end, number) for start, end, number in find_numbers(text)])

    def _numbers(self, segment: Segment) -> list[Number]:
        return [span.value for span in self.spans(segment)]

    def normalize(self, segment: Segment, output: str) -> str:
        numbers = self._numbers(segment)
        if not numbers:
            return output
        readings = _readings(output)
        edits = []
        for number, index in zip(numbers, _match(numbers, readings), strict=True):
            if index is None:
                continue
            reading = readings[index]
            digits = re.match(r"[\d.,:  \u202f]+", reading.text)
            if digits is None:
                continue  # a number word: the model's wording stays
            written = digits.group().rstrip(".,: ")
            house = number.english.split(" ")[0].rstrip("%")
            if (" " in number.english) != (len(written) < len(reading.text.rstrip("s"))):
                continue  # one has a scale word (million), the other not: leave the digits
            if number.kind in ("number", "percent", "time") and written != house:
                if number.kind != "number" or any(c in written for c in ",.  \u202f"):
                    edits.append(Edit(reading.start, reading.start + len(written), house))
            if number.kind == "percent":
                tail = re.match(
                    r"\s*(?:%|per\s?cent\b|pct\b\.?)", output[reading.start + len(written) :]
                )
                if tail:
                    start = reading.start + len(written)
                    edits.append(Edit(start, start + len(tail.group()), "%"))
        return apply_edits(output, edits) if edits else output

    def check(self, segment: Segment, output: str) -> list[Problem]:
        numbers = self._numbers(segment)
        if not numbers:
            return []
        matched = _match(numbers, _readings(output))
        return [
            Problem(self.name, "missing", f"number '{n.english}' missing")
            for n, index in zip(numbers, matched, strict=True)
            if index is None
        ]

    def place(self, segment: Segment, output: str, alignment: Alignment) -> list[Edit]:
        numbers = self._numbers(segment)
        readings = _readings(output)
        matched = _match(numbers, readings)
        taken = {i for i in matched if i is not None}
        edits = []
        for span, index in zip(self.spans(segment), matched, strict=True):
            if index is not None:
                continue
            aligned = alignment.target_span(span.start, span.end, output)
            if aligned is None:
                continue
            # Only a number the model changed is replaced: never a word it wrote instead.
            inside = [
                i
                for i, r in enumerate(readings)
                if i not in taken and aligned[0] <= r.start and r.end <= aligned[1]
            ]
            if len(inside) == 1:
                reading = readings[inside[0]]
                taken.add(inside[0])
                edits.append(Edit(reading.start, reading.end, span.value.english))
        return edits
