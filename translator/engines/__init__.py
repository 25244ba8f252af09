"""Engines: what turns Danish sentences into English ones.

Holds: :mod:`~translator.engines.base` (the engine protocol, hypotheses and alignments,
:class:`~translator.engines.base.DecodingOptions`, the lazy engine registry),
:mod:`~translator.engines.argos` (Argos packages decoded directly on CTranslate2 and
SentencePiece) and :mod:`~translator.engines.packages` (installing, listing and finding
model packages). ``ctranslate2`` and ``sentencepiece`` are imported only inside
:mod:`~translator.engines.argos`, when an engine is made.
May import: errors and resources only.
"""
