"""compare_accounts: accounts side by side, each figure the one compare_customer computes."""

from __future__ import annotations

import pytest

from tests.factories import add_customers, set_metric
from tools.base import ToolError
from tools.compare.compare_accounts import CompareAccountsInput, compare_accounts, follow_ups
from tools.compare.compare_customer import CompareCustomerInput, compare_customer


@pytest.fixture
def two(ws):
    ent = add_customers(ws, 12, names=["Acme Corp", "TechCorp"] + [f"Ent {i}" for i in range(10)], seed=5)
    smb = add_customers(ws, 11, segment="SMB", arr=10_000, seed=6)
    return ws, ent, smb


def test_side_by_side_figures_are_compare_customers(two):
    ws, ent, smb = two
    out = compare_accounts(ws, CompareAccountsInput(customers=["acme", "SMB SaaS 03"]))
    acme = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    small = compare_customer(ws, CompareCustomerInput(customer="SMB SaaS 03"))
    assert [a.customer for a in out.accounts] == ["Acme Corp", "SMB SaaS 03"]
    assert [a.peer_group_size for a in out.accounts] == [12, 11]  # each against its own peers
    assert out.accounts[0].overall_percentile == acme.overall_percentile
    for row in out.metrics:
        assert row.values == [acme.metric(row.metric).value, small.metric(row.metric).value]
        assert row.percentiles == [acme.metric(row.metric).percentile, small.metric(row.metric).percentile]
    assert sum(out.leads.values()) == sum(r.leader is not None for r in out.metrics)


def test_the_better_value_follows_the_metric_direction(two):
    ws, ent, _ = two
    set_metric(ws, ent[0], "time_to_value_days", 20.0)   # Acme faster
    set_metric(ws, ent[1], "time_to_value_days", 45.0)
    set_metric(ws, ent[0], "nps", 30.0)
    set_metric(ws, ent[1], "nps", 50.0)                    # TechCorp higher
    set_metric(ws, ent[0], "csat", 42.0)
    set_metric(ws, ent[1], "csat", 42.0)                   # a tie: nobody is better
    out = compare_accounts(ws, CompareAccountsInput(customers=["Acme Corp", "TechCorp"],
                                                    metrics=["time_to_value_days", "nps", "csat"]))
    assert [r.leader for r in out.metrics] == ["Acme Corp", "TechCorp", None]
    text = out.to_markdown()
    assert text.count("| Metric | Acme Corp | TechCorp |") == 1 and "**20 days" in text and "**+50" in text


def test_labelled_buttons_and_errors(two):
    ws, *_ = two
    out = compare_accounts(ws, CompareAccountsInput(customers=["Acme Corp", "TechCorp"]))
    assert [f.label for f in follow_ups(out)] == ["Full comparison: Acme Corp", "Full comparison: TechCorp"]
    with pytest.raises(ToolError):
        compare_accounts(ws, CompareAccountsInput(customers=["Acme Corp", "acme corp"]))
