"""Deterministic fake engines that damage their input the way NMT models do.

Each engine decides what to damage from a checksum of the input string, so the same
input always gets the same damage, as with a real model.
"""

from __future__ import annotations

import re
import zlib

_CAPITALISED = re.compile(r"\b[A-ZÆØÅ][\w'’-]*")
_QUOTES = re.compile(r"[\"„“”»«‘’']")


def _seed(sentence: str) -> int:
    return zlib.crc32(sentence.encode("utf-8"))


class DamagingEngine:
    """Base: ``damage`` one sentence; ``translate_batch`` maps it over a batch."""

    name = "base"

    def damage(self, sentence: str, seed: int) -> str:
        raise NotImplementedError

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [self.damage(s, _seed(s)) for s in sentences]

    def __repr__(self) -> str:
        return self.name


class Recaser(DamagingEngine):
    """Lower-cases or title-cases every other capitalised word (NATO → nato, Nato)."""

    name = "recaser"

    def damage(self, sentence: str, seed: int) -> str:
        def change(m: re.Match[str]) -> str:
            word = m.group()
            if (seed + m.start()) % 2:
                return word
            return word.lower() if seed % 3 else word.title()

        return _CAPITALISED.sub(change, sentence)


class Dropper(DamagingEngine):
    """Drops some capitalised words."""

    name = "dropper"

    def damage(self, sentence: str, seed: int) -> str:
        return _CAPITALISED.sub(
            lambda m: "" if (seed + m.start()) % 3 == 0 else m.group(), sentence
        )


class Duplicator(DamagingEngine):
    """Repeats some capitalised words."""

    name = "duplicator"

    def damage(self, sentence: str, seed: int) -> str:
        return _CAPITALISED.sub(
            lambda m: f"{m.group()} {m.group()}" if (seed + m.start()) % 2 else m.group(), sentence
        )


class Untranslator(DamagingEngine):
    """Turns English names back into their Danish spelling (Zelensky → Zelenskyj)."""

    name = "untranslator"
    BACK = {
        "NATO": "Nato",
        "Zelensky": "Zelenskyj",
        "UN": "FN",
        "Kyiv": "Kijev",
        "Moscow": "Moskva",
    }

    def damage(self, sentence: str, seed: int) -> str:
        for english, danish in self.BACK.items():
            sentence = re.sub(rf"\b{english}\b", danish, sentence)
        return sentence


class QuoteDropper(DamagingEngine):
    """Drops quotation marks."""

    name = "quote-dropper"

    def damage(self, sentence: str, seed: int) -> str:
        return _QUOTES.sub("", sentence) if seed % 4 else sentence.replace('"', "", 1)


class QuoteReplacer(DamagingEngine):
    """Replaces quotation marks with other marks, or with apostrophes."""

    name = "quote-replacer"

    def damage(self, sentence: str, seed: int) -> str:
        table = str.maketrans({'"': "«", "„": "'", "“": '"', "»": "“", "«": "'"})
        return sentence.translate(table)


class QuoteMover(DamagingEngine):
    """Moves each quotation mark to the end of the sentence."""

    name = "quote-mover"

    def damage(self, sentence: str, seed: int) -> str:
        found = _QUOTES.findall(sentence)
        return _QUOTES.sub("", sentence) + "".join(found) if found else sentence


class Debris(DamagingEngine):
    """Leaves placeholder debris behind and mangles names."""

    name = "debris"

    def damage(self, sentence: str, seed: int) -> str:
        junk = ["⟦1⟧", "__T0__", "###T01###"][seed % 3]
        words = sentence.split(" ")
        words.insert(seed % (len(words) + 1), junk)
        return " ".join(words)


ALL = [
    Recaser(),
    Dropper(),
    Duplicator(),
    Untranslator(),
    QuoteDropper(),
    QuoteReplacer(),
    QuoteMover(),
    Debris(),
]
