"""Charts for the explorer as inline SVG, drawn on the server: no JavaScript, no CDN, no
library, so a page works offline and prints as it shows.

One chart kind covers the explorer's needs: grouped vertical bars (categories along x,
one bar per series in each category) over a zero line, negative values below it. Values
are Decimals as the warehouse holds them; they become floats only to place pixels, while
every label and tooltip (<title>) prints the exact value through the caller's formatter.
Pure functions: data in, SVG text out (the caller marks it safe for the template).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Optional

Number = Decimal | int | float


@dataclass(frozen=True)
class Series:
    """One bar per category (None: no bar, e.g. an index the prospectus does not show)."""

    name: str
    values: tuple[Optional[Number], ...]


@dataclass(frozen=True)
class Scale:
    """Linear map from data values [lo, hi] to pixels [bottom, top] (SVG y grows down)."""

    lo: float
    hi: float
    bottom: float
    top: float

    def __call__(self, v: float) -> float:
        if self.hi == self.lo:
            return self.bottom
        return self.bottom + (v - self.lo) * (self.top - self.bottom) / (self.hi - self.lo)


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] and always 0 (bars start at the zero line)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if lo == hi:
        hi = lo + 1.0
    step = nice_step(hi - lo, count)
    start = math.floor(lo / step) * step
    out, v = [], start
    while v < hi + step * 0.999:
        out.append(round(v, 12) + 0.0)  # + 0.0: no "-0"
        v += step
    return out


def percent_tick(v: float) -> str:
    """A fraction as a short percent tick label: 0.125 -> "12.5%"."""
    text = f"{v * 100:.2f}".rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text) + "%"


def money_tick(v: float) -> str:
    """Dollars as a compact tick label: 5e9 -> "5B", -2.5e6 -> "-2.5M"."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= size:
            return f"{v / size:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{v:.2f}".rstrip("0").rstrip(".") or "0"


def _f(x: float) -> str:
    return f"{x:.1f}"


def bar_chart(categories: Sequence[str], series: Sequence[Series], *, title: str,
              value_label: Callable[[Number], str] = str,
              tick_label: Callable[[float], str] = str, width: int = 720,
              height: int = 280, css_class: str = "chart") -> str:
    """Grouped bars as an SVG document fragment.

    Each bar is a `<rect class="bar s{i}">` with a `<title>` "category, series: value"
    (value printed by `value_label`, exact); the y axis carries round ticks labelled by
    `tick_label`; a legend names the series. With no value at all, a short SVG says so
    (the page still shows where the chart would be)."""
    n_cat = len(categories)
    for s in series:
        if len(s.values) != n_cat:
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {n_cat} "
                             "categories")
    present = [float(v) for s in series for v in s.values if v is not None]
    label = escape(title)
    if not present:
        return (f'<svg class="{css_class} empty" role="img" aria-label="{label}: no data" '
                f'viewBox="0 0 {width} 60" width="{width}" height="60">'
                f'<text x="{width / 2}" y="34" text-anchor="middle" class="empty-note">'
                f'No data for {label}</text></svg>')

    left, right, top, bottom = 64, 12, 34, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    tick_values = ticks(min(present), max(present))
    y = Scale(tick_values[0], tick_values[-1], top + plot_h, top)
    out = [f'<svg class="{css_class}" role="img" aria-label="{label}" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg">', f"<title>{label}</title>",
           f'<text class="heading" x="{left}" y="16">{label}</text>']
    for t in tick_values:
        py, grid = _f(y(t)), "grid zero" if t == 0 else "grid"
        out.append(f'<line class="{grid}" x1="{left}" x2="{width - right}" '
                   f'y1="{py}" y2="{py}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{py}" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(tick_label(t))}</text>')
    band = plot_w / max(n_cat, 1)
    n_ser = max(len(series), 1)
    bar_w = max(1.0, band * 0.8 / n_ser)
    zero = y(0.0)
    for c, cat in enumerate(categories):
        x0 = left + c * band + band * 0.1
        for i, s in enumerate(series):
            v = s.values[c]
            if v is None:
                continue
            py = y(float(v))
            top_y, h = min(py, zero), abs(zero - py)
            tip = escape(f"{cat}, {s.name}: {value_label(v)}")
            out.append(f'<rect class="bar s{i % 6}" x="{_f(x0 + i * bar_w)}" y="{_f(top_y)}" '
                       f'width="{_f(bar_w - 1)}" height="{_f(max(h, 0.5))}" '
                       f'data-value="{escape(str(v))}"><title>{tip}</title></rect>')
        out.append(f'<text class="cat" x="{_f(left + c * band + band / 2)}" '
                   f'y="{top + plot_h + 16}" text-anchor="middle">{escape(cat)}</text>')
    lx = left
    for i, s in enumerate(series):
        out.append(f'<rect class="key s{i % 6}" x="{lx}" y="{height - 18}" width="10" '
                   f'height="10"/><text class="legend" x="{lx + 14}" y="{height - 9}">'
                   f'{escape(s.name)}</text>')
        lx += 14 + 7 * len(s.name) + 18
    out.append("</svg>")
    return "".join(out)
