"""How many worker processes a per-customer batch gets (agent.batch): a worker per core by default,
the setting when given, none for a small batch; the workers run below the server's priority."""

from __future__ import annotations

import os

import pytest

from agent import batch


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 2), (8, batch.MAX_DEFAULT_WORKERS), (None, 1)])
def test_the_default_is_a_worker_per_core_up_to_the_cap(monkeypatch, cores, expected):
    monkeypatch.delenv("PEERBENCH_BATCH_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert batch.workers_setting() == expected


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("3", 3), ("99", 16), ("0", 1), ("many", 2)])
def test_the_setting_wins_within_bounds(monkeypatch, raw, expected):
    monkeypatch.setenv("PEERBENCH_BATCH_WORKERS", raw)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert batch.workers_setting() == expected


def test_a_small_batch_runs_in_the_server_and_a_big_one_on_at_most_one_worker_a_call(monkeypatch):
    monkeypatch.setenv("PEERBENCH_BATCH_WORKERS", "8")
    assert batch.workers_for(batch.MIN_PARALLEL - 1) == 1
    assert batch.workers_for(batch.MIN_PARALLEL) == batch.MIN_PARALLEL
    assert batch.workers_for(500) == 8


def test_a_worker_lowers_its_own_priority_once(monkeypatch):
    niced, warmed = [], []
    monkeypatch.setattr(os, "nice", niced.append, raising=False)
    monkeypatch.setattr(batch, "_warm", lambda: warmed.append(1))
    batch._start_worker()
    assert niced == [batch.NICE] and warmed == [1]
