"""Light, accessible charts drawn on the server as SVG (plain Python, no Django, no JavaScript).

Each function returns an `<svg>` string that scales to its container (viewBox, width 100 %), has
a `<title>` and a `<desc>` for screen readers, and one `<title>` per mark so a pointer shows the
value. Colours come from CSS classes (`chart-bar`, `chart-line-N`, `chart-axis`), so print and
dark styles apply. Every chart on a page sits next to a link to its data as CSV. Text is escaped
here; labels and units arrive already translated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 56
MARGIN_RIGHT = 12
MARGIN_TOP = 12
MARGIN_BOTTOM = 44


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 4, 6 or 8 × 10^k at or above `value`: an axis top whose quarters
    (the grid lines) people can read."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 4.0, 6.0, 8.0, 10.0):
        top = float(step * 10**exponent)
        if top >= value * (1 - 1e-12):
            return top
    return 10.0 ** (exponent + 1)


def _number(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.2f}"
    return text.replace(",", "\u202f")


def _open(title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]


def _axis(top: float, unit: str, width: int, height: int, fmt: Callable[[float], str]) -> list[str]:
    plot_bottom = height - MARGIN_BOTTOM
    plot_height = plot_bottom - MARGIN_TOP
    parts = []
    for tick in range(5):
        value = top * tick / 4
        y = plot_bottom - plot_height * tick / 4
        parts.append(
            f'<line class="chart-grid" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(fmt(value))}</text>'
        )
    parts.append(
        f'<text class="chart-unit" x="4" y="{MARGIN_TOP - 2 + 10}" font-size="11">'
        f"{escape(unit)}</text>"
    )
    return parts


def _anchor(x: float, width: int) -> str:
    """A label on the plot's edge (a line chart's first and last points) stays inside it."""
    if x <= MARGIN_LEFT + 1:
        return "start"
    return "end" if x >= width - MARGIN_RIGHT - 1 else "middle"


def _labels(labels: Sequence[str], xs: Sequence[float], height: int, width: int) -> list[str]:
    # Thin the labels so that at most about 12 show; the data table has them all.
    every = max(1, math.ceil(len(labels) / 12))
    return [
        f'<text class="chart-label" x="{x:.1f}" y="{height - MARGIN_BOTTOM + 16}" '
        f'text-anchor="{_anchor(x, width)}">{escape(label)}</text>'
        for index, (label, x) in enumerate(zip(labels, xs, strict=True))
        if index % every == 0
    ]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
    fmt: Callable[[float], str] = _number,
) -> str:
    """Vertical bars, one per label (a histogram when the labels are bins)."""
    return bar_chart_with_gaps(
        labels,
        values,
        gap="",
        title=title,
        description=description,
        unit=unit,
        width=width,
        height=height,
        fmt=fmt,
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
    fmt: Callable[[float], str] = _number,
) -> str:
    """One line per series over shared labels; a None value breaks the line (no data)."""
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(
                f"series {item.name!r} has {len(item.values)} values for {len(labels)} labels"
            )
    peak = max(
        (value for item in series for value in item.values if value is not None), default=0.0
    )
    top = nice_ceiling(peak)
    plot_width = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_bottom = height - MARGIN_BOTTOM
    plot_height = plot_bottom - MARGIN_TOP
    step = plot_width / max(1, len(labels) - 1)
    xs = [MARGIN_LEFT + step * index for index in range(len(labels))]
    parts = _open(title, description, width, height) + _axis(top, unit, width, height, fmt)
    for number, item in enumerate(series):
        runs: list[list[str]] = [[]]
        marks = []
        for x, label, value in zip(xs, labels, item.values, strict=True):
            if value is None:
                runs.append([])
                continue
            y = plot_bottom - plot_height * max(0.0, value) / top
            runs[-1].append(f"{x:.1f},{y:.1f}")
            marks.append(
                f'<circle class="chart-dot chart-line-{number}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{escape(item.name)}, {escape(label)}: {escape(fmt(value))} "
                f"{escape(unit)}</title></circle>"
            )
        parts += [
            f'<polyline class="chart-line chart-line-{number}" fill="none" '
            f'points="{" ".join(run)}"/>'
            for run in runs
            if len(run) > 1
        ]
        parts += marks
    parts += _labels(labels, xs, height, width)
    legend_y = height - 8
    for number, item in enumerate(series):
        x = MARGIN_LEFT + number * 180
        parts.append(
            f'<rect class="chart-line-{number} chart-key" x="{x}" y="{legend_y - 9}" '
            f'width="10" height="10"/><text class="chart-legend" x="{x + 14}" y="{legend_y}">'
            f"{escape(item.name)}</text>"
        )
    parts.append(
        f'<line class="chart-axis" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
        f'y1="{plot_bottom}" y2="{plot_bottom}"/></svg>'
    )
    return "".join(parts)


def histogram_overlay(
    edges: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    x_unit: str = "",
    markers: Sequence[tuple[int, float, str]] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
    fmt: Callable[[float], str] = _number,
    x_fmt: Callable[[float], str] = _number,
) -> str:
    """Histograms of several series over the same bins, drawn over one another (see-through).

    `edges` are the bins' bounds (one more than each series' values); a value is the height of
    a bin (a share of draws, a count) written by `fmt` with `unit`, the value axis's ticks by
    `fmt` alone (give the unit in `fmt`, e.g. "25 %", when it should show on the axis). The bins'
    axis shows five ticks written by `x_fmt` and `x_unit` at its end. `markers` are vertical
    lines, (series index, x, label), e.g. each series' median. Bars take the series' colour class
    `chart-line-N` with `chart-hist`, so a page's styles make them translucent.
    """
    if len(edges) < 2 or any(edges[i + 1] <= edges[i] for i in range(len(edges) - 1)):
        raise ValueError("edges must be at least two increasing values")
    bins = len(edges) - 1
    for item in series:
        if len(item.values) != bins:
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {bins} bins")
    peak = max((v for item in series for v in item.values if v is not None), default=0.0)
    top = nice_ceiling(peak)
    plot_width = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_bottom = height - MARGIN_BOTTOM
    plot_height = plot_bottom - MARGIN_TOP
    low, span = edges[0], edges[-1] - edges[0]

    def x_of(value: float) -> float:
        return MARGIN_LEFT + plot_width * (value - low) / span

    parts = _open(title, description, width, height) + _axis(top, "", width, height, fmt)
    for number, item in enumerate(series):
        for start, end, value in zip(edges[:-1], edges[1:], item.values, strict=True):
            if not value:
                continue
            bar_height = plot_height * max(0.0, value) / top
            parts.append(
                f'<rect class="chart-hist chart-line-{number}" x="{x_of(start):.1f}" '
                f'y="{plot_bottom - bar_height:.1f}" width="{x_of(end) - x_of(start):.1f}" '
                f'height="{bar_height:.1f}"><title>{escape(item.name)}, {escape(x_fmt(start))}–'
                f"{escape(x_fmt(end))} {escape(x_unit)}: {escape(fmt(value))} {escape(unit)}"
                f"</title></rect>"
            )
    for number, value, label in markers:
        if edges[0] <= value <= edges[-1]:
            x = x_of(value)
            parts.append(
                f'<line class="chart-marker chart-line-{number}" x1="{x:.1f}" x2="{x:.1f}" '
                f'y1="{MARGIN_TOP}" y2="{plot_bottom}"><title>{escape(label)}</title></line>'
            )
    ticks = sorted({round(bins * step / 4) for step in range(5)})
    for index in ticks:
        anchor = "end" if index == bins else "start" if index == 0 else "middle"
        parts.append(
            f'<text class="chart-label" x="{x_of(edges[index]):.1f}" y="{plot_bottom + 16}" '
            f'text-anchor="{anchor}">{escape(x_fmt(edges[index]))}</text>'
        )
    parts.append(
        f'<text class="chart-unit" x="{width - MARGIN_RIGHT}" y="{plot_bottom + 30}" '
        f'text-anchor="end" font-size="11">{escape(x_unit)}</text>'
    )
    legend_y = height - 4
    x = float(MARGIN_LEFT)
    for number, item in enumerate(series):
        parts.append(
            f'<rect class="chart-line-{number} chart-key" x="{x:.0f}" y="{legend_y - 9}" '
            f'width="10" height="10"/><text class="chart-legend" x="{x + 14:.0f}" y="{legend_y}">'
            f"{escape(item.name)}</text>"
        )
        x += 34 + 6.5 * len(item.name)  # about the width of 11 px text
    parts.append(
        f'<line class="chart-axis" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
        f'y1="{plot_bottom}" y2="{plot_bottom}"/></svg>'
    )
    return "".join(parts)


def bar_chart_with_gaps(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    gap: str,
    title: str,
    description: str = "",
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
    fmt: Callable[[float], str] = _number,
) -> str:
    """`bar_chart` where a value may be missing (None): its slot shows a dash titled `gap`
    (e.g. "hidden: fewer than 3 organisations contribute") instead of a bar of zero."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    known = [value for value in values if value is not None]
    top = nice_ceiling(max((value for value in known if value > 0), default=0.0))
    plot_width = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_bottom = height - MARGIN_BOTTOM
    plot_height = plot_bottom - MARGIN_TOP
    slot = plot_width / max(1, len(values))
    parts = _open(title, description, width, height) + _axis(top, unit, width, height, fmt)
    xs = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = MARGIN_LEFT + slot * index + slot * 0.1
        xs.append(x + slot * 0.4)
        if value is None:
            parts.append(
                f'<text class="chart-gap" x="{x + slot * 0.4:.1f}" y="{plot_bottom - 6}" '
                f'text-anchor="middle">–<title>{escape(label)}: {escape(gap)}</title></text>'
            )
            continue
        bar_height = plot_height * max(0.0, value) / top
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{plot_bottom - bar_height:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{bar_height:.1f}">'
            f"<title>{escape(label)}: {escape(fmt(value))} {escape(unit)}</title></rect>"
        )
    parts += _labels(labels, xs, height, width)
    parts.append(
        f'<line class="chart-axis" x1="{MARGIN_LEFT}" x2="{width - MARGIN_RIGHT}" '
        f'y1="{plot_bottom}" y2="{plot_bottom}"/></svg>'
    )
    return "".join(parts)
