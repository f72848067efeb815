"""trend_panels, drawn without an Axes per panel: the same PNG size, the y axis matplotlib's autoscale and
``locator_params(axis="y", nbins=4)`` would give, None values skipped, empty panels framed, titles as text."""

from __future__ import annotations

import io

import pytest
from matplotlib import rc_context
from PIL import Image

from reports.charts import STYLE, _axis_formatter, _figure, _grid_cells
from reports.charts_position import _trend_panel, _y_axis, trend_panels

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
HOSTILE_TITLE = r"Save $5K on $x^2$ \frac{1}{2} and $\frac{x$"


def _panel(title="Renewal Rate", you=None, peers=None, kind="percent"):
    you = you if you is not None else [90.0 + i % 3 for i in range(12)]
    peers = peers if peers is not None else [80.0 - i % 2 for i in range(12)]
    return (title, MONTHS, you, peers, kind)


@pytest.mark.parametrize("n, size", [(1, (330, 302)), (2, (660, 302)), (3, (660, 511)), (4, (660, 511)),
                                     (6, (660, 720))])
def test_the_chart_is_a_png_of_the_grid_size(n, size):
    png = trend_panels([_panel(f"Metric {i}") for i in range(n)], "#1F3A5F", "peer-group median")
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", size)
    assert len(set(image.convert("L").getdata())) > 2  # something drawn on the white


def _axes_y(values: list[float], kind: str | None):
    """What a real matplotlib axes shows: its y limits and the labels of the ticks it draws."""
    fig = _figure(3.0, 1.9)
    ax = fig.add_subplot()
    if values:
        ax.plot(range(len(values)), values)
    ax.yaxis.set_major_formatter(_axis_formatter(kind))
    ax.locator_params(axis="y", nbins=4)
    fig.canvas.draw()
    drawn = ax.yaxis._update_ticks()  # the ticks inside the view, the ones an axes draws
    return ax.get_ylim(), [t.label1.get_text() for t in drawn]


@pytest.mark.parametrize("values, kind", [
    ([93.1, 96.4, 94.6, 90.6, 92.0], "percent"), ([31.0, 8.9, 34.7, 7.6], "percent"), ([5.0, 9.0, 6.0], None),
    ([42.0], None), ([0.0, 0.0], None), ([], "percent"), ([-3.2, 4.1, 0.5], None), ([0.42, 0.35, 0.51], None),
    ([1200.0, 4800.0, 2500.0], "dollars"), ([2.1e6, 2.75e6], "dollars"), ([980.0, 1450.0, 2060.0], None),
    ([0.001, 0.0012], None), ([1e9, 1e9 + 5], None),
])
def test_the_y_axis_is_what_an_autoscaled_axes_with_four_bins_shows(values, kind):
    with rc_context(STYLE):
        (lo, hi), labels = _axes_y(values, kind)
        y0, y1, ticks = _y_axis(values, kind)
    assert (y0, y1) == pytest.approx((lo, hi), rel=1e-12, abs=1e-15)
    assert [text for _, text in ticks] == labels
    assert all(y0 <= t <= y1 for t, _ in ticks) and len(ticks) >= 2


def _drawn_panel(panel, accent="#1F3A5F"):
    """One panel drawn into a figure, with plain text rendering forced off so a missed parse_math shows."""
    title, periods, you, peers, kind = panel
    with rc_context({**STYLE, "text.parse_math": True}):
        fig, boxes = _grid_cells(1, 1, (3.0, 1.9), top_in=0.3, bottom_in=0.55, left=0.55, hspace=0.55,
                                 wspace=0.32)
        lines = _trend_panel(fig, boxes[0], title, periods, [(you, "you"), (peers, "peer median")], kind, accent)
        fig.canvas.draw()
    return fig, lines


def test_none_values_are_skipped_not_drawn_as_gaps_or_zeros():
    you = [None, 10.0, None, 12.0] + [None] * 8
    _, lines = _drawn_panel(("T", MONTHS, you, [None] * 11 + [7.0], None))
    assert [(list(line.get_xdata()), list(line.get_ydata())) for line in lines] == [([1, 3], [10.0, 12.0]),
                                                                                 ([11], [7.0])]
    assert [line.get_label() for line in lines] == ["you", "peer median"]


def test_a_panel_without_points_still_has_its_frame_title_and_month_labels():
    fig, lines = _drawn_panel(("Nothing reported yet", MONTHS, [None] * 12, [None] * 12, "percent"))
    texts = [t.get_text() for t in fig.texts]
    assert lines == []
    assert "Nothing reported yet" in texts and {"Jan 26", "Apr 26", "Jul 26", "Oct 26"} <= set(texts)
    assert len([a for a in fig.artists if a.get_linestyle() == "-"]) == 2  # left and bottom spines


def test_a_title_with_dollars_and_tex_is_drawn_as_its_text():
    fig, _ = _drawn_panel(_panel(HOSTILE_TITLE, kind="dollars"))  # drawn: a parsed "$\frac{x$" would raise
    title = next(t for t in fig.texts if t.get_text() == HOSTILE_TITLE)
    assert not title.get_parse_math() and all(not t.get_parse_math() for t in fig.texts)
    assert trend_panels([_panel(HOSTILE_TITLE, kind="dollars")], "#1F3A5F", "peer").startswith(b"\x89PNG")
