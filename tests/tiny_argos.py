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
) -> None:
    """Write a random CTranslate2 Transformer over ``vocabulary`` to ``output_dir``.

    ``eos_bias`` raises the logit of ``</s>`` so beams end after a few tokens, as a
    trained model's do.
    """
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    vocab = len(vocabulary)
    _fill(spec, rng, d_model, ffn, vocab)
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
    spec.decoder.projection.weight = _linear(rng, vocab, d_model)
    bias = np.zeros(vocab, np.float32)
    bias[vocabulary.index("</s>")] = eos_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization)
    output_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(output_dir))


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
    **model_options: object,
) -> Path:
    """Build ``<from_code>→en`` as ``work_dir/<name>.argosmodel`` and return its path."""
    name = PACKAGE_NAME.replace("da_", f"{from_code}_")
    package_dir = work_dir / name
    package_dir.mkdir(parents=True)
    vocabulary = train_sentencepiece(training_text, package_dir / "sentencepiece", vocab_size)
    (package_dir / "sentencepiece.vocab").unlink()
    build_model(package_dir / "model", vocabulary, **model_options)  # type: ignore[arg-type]
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
