"""Goals import: strict, all or nothing, re-import updates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tools.ingest.goals import column_of, import_goals, looks_like_goals
from tools.ingest.problems import ImportFailed

AS_OF = dt.date(2026, 11, 1)
HEADER = ("customer,goal,category,metric,baseline,target,current,unit,start_date,target_date,"
          "owner,weight,value_type,value_amount,hours_saved_per_unit,units_per_month,hourly_rate\n")
GOOD = [
    "Acme Corp,Ticket resolution time,efficiency,resolution time,24,12,11.5,hours,2026-01-01,2026-12-31,"
    "Dana,2,time_saved,,12.5,150,$50",
    "acme corp,Raise NPS,satisfaction,NPS Score,30,50,,,2026-10-01,2027-06-30,,,,,,,",
    "TechCorp,Automation savings,cost,process cost,10000,5000,6000,$,2026-01-01,2026-12-31,,,cost_reduction,"
    "$285K,,,",
]


@pytest.fixture
def accounts(ws):
    with ws.write() as db:
        db["customers"].insert_all([{"id": 1, "name": "Acme Corp", "segment": "Enterprise", "arr": 68_000.0},
                                    {"id": 2, "name": "TechCorp", "segment": "Enterprise", "arr": 250_000.0}])
    return ws


def write(tmp_path, rows, header=HEADER, name="goals.csv"):
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def count(ws, table):
    return ws.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def test_good_file_imports_every_goal(accounts, tmp_path):
    out = import_goals(accounts, write(tmp_path, GOOD), as_of=AS_OF)
    assert (out.goals_created, out.goals_updated, out.measurements, out.customers) == (3, 0, 2, 2)
    goals = {g["name"]: g for g in accounts.query("SELECT * FROM goals")}
    t = goals["Ticket resolution time"]
    assert (t["customer_id"], t["direction"], t["unit"], t["owner"], t["weight"]) == (1, "decrease", "hours",
                                                                                        "Dana", 2.0)
    assert json.loads(t["value_inputs_json"]) == {"hours_saved_per_unit": 12.5, "units_per_month": 150.0,
                                                  "hourly_rate": 50.0}
    nps = goals["Raise NPS"]
    assert (nps["customer_id"], nps["metric"], nps["unit"], nps["weight"]) == (1, "nps", "score", 1.0)
    assert goals["Automation savings"]["value_amount"] == 285_000
    assert accounts.query("SELECT date, value FROM goal_measurements ORDER BY value") == [
        {"date": "2026-11-01", "value": 11.5}, {"date": "2026-11-01", "value": 6000.0}]


def test_reimport_updates_instead_of_duplicating(accounts, tmp_path):
    import_goals(accounts, write(tmp_path, GOOD), as_of=AS_OF)
    changed = [GOOD[0].replace(",11.5,", ",11,")]
    out = import_goals(accounts, write(tmp_path, changed), as_of=AS_OF)
    assert (out.goals_created, out.goals_updated) == (0, 1)
    assert count(accounts, "goals") == 3 and count(accounts, "goal_measurements") == 2
    assert accounts.query("SELECT value FROM goal_measurements WHERE goal_id = 1") == [{"value": 11.0}]


def test_bad_file_imports_nothing_and_lists_every_problem(accounts, tmp_path):
    import_goals(accounts, write(tmp_path, GOOD[:1]), as_of=AS_OF)
    before = accounts.query("SELECT * FROM goals")
    bad = GOOD + [
        "Acme Corp,Same goal,custom,x,5,5,,count,2026-01-01,2026-12-31,,,,,,,",          # target == baseline
        "Acme Corp,Backwards,custom,x,1,5,,count,2026-12-31,2026-01-01,,,,,,,",          # dates reversed
        "Acme Corp,Units,custom,x,1,5,,parsecs,2026-01-01,2026-12-31,,,,,,,",            # unknown unit
        "Nobody Ltd,Ghost,custom,x,1,5,,count,2026-01-01,2026-12-31,,,,,,,",             # unknown customer
        "Acme Corp,Bad number,custom,x,one,5,,count,2026-01-01,2026-12-31,,,,,,,",       # not a number
        "Acme Corp,Bad date,custom,x,1,5,,count,01/02/2026,2026-12-31,,,,,,,",           # not ISO
        "Acme Corp,Value,cost,x,1,5,,count,2026-01-01,2026-12-31,,,cost_reduction,,,,",  # no monthly_amount
        "Acme Corp,Raise NPS,satisfaction,nps,30,50,,,2026-10-01,2027-06-30,,,,,,,",     # duplicate of row 3
        "Acme Corp,Bad category,vibes,x,1,5,,count,2026-01-01,2026-12-31,,,,,,,",
        "Acme Corp,Inf,custom,x,1,inf,,count,2026-01-01,2026-12-31,,,,,,,",
    ]
    with pytest.raises(ImportFailed) as err:
        import_goals(accounts, write(tmp_path, bad), as_of=AS_OF)
    msg = err.value.message
    assert "Nothing was imported from goals.csv: 10 problems." in msg
    for text in ("row 5, column 'target': \"5\", expected a target different from the baseline",
                 "row 6, column 'target_date': \"2026-01-01\", expected a date after the start date 2026-12-31",
                 "row 7, column 'unit': \"parsecs\", expected a known unit",
                 "row 8, column 'customer': \"Nobody Ltd\", expected an existing customer name",
                 "row 9, column 'baseline': \"one\"", "row 10, column 'start_date'",
                 "row 11, column 'value_type'", "monthly_amount", "row 12, column 'goal'", "row 3",
                 "row 13, column 'category'", "row 14, column 'target': \"inf\""):
        assert text in msg, text
    assert accounts.query("SELECT * FROM goals") == before          # nothing changed
    assert count(accounts, "goal_measurements") == 1


def test_missing_and_unknown_columns(accounts, tmp_path):
    header = "customer,goal,baseline,target,start_date,target_date,colour\n"
    with pytest.raises(ImportFailed) as err:
        import_goals(accounts, write(tmp_path, ["Acme Corp,x,1,2,2026-01-01,2026-12-31,red"], header=header))
    msg = err.value.message
    assert "row 1, column 'colour': not a goals column" in msg
    assert "column 'category': this required column is missing from the header" in msg
    assert count(accounts, "goals") == 0


def test_every_problem_of_a_row_is_reported(accounts, tmp_path):
    row = "Nope,Y,custom,m,1,1,,furlongs,2026-07-01,2026-03-31,,,,,,,"
    with pytest.raises(ImportFailed) as err:
        import_goals(accounts, write(tmp_path, [row]), as_of=AS_OF)
    assert "4 problems" in err.value.message
    for col in ("customer", "unit", "target_date", "target"):
        assert f"row 2, column '{col}'" in err.value.message


def test_required_cells(accounts, tmp_path):
    with pytest.raises(ImportFailed) as err:
        import_goals(accounts, write(tmp_path, [",,custom,x,1,,,count,,2026-12-31,,,,,,,"]), as_of=AS_OF)
    msg = err.value.message
    for col in ("customer", "goal", "target", "start_date"):
        assert f"column '{col}': (blank), expected a value (this column is required)" in msg


def test_xlsx_goals_file(accounts, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Goals"
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Acme Corp", "Adoption", "adoption", "adoption_score", 40, 60, 55, "score",
                  "2026-01-01", "2026-12-31", None, None, None, None, None, None, None])
    path = tmp_path / "goals.xlsx"
    wb.save(path)
    out = import_goals(accounts, path, sheet="Goals", as_of=AS_OF)
    assert out.goals_created == 1 and out.measurements == 1


def test_header_mapping_for_detection():
    assert column_of("Target Date") == "target_date" and column_of("Due date") == "target_date"
    assert column_of("colour") is None
    assert looks_like_goals(HEADER.strip().split(","))
    assert not looks_like_goals(["name", "arr", "nps"])


def test_load_file_recognises_a_goals_file(accounts, tmp_path):
    load = pytest.importorskip("tools.ingest.load")
    out = load.load_file(accounts, write(tmp_path, GOOD))
    assert out.goals_created == 3 and out.summary.startswith("Imported 3 goals for 2 customers")
