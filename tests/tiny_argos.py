"""Build a small but real Argos Translate package: SentencePiece + CTranslate2 Transformer.

The weights are random (seeded), so the English is nonsense, but every byte goes
through the real code: SentencePiece trained with its own API on Danish text, a
Transformer written with ``ctranslate2.specs``, zipped as ``.argosmodel`` the way
Argos packages are. The benchmark builds a base-size one with the same function.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE_NAME = "translate-da_en-0_1"


def _fill(spec: object, rng: np.random.Generator, d_model: int, ffn: int, vocab: int) -> None:
    """Give every required weight of a CTranslate2 layer spec a seeded random value."""
    from ctranslate2.specs import model_spec

    for name, value in list(vars(spec).items()):
        if isinstance(value, model_spec.LayerSpec):
            _fill(value, rng, d_model, ffn, vocab)
        elif isinstance(value, list) and value and isinstance(value[0], model_spec.LayerSpec):
            for layer in value:
                _fill(layer, rng, d_model, ffn, vocab)
        elif value is None:
            setattr(spec, name, _weight(spec, name, rng, d_model, ffn, vocab))


def _weight(
    spec: object, name: str, rng: np.random.Generator, d_model: int, ffn: int, vocab: int
) -> np.ndarray:
    from ctranslate2.specs import common_spec

    if isinstance(spec, common_spec.LayerNormSpec):
        return np.ones(d_model, np.float32) if name == "gamma" else np.zeros(d_model, np.float32)
    if isinstance(spec, common_spec.EmbeddingsSpec):
        return rng.normal(0, 0.5, (vocab, d_model)).astype(np.float32)
    return np.zeros(0, np.float32)  # replaced by _linear below


def _linear(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    return rng.normal(0, 1 / np.sqrt(cols), (rows, cols)).astype(np.float32)


def build_model(
    output_dir: Path,
    vocabulary: list[str],
    *,
    layers: int = 2,
    d_model: int = 32,
    ffn: int = 64,
    heads: int = 2,
    eos_bias: float = 2.0,
    quantization: str | None = None,
    seed: int = 0,
    target_vocabulary: list[str] | None = None,
    config: dict[str, object] | None = None,
) -> None:
    """Write a random CTranslate2 Transformer over ``vocabulary`` to ``output_dir``.

    ``eos_bias`` raises the logit of ``</s>`` so beams end after a few tokens, as a
    trained model's do. ``target_vocabulary``: the decoder's own (OPUS-MT models);
    ``config``: CTranslate2 config fields (Marian's ``decoder_start_token`` …).
    """
    rng = np.random.default_rng(seed)
    target = target_vocabulary or vocabulary
    spec = _random_spec(rng, layers, d_model, ffn, heads, len(vocabulary), len(target))
    spec.decoder.projection.weight = _linear(rng, len(target), d_model)
    bias = np.zeros(len(target), np.float32)
    bias[target.index("</s>")] = eos_bias
    spec.decoder.projection.bias = bias
    for key, value in (config or {}).items():
        setattr(spec.config, key, value)
    _save(spec, vocabulary, output_dir, quantization, target)


def _random_spec(
    rng: np.random.Generator,
    layers: int,
    d_model: int,
    ffn: int,
    heads: int,
    vocab: int,
    target_vocab: int | None = None,
) -> Any:
    """A Transformer spec with every weight seeded-random."""
    from ctranslate2.specs import transformer_spec

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    _fill(spec, rng, d_model, ffn, vocab)
    if target_vocab is not None and target_vocab != vocab:
        spec.decoder.embeddings.weight = rng.normal(0, 0.5, (target_vocab, d_model)).astype(
            np.float32
        )
    for stack in (spec.encoder, spec.decoder):
        for layer in stack.layer:
            layer.self_attention.linear[0].weight = _linear(rng, 3 * d_model, d_model)
            layer.self_attention.linear[1].weight = _linear(rng, d_model, d_model)
            layer.ffn.linear_0.weight = _linear(rng, ffn, d_model)
            layer.ffn.linear_1.weight = _linear(rng, d_model, ffn)
        for layer in stack.layer if stack is spec.decoder else []:
            layer.attention.linear[0].weight = _linear(rng, d_model, d_model)
            layer.attention.linear[1].weight = _linear(rng, 2 * d_model, d_model)
            layer.attention.linear[2].weight = _linear(rng, d_model, d_model)
    return spec


def _save(
    spec: Any,
    vocabulary: list[str],
    output_dir: Path,
    quantization: str | None,
    target_vocabulary: list[str] | None = None,
) -> None:
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(target_vocabulary or vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization)
    output_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(output_dir))


def build_copy_model(
    output_dir: Path,
    vocabulary: list[str],
    *,
    layers: int = 2,
    d_model: int = 32,
    ffn: int = 64,
    heads: int = 2,
    quantization: str | None = None,
    seed: int = 0,
    max_positions: int = 1024,
) -> None:
    """Write a Transformer that copies its input (nearly always exactly), weights set by hand.

    It behaves the way a trained model does where it matters for speed and for the
    checks: the output is as long as the input and ends with </s>, and it keeps
    quotation marks and names. Every layer still computes at full size; only the first
    decoder layer's cross-attention and the output projection carry the copy:

    - positions are random unit vectors in the first head's worth of dimensions, so a
      decoder step's query matches the encoder position with the same index;
    - tokens are random vectors in the other dimensions; every other sub-layer writes
      zeros into the residual stream, so the encoder passes tokens through;
    - each head carries its share of the token dimensions from the matched position
      into the decoder, and the output projection reads the token back.
    """
    rng = np.random.default_rng(seed)
    vocab, d, head = len(vocabulary), d_model, d_model // heads
    share = (d - head) // heads  # token dimensions each head carries
    spec = _random_spec(rng, layers, d, ffn, heads, vocab)
    positions = rng.normal(0, 1, (max_positions, head))
    positions /= np.linalg.norm(positions, axis=1, keepdims=True)
    tokens = rng.normal(0, 1, (vocab, d - head))
    tokens /= np.linalg.norm(tokens, axis=1, keepdims=True)
    scale = np.sqrt(d / 2)
    position_table = np.zeros((max_positions, d), np.float32)
    position_table[:, :head] = positions * scale
    embeddings = np.zeros((vocab, d), np.float32)
    embeddings[:, head:] = tokens * scale
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = position_table
        for layer in stack.layer:  # every sub-layer but one writes zeros: a pass-through
            layer.self_attention.linear[1].weight = np.zeros((d, d), np.float32)
            layer.ffn.linear_1.weight = np.zeros((d, ffn), np.float32)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = np.zeros((vocab, d), np.float32)
    for number, layer in enumerate(spec.decoder.layer):
        out = np.zeros((d, d), np.float32)
        if number == 0:
            query = np.zeros((d, d), np.float32)
            keys_values = np.zeros((2 * d, d), np.float32)
            for h in range(heads):
                for j in range(head):
                    query[h * head + j, j] = keys_values[h * head + j, j] = 2.0
                for j in range(share):
                    keys_values[d + h * head + j, head + h * share + j] = 1.0
                    out[head + h * share + j, h * head + j] = 4.0
            layer.attention.linear[0].weight = query
            layer.attention.linear[1].weight = keys_values
        layer.attention.linear[2].weight = out
    projection = np.zeros((vocab, d), np.float32)
    projection[:, head:] = tokens * 12.0
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = np.zeros(vocab, np.float32)
    spec.config.add_source_eos = True  # so that </s> is copied and decoding ends
    _save(spec, vocabulary, output_dir, quantization)


def train_sentencepiece(text: str, model_prefix: Path, vocab_size: int = 400) -> list[str]:
    """Train a SentencePiece model on ``text``; return its vocabulary in id order."""
    import sentencepiece

    sentences = [line for line in text.splitlines() if line.strip()]
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(model_prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        bos_id=1,
        eos_id=2,
        unk_id=0,
        pad_id=-1,
        minloglevel=2,
        hard_vocab_limit=False,
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=f"{model_prefix}.model")
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_package(
    work_dir: Path,
    training_text: str,
    *,
    from_code: str = "da",
    vocab_size: int = 400,
    copy: bool = False,
    **model_options: object,
) -> Path:
    """Build ``<from_code>→en`` as ``work_dir/<name>.argosmodel`` and return its path.

    ``copy``: a model that copies its input (:func:`build_copy_model`) instead of one
    with random weights (:func:`build_model`).
    """
    name = PACKAGE_NAME.replace("da_", f"{from_code}_")
    package_dir = work_dir / name
    package_dir.mkdir(parents=True)
    vocabulary = train_sentencepiece(training_text, package_dir / "sentencepiece", vocab_size)
    (package_dir / "sentencepiece.vocab").unlink()
    build = build_copy_model if copy else build_model
    build(package_dir / "model", vocabulary, **model_options)  # type: ignore[arg-type]
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.0",
        "from_code": from_code,
        "from_name": {"da": "Danish"}.get(from_code, from_code),
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
    }
    (package_dir / "metadata.json").write_text(json.dumps(metadata, indent=2), "utf-8")
    (package_dir / "README.md").write_text("Tiny random test model for translator.\n", "utf-8")
    archive = work_dir / f"{name}.argosmodel"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(package_dir.rglob("*")):
            zipped.write(path, path.relative_to(work_dir).as_posix())
    archive.write_bytes(buffer.getvalue())
    return archive


# -- the layouts users install ------------------------------------------------------------

#: How each layout's files are named and what its model reads.
LAYOUTS = ("opus-mt-port", "bpe", "separate-spm", "ct2-folder", "nllb")


def _zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            zipped.write(path, path.relative_to(folder.parent).as_posix())
    return archive


def _metadata(from_code: str = "da") -> dict[str, object]:
    return {
        "package_version": "0.2",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "Danish",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
    }


def learn_bpe(text: str, merges: int = 300) -> list[tuple[str, str]]:
    """subword-nmt's BPE learning, small: the ``merges`` most frequent symbol pairs of the
    Moses tokens of ``text``, words ending in ``</w>``."""
    from collections import Counter

    from sacremoses.tokenize import MosesTokenizer

    tokenizer = MosesTokenizer("da")
    words = Counter(w for line in text.splitlines() for w in tokenizer.tokenize(line))
    vocab = {tuple(w[:-1]) + (w[-1] + "</w>",): c for w, c in words.items()}
    codes: list[tuple[str, str]] = []
    for _ in range(merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, count in vocab.items():
            for pair in zip(word, word[1:], strict=False):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], p))
        codes.append(best)
        merged: dict[tuple[str, ...], int] = {}
        for word, count in vocab.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        vocab = merged
    return codes


def build_layout(work_dir: Path, layout: str, danish: str, english: str) -> Path:
    """A tiny real model in one of :data:`LAYOUTS`; its ``.argosmodel`` or folder.

    - ``opus-mt-port``: as Argos's da→en 1.9 is built (ct2-marian-converter): the
      package's ``sentencepiece.model`` is the *source* model, the decoder writes pieces
      of an English vocabulary, a Marian-style config, a ``stanza/`` folder;
    - ``bpe``: ``bpe.model`` (subword-nmt codes over Moses tokens), as older packages;
    - ``separate-spm``: an Argos package with ``target.sentencepiece.model`` beside;
    - ``ct2-folder``: a bare CTranslate2 folder as quickmt ships them (``model.bin``,
      ``config.json``, vocabularies, ``src.spm.model``, ``tgt.spm.model``);
    - ``nllb``: a multilingual CTranslate2 folder as NLLB-200 converts (one
      ``sentencepiece.bpe.model``, language tokens ``dan_Latn``, ``eng_Latn`` …).
    """
    name = {"ct2-folder": "quickmt-da-en", "nllb": "nllb-tiny"}.get(
        layout, f"translate-da_en-{layout}"
    )
    folder = work_dir / name
    folder.mkdir(parents=True)
    marian = {"decoder_start_token": "</s>", "add_source_eos": True}
    if layout == "bpe":
        codes = learn_bpe(danish + "\n" + english)
        (folder / "bpe.model").write_text(
            "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in codes), "utf-8"
        )
        from translator.engines.tokenizers import BPETokenizer

        tokenizer = BPETokenizer(folder / "bpe.model", "da", "en")
        pieces = tokenizer.encode(danish.splitlines()) + tokenizer.encode_target(
            english.splitlines()
        )
        vocabulary = ["<unk>", "<s>", "</s>", *dict.fromkeys(p for s in pieces for p in s)]
        build_model(folder / "model", vocabulary, eos_bias=4.0)
    elif layout == "nllb":
        shared = train_sentencepiece(danish + "\n" + english, folder / "sentencepiece.bpe", 400)
        (folder / "sentencepiece.bpe.vocab").unlink()
        languages = ["dan_Latn", "eng_Latn", "nob_Latn", "swe_Latn"]
        build_model(folder, [*shared, *languages], eos_bias=4.0)
        return folder
    else:
        source = train_sentencepiece(danish, work_dir / f"{name}-source", 400)
        target = train_sentencepiece(english, work_dir / f"{name}-target", 300)
        target_dir = folder if layout == "ct2-folder" else folder / "model"
        build_model(target_dir, source, target_vocabulary=target, config=marian, eos_bias=4.0)
        files = {
            "opus-mt-port": ("sentencepiece.model", None),
            "separate-spm": ("sentencepiece.model", "target.sentencepiece.model"),
            "ct2-folder": ("src.spm.model", "tgt.spm.model"),
        }[layout]
        (work_dir / f"{name}-source.model").rename(folder / files[0])
        if files[1]:
            (work_dir / f"{name}-target.model").rename(folder / files[1])
    if layout == "ct2-folder":
        return folder
    (folder / "metadata.json").write_text(json.dumps(_metadata(), indent=2), "utf-8")
    if layout == "opus-mt-port":
        (folder / "stanza" / "da").mkdir(parents=True)
        (folder / "stanza" / "da" / "default.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return _zip_folder(folder, work_dir / f"{name}.argosmodel")
