"""`peerbench bench --e2e`: its synthetic book imports as a portfolio and its table prints every step.
(Figures only: the command times processes; no timing is asserted here.)"""

from __future__ import annotations

from agent.cli import build_parser
from agent.cli.bench import BENCH_METRICS
from agent.cli.bench_e2e import LABELS, STEPS, Step, print_table, write_book_csv
from tools.ingest.portfolio import import_portfolio


def test_synthetic_book_is_a_valid_portfolio_file(ws, tmp_path):
    out = import_portfolio(ws, write_book_csv(tmp_path / "book.csv", 40))
    assert out.accounts == 40 and set(out.metrics) == set(BENCH_METRICS) and not out.unknown_columns
    assert {s for (s,) in ws.db.conn.execute("SELECT DISTINCT segment FROM customers")} <= {"Enterprise", "Mid-Market", "SMB"}


def test_table_lists_every_step_and_the_peak_memory(capsys):
    results = {10_000: {s: Step(0.5 + k, 0.4, 100.0 + k, 0.3) for k, s in enumerate(STEPS)},
               1_000_000: {s: Step(5.0, 4.0, 900.0, 4.5) for s in STEPS}}
    print_table(results, 3)
    text = capsys.readouterr().out
    assert "| step | 10k accounts | 1M accounts |" in text
    assert all(LABELS[s] in text for s in STEPS) and "| peak memory (largest step) | 106 MB | 900 MB |" in text


def test_flags_parse():
    args = build_parser().parse_args(["bench", "--e2e", "--accounts", "10000", "1000000"])
    assert args.e2e and args.accounts == [10_000, 1_000_000]
