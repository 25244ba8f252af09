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
from translator.guarantees.base import (
    Anchor,
    BaseGuarantee,
    Edit,
    Found,
    Problem,
    Segment,
    Span,
    apply_edits,
)
from translator.resources import data_lines

Kind = Literal["number", "percent", "time", "date", "ordinal", "code"]


@dataclass(frozen=True)
class Number:
    """A number of the Danish: its value, what it is, and its house-style English."""

    value: float
    kind: Kind
    english: str
    era: str = ""
    unit: str = ""  # between an ordinal and its era: century, millennium

    @property
    def written(self) -> str:
        """The whole English to write: the house-style number and its era."""
        return " ".join(part for part in (self.english, self.unit, self.era) if part)


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
        rf"(?:\s*(?P<percent>{_alternation(list(words['percent']))})(?!\w))?"
        rf"(?:\s*(?:(?P<unit>{_alternation(list(words['era-unit']))})\s+)?"
        rf"(?P<era>{_alternation(list(words['era']))})(?!\w))?",
    )


@functools.cache
def _code_pattern() -> re.Pattern[str]:
    """Digits glued to letters or dotted more than once (``802.11n``, ``2,4GHz``, ``4G``,
    ``1.2.3``): codes and units that must come out as written."""
    glued = r"\d+(?:[.,]\d+)*[A-Za-z]+\w*"
    dotted = r"(?!\d{1,3}(?:\.\d{3})+(?![\d.]))\d+(?:\.\d+){2,}(?!\d)"  # not 2.500.000
    timed = r"\d{1,2}(?::\d{2})+,\d+(?!\d)"  # a race time, 4:41,30: English 4:41.30
    return re.compile(rf"(?<![\w.,:])(?:{glued}|{dotted}|{timed})")


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
    codes = [m.span() for m in _code_pattern().finditer(text)]
    found = [
        (start, end, Number(math.nan, "code", re.sub(r"(?<=\d),(?=\d)", ".", text[start:end])))
        for start, end in codes
    ]
    for m in _source_pattern().finditer(text):
        if not any(a <= m.start("num") < b for a, b in codes):
            found.append(_number(m))
    return sorted(found, key=lambda f: f[0])


def _number(m: re.Match[str]) -> tuple[int, int, Number]:
    """The span and house-style English of one match of the Danish number pattern."""
    words = _words()
    digits = m.group("num")
    if m.group().startswith("kl") and re.fullmatch(r"\d{1,2}", digits) and int(digits) < 24:
        return m.start("num"), m.end("num"), Number(float(digits), "time", f"{int(digits)}:00")
    clock = re.fullmatch(r"(\d{1,2})[.:](\d{2})", digits)
    if clock:  # kl. 10.30, 10:30, and 10.30 alone: Danish writes times of day so
        hours, minutes = int(clock[1]), int(clock[2])
        if hours < 24 and minutes < 60:
            number = Number(hours + minutes / 100, "time", f"{clock[1]}:{clock[2]}")
            return m.start("num"), m.end("num"), number
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
    era, unit = _era(m)
    return m.start("num"), m.end("era") if era else end, Number(value, kind, english, era, unit)


def _era(m: re.Match[str]) -> tuple[str, str]:
    """The English era (``BC``) of a year matched, and the word between (``century``)."""
    if not m.group("era"):
        return "", ""
    words = _words()
    return words["era"][m.group("era")], words["era-unit"].get(m.group("unit") or "", "")


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
        values = _values(re.sub(r"[ \u00a0\u202f]", "", m.group("num")), m.group("suffix"))
        if m.group("scale"):
            factor = float(words["english-scale"][m.group("scale").lower()])
            values = {v * factor for v in values}
        readings.append(_Reading(m.start(), m.end(), tuple(values), m.group()))
    return readings


def _values(plain: str, suffix: str | None) -> set[float]:
    """The values English digits can mean: English or Danish separators, a clock time."""
    values = set()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?", plain):
        values.add(float(plain.replace(",", "")))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", plain):
        values.add(_danish_value(plain))
    clock = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", plain)
    meridiem = re.match(r"\s*([ap])", suffix or "", re.I)
    if clock and (clock[2] or meridiem):
        hours, minutes = int(clock[1]), int(clock[2] or 0) / 100
        if meridiem:  # 10 p.m. is a clock time only, never the number 10; but
            # "10:00 p.m." for the Danish 24-hour "10:00" is that time with a stray suffix
            values = {hours + minutes} if clock[2] else set()
            if meridiem[1].lower() == "p" and hours < 12 and not clock[1].startswith("0"):
                hours += 12  # 8.30 p.m.; "07:19 p.m." is a 24-hour time, its suffix stray
        values.add(hours + minutes)
    return values


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _match(numbers: Sequence[Number], readings: Sequence[_Reading]) -> list[int | None]:
    """For each number, the index of a distinct reading with its value (or ``None``)."""
    used: set[int] = set()
    matched: list[int | None] = []
    for number in numbers:
        if number.kind == "code":
            matched.append(None)
            continue
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


def _house_edits(number: Number, reading: _Reading, output: str) -> list[Edit]:
    """Edits that write the English ``reading`` of ``number`` in house style."""
    digits = re.match(r"[\d.,:  \u202f]+", reading.text)
    if digits is None:  # a number word the Danish wrote in digits: digits, as the Danish
        plain = number.kind == "number" and number.value == int(number.value)
        return [Edit(reading.start, reading.end, number.english)] if plain else []
    written = digits.group().rstrip(".,: ")
    house = number.english.split(" ")[0].rstrip("%")
    if number.kind == "time" and written != reading.text.rstrip(".,: "):
        # 10 p.m. -> 22:00; the dot of "p.m." that ends the sentence stays
        end = "." if reading.text.endswith(".") and not output[reading.end :].strip() else ""
        return [Edit(reading.start, reading.end, house + end)]
    if (" " in number.english) != (len(written) < len(reading.text.rstrip("s"))):
        return []  # one has a scale word (million), the other not: leave the digits
    edits = []
    if number.kind in ("number", "percent", "time") and written != house:
        if number.kind != "number" or any(c in written for c in ",.  \u202f"):
            edits.append(Edit(reading.start, reading.start + len(written), house))
    if number.kind == "percent":
        edits += _percent_sign(output, reading.start + len(written))
    return edits


def _percent_sign(output: str, start: int) -> list[Edit]:
    """``per cent`` or ``pct.`` after the digits at ``start`` written as ``%``."""
    tail = re.match(r"\s*(?:%|per\s?cent\b|pct\b\.?)", output[start:])
    return [Edit(start, start + len(tail.group()), "%")] if tail else []


def _code_in(code: str, output: str) -> re.Match[str] | None:
    """Where ``code`` is in ``output``, allowing a space before its letters and any case."""
    digits, letters = re.match(r"([\d.,]*)(.*)", code).groups()  # type: ignore[union-attr]
    spaced = re.escape(digits) + (r"\s?" + re.escape(letters) if digits and letters else "")
    return re.search(rf"(?<![\w.,]){spaced or re.escape(code)}(?!\w)", output, re.I)


def _era_missing(number: Number, reading: _Reading, output: str) -> bool:
    """Whether the English lost the era (``BC``) of a year of the Danish."""
    if not number.era:
        return False
    words = _words()
    written = re.match(
        rf"\s*(?:(?:{_alternation(list(words['english-era-unit']))})\s+)?"
        rf"({_alternation(list(words['english-era']))})(?!\w)",
        output[reading.end :],
    )
    return written is None or _words()["english-era"][written.group(1)] != number.era


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
            if number.kind == "code":
                found = _code_in(number.english, output)
                if found is not None and found.group() != number.english:
                    edits.append(Edit(found.start(), found.end(), number.english))
            elif index is not None:
                edits += _house_edits(number, readings[index], output)
        return apply_edits(output, edits) if edits else output

    def check(self, segment: Segment, output: str) -> list[Problem]:
        numbers = self._numbers(segment)
        if not numbers:
            return []
        readings = _readings(output)
        problems = []
        for n, index in zip(numbers, _match(numbers, readings), strict=True):
            if n.kind == "code":
                if _code_in(n.english, output) is None:
                    problems.append(Problem(self.name, "missing", f"'{n.english}' missing"))
            elif index is None:
                problems.append(Problem(self.name, "missing", f"number '{n.english}' missing"))
            elif _era_missing(n, readings[index], output):
                problems.append(Problem(self.name, "era", f"'{n.written}' lost its era"))
        return problems

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

    def anchors(self, segment: Segment, output: str, alignment: Alignment) -> list[Anchor]:
        numbers = self._numbers(segment)
        readings = _readings(output)
        matched = _match(numbers, readings)
        taken = {i for i in matched if i is not None}
        spans = self.spans(segment)
        found = []
        for number, (span, index) in enumerate(zip(spans, matched, strict=True)):
            value: Number = span.value
            item = f"{self.name}:{number}"
            if value.kind == "code" and _code_in(value.english, output):
                continue
            if index is not None:
                if _era_missing(value, readings[index], output):
                    found.append(Anchor(readings[index].start, value.written, item))
                continue
            text = _with_range(segment.text, spans, number)
            words = alignment.words(span.start, span.end, output)
            # A wrong number where the Danish one went is rewritten; else the number
            # goes where its words went, or beside its neighbours when they were dropped.
            wrong = [
                r.start
                for i, r in enumerate(readings)
                if i not in taken and any(a <= r.start < b for a, b in words)
            ]
            starts = wrong[:1] + [w[0] for w in words[:1]]
            starts = starts or alignment.near(span.start, span.end, segment.text, output)
            found += [Anchor(start, text, item) for start in dict.fromkeys(starts)]
        return found


def _with_range(source: str, spans: Sequence[Span], index: int) -> str:
    """The English of number ``index``, with the next one when a dash joins them
    (``1644-1912``): a model glues the two if only the first is forced."""
    this: Number = spans[index].value
    if index + 1 < len(spans):
        gap = source[spans[index].end : spans[index + 1].start]
        if re.fullmatch(r"\s?[-–]\s?", gap):
            return f"{this.written}{gap.strip()}{spans[index + 1].value.written}"
    return this.written
