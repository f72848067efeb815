"""``python -m tests.hostile``: run the hostile-input suite's scenarios and print its figures.

Files tried / refused cleanly (file, row and column named) / database unchanged; payload x
tool-field combinations refused; concurrent operations and failures; and the time and
Python memory (tracemalloc peak) to refuse the issue's XLSX: about 8 MB holding 245 MB of
shared strings. Not a test (the pytest modules assert); a benchmark command.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from pydantic import ValidationError

from tests.hostile.files import cases
from tests.hostile.harness import (
    build_base,
    concurrent_first_opens,
    concurrent_imports,
    try_file,
)
from tests.hostile.test_typed import PAYLOADS, REGISTRY, SURFACES
from tests.hostile.xlsx import shared_strings_bomb
from tools.base import ToolError
from tools.ingest.load import load_file
from tools.store.workspace import Workspace


def files_figures(folder: Path) -> None:
    db = build_base(folder)
    outcomes = [try_file(db, case, folder) for case in cases()]
    print(f"files tried {len(outcomes)}, refused {sum(o.refused for o in outcomes)}, "
          f"refused cleanly with file/row/column {sum(o.clean for o in outcomes)}, "
          f"database unchanged {sum(o.unchanged for o in outcomes)}")
    for o in outcomes:
        if not o.clean:
            print(f"  NOT CLEAN: {o.case.name}: {o.message.splitlines()[-1][:160]}")


def typed_figures() -> None:
    refused = 0
    for tool, field in SURFACES:
        for payload in PAYLOADS:
            annotation = str(REGISTRY[tool].input_model.model_fields[field].annotation)
            try:
                REGISTRY[tool].input_model.model_validate(
                    {field: {"unit_name": payload} if "dict" in annotation else payload})
            except ValidationError as exc:
                refused += any(e["loc"][:1] == (field,) and "control character" in e["msg"] for e in exc.errors())
    print(f"typed payload x tool-field combinations {len(SURFACES) * len(PAYLOADS)}, refused {refused}")


def concurrency_figures(folder: Path, rounds: int) -> None:
    ops = failures = 0
    started = time.perf_counter()
    for _ in range(rounds):
        results, stored = concurrent_imports(folder)
        ops += len(results)
        failures += sum(r[0] != "ok" for r in results) + (stored != 40)
        results, _ = concurrent_first_opens(folder)
        ops += len(results)
        failures += sum(r[0] != "ok" for r in results)
    print(f"concurrent operations {ops} (8 importers of the same 40 new accounts, 8 first openers of a new "
          f"workspace, {rounds} rounds each), failures {failures}, {time.perf_counter() - started:.1f} s")


def xlsx_figures(folder: Path) -> None:
    path = shared_strings_bomb(folder / "shared_strings_245mb.xlsx", 245 * 1024 * 1024, string_bytes=1400)
    ws = Workspace(folder / "xlsx" / "peerbench.db")
    ws.query("SELECT 1")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        load_file(ws, path)
        outcome = "ACCEPTED"
    except ToolError as exc:
        outcome = "refused: " + exc.message.splitlines()[-1][2:]
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ws.close()
    print(f"XLSX of {path.stat().st_size / 1e6:.1f} MB with 245 MB of shared strings: {outcome}\n"
          f"  in {elapsed:.2f} s, Python memory peak {peak / 1e6:.1f} MB (tracemalloc)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each concurrency scenario")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files_figures(folder)
        typed_figures()
        concurrency_figures(folder, args.rounds)
        xlsx_figures(folder)


if __name__ == "__main__":
    main()
