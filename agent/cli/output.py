"""Shared CLI output helpers."""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import to_json

from tools.base import ToolError


def print_json(model: BaseModel) -> None:
    """A tool's output model as JSON: the CLI's ``--json`` contract.

    Serialised by pydantic-core (Rust): ``json.dumps(indent=2)`` runs the pure-Python encoder,
    10x slower (about 4 s for a 100k-account portfolio). The same JSON values; text is written
    as UTF-8 rather than ``\\u`` escapes, NaN as null. Written field by field, and a list field
    item by item, so a 160 MB answer is never one string in memory: the text is what
    ``model.model_dump_json(indent=2)`` gives.
    """
    write = sys.stdout.write
    names = [n for n in type(model).model_fields if n in model.__dict__]
    if not names:
        write(model.model_dump_json(indent=2) + "\n")
        return
    write("{\n")
    for k, name in enumerate(names):
        write(f"  {to_json(name).decode()}: ")
        _write_value(write, getattr(model, name))
        write(",\n" if k < len(names) - 1 else "\n")
    write("}\n")


def _write_value(write, value) -> None:
    """One top-level field's value at depth 1 (lists of 2+ items streamed item by item)."""
    if isinstance(value, list) and len(value) > 1:
        write("[\n")
        for k, item in enumerate(value):
            write("    " + _json(item).replace("\n", "\n    ") + (",\n" if k < len(value) - 1 else "\n"))
        write("  ]")
    else:
        write(_json(value).replace("\n", "\n  "))


def _json(value) -> str:
    if isinstance(value, BaseModel):
        return value.model_dump_json(indent=2)
    return to_json(value, indent=2).decode()


def show(out: BaseModel, as_json: bool) -> int:
    """Print a tool's output: its JSON with ``--json``, else its Markdown view; exit code 0."""
    if as_json:
        print_json(out)
    else:
        print(out.to_markdown())
    return 0


# ---- --out: a copy at a path the user chose ------------------------------------------------------

def copy_out(src: Path, out: str, *, protected: list[Path], force: bool = False) -> list[Path]:
    """Copy ``src`` (and, for Markdown, the chart PNGs beside it) to the user's ``--out``; the copies made.

    ``out`` is a file, or a folder (one that exists, or any path ending in '/') that receives the file
    under its generated name. Missing folders are created. Never written: the ``protected`` files (the
    workspace database and its journals), anything through a symbolic link, an existing file unless
    ``force``. Each refusal is a :class:`ToolError` naming the path and the reason; nothing is copied
    unless every target is allowed.
    """
    folder, name = _split_out(out)
    name = name or src.name
    sources = [src] + (sorted(src.parent.glob(glob.escape(src.stem) + "_*.png")) if src.suffix == ".md" else [])
    targets = [(s, folder / (name if s == src else s.name)) for s in sources]
    _make_folder(folder)
    for s, t in targets:
        _check_target(s, t, protected, force)
    for s, t in targets:
        if not (t.exists() and t.samefile(s)):
            _write(s, t, force)
    return [t for _, t in targets]


def check_out(out: str, *, protected: list[Path], force: bool = False) -> None:
    """Refuse a --out target before any work is done (``copy_out`` checks again when it writes)."""
    folder, name = _split_out(out)
    if folder.is_symlink():
        raise ToolError(f"--out: {folder} is a symbolic link; peerbench never writes through links.")
    if name:
        _check_target(None, folder / name, protected, force)


def _split_out(out: str) -> tuple[Path, str | None]:
    """(folder, file name) of a --out value; no name when it means "into this folder"."""
    dest = Path(out).expanduser()
    if out.endswith(("/", os.sep)) or (dest.is_dir() and not dest.is_symlink()):
        return dest, None
    return dest.parent, dest.name


def _make_folder(folder: Path) -> None:
    if folder.is_symlink():
        raise ToolError(f"--out: {folder} is a symbolic link; peerbench never writes through links.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolError(f"--out: cannot create the folder {folder} ({exc.strerror or exc}).") from None
    if not folder.is_dir():
        raise ToolError(f"--out: {folder} is not a folder.")


def _check_target(src: Path | None, target: Path, protected: list[Path], force: bool) -> None:
    if target.is_symlink():
        raise ToolError(f"--out: {target} is a symbolic link; peerbench never writes through links.")
    if any(target.resolve() == p.resolve() or target.exists() and p.exists() and target.samefile(p)
           for p in protected):
        raise ToolError(f"--out: {target} is the workspace database; choose another path (--force does not apply).")
    if not target.exists():
        return
    if target.is_dir():
        raise ToolError(f"--out: {target} is a folder; end the path with '/' to write into it.")
    if not force and not (src is not None and target.samefile(src)):
        raise ToolError(f"--out: {target} already exists; add --force to overwrite it.")


def _write(src: Path, target: Path, force: bool) -> None:
    """A new file (O_EXCL | O_NOFOLLOW: never an existing file or link), or with ``force`` a complete
    copy renamed over the old one (a rename replaces the entry, never writes through a link)."""
    data = src.read_bytes()
    try:
        if not force:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            return
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except FileExistsError:
        raise ToolError(f"--out: {target} already exists; add --force to overwrite it.") from None
    except OSError as exc:
        raise ToolError(f"--out: cannot write {target} ({exc.strerror or exc}).") from None


def print_goal_changes(ws, customer: str | None) -> None:
    """An account's goal changes not shown yet (achieved, newly at risk), above the answer about it."""
    from tools.success.tracking import changes_markdown, take_unseen

    text = changes_markdown(take_unseen(ws, customer))
    if text:
        print(text + "\n")
