"""Translate the example article from Python, then look at what was checked and repaired.

Run: python examples/library_usage.py (needs an installed da→en Argos model).
"""

from pathlib import Path

from translator import detect_language, split_sentences, translate_file

path = Path(__file__).parent / "nato-stoltenberg.da.txt"
article = path.read_text("utf-8")

detection = detect_language(article)
print(f"language: {detection.language} (p={detection.probability:.2f})")
print(f"first sentences: {split_sentences(article.splitlines()[2])[:2]}")

result = translate_file(path, quote_style="english")  # output=None: nothing is written
print(result.text)
for hit in result.glossary_hits:
    print(f"glossary: {hit.term} → {hit.target} ×{hit.count} ({', '.join(hit.forms)})")
for quote in result.quotes:
    print(f"{quote.kind} quote in line {quote.block + 1}: {quote.source[:40]!r}")
for repair in result.repairs:  # how each repaired or reported sentence was handled
    print(f"line {repair.line}: {repair.technique or 'reported'}: {'; '.join(repair.left)}")
