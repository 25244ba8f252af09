"""Translate the example article from Python, then look at what was checked.

Run: python examples/library_usage.py (needs an installed da→en Argos model).
"""

from pathlib import Path

from translator import Translator, detect_language, split_sentences

article = (Path(__file__).parent / "nato-stoltenberg.da.txt").read_text("utf-8")

detection = detect_language(article)
print(f"language: {detection.language} (p={detection.probability:.2f})")
print(f"first sentences: {split_sentences(article.splitlines()[2])[:2]}")

translator = Translator(quote_style="english")
result = translator.translate(article, source="nato-stoltenberg.da.txt")
print(result.text)
for hit in result.glossary_hits:
    print(f"glossary: {hit.term} → {hit.target} ×{hit.count} ({', '.join(hit.forms)})")
for quote in result.quotes:
    print(f"{quote.kind} quote in line {quote.block + 1}: {quote.source[:40]!r}")
