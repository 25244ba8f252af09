"""Which files of a model folder are what: the CTranslate2 model, its tokenizer, its
language tokens.

Two layouts are read:

- an **Argos package** (``metadata.json``, ``model/``, and ``sentencepiece.model`` or
  ``bpe.model``; a ``stanza/`` folder is ignored), including the OPUS-MT port whose
  ``sentencepiece.model`` is the *source* model while the decoder writes pieces of its
  own vocabulary, and packages with a separate ``target.sentencepiece.model``;
- a **CTranslate2 model folder** (``model.bin``, ``config.json``, vocabularies) with its
  SentencePiece model(s): ``src.spm.model``/``tgt.spm.model`` (quickmt),
  ``source.spm``/``target.spm`` (OPUS-MT conversions), or one shared model.

Multilingual models (NLLB-200, M2M-100) get their language tokens from their
vocabulary: ``dan_Latn``/``eng_Latn`` or ``__da__``/``__en__``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translator.engines.tokenizers import BPETokenizer, SentencePieceTokenizer, Tokenizer
from translator.resources import data_lines

#: (source, target) SentencePiece file names, most specific first; target None: shared.
SENTENCEPIECE_FILES: tuple[tuple[str, str | None], ...] = (
    ("sentencepiece.model", "target.sentencepiece.model"),
    ("src.spm.model", "tgt.spm.model"),
    ("source.spm", "target.spm"),
    ("source.spm.model", "target.spm.model"),
    ("sentencepiece.model", None),
    ("sentencepiece.bpe.model", None),
    ("spm.model", None),
)
BPE_FILE = "bpe.model"
_VOCABULARIES = ("target_vocabulary", "shared_vocabulary")
_SOURCE_VOCABULARIES = ("source_vocabulary", "shared_vocabulary")


@dataclass(frozen=True)
class ModelLayout:
    """The files of one model and how to feed it.

    Attributes:
        folder: The package or model folder.
        model_dir: The CTranslate2 model folder (``model.bin``).
        source_tokenizer: The source SentencePiece or BPE file.
        target_tokenizer: A separate target SentencePiece file, if any.
        from_code: The source language (``""`` when nothing says).
        to_code: The target language (``""`` when nothing says).
        source_prefix: A token put before every source sentence (NLLB, M2M-100).
        target_prefix: A token every translation starts with (NLLB, M2M-100, Argos's
            ``target_prefix``).
        source_suffix: A token put after every source sentence (``</s>`` for
            multilingual models).
    """

    folder: Path
    model_dir: Path
    source_tokenizer: Path
    target_tokenizer: Path | None
    from_code: str
    to_code: str
    source_prefix: str = ""
    target_prefix: str = ""
    source_suffix: str = ""

    @property
    def is_bpe(self) -> bool:
        """Whether the model reads Moses tokens cut by subword-nmt BPE."""
        return self.source_tokenizer.name == BPE_FILE

    def tokenizer(self) -> Tokenizer:
        """The tokenizer these files make."""
        if self.is_bpe:
            return BPETokenizer(self.source_tokenizer, self.from_code, self.to_code)
        # A decoder with a vocabulary of its own (the OPUS-MT port): English is fitted to it.
        names = ("shared_vocabulary.json", "shared_vocabulary.txt")
        shared = any((self.model_dir / name).is_file() for name in names)
        separate = None if shared else _vocabulary(self.model_dir, ("target_vocabulary",))
        return SentencePieceTokenizer(self.source_tokenizer, self.target_tokenizer, separate)

    def source(self, encoded: list[list[str]]) -> list[list[str]]:
        """Source pieces with the model's language and end tokens, if it has them."""
        prefix = [self.source_prefix] if self.source_prefix else []
        suffix = [self.source_suffix] if self.source_suffix else []
        return [[*prefix, *pieces, *suffix] for pieces in encoded] if prefix or suffix else encoded

    def files(self) -> list[Path]:
        """The files that decide the English (for a fingerprint), in a fixed order."""
        names = [self.folder / "metadata.json", self.source_tokenizer]
        names += [self.target_tokenizer] if self.target_tokenizer else []
        names += [self.model_dir / "config.json", self.model_dir / "model.bin"]
        return [path for path in names if path.is_file()]


def read_layout(folder: str | Path) -> ModelLayout:
    """Read the layout of an Argos package or a CTranslate2 model folder.

    Raises:
        ValueError: the folder is neither (the message says what is missing).
    """
    folder = Path(folder)
    metadata = read_metadata(folder)
    model_dir = folder / "model" if (folder / "model" / "model.bin").is_file() else folder
    if not (model_dir / "model.bin").is_file():
        raise ValueError("missing model/model.bin, or model.bin in a CTranslate2 model folder")
    source, target = _tokenizer_files(folder)
    from_code = str(metadata.get("from_code", ""))
    to_code = str(metadata.get("to_code", ""))
    tokens = _language_tokens(model_dir, from_code, to_code)
    return ModelLayout(
        folder,
        model_dir,
        source,
        target,
        from_code,
        to_code,
        source_prefix=str(metadata.get("source_prefix", tokens[0])),
        target_prefix=str(metadata.get("target_prefix", tokens[1])),
        source_suffix=str(metadata.get("source_suffix", "</s>" if tokens[0] else "")),
    )


def read_metadata(folder: Path) -> dict[str, Any]:
    """The folder's ``metadata.json`` ({} when missing or not a JSON object)."""
    try:
        metadata = json.loads((folder / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def _tokenizer_files(folder: Path) -> tuple[Path, Path | None]:
    for source, target in SENTENCEPIECE_FILES:
        if (folder / source).is_file() and (target is None or (folder / target).is_file()):
            return folder / source, folder / target if target else None
    if (folder / BPE_FILE).is_file():
        return folder / BPE_FILE, None
    raise ValueError(
        "missing sentencepiece.model (or bpe.model, src.spm.model and tgt.spm.model, "
        "source.spm and target.spm)"
    )


def _vocabulary(model_dir: Path, names: tuple[str, ...]) -> list[str] | None:
    """A CTranslate2 vocabulary (``.json`` or ``.txt``), the first of ``names`` found."""
    for name in names:
        if (model_dir / f"{name}.json").is_file():
            tokens = json.loads((model_dir / f"{name}.json").read_text("utf-8"))
            return [str(t) for t in tokens]
        if (model_dir / f"{name}.txt").is_file():
            return (model_dir / f"{name}.txt").read_text("utf-8").split("\n")
    return None


def _language_tokens(model_dir: Path, from_code: str, to_code: str) -> tuple[str, str]:
    """The (source, target) language tokens of a multilingual model ("" for others)."""
    target = set(_vocabulary(model_dir, _VOCABULARIES) or [])
    source = set(_vocabulary(model_dir, _SOURCE_VOCABULARIES) or []) or target
    codes = dict(line.split("\t", 1) for line in data_lines("nllb_languages.tsv"))
    from_code, to_code = from_code or "da", to_code or "en"
    pairs = [(f"__{from_code}__", f"__{to_code}__"), (codes.get(from_code), codes.get(to_code))]
    for source_token, target_token in pairs:  # M2M-100, then NLLB-200
        if source_token in source and target_token in target:
            return str(source_token), str(target_token)
    return "", ""
