"""The internal account report's scatter (feature adoption vs health score); customer-facing kinds
never draw it (their charts are checked by test_reports_send.test_customer_charts_show_no_individual_peer)."""

from __future__ import annotations

from tools.report.draft_report import BUILDERS, DraftReportInput, _gather
from tools.store.frames import latest_metrics


def _figures(ws, kind):
    _, data = _gather(ws, DraftReportInput(customer="Acme Corp", kind=kind, format="pdf"))
    return {f.key: f for f in BUILDERS[kind](data).figures()}, data


def test_the_internal_report_plots_the_account_among_anonymous_peers(demo_ws):
    figures, data = _figures(demo_ws, "account")
    f = figures["scatter"]
    assert f.chart_name == "peer_scatter" and "association, not causation" in f.caption
    xs, ys, you, x_label, y_label, label, fit = f.draw.args
    latest = latest_metrics(demo_ws)
    acme = int(demo_ws.query("SELECT id FROM customers WHERE name = 'Acme Corp'")[0]["id"])
    assert you == (latest.at[acme, "feature_adoption"], latest.at[acme, "health_score"])
    assert len(xs) == len(ys) == data.compare.cohort.size - 1 and label == "Acme Corp"
    assert x_label.startswith("Feature Adoption") and y_label.startswith("Health Score") and fit[0] > 0
    assert f.png[:4] == b"\x89PNG"


def test_customer_facing_kinds_have_no_scatter(demo_ws):
    for kind in ("benchmark", "qbr"):
        figures, _ = _figures(demo_ws, kind)
        assert "scatter" not in figures and all(f.chart_name != "peer_scatter" for f in figures.values())
