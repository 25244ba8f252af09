"""File formats: reading and writing what other tools exchange with translator.

Holds: :mod:`~translator.formats.xmlio` (defused XML reading and safe serialising),
:mod:`~translator.formats.glossary` (glossary files: TSV, and TBX through
:mod:`~translator.formats.tbx`), :mod:`~translator.formats.tmx` (translation memory
exchange), :mod:`~translator.formats.xliff` (review files for CAT tools).
Formats read and write; they never translate.
May import: :mod:`translator.language`, :mod:`translator.memory`, :mod:`translator.io`,
errors and resources.
"""
