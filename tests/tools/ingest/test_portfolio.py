"""Portfolio and metric-history import: strict, all-or-nothing, re-import updates by name."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ingest_helpers import FIXTURES, fails, make_xlsx, problem_lines, snapshot, write
from tools.ingest.load import load_file
from tools.ingest.portfolio import import_history, import_portfolio
from tools.ingest.problems import ImportFailed

TODAY = dt.date(2026, 11, 5)


def customers(ws) -> dict[str, dict]:
    return {r["name"]: r for r in ws.query("SELECT * FROM customers")}


def values(ws, name: str) -> dict[tuple[str, str], float]:
    rows = ws.query("SELECT mv.metric, mv.period, mv.value FROM metric_values mv "
                    "JOIN customers c ON c.id = mv.customer_id WHERE c.name = ?", (name,))
    return {(r["metric"], r["period"]): r["value"] for r in rows}


@pytest.fixture
def imported(ws):
    return import_portfolio(ws, FIXTURES / "portfolio_good.csv", today=TODAY)


def test_good_portfolio_with_messy_values(ws, imported):
    out = imported
    assert (out.accounts, out.accounts_created, out.accounts_updated) == (4, 4, 0)
    assert out.metrics == ["nps", "dau_mau", "time_to_value_days", "renewal_rate", "net_revenue_retention",
                           "support_tickets_per_user"]
    assert out.periods == ["2026-11"] and out.metric_values_written == 20
    assert out.unknown_columns == [] and out.segments_derived == 2
    c = customers(ws)
    assert c["Acme Corp"]["arr"] == 85_000 and c["Acme Corp"]["segment"] == "Mid-Market"
    assert c["Acme Corp"]["region"] == "NA"  # North America, not "missing"
    assert c["TechCorp"]["arr"] == 285_000 and c["TechCorp"]["segment"] == "Enterprise"
    assert c["BetaInc"]["arr"] == 1_200_000 and c["BetaInc"]["segment"] == "Enterprise"  # derived from ARR
    assert c["SmallBiz"]["segment"] == "SMB" and c["SmallBiz"]["contract_start"] == "2024-06-30"
    assert values(ws, "Acme Corp") == {
        ("nps", "2026-11"): 38.0, ("dau_mau", "2026-11"): 0.42, ("time_to_value_days", "2026-11"): 45.0,
        ("support_tickets_per_user", "2026-11"): 0.8, ("net_revenue_retention", "2026-11"): 112.0,
        ("renewal_rate", "2026-11"): 92.0}
    assert values(ws, "SmallBiz")[("nps", "2026-11")] == -12.0  # Unicode minus
    assert ("nps", "2026-11") not in values(ws, "BetaInc")  # n/a is missing, not zero
    assert "column 'renewal_rate': 0-1 fractions read as percent (0.92 -> 92)" in out.normalisations
    assert "column 'Net Revenue Retention': percent signs removed (112% -> 112)" in out.normalisations
    assert "segment derived from ARR for 2 accounts" in out.normalisations
    assert out.summary.startswith("Imported 4 accounts from portfolio_good.csv (4 new, 0 updated) with 20 metric "
                                  "values for 6 metrics (2026-11).")


def test_reimport_updates_by_name_and_never_duplicates(ws, imported):
    text = ("Name,ARR,nps,industry\n"
            "ACME CORP,90000,41,\n"  # different case; blank industry keeps the stored one
            "NewCo,20000,10,Media\n")
    out = import_portfolio(ws, write(ws.path.parent, "again.csv", text), today=TODAY)
    assert (out.accounts_created, out.accounts_updated) == (1, 1)
    c = customers(ws)
    assert len(c) == 5 and "ACME CORP" not in c
    assert c["Acme Corp"]["arr"] == 90_000 and c["Acme Corp"]["industry"] == "SaaS"
    assert c["Acme Corp"]["segment"] == "Mid-Market"
    assert c["NewCo"]["segment"] == "SMB"
    assert values(ws, "Acme Corp")[("nps", "2026-11")] == 41.0  # same month: replaced
    assert values(ws, "Acme Corp")[("dau_mau", "2026-11")] == 0.42  # absent column: kept


def test_semicolon_decimal_comma_portfolio(ws):
    out = import_portfolio(ws, FIXTURES / "portfolio_semicolon.csv", today=TODAY)
    c = customers(ws)
    assert c["Acme Corp"]["arr"] == 85_000 and c["TechCorp"]["arr"] == 1_234_567.5
    assert values(ws, "Acme Corp")[("session_minutes", "2026-11")] == 12.5
    assert values(ws, "Acme Corp")[("dau_mau", "2026-11")] == 0.42
    assert "columns are separated by semicolons" in out.normalisations


def test_period_column_makes_monthly_history(ws):
    text = ("name,period,segment,nps,dau_mau\n"
            "Acme Corp,2026-08,Mid-Market,30,0.4\n"
            "Acme Corp,2026-09,Mid-Market,34,0.41\n"
            "Acme Corp,2026-10,Enterprise,36,0.43\n"
            "TechCorp,2026-10,ENT,61,0.6\n")
    out = import_portfolio(ws, write(ws.path.parent, "hist.csv", text), today=TODAY)
    assert (out.accounts, out.rows, out.metric_values_written) == (2, 4, 8)
    assert out.periods == ["2026-08", "2026-09", "2026-10"]
    assert values(ws, "Acme Corp")[("nps", "2026-09")] == 34.0
    assert customers(ws)["Acme Corp"]["segment"] == "Enterprise"  # attributes from the latest period


def test_unknown_columns_are_reported_not_dropped_silently(ws):
    out = import_portfolio(ws, write(ws.path.parent, "u.csv", "name,favourite colour,shoe size\nAcme,red,9\n"),
                           today=TODAY)
    assert out.unknown_columns == ["favourite colour", "shoe size"] and out.metrics == []
    assert "Columns not recognised (not imported): favourite colour, shoe size." in out.summary


def test_formula_text_in_a_name_stays_text(ws):
    text = 'name,nps\n"=HYPERLINK(""http://evil.example"",""Acme"")",38\n'
    out = import_portfolio(ws, write(ws.path.parent, "f.csv", text), today=TODAY)
    assert list(customers(ws)) == ['=HYPERLINK("http://evil.example","Acme")']
    assert any(n.startswith("names that look like formulas are stored as plain text") for n in out.normalisations)


def test_xlsx_portfolio_with_percent_format_and_dates(ws, tmp_path):
    path = make_xlsx(tmp_path / "p.xlsx", [
        ["Customer Name", "ARR", "Contract Start", "Renewal Rate", "NPS"],
        ["Acme Corp", 85000, dt.datetime(2023, 4, 1), 0.92, 38],
    ], formats={"D2": "0%"})
    out = import_portfolio(ws, path, today=TODAY)
    assert customers(ws)["Acme Corp"]["contract_start"] == "2023-04-01"
    assert values(ws, "Acme Corp")[("renewal_rate", "2026-11")] == 92.0
    assert out.accounts_created == 1


# --- bad input: every problem listed, nothing changed --------------------------------------------

BAD_CELLS = [
    ("nps\n150", "row 2, column 'nps': \"150\", expected a number from -100 to 100 (NPS, score -100..100)"),
    ("dau_mau\n3", "row 2, column 'dau_mau': \"3\", expected a number from 0 to 1 (DAU/MAU, ratio 0-1)"),
    ("nps\ninf", "row 2, column 'nps': \"inf\", expected a finite number (infinity/NaN is not a value; "
                 "leave the cell blank if unknown)"),
    ("nps\nNaN", "row 2, column 'nps': \"NaN\", expected a finite number (infinity/NaN is not a value; "
                 "leave the cell blank if unknown)"),
    ("nps\n$12", "row 2, column 'nps': \"$12\", expected a plain number (no currency sign or K/M suffix in "
                 "this column)"),
    ("nps\n=40+2", "row 2, column 'nps': \"=40+2\", expected a number, not a formula (formulas are not "
                   "evaluated; paste the values)"),
    ("arr\nlots", "row 2, column 'arr': \"lots\", expected a number or amount"),
    ("contract_start\n03/04/2023", "row 2, column 'contract_start': \"03/04/2023\", expected an ISO date YYYY-MM-DD"),
    ("csat\n80%", "row 2, column 'csat': \"80%\", expected a number without % (CSAT is score 1-5)"),
]


@pytest.mark.parametrize("column_and_value, problem", BAD_CELLS, ids=[b[0].replace("\n", "=") for b in BAD_CELLS])
def test_bad_cell_fails_whole_import_and_changes_nothing(ws, imported, column_and_value, problem):
    column, value = column_and_value.split("\n")
    text = f"name,{column},industry\nAcme Corp,,Changed\nBrandNew,{value},Media\n"
    before = snapshot(ws)
    err = fails(import_portfolio, ws, write(ws.path.parent, "bad.csv", text), today=TODAY)
    assert problem_lines(err) == [f"bad.csv, {problem.replace('row 2', 'row 3')}"]
    assert snapshot(ws) == before  # the valid Acme Corp update was not applied either


def test_every_problem_is_listed_with_row_and_column(ws):
    text = ("name,nps,dau_mau,arr\n"
            "Acme Corp,38,0.4,$85K\n"
            "TechCorp,abc,0.5,1M\n"  # mixed types in nps
            "DataPro,12,3,2K\n"
            "OldCorp,150,seven,-5\n")
    err = fails(load_file, ws, write(ws.path.parent, "many.csv", text), today=TODAY)
    assert problem_lines(err) == [
        "many.csv, row 3, column 'nps': \"abc\", expected a number",
        "many.csv, row 4, column 'dau_mau': \"3\", expected a number from 0 to 1 (DAU/MAU, ratio 0-1)",
        "many.csv, row 5, column 'arr': \"-5\", expected an amount of 0 or more",
        "many.csv, row 5, column 'nps': \"150\", expected a number from -100 to 100 (NPS, score -100..100)",
        "many.csv, row 5, column 'dau_mau': \"seven\", expected a number",
    ]
    assert err.message.startswith("Nothing was imported from many.csv: 5 problems.\n- many.csv, row 3")
    assert ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"] == 0


def test_problem_list_is_capped_in_the_message(ws):
    text = "name,nps\n" + "".join(f"A{i},999\n" for i in range(30))
    err = fails(import_portfolio, ws, write(ws.path.parent, "cap.csv", text), today=TODAY)
    assert err.total == 30 and len(err.message.splitlines()) == 1 + 20 + 1
    assert err.message.endswith("... and 10 more")


def test_duplicate_account_names(ws, imported):
    before = snapshot(ws)
    text = "name,nps\nAcme Corp,10\nTechCorp,20\n acme corp ,30\n"
    err = fails(import_portfolio, ws, write(ws.path.parent, "dups.csv", text), today=TODAY)
    assert problem_lines(err) == [
        "dups.csv, row 4, column 'name': \"acme corp\", expected unique account names (also on row 2)"]
    assert snapshot(ws) == before


def test_duplicate_account_and_period(ws):
    text = "name,period,nps\nAcme,2026-01,10\nAcme,2026-02,20\nACME,2026-01,30\n"
    err = fails(import_portfolio, ws, write(ws.path.parent, "dp.csv", text), today=TODAY)
    assert problem_lines(err) == [
        "dp.csv, row 4, column 'name': \"ACME\", expected one row per account and period (also on row 2)"]


def test_two_columns_for_one_metric(ws):
    err = fails(import_portfolio, ws, write(ws.path.parent, "twice.csv", "name,NPS,NPS Score\nA,1,2\n"))
    assert problem_lines(err) == [
        "twice.csv, row 1, column 'NPS Score': \"NPS Score\", expected one column for nps (column 'NPS' is the same)"]


def test_missing_name_column_and_blank_names(ws):
    err = fails(import_portfolio, ws, write(ws.path.parent, "noname.csv", "nps,arr\n1,2\n"))
    assert problem_lines(err) == ["noname.csv, row 1: expected a 'name' column with the account names; "
                                  "found columns 'nps', 'arr'"]
    err = fails(import_portfolio, ws, write(ws.path.parent, "blank.csv", "name,nps\nA,1\n ,2\n"))
    assert problem_lines(err) == ["blank.csv, row 3, column 'name': (blank), expected an account name"]


def test_xlsx_with_formulas_in_numeric_cells(ws, tmp_path):
    path = make_xlsx(tmp_path / "formulas.xlsx", [
        ["name", "nps", "arr"],
        ["Acme Corp", 38, 85000],
        ["TechCorp", "=AVERAGE(B2:B2)", "=B2*1000"],
    ])
    before = snapshot(ws)
    err = fails(load_file, ws, path, today=TODAY)
    assert problem_lines(err) == [
        "formulas.xlsx, row 3, column 'arr': \"=B2*1000\", expected a number, not a formula (formulas are not "
        "evaluated; paste the values)",
        "formulas.xlsx, row 3, column 'nps': \"=AVERAGE(B2:B2)\", expected a number, not a formula (formulas are "
        "not evaluated; paste the values)",
    ]
    assert snapshot(ws) == before


def test_failed_reimport_leaves_previous_data_intact(ws, imported):
    before = snapshot(ws)
    good_rows = "".join(f"Acme Corp {i},{i}\n" for i in range(50))
    text = "name,nps\n" + good_rows + "TechCorp,101\n"
    with pytest.raises(ImportFailed):
        load_file(ws, write(ws.path.parent, "redo.csv", text), today=TODAY)
    assert snapshot(ws) == before
    assert len(before["customers"]) == 4 and len(before["metric_values"]) == 20


# --- metric history (long form) --------------------------------------------------------------------

def test_history_import(ws, imported):
    out = load_file(ws, FIXTURES / "history.csv")
    assert out.kind == "history"
    assert (out.metric_values_written, out.customers) == (5, 2)
    assert out.metrics == ["nps", "dau_mau"] and out.periods == ["2026-08", "2026-09", "2026-10"]
    assert values(ws, "Acme Corp")[("nps", "2026-10")] == 36.0
    assert values(ws, "TechCorp")[("dau_mau", "2026-09")] == 0.58
    assert values(ws, "TechCorp")[("dau_mau", "2026-10")] == 0.6


def test_history_unknown_customer_metric_and_duplicates(ws, imported):
    before = snapshot(ws)
    text = ("customer,metric,period,value\n"
            "Acme Crop,nps,2026-09,30\n"
            "Acme Crop,nps,2026-10,31\n"
            "TechCorp,happiness,2026-10,5\n"
            "TechCorp,nps,2026-10,50\n"
            "TechCorp,NPS Score,2026-10,51\n"
            "TechCorp,nps,Oct 2026,52\n")
    err = fails(import_history, ws, write(ws.path.parent, "h.csv", text))
    assert problem_lines(err) == [
        "h.csv, row 2, column 'customer': \"Acme Crop\", expected an existing account (did you mean 'Acme Corp'?) "
        "(2 rows); import the portfolio first",
        "h.csv, row 4, column 'metric': \"happiness\", expected a catalog metric",
        "h.csv, row 6, column 'metric': \"NPS Score\", expected one value per account, metric and period "
        "(also on row 5)",
        "h.csv, row 7, column 'period': \"Oct 2026\", expected a month YYYY-MM",
    ]
    assert snapshot(ws) == before


def test_history_out_of_range_value(ws, imported):
    text = "customer,metric,period,value\nAcme Corp,DAU/MAU Ratio,2026-10,3\n"
    err = fails(import_history, ws, write(ws.path.parent, "h2.csv", text))
    assert problem_lines(err) == [
        "h2.csv, row 2, column 'value': \"3\", expected a number from 0 to 1 (DAU/MAU, ratio 0-1)"]


def test_import_of_10k_rows_is_correct(ws, tmp_path):
    """Scale check (timing is reported by hand, not asserted): 10k accounts x 12 metrics."""
    metrics = ["nps", "dau_mau", "health_score", "csat", "adoption_score", "engagement_score",
               "feature_adoption", "user_activation", "time_to_value_days", "renewal_rate",
               "net_revenue_retention", "support_tickets_per_user"]
    lines = ["name,segment,arr," + ",".join(metrics)]
    for i in range(10_000):
        lines.append(f"Account {i},,{20_000 + i * 10},{i % 200 - 100},0.{i % 100:02d},50,4.1,60,61,55%,70,30,"
                     f"0.9,105,1.2")
    out = import_portfolio(ws, write(tmp_path, "big.csv", "\n".join(lines) + "\n"), today=TODAY)
    assert out.accounts_created == 10_000 and out.metric_values_written == 120_000
    assert ws.query("SELECT COUNT(*) AS n FROM metric_values")[0]["n"] == 120_000


def test_unreconciled_unit_column_is_not_imported(ws, tmp_path):
    out = import_portfolio(ws, write(tmp_path, "u.csv", "name,CSAT (%),nps\nAcme,80,10\n"), today=TODAY)
    assert out.metrics == ["nps"] and [u.metric for u in out.unreconciled] == ["csat"]
    assert "Units not reconciled (not imported): CSAT (%)." in out.summary
    assert ("csat", "2026-11") not in values(ws, "Acme")


def test_history_before_any_portfolio(ws):
    err = fails(import_history, ws, FIXTURES / "history.csv")
    assert problem_lines(err) == [
        "history.csv, row 2, column 'customer': \"Acme Corp\", expected an existing account (the workspace has "
        "no accounts yet) (3 rows); import the portfolio first",
        "history.csv, row 5, column 'customer': \"TechCorp\", expected an existing account (the workspace has "
        "no accounts yet) (2 rows); import the portfolio first",
    ]
