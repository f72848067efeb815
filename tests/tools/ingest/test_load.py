"""detect_kind, load_file dispatch and the CLI commands `load` and `benchmarks`."""

from __future__ import annotations

import argparse
import json

import pytest

from agent.cli import ingest as cli
from tests.ingest_helpers import FIXTURES, write
from tools.base import ToolError
from tools.ingest.detect import detect_kind, stat_for
from tools.ingest.load import load_file
from tools.ingest.reader import read_table


@pytest.mark.parametrize("header, kind", [
    ("metric,segment,p10,p25,p50,p75,p90,mean,sample_size,unit,source,year", "benchmarks"),
    ("Metric,P25,Median,P75", "benchmarks"),
    ("KPI,50th percentile", "benchmarks"),
    ("metric,segment,stat,value", "benchmarks"),
    ("peer,segment,nps,dau_mau", "benchmarks"),
    ("segment,NPS Score,DAU/MAU Ratio", "benchmarks"),
    ("name,industry,segment,arr,nps", "portfolio"),
    ("Customer Name,NPS Score", "portfolio"),
    ("account,arr,region", "portfolio"),
    ("customer,metric,period,value", "history"),
    ("customer,goal,baseline,target,target_date", "goals"),
    ("colour,shape", "unknown"),
])
def test_detect_kind(tmp_path, header, kind):
    width = len(header.split(","))
    table = read_table(write(tmp_path, "f.csv", header + "\n" + ",".join(["x"] * width) + "\n"))
    assert detect_kind(table) == kind


def test_stat_labels():
    assert stat_for("50th percentile") == ("p50", 50.0)
    assert stat_for("P 90") == ("p90", 90.0)
    assert stat_for("Top quartile") == ("p75", 75.0)
    assert stat_for("Average") == ("mean", None)
    assert stat_for("P50 (median)") == ("p50", 50.0)
    assert stat_for("Best in class") is None and stat_for("2026") is None


def test_load_file_dispatches_by_content(ws):
    assert load_file(ws, FIXTURES / "portfolio_good.csv").kind == "portfolio"
    assert load_file(ws, FIXTURES / "benchmarks_long.csv").shape == "long"
    assert load_file(ws, FIXTURES / "history.csv").kind == "history"


def test_unknown_file_kind_explains_the_expected_shapes(ws, tmp_path):
    with pytest.raises(ToolError, match="Could not tell what f.csv holds from its columns"):
        load_file(ws, write(tmp_path, "f.csv", "colour,shape\nred,round\n"))
    with pytest.raises(ToolError, match="Unknown kind 'stuff'"):
        load_file(ws, FIXTURES / "history.csv", kind="stuff")


def _run(ws, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="peerbench")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args, ws)


def test_cli_load_and_list(ws, capsys):
    assert _run(ws, ["load", str(FIXTURES / "benchmarks_wide_messy.csv"), "--name", "CS Index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Loaded benchmark set CS Index: 5 metrics in 5 categories")
    assert "- CSAT: unit '% satisfied' cannot be converted to CSAT (score 1-5)" in out
    assert "- NPS Score -> NPS (alias)" in out
    assert _run(ws, ["load", str(FIXTURES / "portfolio_good.csv"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "portfolio" and data["accounts_created"] == 4
    assert _run(ws, ["benchmarks"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("|  | name | source | year | metrics")
    assert table[2].startswith("| * | CS Index | CS Index | 2026 | 5 | Enterprise, Mid-Market | 330 |")
    assert _run(ws, ["benchmarks", "--json"]) == 0
    sets = json.loads(capsys.readouterr().out)["sets"]
    assert [(s["name"], s["active"], s["sample_size"]) for s in sets] == [("CS Index", True, 330)]


def test_cli_benchmarks_when_empty(ws, capsys):
    assert _run(ws, ["benchmarks"]) == 0
    assert "No benchmark sets loaded" in capsys.readouterr().out


def test_cli_is_registered_in_peerbench():
    from agent.cli import build_parser

    args = build_parser().parse_args(["load", "x.csv", "--kind", "portfolio", "--sheet", "S"])
    assert args.func is cli.cmd_load and (args.kind, args.sheet) == ("portfolio", "S")


def test_cli_load_takes_the_operators_limits_and_uploads_keep_theirs(ws, tmp_path, capsys, monkeypatch):
    import tools.ingest.reader as reader

    path = write(tmp_path, "book.csv", "name,segment,nps\n" + "".join(f"A{i},SMB,{i}\n" for i in range(6)))
    from agent.cli import main
    from tools.ingest.problems import ImportFailed

    assert main(["--db", str(ws.path), "load", str(path), "--max-rows", "5"]) == 2
    assert "more than 5 data rows" in capsys.readouterr().err
    monkeypatch.setattr(reader, "MAX_ROWS", 5)  # an upload (no limits given) keeps the reader's own
    with pytest.raises(ImportFailed, match="more than 5 data rows"):
        load_file(ws, path)
    assert main(["--db", str(ws.path), "load", str(path)]) == 0  # the CLI's default is the operator's: 2,000,000 rows
    assert "Imported 6 accounts" in capsys.readouterr().out
    assert cli.CLI_MAX_ROWS >= 1_000_000
