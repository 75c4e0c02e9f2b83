"""The explorer's pure parts: SVG bar charts (etf_assets/serve/charts.py) and how values
are printed (etf_assets/serve/display.py). Values are the generated trust's and DIA's
(NPORT-P 0001752724-25-158219: March 2025 net flow -389,500,571.15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from etf_assets.serve import charts, display

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]


def test_ticks_are_round_and_include_zero():
    assert charts.ticks(0.0, 0.1079) == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1, 0.125])
    assert charts.ticks(-0.2271, 0.2291) == pytest.approx([-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
    # All negative: zero is still the top tick (bars hang from the zero line).
    assert charts.ticks(-0.16, -0.0023)[-1] == 0.0
    assert charts.ticks(5.0, 5.0)[0] == 0.0
    assert charts.nice_step(0) == 1.0


def test_scale_maps_data_to_pixels_top_down():
    y = charts.Scale(-10.0, 30.0, bottom=200.0, top=0.0)
    assert y(-10.0) == 200.0 and y(30.0) == 0.0 and y(0.0) == 150.0
    assert charts.Scale(1.0, 1.0, 5.0, 0.0)(1.0) == 5.0


def test_bars_negative_values_hang_below_the_zero_line():
    """Monthly net flows of DIA's N-PORT: Feb +1,724,162,501.0, Mar -389,500,571.15."""
    svg = charts.bar_chart(["2025-02", "2025-03"],
                           [charts.Series("Net", (Decimal("1724162501.0"),
                                                  Decimal("-389500571.15")))],
                           title="Net flows", value_label=display.amount,
                           tick_label=charts.money_tick)
    root = ElementTree.fromstring(svg)
    zero = [g for g in root.iter(f"{SVG}line") if "zero" in g.get("class", "")]
    assert len(zero) == 1
    zero_y = float(zero[0].get("y1"))
    up, down = _bars(svg)
    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(zero_y, abs=0.1)
    assert float(down.get("y")) == pytest.approx(zero_y, abs=0.1)
    # Heights are proportional to the values.
    assert float(up.get("height")) / float(down.get("height")) == pytest.approx(
        1724162501.0 / 389500571.15, rel=0.01)
    # Tooltips and data-value carry the exact value, never a float's digits.
    assert down.get("data-value") == "-389500571.15"
    assert down.find(f"{SVG}title").text == "2025-03, Net: -389,500,571.15"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert "0" in ticks and "1.5B" in ticks and "-500M" in ticks


def test_grouped_bars_labels_legend_and_missing_values():
    svg = charts.bar_chart(
        ["1 year", "Since inception"],
        [charts.Series("Fund", (Decimal("0.1079"), Decimal("0.0613"))),
         charts.Series("S&P 500® Index", (Decimal("-0.0376"), None))],
        title="Returns <N-CSR>", value_label=display.fraction_pct,
        tick_label=charts.percent_tick)
    root = ElementTree.fromstring(svg)  # well-formed: names are escaped
    bars = _bars(svg)
    assert len(bars) == 3  # None draws no bar
    assert [b.get("class") for b in bars] == ["bar s0", "bar s1", "bar s0"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Returns <N-CSR>" in texts
    assert {"1 year", "Since inception", "Fund", "S&P 500® Index"} <= set(texts)
    assert "10%" in texts and "-5%" in texts
    assert bars[1].find(f"{SVG}title").text == "1 year, S&P 500® Index: -3.76%"
    assert root.get("role") == "img" and root.get("aria-label") == "Returns <N-CSR>"


def test_empty_chart_says_so():
    svg = charts.bar_chart(["2026-04"], [charts.Series("Sales", (None,))], title="Flows")
    assert _bars(svg) == [] and "No data for Flows" in svg and 'class="chart empty"' in svg
    assert "No data" in charts.bar_chart([], [], title="Nothing")


def test_series_length_must_match_categories():
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        charts.bar_chart(["a"], [charts.Series("x", (1, 2))], title="t")


def test_tick_labels():
    assert [charts.percent_tick(v) for v in (0.125, -0.05, 0.0, 1.0)] == [
        "12.5%", "-5%", "0%", "100%"]
    assert [charts.money_tick(v) for v in (5e9, -2.5e6, 1500.0, 0.0, 12.5)] == [
        "5B", "-2.5M", "1.5K", "0", "12.5"]


def test_display_is_exact():
    assert display.amount(Decimal("36544885644.96")) == "36,544,885,644.96"
    assert display.amount(Decimal("1724162501.0")) == "1,724,162,501.0"
    assert display.amount(Decimal("-389500571.15")) == "-389,500,571.15"
    assert display.amount(None) == display.NONE and display.amount(7) == "7"
    assert display.fraction_pct(Decimal("0.0034")) == "0.34%"
    assert display.fraction_pct(Decimal("0.0069")) == "0.69%"
    assert display.fraction_pct(Decimal("-0.16")) == "-16%"
    assert display.fraction_pct(Decimal("0.123456789")) == "12.3456789%"
    assert display.fraction_pct(Decimal("0")) == "0%"
    assert display.fraction_pct(Decimal("1E-7")) == "0.00001%"
    assert display.fraction_pct(None) == display.NONE
    assert display.period("calendar_year", 2024) == "2024"
    assert display.period("since_inception") == "Since inception"
    assert display.plain(date(2025, 4, 30)) == "2025-04-30"
