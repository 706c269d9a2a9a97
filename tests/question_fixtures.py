"""A small metric catalogue and report list shared by the question/sqlgen/guard/router tests.

Shaped like index/metrics.yaml entries (id, name, category, unit, synonyms, optional group/see_also),
so the parser is tested without depending on the real catalogue.
"""
from __future__ import annotations

from assistant.question import ReportRef

CATALOGUE: list[dict] = [
    dict(id="apply_received", name="收到申请数", category="apply", unit="件",
         synonyms=["收到申请", "受理申请", "申请总数"], group="apply_new"),
    dict(id="apply_new", name="本年新收政府信息公开申请数量", category="apply", unit="件",
         synonyms=["本年新收"], group="apply_new",
         equivalents=[{"this_dimension": "自然人", "metric": "apply_source", "dimension": "公民"}]),
    dict(id="review_count", name="行政复议数量", category="review", unit="件", synonyms=[]),
    dict(id="lawsuit_count", name="行政诉讼数量", category="review", unit="件", synonyms=[]),
    dict(id="auth_ratio", name="实现统一认证占比", category="service", unit="%", synonyms=["统一认证的业务占比"]),
    dict(id="staff_parttime", name="兼职人员数", category="staff", unit="人", synonyms=["兼职人员"],
         parent="staff_total"),
    dict(id="staff_fulltime", name="专职人员数", category="staff", unit="人", synonyms=["专职人员"],
         parent="staff_total"),
    dict(id="staff_total", name="从事政府信息公开工作人员数", category="staff", unit="人",
         synonyms=["从事政府信息公开工作的人员"]),
    dict(id="fee_collected", name="依申请公开收取费用", category="apply", unit="万元",
         synonyms=["收取费用", "收取了费用"]),
    dict(id="active_total", name="主动公开政府信息数", category="active", unit="条",
         synonyms=["主动公开政府信息", "主动公开信息"], category_dims=True),
    # Breakdown rows ("parts") and table columns ("dimensions"), as index/metrics.yaml declares them.
    dict(id="apply_answered", name="申请答复数", category="apply", unit="件", synonyms=["申请答复"], free_parts=True,
         parts={"同意公开": ["同意公开", "已公开"], "同意部分公开": ["同意部分公开", "部分公开"],
                "不同意公开": ["不同意公开", "不予公开"]}),
    # 2019-template rows and their crosswalk to the pre-2019 breakdown rows above.
    dict(id="result_public", name="予以公开", category="apply", unit="件", synonyms=["予以公开"],
         equivalents=[{"metric": "apply_answered", "dimension": "同意公开"}]),
    dict(id="result_partial", name="部分公开", category="apply", unit="件", synonyms=["部分公开"],
         equivalents=[{"metric": "apply_answered", "dimension": "同意部分公开"}]),
    dict(id="apply_source", name="申请来源", category="apply", unit="件", synonyms=["申请来源"], context=["申请来源"],
         parent="apply_received", parts={"公民": ["公民"], "企业": ["企业"]}),
    dict(id="hotline_calls", name="热线来电数", category="service", unit="件次", synonyms=["市长热线", "热线来电"]),
    dict(id="info_published", name="发布信息总数", category="active", unit="条", synonyms=["发布信息", "发布政府信息"]),
    dict(id="service_cases", name="政务服务事项办件情况", category="service", unit="件", synonyms=["实际办件"],
         parts={"行政许可": ["行政许可"], "行政确认": ["行政确认"]}),
    dict(id="licensing", name="行政许可", category="active", unit="项", synonyms=["行政许可"]),
    dict(id="service_matters", name="梳理政务服务事项数", category="service", unit="项", synonyms=["政务服务事项"]),
    dict(id="procurement", name="政府集中采购", category="active", unit="项", synonyms=["政府集中采购"],
         dimensions=["采购项目数量", "采购总金额"]),
    dict(id="normative_docs", name="规范性文件", category="active", unit="件", synonyms=["规范性文件"],
         dimensions=["本年新制作数量", "本年新公开数量"]),
]


class MetricObj:
    """An attribute-style catalogue entry (like index.metrics.Metric)."""

    def __init__(self, **kw: object) -> None:
        self.group = None
        self.see_also: list[str] = []
        self.__dict__.update(kw)


REPORTS: list[ReportRef] = [
    ReportRef(1, "让胡路区2013年政府信息公开工作年度报告", "让胡路区人民政府", "大庆市让胡路区", 2013),
    ReportRef(2, "辽东街道办事处信息公开工作年度报告", "辽东街道办事处", "辽东街道", 2019),
    ReportRef(3, "湘潭市人民政府落实《2014年政府信息公开工作要点》工作情况报告", "湘潭市人民政府", "湘潭市", 2014),
    ReportRef(4, "宁德市交通运输局2014年政府信息公开工作年度报告", "宁德市交通运输局", "宁德市", 2014),
    # Body replaced by junk, as in one sample: the region and title still name it.
    ReportRef(5, "2017年海陵区政务公开工作年度报告", "365bet体育平台", "泰州市海陵区", 2017),
    ReportRef(6, "2018年海陵区政府信息公开工作年度报告", "泰州市海陵区人民政府", "泰州市海陵区", 2018),
    ReportRef(7, "宁德市人民政府2014年政府信息公开工作年度报告", "宁德市人民政府", "宁德市", 2014),
]
