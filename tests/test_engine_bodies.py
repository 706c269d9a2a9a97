"""Which report a question reaches, through the real engine on the five sample reports: another body of the
same kind is "not found" (with the nearest reports), never answered from a sample; no year asked = latest."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def assistant(sample_data_dir, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    import shutil

    from assistant.engine import Assistant
    from index.settings import load_settings

    data = tmp_path_factory.mktemp("bodies") / "data"
    shutil.copytree(sample_data_dir, data)
    a = Assistant(load_settings(data_dir=data))
    yield a
    a.close()


@pytest.mark.parametrize("question, named, nearest", [
    # same suffix (办事处 / 交通运输局) as a sample's body, another place: not that sample's figure
    ("城关街道办事处2019年收到多少件申请?", "城关街道办事处", "辽东街道办事处"),
    ("福州市交通运输局2014年主动公开多少条信息?", "福州市交通运输局", "宁德市交通运输局"),
    # a city is not the district below it
    ("泰州市2017年收到多少件政府信息公开申请?", "泰州市", "海陵区"),
])
def test_other_body_of_the_same_kind_is_not_found(assistant, question: str, named: str, nearest: str) -> None:  # noqa: ANN001
    ans = assistant.ask(question)
    assert not ans.found and ans.value is None and not ans.citations
    head, _, near = ans.answer.partition("相近的报告")
    assert named in head and "没有" in head
    assert nearest in near


def test_no_year_asked_uses_the_latest_report_and_says_so(assistant, monkeypatch) -> None:  # noqa: ANN001
    from dataclasses import replace

    # The samples hold one year per body: add an earlier year of 宁德市交通运输局 to the names the engine knows.
    refs = assistant.report_refs()
    bureau = next(r for r in refs if "交通运输局" in r.body)
    monkeypatch.setattr(assistant, "report_refs", lambda: [*refs, replace(bureau, id=10_000, year=bureau.year - 1)])
    ans = assistant.ask("宁德市交通运输局主动公开的公共服务类信息有多少条?")
    assert ans.answer.startswith(f"未指明年份,按最新的{bureau.year}年报告回答")
    assert ans.found and ans.citations and all(c.report_id == bureau.id for c in ans.citations)


def test_a_samples_own_name_still_answers(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("宁德市交通运输局2014年主动公开的公共服务类信息有多少条?")
    assert ans.found and ans.citations and "宁德市交通运输局" in ans.citations[0].report


def test_a_count_of_kinds_is_not_answered_with_a_count_of_documents(assistant) -> None:  # noqa: ANN001
    """"分成了几个类别" asks how many categories: the catalogue's 主动公开 total (条) is no answer to it;
    asked how many 条, the same report answers."""
    kinds = assistant.ask("让胡路区2013年发布的信息分成了几个类别?")
    assert kinds.value is None and not kinds.found
    count = assistant.ask("让胡路区2013年在各类公开载体共发布了多少条信息?")
    assert count.found and count.value == 2047
