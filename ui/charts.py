"""Charts of an answer's table of figures (matplotlib, Agg backend, no display): a line for one body over
the years, bars for bodies ranked. A year no report states is a gap in the line and named under the chart,
never drawn as a value.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot), so charts drawn from several server
threads share no global state.
"""
from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ui.render import MISSING, as_dict, fmt_num  # noqa: E402

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # an 800 x 450 PNG
# Local CJK fonts, first found wins (the machine may have no network and no other Chinese font).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
             "Microsoft YaHei", "PingFang SC")
KINDS = ("line", "bar")


def _font() -> list[str]:
    have = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in CJK_FONTS if f in have] + ["DejaVu Sans"]


def _short_body(body: str, bodies: list[str]) -> str:
    """A body without the prefix every charted body shares (平潭综合实验区…), so bars stay readable."""
    if len(bodies) < 2:
        return body
    k = 0
    while all(len(b) > k + 1 and b[k] == bodies[0][k] for b in bodies):
        k += 1
    return body[k:] or body


def figure(rows: list, kind: str, title: str = "") -> Figure:
    """A matplotlib Figure of the rows (``Answer.table`` or its dicts)."""
    ds = [as_dict(r) for r in rows]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    fonts = _font()
    unit = next((d.get("unit") for d in ds if d.get("unit")), "")
    if kind == "line":
        xs = [d.get("year") for d in ds]
        ys = [d.get("value") for d in ds]
        ax.plot(xs, [float("nan") if y is None else y for y in ys], marker="o", color="#1f77b4")
        for x, y in zip(xs, ys):
            if y is not None:
                ax.annotate(fmt_num(y), (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=9, fontfamily=fonts)
        ax.set_xticks([x for x in xs if x is not None])
        ax.set_xticklabels([str(x) for x in xs if x is not None], fontfamily=fonts)
        ax.set_xlabel("年度", fontfamily=fonts)
    else:
        bodies = [d.get("body") or d.get("label") or "" for d in ds]
        names = [_short_body(b, bodies) for b in bodies]
        if len({d.get("year") for d in ds}) > 1:  # bars over years of one body
            names = [f"{n}{d.get('year')}" if d.get("year") else n for n, d in zip(names, ds)]
        ys = [d.get("value") or 0 for d in ds]
        bars = ax.bar(range(len(ds)), ys, color=["#bbbbbb" if d.get("value") is None else "#1f77b4" for d in ds])
        for b, d in zip(bars, ds):
            ax.annotate(MISSING if d.get("value") is None else fmt_num(d.get("value")),
                        (b.get_x() + b.get_width() / 2, b.get_height()), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=9, fontfamily=fonts)
        ax.set_xticks(range(len(ds)))
        ax.set_xticklabels(names, rotation=30 if len(ds) > 4 else 0, ha="right" if len(ds) > 4 else "center",
                           fontsize=9, fontfamily=fonts)
    ax.set_ylabel(unit, fontfamily=fonts)
    if all(float(d.get("value") or 0).is_integer() for d in ds):  # counts: no 1.25件 ticks
        from matplotlib.ticker import MaxNLocator
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = max([d.get("value") or 0 for d in ds] + [0])
    ax.set_ylim(bottom=0, top=top * 1.15 if top > 0 else 1)  # room for the labels above the points
    ax.grid(axis="y", alpha=0.3)
    missing = [str(d.get("year") or d.get("body")) for d in ds if d.get("value") is None]
    if missing and kind == "line":
        ax.text(0.01, -0.22, f"{'、'.join(missing)}{MISSING}", transform=ax.transAxes, fontsize=9,
                fontfamily=fonts, color="#666666")
    if title:
        ax.set_title(title, fontfamily=fonts, fontsize=12)
    fig.tight_layout()
    return fig


def png(rows: list, kind: str, title: str = "") -> bytes:
    buf = io.BytesIO()
    figure(rows, kind, title).savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def chart_title(answer: Any) -> str:
    """The quantity and whose it is: "收到申请数 · 平潭综合实验区财政金融局" (one label, one body)."""
    rows = [as_dict(r) for r in as_dict(answer).get("table") or []]
    labels = list(dict.fromkeys(r.get("label") for r in rows if r.get("label")))
    bodies = list(dict.fromkeys(r.get("body") for r in rows if r.get("body")))
    label = labels[0].split(" › ")[-1] if labels else ""
    return " · ".join(x for x in (label, bodies[0] if len(bodies) == 1 else "") if x)


__all__ = ["DPI", "HEIGHT_IN", "KINDS", "WIDTH_IN", "chart_title", "figure", "png"]
