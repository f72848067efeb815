"""A long job started by a button (a report per customer): progress in view, a real stop, a summary.

The job runs in the background (:func:`start`), registered as the session's running task, so
Chainlit shows its stop button (the square beside the message box, always in view) and
cancels the job when it is pressed. Progress shows twice, throttled: in Chainlit's task
panel (beside the chat on a wide screen, above the message box on a narrow one) and in a
progress message at the end of the chat. When the job ends, or is stopped, the files made
are zipped (a stopped job's zip is named and described as partial) and one answer sums it
up: "320 reports in 41 s, zip 18 MB".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import time
import zipfile
from pathlib import Path
from typing import Any

import chainlit as cl

from agent import batch
from reports.format import fmt_bytes, fmt_duration

log = logging.getLogger(__name__)

UPDATE_EVERY_S = 0.7
BAR_CELLS = 20
MAX_LISTED = 12


def progress_bar(done: int, total: int) -> str:
    """'▰▰▰▰▱▱▱▱ 120 of 320 (38%)'."""
    filled = round(BAR_CELLS * done / total) if total else BAR_CELLS
    pct = round(100 * done / total) if total else 100
    return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {done} of {total} ({pct}%)"


class Display:
    """The job's progress on screen: the task panel and a progress message, updated at most every 0.7 s."""

    def __init__(self, title: str, total: int, workers: int):
        self.title, self.total, self.workers = title, total, workers
        self.started = time.perf_counter()
        self.shown_at = 0.0
        self.tasks = cl.TaskList(status=f"Running: 0 of {total}")
        self.task = cl.Task(title=progress_bar(0, total), status=cl.TaskStatus.RUNNING)
        self.message = cl.Message(content=self._text(0, ""))

    async def open(self) -> None:
        await self.tasks.add_task(self.task)
        await self.tasks.send()
        await self.message.send()

    async def update(self, result: batch.BatchResult, line: str) -> None:
        now = time.perf_counter()
        if now - self.shown_at < UPDATE_EVERY_S and result.done < self.total:
            return
        self.shown_at = now
        self.task.title = progress_bar(result.done, self.total)
        self.tasks.status = f"Running: {result.done} of {self.total}"
        self.message.content = self._text(result.done, line)
        await asyncio.gather(self.tasks.send(), self.message.update())

    async def close(self, result: batch.BatchResult) -> None:
        self.task.title = progress_bar(result.done, self.total)
        self.task.status = cl.TaskStatus.FAILED if result.stopped else cl.TaskStatus.DONE
        self.tasks.status = "Stopped" if result.stopped else "Done"
        state = "Stopped" if result.stopped else "Finished"
        self.message.content = (f"**{self.title}**: {state.lower()} after {result.done} of {self.total} "
                                f"in {fmt_duration(result.seconds)}.")
        await asyncio.gather(self.tasks.send(), self.message.update())

    def _text(self, done: int, line: str) -> str:
        elapsed = time.perf_counter() - self.started
        left = elapsed / done * (self.total - done) if done else None
        timing = f"{fmt_duration(elapsed)} so far" + (f", about {fmt_duration(left)} left" if left else "")
        parts = [f"**{self.title}**", f"`{progress_bar(done, self.total)}`  ·  {timing}"]
        if line:
            parts.append(f"Last: {line}")
        parts.append("_Press the stop button (■) beside the message box to stop; the reports made so far are kept._")
        return "\n\n".join(parts)


def start(chat: Any, title: str, calls: list[dict], finish) -> None:
    """Run ``calls`` in the background as the session's task; ``finish(answer)`` shows the summary."""
    prepared = batch.prepare(calls, chat.session, _registry())
    session = cl.context.session

    async def job() -> None:
        await cl.context.emitter.task_start()
        try:
            answer = await run(chat, title, prepared)
            await finish(answer)
        except Exception:
            log.exception("batch job failed")
            await cl.Message(content="Sorry, the batch stopped on an unexpected error (see the server log).").send()
        finally:
            chat.job = None
            await cl.context.emitter.task_end()

    chat.job = asyncio.create_task(job())
    session.current_task = chat.job


async def run(chat: Any, title: str, calls: list[batch.Call]) -> Any:
    workers = batch.workers_for(len(calls))
    display = Display(title, len(calls), workers)
    await display.open()
    task = asyncio.ensure_future(batch.run_batch(calls, db_path=chat.ws.path, session=chat.session,
                                                 on_progress=display.update, workers=workers))
    try:
        result = await asyncio.shield(task)
    except asyncio.CancelledError:  # the stop button: stop the batch, keep what it made
        task.cancel()
        result = await task
    await display.close(result)
    return summary(result, title, chat.ws.reports_dir)


def summary(result: batch.BatchResult, title: str, reports_dir: Path) -> Any:
    """One answer for the batch: counts, time, one zip (labelled partial when stopped), failures."""
    from agent.core import Answer

    files = list(result.files)
    zipped = bundle(files, reports_dir, partial=(result.done, result.total) if result.stopped else None) \
        if files else None
    n = len(files)
    head = (f"**Stopped: {n} of {result.total} reports made** in {fmt_duration(result.seconds)} (partial)"
            if result.stopped else f"**{n} report{'s' if n != 1 else ''} in {fmt_duration(result.seconds)}**")
    lines = [f"{title}", "", head + (f", zip {fmt_bytes(zipped.stat().st_size)}: **{zipped.name}**." if zipped else ".")]
    if result.stopped:
        lines.append(f"The other {result.total - result.done} were not made; "
                     "ask again or click the button again to make them all.")
    if result.failed:
        lines += ["", f"{len(result.failed)} could not be made:"] + [f"- {f}" for f in result.failed[:MAX_LISTED]]
        if len(result.failed) > MAX_LISTED:
            lines.append(f"- ... and {len(result.failed) - MAX_LISTED} more")
    return Answer(text="\n".join(lines), mode="offline", files=[zipped] if zipped else [])


def bundle(files: list[Path], reports_dir: Path, partial: tuple[int, int] | None = None) -> Path:
    """One zip (in the report folder, under a program-made name) holding ``files``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    label = f"reports_partial_{partial[0]}-of-{partial[1]}" if partial else "reports"
    target = reports_dir / f"{label}_{stamp}_{secrets.token_hex(3)}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, arcname=f.name)
    return target


def _registry():
    from tools.registry import all_tools

    return all_tools()
