"""Guarantees: what every translation keeps (glossary terms, quotations, numbers …).

A guarantee is a small object with four steps, and the pipeline knows none by name:

- ``find(text, quoted)``: the spans of a block of Danish it protects (a glossary term, a
  quotation, a number), plus notices about the source (an unbalanced mark);
- ``normalize(segment, output)``: deterministic fixes that need no model (restyle the
  model's '…' into the source's „…“, respell a Danish term the model copied,
  ``2,5`` → ``2.5``); never a change of wording;
- ``check(segment, output)``: what is still wrong, as :class:`Problem` values;
- ``place(segment, output, alignment)``: edits that put a missing term, mark or
  number where the decoder's alignment says its source span went;
- ``forced(segment, output, alignment)``: target prefixes for a constrained re-decode.

Holds: :mod:`~translator.guarantees.base` (the protocol and its values),
:mod:`~translator.guarantees.registry` (name → class), one module per guarantee
(:mod:`~translator.guarantees.terms`, :mod:`~translator.guarantees.quotation`,
:mod:`~translator.guarantees.numbers`, :mod:`~translator.guarantees.fluency`) and
:mod:`~translator.guarantees.repair` (choosing each segment's English).
May import: :mod:`translator.engines`, :mod:`translator.language`, errors and resources.
Add a guarantee by writing one module with such a class and one line in
:data:`~translator.guarantees.registry.GUARANTEES`.
"""

from translator.guarantees.base import (
    Anchor as Anchor,
)
from translator.guarantees.base import (
    BaseGuarantee as BaseGuarantee,
)
from translator.guarantees.base import (
    Edit as Edit,
)
from translator.guarantees.base import (
    Found as Found,
)
from translator.guarantees.base import (
    Guarantee as Guarantee,
)
from translator.guarantees.base import (
    Problem as Problem,
)
from translator.guarantees.base import (
    Segment as Segment,
)
from translator.guarantees.base import (
    Settings as Settings,
)
from translator.guarantees.base import (
    Span as Span,
)
from translator.guarantees.base import (
    apply_edits as apply_edits,
)
from translator.guarantees.registry import GUARANTEES as GUARANTEES
from translator.guarantees.registry import build as build
