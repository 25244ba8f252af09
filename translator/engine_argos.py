"""Argos Translate packages run directly on SentencePiece and CTranslate2.

``argostranslate.translate`` is never imported: it costs about 6 s and 750 MB (stanza,
torch, spacy) and splits sentences with a model it downloads. This engine decodes as
``argostranslate.translate`` does for the same package (target prefix, unknown-token
replacement, length penalty 0.2, beam 4), so a sentence gets the same English, but
sends all sentences in a few large token-based batches instead of one per paragraph.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translator.errors import EngineError, ModelLoadError

# A runaway decode (no </s>) is cut at LENGTH_RATIO × the input's tokens + LENGTH_SLACK.
LENGTH_RATIO = 3
LENGTH_SLACK = 10
# argostranslate's defaults, which decide the English a sentence gets.
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_MAX_DECODING_LENGTH = 256


class ArgosEngine:
    """Translate with an installed Argos package's SentencePiece and CTranslate2 models.

    Args:
        package_dir: The installed package folder (with ``metadata.json``, ``model/``
            and ``sentencepiece.model``).
        beam_size: Beam width (argostranslate uses 4).
        max_decoding_length: Hard cap on output tokens per sentence (default 256, as
            CTranslate2 and argostranslate).
        length_ratio: Cap output tokens at this many times the input's, plus a slack
            of 10, so a runaway decode cannot stall an article; ``None`` turns it off.
        compute_type: CTranslate2 compute type (``auto``, ``int8``, ``float32`` …).
        device: ``cpu`` or ``cuda``.
        inter_threads: Batches decoded in parallel (0: one per core).
        intra_threads: Threads per batch (0: the cores left per batch, at least 1).
            On 2 cores, 2 × 1 decodes about 1.5× faster than CTranslate2's 1 × 2
            (benchmarks/throughput.py), since one batch's matrices are too small to split.
        max_batch_tokens: Tokens per CTranslate2 batch.
    """

    def __init__(
        self,
        package_dir: str | os.PathLike[str],
        *,
        beam_size: int = 4,
        max_decoding_length: int | None = None,
        length_ratio: float | None = LENGTH_RATIO,
        compute_type: str = "auto",
        device: str = "cpu",
        inter_threads: int = 0,
        intra_threads: int = 0,
        max_batch_tokens: int = 1024,
    ) -> None:
        import ctranslate2
        import sentencepiece

        cores = os.cpu_count() or 1
        inter_threads = inter_threads or cores
        intra_threads = intra_threads or max(1, cores // inter_threads)
        self.package_dir = Path(package_dir)
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length or ARGOS_MAX_DECODING_LENGTH
        self.length_ratio = length_ratio
        self.max_batch_tokens = max_batch_tokens
        try:
            metadata = json.loads((self.package_dir / "metadata.json").read_text("utf-8"))
            self.target_prefix: str = metadata.get("target_prefix", "")
            self._sp = sentencepiece.SentencePieceProcessor(
                model_file=str(self.package_dir / "sentencepiece.model")
            )
            self._translator = ctranslate2.Translator(
                str(self.package_dir / "model"),
                device=device,
                compute_type=compute_type,
                inter_threads=inter_threads,
                intra_threads=intra_threads,
            )
        except (OSError, ValueError, RuntimeError) as error:
            raise ModelLoadError(path=self.package_dir, problem=str(error)) from None

    @functools.cached_property
    def fingerprint(self) -> str:
        """A checksum of the model files and the decoding options (translation memory key)."""
        digest = hashlib.sha256()
        for name in (
            "metadata.json",
            "sentencepiece.model",
            "model/config.json",
            "model/model.bin",
        ):
            path = self.package_dir / name
            if path.exists():
                with open(path, "rb") as data:
                    while chunk := data.read(1 << 20):
                        digest.update(chunk)
        options = f"beam={self.beam_size};max={self.max_decoding_length};ratio={self.length_ratio}"
        return f"{digest.hexdigest()[:32]};{options}"

    def _limit(self, tokens: int) -> int:
        if self.length_ratio is None:
            return self.max_decoding_length
        bound = int(self.length_ratio * tokens) + LENGTH_SLACK
        # Round up to a power of two so sentences share a few decoding calls.
        return min(self.max_decoding_length, 1 << (bound - 1).bit_length())

    def _decode(self, tokens: Sequence[str]) -> str:
        value: str = self._sp.decode_pieces(list(tokens)).replace("▁", " ").replace("_", " ")
        if self.target_prefix and value.startswith(self.target_prefix):
            value = value[len(self.target_prefix) :]
        return value[1:] if value.startswith(" ") else value

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """Translate ``sentences``; one CTranslate2 call per output-length bound."""
        encoded: list[list[str]] = self._sp.encode(sentences, out_type=str)
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(encoded):
            groups.setdefault(self._limit(len(tokens)), []).append(index)
        results = [""] * len(sentences)
        for limit, indexes in sorted(groups.items()):
            batch = [encoded[i] for i in indexes]
            options: dict[str, Any] = {}
            if self.target_prefix:
                options["target_prefix"] = [[self.target_prefix]] * len(batch)
            try:
                outputs = self._translator.translate_batch(
                    batch,
                    max_batch_size=self.max_batch_tokens,
                    batch_type="tokens",
                    beam_size=self.beam_size,
                    num_hypotheses=1,
                    length_penalty=ARGOS_LENGTH_PENALTY,
                    replace_unknowns=True,
                    max_decoding_length=limit,
                    **options,
                )
            except (RuntimeError, ValueError) as error:
                raise EngineError(problem=str(error)) from None
            for index, output in zip(indexes, outputs, strict=True):
                results[index] = self._decode(output.hypotheses[0])
        return results
