"""plot_metrics: the account marked among anonymous peer points; k >= 10; internal report only."""

from __future__ import annotations

import pytest

from tests.factories import add_customers
from tools.base import ToolError
from tools.compare.plot_metrics import PlotMetricsInput, plot_charts, plot_metrics
from tools.store.frames import latest_metrics


def test_scatter_has_every_peer_but_the_account_and_names_none(ws):
    ids = add_customers(ws, 14, seed=2)
    out = plot_metrics(ws, PlotMetricsInput(customer="Enterprise SaaS 03", x="NPS", y="health score"))
    latest = latest_metrics(ws)
    assert out.points == 13 and out.size == 14
    assert out.scatter.account_x == latest.at[ids[3], "nps"] and out.scatter.account_y == latest.at[ids[3], "health_score"]
    assert sorted(out.scatter.peers_x) == sorted(round(v, 4) for v in latest.loc[[i for i in ids if i != ids[3]], "nps"])
    dumped = out.model_dump_json()
    assert "Enterprise SaaS 04" not in dumped and "Enterprise SaaS 03" in dumped
    (title, png), = plot_charts(out)
    assert png[:4] == b"\x89PNG" and "peers anonymous" in title


def test_no_plot_for_a_peer_group_under_ten(ws):
    add_customers(ws, 9, seed=2)
    with pytest.raises(ToolError):
        plot_metrics(ws, PlotMetricsInput(customer="Enterprise SaaS 01"))


def test_two_different_metrics_are_needed(ws):
    add_customers(ws, 12, seed=2)
    with pytest.raises(ToolError):
        plot_metrics(ws, PlotMetricsInput(customer="Enterprise SaaS 01", x="nps", y="NPS"))
