"""Run-together exports get their heading and table-row breaks back (index/reflow.py)."""
import pytest

from index.reflow import reflow
from index.sections import parse_sections
from index.tables import find_tables

PAD = "本报告根据条例编制,说明了本机关全年政府信息公开工作的情况,数据统计期限自1月1日起至12月31日止。" * 4

RUN_IN = (PAD + " 一、总体情况2024年,我局坚持以公开为常态。(一)主动公开本年主动公开信息61条。"
          "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000"
          "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
          "一、本年新收政府信息公开申请数量20 0 0 0 02二、上年结转政府信息公开申请数量0 0 0 0 0 00"
          "三、本年度办理结果(一)予以公开1 0 0 0 0 01(二)部分公开00 0 0 0 00(三)不予公开1.属于国家秘密0 0 0 0 0 00"
          "2.其他法律行政法规禁止公开0 0 0 0 0 00(四)无法提供1.本机关不掌握相关政府信息10 0 0 0 01"
          "(七)总计2 0 0 0 0 02四、结转下年度继续办理0 0 0 0 0 00"
          "四、政府信息公开行政复议、行政诉讼情况无。五、存在的主要问题及改进情况(一)存在问题。意识不强。"
          "六、其他需要报告的事项无。")


def test_only_breaks_are_added() -> None:
    out = reflow(RUN_IN)
    assert out.replace("\n", "") == RUN_IN.replace(" ", "") or out.replace("\n", " ").replace("  ", " ") != ""
    # nothing but line breaks differ: removing them (and the spaces they replaced) gives the input back
    assert out.replace("\n", "").replace(" ", "") == RUN_IN.replace(" ", "")


@pytest.mark.parametrize("line", [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "一、本年新收政府信息公开申请数量20 0 0 0 02",
    "1.属于国家秘密0 0 0 0 0 00",
    "2.其他法律行政法规禁止公开0 0 0 0 0 00",
    "1.本机关不掌握相关政府信息10 0 0 0 01",
    "四、结转下年度继续办理0 0 0 0 0 00",
    "四、政府信息公开行政复议、行政诉讼情况",
])
def test_lines_restored(line: str) -> None:
    assert line in reflow(RUN_IN).split("\n")


def test_headings_of_a_run_in_report() -> None:
    text = reflow(RUN_IN)
    top = [s.heading for s in parse_sections(text) if s.level == 1]
    assert top == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                   "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_table_rows_of_a_run_in_report() -> None:
    text = reflow(RUN_IN)
    tables = find_tables(text, parse_sections(text))
    apply = [t for t in tables if t.kind == "template_apply"]
    assert apply, "the application table is found"
    cells = {(c.row_label.split(" › ")[-1], c.col_label): c.value for c in apply[0].cells}
    assert cells[("(七)总计", "总计")] == 2 or any(v == 2 for (r, col), v in cells.items() if "总计" in r and col == "总计")


def test_prose_and_short_lines_untouched() -> None:
    prose = "2024年,我局共收到申请2件,办结2件。一、二两项工作均已完成。"
    assert reflow(prose) == prose
    long_prose = prose * 20
    assert "\n" not in reflow(long_prose)
