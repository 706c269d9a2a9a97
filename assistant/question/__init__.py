"""Question understanding: which reports, which years, which metrics, which operation.

``parse_question`` turns a Chinese question into a :class:`ParsedQuestion` without any model. One idea per
module:

- ``text``        the normalized form every matcher works on; question words squeezed out
- ``cues``        the cue table (cues.yaml: figure/qualitative/contact cues, operation and claim cues, units),
                  compiled once and shared with assistant/router.py
- ``model``       ParsedQuestion and MetricMatch (plain data)
- ``reports``     report and body mentions (assistant/bodies.py resolves names) narrowed to the years asked
- ``years``       years named or implied (去年 after a 2018 question)
- ``catalogue``   the metric catalogue as the parser sees it: phrases, breakdown words, families, dimensions
- ``metrics``     which catalogue metrics (and dimensions) the question names
- ``hierarchy``   crosswalk equivalents, child rows, the whole of a share
- ``terms``       label terms: content words for prose facts (terms.yaml)
- ``items``       enumerated items of a sum, the two items of a comparison
- ``operations``  the operation asked for, roles of a share, a named rate
- ``claims``      a statement put up for checking and the number it states
- ``injection``   SQL smuggled into the text is flagged, never run
- ``follow_up``   what a follow-up question inherits from the previous one
- ``parse``       parse_question, composing the above
"""
from __future__ import annotations

from assistant.bodies import ReportRef, resolve_mentions
from assistant.question.catalogue import (
    DIMENSIONS,
    catalogue_entries,
    find_dimensions,
    metric_infos,
)
from assistant.question.cues import COMPARE, FIGURE, PERCENT, QUALITATIVE
from assistant.question.hierarchy import (
    attach_equivalents,
    implied_whole,
    modified_children,
)
from assistant.question.injection import detect_sql
from assistant.question.items import compared_items, item_pieces
from assistant.question.metrics import match_metrics
from assistant.question.model import (
    MAX_QUESTION_CHARS,
    OPERATIONS,
    MetricMatch,
    ParsedQuestion,
)
from assistant.question.operations import asked_rate
from assistant.question.parse import parse_question
from assistant.question.terms import label_terms_of
from assistant.question.text import normalize
from assistant.question.years import find_years

# The names question.py had before it became a package, for code that imported them.
_COMPARE = COMPARE
_PERCENT = PERCENT
_FIGURE = FIGURE
_QUALITATIVE = QUALITATIVE
_infos = metric_infos
_find_dimensions = find_dimensions

__all__ = ["DIMENSIONS", "MAX_QUESTION_CHARS", "OPERATIONS", "MetricMatch", "ParsedQuestion", "ReportRef",
           "asked_rate", "attach_equivalents", "catalogue_entries", "compared_items", "detect_sql", "find_years",
           "implied_whole", "item_pieces", "label_terms_of", "match_metrics", "modified_children", "normalize",
           "parse_question", "resolve_mentions"]
