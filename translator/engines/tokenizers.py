"""Subword tokenizers of CTranslate2 models: pieces in, pieces out, with character spans.

An engine needs four things of a tokenizer: the source's pieces (with each piece's
character span, for the decoder's alignment), English in the *target* vocabulary (for a
forced prefix and for scoring), the English text of decoded pieces, and each decoded
piece's span in that text. Two kinds exist in the packages users install:

- :class:`SentencePieceTokenizer`: one shared model (Argos packages), a source model
  only while the decoder writes pieces of another vocabulary (the OPUS-MT port that
  Argos's da→en is), or separate source and target models (quickmt, OPUS-MT
  conversions);
- :class:`BPETokenizer`: Moses tokenization and subword-nmt BPE (``bpe.model``), as
  argostranslate decodes such packages.

``sentencepiece`` and ``sacremoses`` are imported only when a tokenizer is made.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Collection, Sequence
from typing import Any, Protocol

Spans = list[tuple[int, int]]

_SPACE = "▁"


class Tokenizer(Protocol):
    """What an engine asks of a model's tokenizer."""

    #: Whether argostranslate reads ``_`` in this tokenizer's output as a space.
    underscore_is_space: bool

    def encode(self, sentences: list[str]) -> list[list[str]]:
        """The source pieces of each sentence."""
        ...

    def encode_spans(self, sentences: list[str]) -> tuple[list[list[str]], list[Spans | None]]:
        """The source pieces of each sentence and their character spans (None: unknown)."""
        ...

    def encode_target(self, texts: list[str]) -> list[list[str]]:
        """English texts as pieces of the target vocabulary."""
        ...

    def decode(self, pieces: Sequence[str]) -> str:
        """The text of decoded target pieces."""
        ...

    def target_spans(self, pieces: Sequence[str], text: str) -> Spans | None:
        """Each decoded piece's character span in ``text`` (None: no reliable offsets)."""
        ...


class SentencePieceTokenizer:
    """SentencePiece source (and optionally target) models.

    Args:
        source: The source SentencePiece model file.
        target: The target model file; ``None`` when the source model is shared.
        target_vocabulary: The decoder's vocabulary, when it is not the source model's
            (the OPUS-MT port): English is then fitted into it piece by piece.
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        target: str | os.PathLike[str] | None = None,
        target_vocabulary: Collection[str] | None = None,
    ) -> None:
        import sentencepiece

        self._source = sentencepiece.SentencePieceProcessor(model_file=str(source))
        self._target = (
            sentencepiece.SentencePieceProcessor(model_file=str(target)) if target else self._source
        )
        self._vocabulary = set(target_vocabulary) if target_vocabulary and not target else None

    def encode(self, sentences: list[str]) -> list[list[str]]:
        pieces: list[list[str]] = self._source.encode(sentences, out_type=str)
        return pieces

    def encode_spans(self, sentences: list[str]) -> tuple[list[list[str]], list[Spans | None]]:
        protos = self._source.encode(sentences, return_type="proto")
        encoded = [[p.piece for p in proto.pieces] for proto in protos]
        spans: list[Spans | None] = [
            _char_spans(s, proto) for s, proto in zip(sentences, protos, strict=True)
        ]
        return encoded, spans

    def encode_target(self, texts: list[str]) -> list[list[str]]:
        encoded: list[list[str]] = self._target.encode(texts, out_type=str)
        if self._vocabulary is None:
            return encoded
        return [fit(pieces, self._vocabulary) for pieces in encoded]

    underscore_is_space = True

    def decode(self, pieces: Sequence[str]) -> str:
        # As argostranslate: SentencePiece's own decoding, then ▁ as a space (the
        # engine reads "_" as a space too, where the source had none).
        text: str = self._target.decode_pieces(list(pieces))
        return text.replace(_SPACE, " ")

    def target_spans(self, pieces: Sequence[str], text: str) -> Spans | None:
        spans = []
        offset = 0
        for piece in pieces:
            surface = piece.replace(_SPACE, " ")
            spans.append((offset, offset + len(surface)))
            offset += len(surface)
        joined = "".join(piece.replace(_SPACE, " ") for piece in pieces)
        shift = len(joined) - len(joined.lstrip(" "))
        if joined[shift:] != text:
            return None  # byte pieces or unknowns: no reliable character offsets
        return [(max(0, a - shift), max(0, b - shift)) for a, b in spans]


def fit(pieces: Sequence[str], vocabulary: Collection[str]) -> list[str]:
    """``pieces`` re-cut into pieces of ``vocabulary``: each piece the decoder does not
    know is split into the longest known pieces, left to right (a character it does not
    know at all stays, and becomes the model's unknown token)."""
    fitted: list[str] = []
    for piece in pieces:
        if piece in vocabulary:
            fitted.append(piece)
            continue
        start = 0
        while start < len(piece):
            end = next(
                (e for e in range(len(piece), start + 1, -1) if piece[start:e] in vocabulary),
                start + 1,
            )
            fitted.append(piece[start:end])
            start = end
    return fitted


def _char_spans(sentence: str, proto: Any) -> Spans:
    """Character offsets of each piece of ``proto`` (SentencePiece gives byte offsets)."""
    chars = []
    for index, char in enumerate(sentence):
        chars.extend([index] * len(char.encode("utf-8")))
    chars.append(len(sentence))
    return [
        (chars[min(p.begin, len(chars) - 1)], chars[min(p.end, len(chars) - 1)])
        for p in proto.pieces
    ]


class BPETokenizer:
    """Moses tokenization and subword-nmt BPE, as argostranslate runs ``bpe.model``.

    Args:
        codes: The BPE codes file (``bpe.model``).
        from_code: The source language (Moses's tokenizer rules).
        to_code: The target language (Moses's detokenizer rules).
    """

    underscore_is_space = False

    def __init__(self, codes: str | os.PathLike[str], from_code: str, to_code: str) -> None:
        from argostranslate.apply_bpe import BPE
        from sacremoses.normalize import MosesPunctNormalizer
        from sacremoses.tokenize import MosesDetokenizer, MosesTokenizer

        with open(codes, encoding="utf-8") as file:
            self._bpe = BPE(file)
        self._tokenizers = {from_code: MosesTokenizer(from_code), to_code: MosesTokenizer(to_code)}
        self._normalizers = {from_code: MosesPunctNormalizer(from_code)}
        self._normalizers.setdefault(to_code, MosesPunctNormalizer(to_code))
        self._detokenizer = MosesDetokenizer(to_code)
        self._from, self._to = from_code, to_code

    def _pieces(self, text: str, language: str) -> list[str]:
        normalized = self._normalizers[language].normalize(text)
        tokenized = " ".join(self._tokenizers[language].tokenize(normalized))
        pieces: list[str] = self._bpe.segment_tokens(tokenized.strip("\r\n ").split(" "))
        return pieces

    def encode(self, sentences: list[str]) -> list[list[str]]:
        return [self._pieces(s, self._from) for s in sentences]

    def encode_spans(self, sentences: list[str]) -> tuple[list[list[str]], list[Spans | None]]:
        encoded = self.encode(sentences)
        return encoded, [_search_spans(p, s) for p, s in zip(encoded, sentences, strict=True)]

    def encode_target(self, texts: list[str]) -> list[list[str]]:
        return [self._pieces(t, self._to) for t in texts]

    def decode(self, pieces: Sequence[str]) -> str:
        words = " ".join(pieces).replace("@@ ", "").split(" ")
        text: str = self._detokenizer.detokenize(words)
        return text

    def target_spans(self, pieces: Sequence[str], text: str) -> Spans | None:
        return _search_spans(pieces, text)


def _surface(piece: str) -> str:
    """What a Moses/BPE piece is in text: without the joiner, unescaped."""
    return html.unescape(piece[:-2] if piece.endswith("@@") else piece)


def _search_spans(pieces: Sequence[str], text: str) -> Spans | None:
    """The span of each piece, found left to right in ``text`` (Moses changed the text
    it tokenized, so offsets are searched for); None when too few are found."""
    spans = []
    cursor = found = 0
    for piece in pieces:
        surface = _surface(piece)
        at = text.find(surface, cursor, cursor + len(surface) + 8) if surface else -1
        if at < 0:  # normalised punctuation (» → "): the next characters stand for it
            skipped = re.match(r"\s*", text[cursor:])
            at = cursor + (skipped.end() if skipped else 0)
            end = min(len(text), at + max(1, len(surface)))
        else:
            found += 1
            end = at + len(surface)
        spans.append((at, end))
        cursor = end
    return spans if pieces and found >= len(pieces) / 2 else None
