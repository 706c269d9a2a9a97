"""Digit runs cut back into template cells by the template's identities (index/cellsplit.py)."""
import pytest

from index.cellsplit import apply_row_check, resolve_with_identity, review_row_check, split_row


@pytest.mark.parametrize(("run", "status", "cells"), [
    ("3000003", "determined", ["3", "0", "0", "0", "0", "0", "3"]),            # glued
    ("21710000218", "determined", ["217", "1", "0", "0", "0", "0", "218"]),    # glued, unique by 总计
    ("20 0 0 0 02", "determined", ["2", "0", "0", "0", "0", "0", "2"]),        # partly spaced
    ("10 0 0 0 01", "determined", ["1", "0", "0", "0", "0", "0", "1"]),
    ("0 0 0 0 0 0 0", "determined", ["0"] * 7),                                # spaced
    ("110000011", "uncertain", None),                                          # 11…11 or 1,10…11
    ("0 00000", "none", None),                                                 # a cell is missing
])
def test_apply_rows(run: str, status: str, cells: list[str] | None) -> None:
    s = split_row(run, 7, apply_row_check)
    assert s.status == status
    assert s.cells == cells


@pytest.mark.parametrize(("run", "status"), [
    ("000000000000000", "determined"),
    ("00 0 00 0 0 0 00 0 0 0 00", "determined"),
    ("100000000000000", "inconsistent"),   # 维持 1 but 总计 0: the report's own error, kept and flagged
])
def test_review_rows(run: str, status: str) -> None:
    assert split_row(run, 15, review_row_check).status == status


def test_table_identity_narrows_an_uncertain_row() -> None:
    new = split_row("110000011", 7, apply_row_check)          # 11 or 1+10
    carried = split_row("0000000", 7, apply_row_check)
    total = split_row("1 10 0 0 0 0 11", 7, apply_row_check)  # spaced: 自然人 1, 商业企业 10
    out = split_row("0000000", 7, apply_row_check)
    assert new.status == "uncertain" and total.status == "determined"
    resolve_with_identity(new, carried, total, out)
    assert new.status == "determined" and new.cells == ["1", "10", "0", "0", "0", "0", "11"]


def test_identity_broken_by_determined_rows_is_inconsistent() -> None:
    rows = [split_row(r, 7, apply_row_check) for r in ("2000002", "0000000", "3000003", "0000000")]
    resolve_with_identity(*rows)
    assert all(r.status == "inconsistent" for r in rows)
