"""Every chart of the dashboard, built here so that all look the same: plotly, Chinese labels,
rates in percent with one decimal, target lines dashed, status colours shared with the cards."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard import safe_text
from dashboard.i18n import t

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
STATUS_COLOURS = {
    "green": "#2e7d32", "amber": "#f9a825", "red": "#c62828",
    "insufficient": "#bdbdbd", "no_data": "#eeeeee", "none": "#cfd8dc",  # grey: no band without a target
}
LINE_COLOURS = ("#1565c0", "#9e9e9e", "#6a1b9a", "#00838f")
TARGET_COLOUR = "#424242"


def scale(unit: str | None) -> float:
    """Rates are stored as fractions and drawn in percent."""
    return 100.0 if unit == "rate" else 1.0


def suffix(unit: str | None) -> str:
    return "%" if unit == "rate" else ""


def _text(values) -> list:
    """Labels from the records (counties, units, categories) as literal text: plotly renders
    <a href>, <b>, <br>… inside labels (issue 15)."""
    return [safe_text.plotly(v) if isinstance(v, str) else v for v in values]


# Figures and traces are built unchecked: plotly's validation of every property cost 2-4 ms a chart
# (seven charts on 建议办理: ~15 ms of its ~150) and these builders pass plain lists, numbers and
# texts of fixed keys; tests/dashboard/test_charts.py checks that plotly accepts each one unchanged.
UNCHECKED = {"_validate": False}


def _figure(traces: list, title: str, height: int, **layout) -> go.Figure:
    """The whole figure in one constructor call: plotly validates a layout given there in ~0.1 ms,
    an update_layout afterwards in ~5 ms and each add_vline in ~2.5 ms (with several charts, a
    third of a page's time). The template is empty: st.plotly_chart's Streamlit theme restyles the
    chart in the browser anyway, and plotly would copy and validate its own for every figure."""
    return go.Figure(traces, **UNCHECKED, layout={
        "template": {}, "title": {"text": title, "font": {"size": 15}, "y": 0.98, "yanchor": "top"}, "height": height,
        "font": {"family": FONT, "size": 12}, "margin": {"l": 10, "r": 20, "t": 50 if len(traces) <= 1 else 84, "b": 10},
        "hoverlabel": {"font": {"family": FONT}}, "showlegend": len(traces) > 1,
        # The legend above the plot, under the title: never over the axis labels (long names below).
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        **layout,
    })


def _target_line(value: float | None, text: str, vertical: bool) -> dict:
    """A dashed target line and its label, as add_vline / add_hline would draw them."""
    if value is None:
        return {}
    line = {"color": TARGET_COLOUR, "dash": "dash"}
    if vertical:
        return {"shapes": [{"type": "line", "x0": value, "x1": value, "xref": "x", "y0": 0, "y1": 1,
                            "yref": "y domain", "line": line}],
                "annotations": [{"text": text, "showarrow": False, "x": value, "xref": "x", "xanchor": "center",
                                 "y": 1, "yref": "y domain", "yanchor": "bottom"}]}
    return {"shapes": [{"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": value, "y1": value, "yref": "y",
                        "line": line}],
            "annotations": [{"text": text, "showarrow": False, "x": 0, "xref": "x domain", "xanchor": "left",
                             "y": value, "yref": "y", "yanchor": "bottom"}]}


def _target_text(target: float, unit: str | None) -> str:
    return f"{t('target')} {target * scale(unit):.1f}{suffix(unit)}" if unit == "rate" else f"{t('target')} {target:g}"


def ranking(rows: pl.DataFrame, title: str, unit: str | None, target: float | None, highlight: str = "") -> go.Figure:
    """Horizontal bars, best first; small samples and empty prefectures at the bottom, greyed."""
    k = scale(unit)
    best_first = rows["direction"][0] != "lower"
    group = pl.when(pl.col("value").is_null()).then(2).when(pl.col("is_small_sample")).then(1).otherwise(0)
    ordered = rows.with_columns(group.alias("_group")).sort(["_group", "value"], descending=[False, best_first],
                                                           nulls_last=True)
    names = [f"<b>{n}</b>" if c == highlight else n for n, c in zip(_text(ordered["scope_name"]), ordered["scope_code"],
                                                                       strict=True)]
    texts = [_bar_text(v, n, s, unit) for v, n, s in
             zip(ordered["value"], ordered["denominator"], ordered["is_small_sample"], strict=True)]
    bars = go.Bar(**UNCHECKED,
        x=[(v or 0) * k for v in ordered["value"]], y=names, orientation="h", text=texts, textposition="auto",
        marker_color=[STATUS_COLOURS.get(s, "#1565c0") for s in ordered["status"]],
        customdata=[[n, code] for n, code in zip(ordered["denominator"], ordered["scope_code"], strict=True)],
        hovertemplate="%{y}: %{x:.1f}" + suffix(unit) + " (n=%{customdata[0]:,.0f})<extra></extra>",
    )
    target_line = _target_line(None if target is None else target * k,
                               _target_text(target, unit) if target is not None else "", vertical=True)
    return _figure([bars], title, max(320, 28 * ordered.height + 90), yaxis={"autorange": "reversed"},
                   xaxis={"ticksuffix": suffix(unit), "rangemode": "tozero"}, **target_line)


def _bar_text(value: float | None, n: float | None, small: bool, unit: str | None) -> str:
    if value is None:
        return t("no_data")
    shown = f"{value * scale(unit):.1f}{suffix(unit)} (n={n or 0:,.0f})"
    return f"{shown} {t('small_sample')}" if small else shown


def trend(rows: pl.DataFrame, title: str, unit: str | None, target: float | None,
          pending: set[str] | frozenset[str] = frozenset(), pending_name: str = "未到期") -> go.Figure:
    """One line per scope over the quarters; hover shows n; the target as a dashed line. Quarters in
    `pending` (cohorts not yet due) are drawn dotted with open markers and named, not as a cliff."""
    k = scale(unit)
    lines = []
    for number, (scope,) in enumerate(rows.select("scope_name").unique(maintain_order=True).iter_rows()):
        part = rows.filter(pl.col("scope_name") == scope)
        name = safe_text.plotly(scope or "")
        labels = part["period_label"].to_list()
        values = [None if v is None else v * k for v in part["value"]]
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        due = [None if label in pending else v for label, v in zip(labels, values, strict=True)]
        lines.append(go.Scatter(**UNCHECKED,
            x=labels, y=due, name=name, mode="lines+markers", line={"color": colour},
            customdata=part["denominator"].to_list(), connectgaps=False,
            hovertemplate="%{x}: %{y:.1f}" + suffix(unit) + " (n=%{customdata:,.0f})<extra>" + name + "</extra>",
        ))
        if pending & set(labels):
            first = min(i for i, label in enumerate(labels) if label in pending)
            later = [v if (i >= first - 1) else None for i, v in enumerate(values)]
            lines.append(go.Scatter(**UNCHECKED,
                x=labels, y=later, name=f"{name}（{pending_name}）", mode="lines+markers",
                line={"color": colour, "dash": "dot"}, marker={"symbol": "circle-open", "size": 9},
                customdata=part["denominator"].to_list(), connectgaps=False,
                hovertemplate="%{x}: %{y:.1f}" + suffix(unit) + " (n=%{customdata:,.0f}) " + pending_name
                              + "<extra>" + name + "</extra>",
            ))
    target_line = _target_line(None if target is None else target * k,
                               _target_text(target, unit) if target is not None else "", vertical=False)
    return _figure(lines, title, 360, yaxis={"ticksuffix": suffix(unit), "rangemode": "tozero"},
                   xaxis={"type": "category"}, **target_line)


def funnel(stages: list[tuple[str, int]], title: str) -> go.Figure:
    return _figure([go.Funnel(**UNCHECKED, y=[s for s, _ in stages], x=[n for _, n in stages], textinfo="value+percent initial",
                              marker={"color": LINE_COLOURS[0]})], title, 300)


def shares(rows: pl.DataFrame, title: str, category: str = "category", count: str = "count",
           colour: str | None = None) -> go.Figure:
    """Counts per category as bars, each labelled with its count and share."""
    total = rows[count].sum() or 1
    bars = go.Bar(**UNCHECKED,
        x=_text(rows[category]), y=rows[count].to_list(),
        text=[f"{n:,} ({100 * n / total:.1f}%)" for n in rows[count]], textposition="auto",
        marker_color=colour or LINE_COLOURS[0], hovertemplate="%{x}: %{y:,}<extra></extra>",
    )
    return _figure([bars], title, 300, xaxis={"type": "category"})


def stacked(rows: pl.DataFrame, title: str, x: str, colour_by: str, count: str = "count",
            barmode: str = "stack") -> go.Figure:
    """Counts per x split by a category (e.g. 出席 / 请假 / 缺席 kept apart); `barmode="group"` puts
    different measures side by side instead."""
    bars = []
    for number, (name,) in enumerate(rows.select(colour_by).unique(maintain_order=True).iter_rows()):
        part = rows.filter(pl.col(colour_by) == name)
        bars.append(go.Bar(**UNCHECKED, x=_text(part[x]), y=part[count].to_list(), name=safe_text.plotly(str(name)),
                           marker_color=LINE_COLOURS[number % len(LINE_COLOURS)]))
    return _figure(bars, title, 320, barmode=barmode, xaxis={"type": "category"})


def rate_bars(rows: pl.DataFrame, title: str, label: str, rate: str, n: str, target: float | None) -> go.Figure:
    """Rates (already fractions) per label, with n in the text and the target line."""
    bars = go.Bar(**UNCHECKED,
        x=[None if v is None else v * 100 for v in rows[rate]], y=_text(rows[label]), orientation="h",
        text=[t("no_data") if v is None else f"{v * 100:.1f}% (n={d:,})" for v, d in zip(rows[rate], rows[n],
                                                                                          strict=True)],
        textposition="auto", marker_color=LINE_COLOURS[0],
    )
    target_line = _target_line(None if target is None else target * 100,
                               _target_text(target, "rate") if target is not None else "", vertical=True)
    return _figure([bars], title, max(300, 28 * rows.height + 90), yaxis={"autorange": "reversed"},
                   xaxis={"ticksuffix": "%", "rangemode": "tozero"}, **target_line)
