"""index/numbers.py: one-string parsing and finding numbers with units in running text."""
import pytest

from index.numbers import cn_to_number, find_numbers, format_number, parse_number

PARSE = [
    ("2047", (2047.0, None)),
    ("84.18", (84.18, None)),
    ("90.2", (90.2, None)),
    ("1,234", (1234.0, None)),
    ("251000元", (251000.0, "元")),
    ("1万余人", (10000.0, "人")),
    ("1.7万", (17000.0, None)),
    ("30万元", (30.0, "万元")),
    ("两万", (20000.0, None)),
    ("百分之九十", (90.0, "%")),
    ("九成", (90.0, "%")),
    ("0.06%", (0.06, "%")),
    ("4.3%", (4.3, "%")),
    ("二十三", (23.0, None)),
    ("一百零五", (105.0, None)),
    ("三点五", (3.5, None)),
    ("15个工作日", (15.0, "个工作日")),
    ("17248件次", (17248.0, "件次")),
]


@pytest.mark.parametrize("s,expected", PARSE)
def test_parse_number(s, expected):
    assert parse_number(s) == expected


@pytest.mark.parametrize("s", ["", "abc", "2019年", "规范性文件", "0434-6096345"])
def test_parse_number_rejects(s):
    assert parse_number(s) is None


@pytest.mark.parametrize("s,v", [("十", 10), ("十二", 12), ("两千零一", 2001), ("三万五千", 35000), ("万", 10000)])
def test_cn_to_number(s, v):
    assert cn_to_number(s) == v


FIND = [
    ("共受理政府信息公开申请54条,其中当面申请12条", [(54, "条", "54条"), (12, "条", "12条")]),
    ("平均在15个工作日内回复", [(15, "个工作日", "15个工作日")]),
    ("占总数的92.6%;", [(92.6, "%", "92.6%")]),
    ("十六、实现统一认证占比 84.18", [(84.18, None, "84.18")]),
    ("今年投入30万元对市政府门户网站", [(30, "万元", "30万元")]),
    ("APP用户注册量达1万余人", [(10000, "人", "1万余人")]),
    ("覆盖率达到百分之九十,九成以上", [(90, "%", "百分之九十"), (90, "%", "九成")]),
    ("共发布政务信息近10000余条", [(10000, "条", "10000余条")]),
    ("政府信息公开工作队伍人才紧缺", []),  # 伍 is not a numeral here
    ("进一步统一思想,第三次会议", []),
]


@pytest.mark.parametrize("text,expected", FIND)
def test_find_numbers(text, expected):
    found = find_numbers(text)
    assert [(n.value, n.unit, n.raw) for n in found] == [(float(v), u, r) for v, u, r in expected]
    for n in found:
        assert text[n.start:n.end] == n.raw


def test_find_numbers_never_splits_decimals():
    text = "84.18 and 0.06% and 1,234条"
    assert [n.raw for n in find_numbers(text)] == ["84.18", "0.06%", "1,234条"]


def test_approx_flag():
    (n,) = find_numbers("3200余条")
    assert n.approx and n.value == 3200


@pytest.mark.parametrize(("value", "text"), [
    (70.0, "70"), (90.2, "90.2"), (None, ""), (3, "3"), (1e-7, "0"),
    (16220.85, "16220.85"),  # an amount keeps every digit (no 6-significant-digit rounding)
    (32416540000.0, "32416540000"),  # no exponent
    (98.57142857, "98.571429"), (-12.5, "-12.5"), (0.06, "0.06"),
])
def test_one_number_format(value, text) -> None:  # noqa: ANN001
    """Answers, arithmetic, audit notes and exports write a figure the same way."""
    assert format_number(value) == text
