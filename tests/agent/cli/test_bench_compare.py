"""The reference kernels of `peerbench bench --compare` do the same job as peerbench.

Figures only (no timing): each reference must give peerbench's cohort, benchmark,
bound, composite and overall figures on the synthetic workload, and those figures
are pinned to scipy and np.interp on a sample so that a shared mistake cannot pass.
DuckDB and polars are optional comparators (the `bench` extra): skipped without them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import percentileofscore

from agent.cli import bench_compare as bc


@pytest.fixture(scope="module")
def workload():
    return bc.make_workload(3000, seed=5)


@pytest.fixture(scope="module")
def peerbench(workload):
    return bc.run_peerbench(workload)


def test_workload_has_ties_missing_groups_and_lower_is_better(workload):
    values = workload.values
    assert values.shape == (3000, 12)
    assert 0.01 < values.isna().mean().mean() < 0.03
    assert values["nps"].nunique() < 300  # rounding makes ties
    assert set(np.unique(workload.group)) == set(range(21))
    assert not workload.higher["time_to_value_days"] and not workload.higher["support_tickets_per_user"]


def test_peerbench_figures_follow_the_definitions(workload, peerbench):
    rng = np.random.default_rng(0)
    metrics = workload.metrics
    for i in rng.choice(len(workload.values), 40, replace=False):
        for j in (0, 8, 11):  # health_score, time_to_value_days (lower), support_tickets_per_user (lower)
            metric, x = metrics[j], workload.values.iloc[i, j]
            if np.isnan(x):
                assert np.isnan(peerbench.cohort[i, j]) and np.isnan(peerbench.bench[i, j])
                continue
            peers = workload.values[metric].to_numpy()[workload.group == workload.group[i]]
            p = percentileofscore(peers[~np.isnan(peers)], x, kind="mean")
            assert peerbench.cohort[i, j] == pytest.approx(p if workload.higher[metric] else 100 - p, abs=1e-9)
            xs, ps = workload.knots(metric, workload.segment[i])
            b = np.interp(x, xs, ps)
            assert peerbench.bench[i, j] == (b if workload.higher[metric] else 100 - b)
            code = int(x > xs[-1]) - int(x < xs[0])
            assert peerbench.bound[i, j] == (code if workload.higher[metric] else -code)


@pytest.mark.parametrize("run", [bc.run_numpy, bc.run_pandas], ids=["numpy", "pandas"])
def test_reference_gives_the_same_figures(workload, peerbench, run):
    assert bc.check_same(peerbench, run(workload), run.__name__) == 0.0


def test_duckdb_reference(workload, peerbench):
    pytest.importorskip("duckdb")
    assert bc.check_same(peerbench, bc.run_duckdb(workload), "duckdb") == 0.0


def test_polars_reference(workload, peerbench):
    pytest.importorskip("polars")
    assert bc.check_same(peerbench, bc.run_polars(workload), "polars") == 0.0


def test_a_wrong_answer_is_caught(workload, peerbench):
    wrong = bc.run_numpy(workload)
    wrong.overall[7] += 1e-6
    with pytest.raises(AssertionError, match="overall"):
        bc.check_same(peerbench, wrong, "numpy")
    wrong = bc.run_numpy(workload)
    wrong.bench[np.isnan(wrong.bench)] = 0.0  # a missing value turned into a number
    with pytest.raises(AssertionError, match="bench"):
        bc.check_same(peerbench, wrong, "numpy")


def test_compare_runs_without_the_optional_references(monkeypatch, capsys):
    real = bc.importlib.util.find_spec
    monkeypatch.setattr(bc.importlib.util, "find_spec",
                        lambda name: None if name in ("duckdb", "polars") else real(name))
    results = bc.run_compare([500], repeat=1)
    out = capsys.readouterr().out
    assert 'left out: duckdb, polars' in out and 'pip install -e ".[bench]"' in out
    assert "| accounts | peerbench | numpy (per-group sort) | pandas groupby rank |" in out
    assert set(results[0].seconds) == {"peerbench", "numpy (per-group sort)", "pandas groupby rank"}
