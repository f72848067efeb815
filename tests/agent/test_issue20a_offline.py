"""Issue 20a in chat, offline (planner + templates): follow-ups that regroup the portfolio or ask for
the full distribution, a metric subset, the scatter plot, practices to replicate, and the header."""

from __future__ import annotations

from agent.core import Session, Settings, answer


async def _say(ws, message, session):
    return await answer(message, ws=ws, session=session, settings=Settings())


async def test_group_them_by_industry_follows_the_last_portfolio_answer(demo_ws):
    s = Session(id="t")
    first = await _say(demo_ws, "Compare my customers against the benchmarks", s)
    assert first.results[0][1].group_by == "segment" and "peer groups by segment" in first.text
    again = await _say(demo_ws, "group them by industry instead", s)
    (name, out), = again.results
    assert name == "compare_portfolio" and out.group_by == "industry"
    assert "**FinTech** peer group" in again.text and "peer groups by industry" in again.text
    region = await _say(demo_ws, "now by region", s)
    assert region.results[0][1].group_by == "region"
    assert "data as of 2026-10" in region.context_line


async def test_metric_subset_and_full_distribution_for_an_account(demo_ws):
    s = Session(id="t")
    first = await _say(demo_ws, "compare Acme on NPS and renewal rate only", s)
    out = first.results[0][1]
    assert out.focus == ["nps", "renewal_rate"] and not out.show_distribution
    assert "Peer P90" not in first.text and "percentile, " in first.text
    full = await _say(demo_ws, "show the full distribution", s)
    out = full.results[0][1]
    assert out.show_distribution and out.focus == ["nps", "renewal_rate"]
    spread = full.text.split("**Peer distribution per metric**")[1]
    row = next(line for line in spread.splitlines() if line.startswith("| NPS |"))
    assert row == "| NPS | +39 | +28 | +37 | +50 | +63 | 55th |"  # value, P25, median, P75, P90, percentile


async def test_plot_on_request_marks_the_account(demo_ws):
    s = Session(id="t")
    await _say(demo_ws, "How does Acme Corp compare to peers?", s)
    ans = await _say(demo_ws, "plot feature adoption against health score", s)
    (name, out), = ans.results
    assert name == "plot_metrics" and out.customer == "Acme Corp"
    assert "anonymous points" in ans.text and "association, not causation" in ans.text


async def test_practices_with_the_laggards_to_replicate_for(demo_ws):
    ans = await answer("who are the top performers on NPS and what do they do differently", ws=demo_ws,
                       session=Session(id="t"), settings=Settings(anonymise=False))
    out = ans.results[0][1]
    assert out.groups and all(t.basis == "metric" for t in out.groups)
    assert "Above median" in ans.text and " of 4 |" in ans.text
    assert out.replicate and out.replicate[0].replicate_for
    assert f"Replicate for {out.replicate[0].replicate_for[0]}" in ans.text
