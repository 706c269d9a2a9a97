"""Find the asked quantity among every fact of a report by the report's own words for it.

The catalogue (index/metrics.yaml) answers what it knows; everything else — and every item of a
computation the catalogue cannot name — is matched here: the question's quantity phrases
(``phrase``) against each fact's label (``score``: weighted word overlap both ways, negation, unit
class from ``units.yaml``), with calibrated abstention (``resolve``) and an answer that shows its
operands (``answer``).
"""
from assistant.match.answer import NOT_RESOLVED, compose
from assistant.match.phrase import Items, split_items
from assistant.match.resolve import Resolution, resolve
from assistant.match.score import Weights, rank
from index.units import asked_class

__all__ = ["Items", "split_items", "Weights", "rank", "Resolution", "resolve", "compose", "asked_class",
           "NOT_RESOLVED"]
