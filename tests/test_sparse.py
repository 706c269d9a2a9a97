"""BM25 sparse encoding: stable ids, BM25 document weights, query weights, tokenization."""
from __future__ import annotations

import zlib

import pytest

from index.sparse import SparseEncoder, token_id, tokenize

TOKEN_CASES = [
    ("2017年全区共收到政府信息公开申请70件", ["2017", "70", "申请", "公开"], ["的", ","]),
    ("实现统一认证占比84.18%。", ["84.18", "认证"], ["%", "。"]),
    ("收取费用1,234.5万元", ["1234.5", "万元"], ["1", "234.5"]),
    ("海陵区的政府信息和公开", ["海陵", "政府"], ["的", "和"]),
    ("Open Data 平台", ["open", "data", "平台"], [" "]),
]


@pytest.mark.parametrize("text,present,absent", TOKEN_CASES)
def test_tokenize(text: str, present: list[str], absent: list[str]) -> None:
    toks = tokenize(text)
    for t in present:
        assert t in toks, (t, toks)
    for t in absent:
        assert t not in toks, (t, toks)


def test_token_ids_are_stable_crc32() -> None:
    # A fixed value: the ids are stored in the index, so they must never change between runs.
    assert token_id("申请") == zlib.crc32("申请".encode()) & 0x7FFFFFFF
    assert token_id("申请") == 1252650284
    assert 0 <= token_id("x") < 2**31


def test_document_weights_follow_bm25() -> None:
    enc = SparseEncoder(k1=1.2, b=0.75, avglen=10)
    v = enc.encode_document("申请 申请 申请 复议")
    assert v.indices == sorted(v.indices) and len(set(v.indices)) == len(v.indices)
    w = dict(zip(v.indices, v.values))
    n = 4  # tokens
    norm = 1.2 * (1 - 0.75 + 0.75 * n / 10)
    assert w[token_id("申请")] == pytest.approx(3 * 2.2 / (3 + norm))
    assert w[token_id("复议")] == pytest.approx(1 * 2.2 / (1 + norm))
    # saturation: more occurrences help, but less than linearly
    assert w[token_id("申请")] < 3 * w[token_id("复议")]


def test_longer_documents_get_lower_weights() -> None:
    enc = SparseEncoder()
    s, lg = enc.encode_document("行政复议3件"), enc.encode_document("行政复议3件。" + "其他工作内容很多很多。" * 40)
    short, long = dict(zip(s.indices, s.values)), dict(zip(lg.indices, lg.values))
    assert long[token_id("复议")] < short[token_id("复议")]


def test_query_is_one_per_unique_token_without_question_words() -> None:
    enc = SparseEncoder()
    q = enc.encode_query("海陵区2017年收到多少件申请?申请是否公开吗")
    assert set(q.values) == {1.0}
    assert len(set(q.indices)) == len(q.indices)
    for w in ("多少", "是否", "吗"):
        assert token_id(w) not in q.indices
    assert token_id("申请") in q.indices and token_id("2017") in q.indices
    assert enc.encode_query("海陵区2017年收到多少件申请?申请是否公开吗") == q  # deterministic


def test_empty_text_gives_empty_vector() -> None:
    enc = SparseEncoder()
    assert not enc.encode_query("?!。")
    assert not enc.encode_document("")
