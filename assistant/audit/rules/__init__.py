"""The audit's rules, in the order they run: one module per rule, each with ``NAME`` (``Finding.rule``),
``SEVERITY`` (high | medium | low), ``TITLE`` (what a user is shown) and ``check(doc) -> list[Finding]``.

A new rule is a module here that imports from ``assistant.audit.document`` (never from the
``assistant.audit`` package itself) and an entry in ``RULES``."""
from __future__ import annotations

from assistant.audit.rules import (carry_over, declared_parts, listed_count, other_body, parts_sum, percentage,
                                   prose_vs_table, prose_vs_template, residual_list, running_total,
                                   settled_run, template_identity)

RULES = (template_identity, parts_sum, percentage, prose_vs_table, prose_vs_template, settled_run, running_total,
         declared_parts,
         residual_list, listed_count, other_body, carry_over)

SEVERITY = {rule.NAME: rule.SEVERITY for rule in RULES}
# The rule as a user reads it (never the internal key "parts_sum").
TITLE = {rule.NAME: rule.TITLE for rule in RULES}

__all__ = ["RULES", "SEVERITY", "TITLE"]
