"""The audit's rule registry: one module per rule, run in a fixed order, no import of the package itself."""
from __future__ import annotations

import ast
from pathlib import Path

import assistant.audit as audit
from assistant.audit.rules import RULES, SEVERITY

RULES_DIR = Path(audit.__file__).resolve().parent / "rules"


def test_rules_run_in_order_and_name_themselves():
    assert [r.NAME for r in RULES] == ["template_identity", "parts_sum", "percentage", "prose_vs_table",
                                       "prose_vs_template", "settled_run", "running_total", "declared_parts",
                                       "residual_list", "listed_count", "other_body", "carry_over"]
    for rule in RULES:
        assert rule.__name__.rsplit(".", 1)[-1] == rule.NAME
        assert rule.SEVERITY in ("high", "medium", "low") and callable(rule.check)


def test_severity_comes_from_the_registry():
    assert SEVERITY == {r.NAME: r.SEVERITY for r in RULES}
    assert audit.SEVERITY is SEVERITY and audit.RULES is RULES
    assert SEVERITY == {"template_identity": "high", "parts_sum": "high", "prose_vs_table": "high",
                        "prose_vs_template": "high", "settled_run": "high", "running_total": "high",
                        "declared_parts": "medium", "listed_count": "medium",
                        "residual_list": "medium", "percentage": "medium", "other_body": "medium",
                        "carry_over": "medium"}


def test_rule_modules_never_import_the_package():
    for path in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "assistant.audit", path.name
            elif isinstance(node, ast.Import):
                assert all(a.name != "assistant.audit" for a in node.names), path.name


def test_every_rule_has_a_title_users_read() -> None:
    from assistant.audit import RULES, TITLE

    for rule in RULES:
        assert TITLE[rule.NAME] and not TITLE[rule.NAME].isascii()  # shown to users in Chinese, not the key


def test_findings_are_typed() -> None:
    """A finding's figures are typed operands (role, value), in order; what else it says has its own
    typed field, and its JSON carries them as they are (no untyped dict of values)."""
    from assistant.audit.document import Finding, Operand

    f = Finding(rule="parts_sum", severity="high", report_id=1, source="r.txt", title="t", message="m",
                operands=[Operand("total", 40), Operand("sum", 35.0)], breakdown=True)
    assert f.figures() == [40.0, 35.0] and f.operand("sum") == 35.0 and f.operand("parts") is None
    d = f.to_dict()
    assert d["operands"] == [{"role": "total", "value": 40}, {"role": "sum", "value": 35.0}]
    assert d["breakdown"] is True and d["preferred"] is None and "values" not in d
