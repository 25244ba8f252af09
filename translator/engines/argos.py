"""Argos Translate packages and CTranslate2 model folders run directly on CTranslate2.

``argostranslate.translate`` is never imported: it costs about 6 s and 750 MB (stanza,
torch, spacy) and splits sentences with a model it downloads. This engine decodes as
``argostranslate.translate`` does for the same package (target prefix, unknown-token
replacement, length penalty 0.2, beam 4), so a sentence gets the same English, but
sends all sentences in a few large token-based batches instead of one per paragraph.
Which files are the model and its tokenizer is read by :mod:`~translator.engines.layout`.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translator.engines.base import Alignment, Hypothesis
from translator.engines.layout import read_layout
from translator.engines.tokenizers import Spans
from translator.errors import EngineError, ModelLoadError

# A runaway decode (no </s>) is cut at LENGTH_RATIO × the input's tokens + LENGTH_SLACK.
LENGTH_RATIO = 3
LENGTH_SLACK = 10
# argostranslate's defaults, which decide the English a sentence gets.
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_MAX_DECODING_LENGTH = 256
END_TOKEN = "</s>"
# Beam width after a forced prefix: the prefix fixes the hard part, and a narrow beam
# halves the cost of a constrained repair (benchmarks/quality.py).
COMPLETION_BEAM = 2


class ArgosEngine:
    """Translate with an installed package's tokenizer and CTranslate2 model.

    Args:
        package_dir: The installed package folder (an Argos package: ``metadata.json``,
            ``model/`` and ``sentencepiece.model`` or ``bpe.model``), or a CTranslate2
            model folder with its SentencePiece model(s).
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
        max_batch_tokens: Tokens per CTranslate2 batch at most (a smaller call is cut
            into one batch per worker, so a repair of a few sentences uses every core).
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

        cores = os.cpu_count() or 1
        inter_threads = inter_threads or cores
        intra_threads = intra_threads or max(1, cores // inter_threads)
        self.package_dir = Path(package_dir)
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length or ARGOS_MAX_DECODING_LENGTH
        self.length_ratio = length_ratio
        self.max_batch_tokens = max_batch_tokens
        # Small calls are cut by the machine's cores, not this engine's workers, so a
        # Ray actor with one worker cuts them as the local engine does: a batch's
        # padding can change a decimal of the scores, and the outputs stay identical.
        self._split = cores
        try:
            self.layout = read_layout(self.package_dir)
            self.target_prefix: str = self.layout.target_prefix
            self._tokenizer = self.layout.tokenizer()
            self._translator = ctranslate2.Translator(
                str(self.layout.model_dir),
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
        for path in self.layout.files():
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

    def _decode(self, tokens: Sequence[str], underscores: bool) -> str:
        value = self._tokenizer.decode(tokens)
        if self._tokenizer.underscore_is_space and not underscores:
            # argostranslate's rule (some models write spaces as "_"), except where
            # the Danish had underscores of its own: URLs, e-mail addresses, hashtags.
            value = value.replace("_", " ")
        return value[1:] if value.startswith(" ") else value

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """Translate ``sentences``; one CTranslate2 call per output-length bound."""
        return [found[0].text for found in self.search(sentences)]

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        """Return up to ``candidates`` hypotheses per sentence, best first.

        Sentences are decoded in groups that share an output-length bound; one whose
        decoding hit its bound before the end of the sentence is decoded again with
        the full ``max_decoding_length``, and is marked unfinished if it still does.
        With ``alignment``, each hypothesis carries a word alignment taken from the
        decoder's attention.
        """
        encoded, spans = self._encode(sentences, alignment)
        results: list[list[Hypothesis]] = [[] for _ in sentences]
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(encoded):
            groups.setdefault(self._limit(len(tokens)), []).append(index)
        # Every group is queued at once, so the decoder's workers never wait for a
        # group's last batch; results are read (and their attention converted) one by one.
        calls = [
            (
                limit,
                indexes,
                self._submit([encoded[i] for i in indexes], limit, candidates, alignment),
            )
            for limit, indexes in sorted(groups.items())
        ]
        retry = [
            index
            for limit, indexes, pending in calls
            for index in self._collect(indexes, pending, results, spans, sentences)
            if limit < self.max_decoding_length
        ]
        if retry:
            batch = [encoded[i] for i in retry]
            pending = self._submit(batch, self.max_decoding_length, candidates, alignment)
            self._collect(retry, pending, results, spans, sentences)
        return results

    def _collect(
        self,
        indexes: list[int],
        pending: list[Any],
        results: list[list[Hypothesis]],
        spans: list[Spans | None],
        sentences: list[str],
    ) -> list[int]:
        """Read queued results into ``results``; return the indexes left unfinished."""
        unfinished = []
        for index, output in zip(indexes, pending, strict=True):
            results[index] = self._hypotheses(_result(output), spans[index], sentences[index])
            if not results[index][0].finished:
                unfinished.append(index)
        return unfinished

    def _encode(
        self, sentences: list[str], alignment: bool
    ) -> tuple[list[list[str]], list[Spans | None]]:
        """The pieces of each sentence, and (for alignment) their character spans."""
        if not alignment:
            return self.layout.source(self._tokenizer.encode(sentences)), [None] * len(sentences)
        encoded, spans = self._tokenizer.encode_spans(sentences)
        if self.layout.source_prefix:  # the language token attends to no word
            spans = [[(0, 0), *s] if s is not None else None for s in spans]
        return self.layout.source(encoded), spans

    def complete(self, sentences: list[str], prefixes: list[str]) -> list[Hypothesis]:
        """The best translation of each sentence that begins with its English prefix,
        with its alignment: the model writes the rest of the sentence itself."""
        encoded, spans = self._encode(sentences, True)
        forced = [self._target(pieces) for pieces in self._tokenizer.encode_target(prefixes)]
        longest = max((len(f) for f in forced), default=0)
        limit = max([self._limit(len(e)) for e in encoded] + [longest + LENGTH_SLACK])
        outputs = self._submit(
            encoded, min(limit, self.max_decoding_length), 1, True, forced, COMPLETION_BEAM
        )
        return [
            self._hypotheses(_result(output), source_spans, sentence)[0]
            for output, source_spans, sentence in zip(outputs, spans, sentences, strict=True)
        ]

    def score(self, sentences: list[str], outputs: list[str]) -> list[float]:
        """The model's mean log-probability per token of each output (its end included)."""
        source = self.layout.source(self._tokenizer.encode(sentences))
        target = [self._target(pieces) for pieces in self._tokenizer.encode_target(outputs)]
        try:
            results = self._translator.score_batch(
                source, target, max_batch_size=self._batch_tokens(target), batch_type="tokens"
            )
        except (RuntimeError, ValueError) as error:
            raise EngineError(problem=str(error)) from None
        skip = 1 if self.target_prefix else 0
        return [sum(r.log_probs[skip:]) / max(1, len(r.log_probs) - skip) for r in results]

    def _target(self, pieces: list[str]) -> list[str]:
        return [self.target_prefix, *pieces] if self.target_prefix else pieces

    def _submit(
        self,
        batch: list[list[str]],
        limit: int,
        candidates: int,
        alignment: bool,
        prefixes: list[list[str]] | None = None,
        beam: int | None = None,
    ) -> list[Any]:
        """Queue ``batch`` on the decoder's workers; one pending result per sentence."""
        options: dict[str, Any] = {}
        if prefixes is not None:
            options["target_prefix"] = prefixes
        elif self.target_prefix:
            options["target_prefix"] = [[self.target_prefix]] * len(batch)
        try:
            pending: list[Any] = self._translator.translate_batch(
                batch,
                max_batch_size=self._batch_tokens(batch),
                batch_type="tokens",
                asynchronous=True,
                beam_size=max(beam or self.beam_size, candidates),
                num_hypotheses=candidates,
                length_penalty=ARGOS_LENGTH_PENALTY,
                replace_unknowns=True,
                max_decoding_length=limit,
                max_input_length=0,  # never cut the input; long sentences are split first
                return_end_token=True,
                return_scores=candidates > 1,
                return_attention=alignment,
                **options,
            )
        except (RuntimeError, ValueError) as error:
            raise EngineError(problem=str(error)) from None
        return pending

    def _batch_tokens(self, batch: Sequence[Sequence[str]]) -> int:
        """Tokens per decoding batch: ``max_batch_tokens``, or less for a small call
        (a repair), so that it still splits over every worker instead of one."""
        share = -(-sum(len(tokens) for tokens in batch) // self._split)
        return max(1, min(self.max_batch_tokens, share))

    def _hypotheses(
        self, output: Any, source_spans: Spans | None, sentence: str
    ) -> list[Hypothesis]:
        found = []
        for rank, tokens in enumerate(output.hypotheses):
            finished = bool(tokens) and tokens[-1] == END_TOKEN
            pieces = tokens[:-1] if finished else tokens
            rows = output.attention[rank] if output.attention else None
            if self.target_prefix and pieces[:1] == [self.target_prefix]:
                pieces, rows = pieces[1:], rows[1:] if rows else rows
            text = self._decode(pieces, "_" in sentence)
            score = float(output.scores[rank]) if output.scores else None
            links = None
            if source_spans is not None and rows:
                links = self._align(pieces, rows, source_spans, text)
            found.append(Hypothesis(text, score, finished, links))
        return found

    def _align(
        self,
        pieces: Sequence[str],
        attention: Sequence[Sequence[float]],
        source_spans: Spans,
        text: str,
    ) -> Alignment | None:
        """Link each target piece to the source piece it attends to most."""
        spans = self._tokenizer.target_spans(pieces, text)
        if spans is None:
            return None
        links = []
        for (t0, t1), row in zip(spans, attention, strict=False):
            weights = list(row[: len(source_spans)])
            if not weights:
                continue
            best = max(range(len(weights)), key=weights.__getitem__)
            s0, s1 = source_spans[best]
            links.append((s0, s1, t0, t1))
        return Alignment(tuple(links))


def _result(pending: Any) -> Any:
    """A queued decoding's result; its failure as an :class:`EngineError`."""
    try:
        return pending.result()
    except (RuntimeError, ValueError) as error:
        raise EngineError(problem=str(error)) from None
