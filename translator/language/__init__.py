"""Danish text logic: what an article is made of and what its words mean.

Holds: :mod:`~translator.language.article` (datelines, headlines, paragraphs,
dash-quotes, bylines; parse and render), :mod:`~translator.language.segment` (sentence
boundaries), :mod:`~translator.language.quotes` (quotation marks and styles),
:mod:`~translator.language.glossary` (glossary entries and how they match Danish
inflection), :mod:`~translator.language.detect` and
:mod:`~translator.language.discriminator` (language detection; Danish against Bokmål,
Nynorsk and Swedish). Pure text: no model, no files but the shipped data.
May import: errors and resources only.
"""
