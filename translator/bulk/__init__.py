"""Bulk runs: many articles from folders, archives or JSONL, with a resumable report.

Holds: :mod:`~translator.bulk.sources` (items from folders, tar/zip archives and JSONL,
bounded and one-bad-item-safe), :mod:`~translator.bulk.items` (a batch of items in, results out),
:mod:`~translator.bulk.report` (the report and resume), :mod:`~translator.bulk.runner`
(the run: batches, outputs, XLIFF) and :mod:`~translator.bulk.ray` (the same run on a Ray
cluster; Ray is imported only there).
May import: :mod:`translator.pipeline`, :mod:`translator.formats`,
:mod:`translator.memory`, :mod:`translator.io`, errors.

Example:
    >>> from translator import Translator, bulk  # doctest: +SKIP
    >>> summary = bulk.run("archive.tar.gz", "out.jsonl", Translator())  # doctest: +SKIP
"""

from translator.bulk.items import BulkSummary as BulkSummary
from translator.bulk.items import ItemResult as ItemResult
from translator.bulk.items import translate_items as translate_items
from translator.bulk.report import previous_summary as previous_summary
from translator.bulk.runner import Backend as Backend
from translator.bulk.runner import run as run
