"""The comparison's inline charts: percentile bars, peers, and the peer-group distribution with the account marked."""

from __future__ import annotations

from tools.compare.compare_customer import TOOL, CompareCustomerInput, compare_customer


def test_account_comparison_registers_three_inline_charts(demo_ws):
    out = compare_customer(demo_ws, CompareCustomerInput(customer="Acme Corp"))
    charts = TOOL.charts(out)
    titles = [t for t, _ in charts]
    assert titles == ["Acme Corp: percentile within peer group", "Acme Corp: composite score vs peers",
                      "Acme Corp: peer-group distribution of the largest gaps"]
    assert all(png.startswith(b"\x89PNG") and len(png) > 5000 for _, png in charts)
