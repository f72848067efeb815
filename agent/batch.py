"""Long jobs: many tool calls from one click (a report per customer), in parallel, stoppable.

:func:`run_batch` runs a list of tool calls and reports progress after each one. Each call is
completed from the conversation's analysis context and validated by its tool's model before
anything starts (a bad input fails the click, not call 137). Report generation is CPU-bound
(charts, documents), so with ``workers`` > 1 the calls run in that many worker *processes*
(``spawn``: the chat server's threads are never forked), each with its own connection to the
workspace file; with 1 they run one after another in a thread. The pool is kept for the
next batch, so only the first pays for starting it.

Stopping: cancelling the task that awaits :func:`run_batch` stops handing out calls (a
worker gets its next call only when it is free); the calls already running (at most
``workers``) finish in their process but are not counted. What finished is returned with ``stopped=True``: the caller keeps and labels it.
Each call is audited in ``tool_calls`` like any other, by the process that ran it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures as cf
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.session import Session
from tools.base import Tool, ToolError

log = logging.getLogger(__name__)

# Measured with `peerbench bench-batch` on a quiet 2-core machine: 80 DOCX reports took 40.9 s one
# after another and 21.5 s with 2 worker processes. (On the same machine loaded by other work, 2
# workers did not pay off: 32.3 s against 36.6 s.) So the default is a worker per core, up to 4, at a
# lower priority than the chat server (NICE) so its other users stay answered; starting the workers
# costs about a second (a process and its imports), so a batch of fewer than MIN_PARALLEL calls runs
# one call after another in the server.
MAX_DEFAULT_WORKERS = 4
MIN_PARALLEL = 6
NICE = 5


def workers_setting() -> int:
    """PEERBENCH_BATCH_WORKERS (1 = one after another in the server; N > 1 = N worker processes),
    else a worker per core (at most MAX_DEFAULT_WORKERS)."""
    default = max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))
    raw = os.environ.get("PEERBENCH_BATCH_WORKERS", "").strip()
    try:
        return max(1, min(16, int(raw))) if raw else default
    except ValueError:
        return default


def workers_for(calls: int) -> int:
    """The worker processes for a batch of ``calls``: none (1) for a small one."""
    return 1 if calls < MIN_PARALLEL else min(workers_setting(), calls)


@dataclass
class Call:
    tool: str
    input: dict[str, Any]
    label: str                       # what the progress line names (the customer)


@dataclass
class BatchResult:
    total: int
    files: list[Path] = field(default_factory=list)
    made: list[str] = field(default_factory=list)        # labels of the calls that produced a file
    failed: list[str] = field(default_factory=list)      # "label: reason"
    stopped: bool = False
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return len(self.made) + len(self.failed)


Progress = Callable[[BatchResult, str], Awaitable[None]]


def prepare(calls: list[dict[str, Any]], session: Session, registry: dict[str, Tool]) -> list[Call]:
    """Validated calls, each completed from the conversation's context; anonymised (customer-facing)."""
    out = []
    for raw in calls:
        tool = registry.get(raw.get("tool"))
        if tool is None or not tool.clickable:
            raise ToolError("That action is not available.")
        inp = {k: v for k, v in dict(raw.get("input") or {}).items() if k in tool.input_model.model_fields}
        if "anonymise" in tool.input_model.model_fields:
            inp["anonymise"] = True
        inp = session.analysis.fill(tool, inp)
        tool.input_model.model_validate(inp)  # fail now, not at call 137
        out.append(Call(tool.name, inp, str(inp.get("customer") or tool.name.replace("_", " "))))
    return out


async def run_batch(calls: list[Call], *, db_path: Path, session: Session, on_progress: Progress,
                    workers: int | None = None) -> BatchResult:
    """Run ``calls`` (see the module docstring); ``on_progress(result, line)`` after each one."""
    workers = workers or workers_setting()
    result, started = BatchResult(total=len(calls)), time.perf_counter()
    known = sorted(session.scope.known_accounts)  # the peer groups shown are logged in the workspace, by key
    jobs = [(str(db_path), session.scope.key, session.id, known, c.tool, c.input) for c in calls]
    pending: dict[asyncio.Future, Call] = {}
    try:
        if workers == 1:
            for job, call in zip(jobs, calls):
                outcome = await _outcome(asyncio.to_thread(run_one, *job))
                await _record(result, call, outcome, session, on_progress)
        else:
            executor = _pool(workers)
            queue = list(zip(jobs, calls))
            while queue or pending:
                while queue and len(pending) < workers:  # hand out one call per free worker: a stop waits for few
                    job, call = queue.pop(0)
                    pending[asyncio.wrap_future(executor.submit(run_one, *job))] = call
                done, _ = await asyncio.wait(list(pending), return_when=asyncio.FIRST_COMPLETED)
                for fut in done:
                    await _record(result, pending.pop(fut), await _outcome(fut), session, on_progress)
    except asyncio.CancelledError:
        result.stopped = True
        for fut in pending:
            fut.cancel()
    finally:
        result.seconds = time.perf_counter() - started
    return result


async def _outcome(work: Awaitable[dict]) -> dict:
    try:
        return await work
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug in one call: logged, the batch goes on
        log.error("batch call failed", exc_info=exc)
        return {"error": "an unexpected error (see the server log)"}


async def _record(result: BatchResult, call: Call, outcome: dict, session: Session, on_progress: Progress) -> None:
    path = outcome.get("path")
    if path and Path(path).is_file():
        result.files.append(Path(path))
        result.made.append(call.label)
        line = f"{call.label}: {Path(path).name}"
    else:
        reason = outcome.get("error") or "nothing was produced"
        result.failed.append(f"{call.label}: {reason}")
        line = f"{call.label}: {reason}"
    await on_progress(result, line)


# ---------------------------------------------------------------------------
# the worker side (runs in a worker process, or in a thread when workers == 1)

_pools: dict[int, cf.ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = cf.ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)
            if len(_pools) == 1:
                atexit.register(shutdown)
        return pool


def shutdown() -> None:
    """Stop the worker processes (at exit; the next batch starts new ones)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker() -> None:
    """A worker process's start: a lower priority than the chat server's, the tools imported."""
    if hasattr(os, "nice"):
        os.nice(NICE)
    _warm()


def _warm() -> None:
    from tools.registry import all_tools

    all_tools()


_workspaces: dict[tuple[str, int], Any] = {}


def run_one(db_path: str, scope_key: str, session_id: str, known: list[int], tool: str,
            inp: dict[str, Any]) -> dict[str, Any]:
    """One call: {"path": the file made or None, "error": why not}. The peer groups it shows are
    logged in the workspace under the conversation's scope key, as for any call of the chat."""
    from agent.loop import Toolbox
    from tools.registry import all_tools
    from tools.store.workspace import Scope, Workspace

    key = (db_path, threading.get_ident())
    ws = _workspaces.get(key)
    if ws is None:
        ws = _workspaces[key] = Workspace(db_path)
    scope = Scope(key=scope_key, known_accounts=set(known))
    toolbox = Toolbox(ws.with_scope(scope), all_tools(), session_id, events=None)
    run = toolbox.execute("batch", tool, inp)
    path = getattr(run.output, "path", None) if run.output is not None else None
    return {"path": str(path) if path else None, "error": run.error}
