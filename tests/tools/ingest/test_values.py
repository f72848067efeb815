"""Value parsing: numbers, amounts, dates, units and the metric rules (percent, range)."""

from __future__ import annotations

import pytest

from analytics.catalog import BY_KEY
from tools.ingest.metric_column import Unreconciled, metric_column, unit_factor, unit_hint
from tools.ingest.values import BadValue, clean_text, parse_date, parse_int, parse_money, parse_number, parse_period


@pytest.mark.parametrize("text, value, percent", [
    ("38", 38.0, False), ("+38", 38.0, False), ("-12", -12.0, False), ("\u221212", -12.0, False),
    (" 0.62 ", 0.62, False), ("62%", 62.0, True), ("62 %", 62.0, True), ("1,234", 1234.0, False),
    ("1,234,567.5", 1234567.5, False), ("1e3", 1000.0, False), (".5", 0.5, False),
])
def test_numbers(text, value, percent):
    n = parse_number(text)
    assert (n.value, n.percent) == (value, percent)


@pytest.mark.parametrize("text, value", [
    ("12,5", 12.5), ("1.234,5", 1234.5), ("1.234", 1234.0), ("0.62", 0.62), ("1 234,5", 1234.5), ("-3,25", -3.25),
])
def test_decimal_comma_numbers(text, value):
    assert parse_number(text, decimal_comma=True).value == value


@pytest.mark.parametrize("text", ["", "  ", "NA", "n/a", "N/A", "-", "null", "#N/A", "\u2014"])
def test_missing(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text, expected", [
    ("inf", "a finite number (infinity/NaN is not a value; leave the cell blank if unknown)"),
    ("-Infinity", "a finite number (infinity/NaN is not a value; leave the cell blank if unknown)"),
    ("NaN", "a finite number (infinity/NaN is not a value; leave the cell blank if unknown)"),
    ("1e400", "a finite number"),
    ("=HYPERLINK(\"http://x\",\"y\")", "a number, not a formula (formulas are not evaluated; paste the values)"),
    ("#DIV/0!", "a number, not the spreadsheet error #DIV/0!"),
    ("abc", "a number"),
    ("12,5", "a number with a decimal point (decimal commas are read only in ';'-separated files)"),
    ("$285K", "a plain number (no currency sign or K/M suffix in this column)"),
    ("1_000", "a number"),
    ("+-3", "a number with one sign"),
    ("1.2.3", "a number"),
])
def test_not_numbers(text, expected):
    with pytest.raises(BadValue) as info:
        parse_number(text)
    assert str(info.value) == expected


@pytest.mark.parametrize("text, value", [
    ("$285K", 285_000.0), ("1.2M", 1_200_000.0), ("$1.5bn", 1.5e9), ("120,000", 120_000.0), ("€ 85k", 85_000.0),
    ("250000 USD", 250_000.0), ("", None),
])
def test_money(text, value):
    assert parse_money(text) == value


def test_money_rejects_negative_and_percent():
    with pytest.raises(BadValue, match="an amount of 0 or more"):
        parse_money("-$5K")
    with pytest.raises(BadValue, match="not a percentage"):
        parse_money("12%")


def test_dates_periods_ints_text():
    assert parse_date("2024-03-01") == "2024-03-01"
    assert parse_date("2024-03-01 00:00:00") == "2024-03-01"
    for bad in ("03/01/2024", "2024-02-30", "yesterday"):
        with pytest.raises(BadValue, match="an ISO date YYYY-MM-DD"):
            parse_date(bad)
    assert parse_period("2026-3") == "2026-03" and parse_period("2026-03-15") == "2026-03"
    with pytest.raises(BadValue, match="a month YYYY-MM"):
        parse_period("2026-13")
    assert parse_int("n=500") == 500
    with pytest.raises(BadValue, match="a whole number"):
        parse_int("12.5")
    assert clean_text("  Acme   Corp ") == "Acme Corp" and clean_text("n/a") is None
    assert clean_text("=HYPERLINK(\"x\")") == "=HYPERLINK(\"x\")"  # formula-like text stays text


def test_unit_hints_and_factors():
    ttv, session = BY_KEY["time_to_value_days"], BY_KEY["session_minutes"]
    assert unit_hint("Time to value (hours)") == "hours"
    assert unit_hint("Time-to-Value (days)") == "days"
    assert unit_hint("DAU/MAU (%)") == "%"
    assert unit_factor(ttv, "hours") == (1 / 24, "converted 'hours' to days (\u00f724)")
    assert unit_factor(ttv, "weeks")[0] == 7
    assert unit_factor(ttv, "days") == (1.0, None)
    assert unit_factor(session, "hours")[0] == 60
    assert unit_factor(BY_KEY["dau_mau"], "%")[0] == 0.01
    assert unit_factor(BY_KEY["support_tickets_per_user"], "tickets / user / month") == (1.0, None)
    assert unit_factor(BY_KEY["support_tickets_per_user"], "tickets per user per year")[0] == pytest.approx(1 / 12)
    assert unit_factor(BY_KEY["training_hours"], "hours / year") == (1.0, None)
    assert unit_factor(BY_KEY["health_score"], "%") == (1.0, None)
    for metric, unit in (("csat", "% satisfied"), ("nps", "$"), ("expansion_rate", "% per month"),
                         ("integrations", "USD")):
        with pytest.raises(Unreconciled):
            unit_factor(BY_KEY[metric], unit)


def test_percent_metric_rules():
    nrr = BY_KEY["net_revenue_retention"]
    r = metric_column(nrr, ["112%", "98", ""])
    assert r.values == [112.0, 98.0, None] and not r.errors
    assert r.notes == ["Net Revenue Retention: percent signs removed (112% -> 112)"]
    r = metric_column(BY_KEY["renewal_rate"], ["0.92", "0.8", "n/a"])
    assert r.values == [92.0, 80.0, None]
    assert r.notes == ["Renewal Rate: 0-1 fractions read as percent (0.92 -> 92)"]
    r = metric_column(BY_KEY["renewal_rate"], ["1", "0"])  # integers only: not taken as fractions
    assert r.values == [1.0, 0.0] and not r.notes


def test_ratio_metric_with_percent_signs():
    r = metric_column(BY_KEY["dau_mau"], ["45%", "0.5"])
    assert r.values == [0.45, 0.5]
    assert r.notes == ["DAU/MAU: percent signs removed (45% -> 0.45)"]


def test_out_of_range_and_mixed_types_are_errors_per_cell():
    r = metric_column(BY_KEY["nps"], ["150", "-12", "abc", "45%", "+38"])
    assert r.values == [None, -12.0, None, 45.0, 38.0]
    assert sorted(r.errors) == [(0, "a number from -100 to 100 (NPS, score -100..100)"), (2, "a number (NPS)")]
    assert r.notes == ["NPS: percent signs removed (45% -> 45)"]
    r = metric_column(BY_KEY["csat"], ["4.5", "80%"])
    assert r.errors == [(1, "a number without % (CSAT is score 1-5)")]
    r = metric_column(BY_KEY["dau_mau"], ["3", "0.4"])
    assert r.errors == [(0, "a number from 0 to 1 (DAU/MAU, ratio 0-1)")]


def test_hours_column_converted_to_days():
    r = metric_column(BY_KEY["time_to_value_days"], ["48", "12"], unit="hours", where="column 'TTV (hours)'")
    assert r.values == [2.0, 0.5]
    assert r.notes == ["column 'TTV (hours)': converted 'hours' to days (\u00f724)"]


@pytest.mark.parametrize("module", ["problems", "values", "detect"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"tools.ingest.{module}"))
    assert result.attempted > 0 and result.failed == 0
