"""``peerbench report --out``: never overwrites the workspace, an existing file (without --force) or
anything through a symbolic link; creates missing folders; ``dir/`` means "into that folder"; a
Markdown export takes its chart images along."""

from __future__ import annotations

import os
import re
import sqlite3

from agent.cli import main


def _report(demo_ws, *out, fmt="md") -> tuple[int, str, str]:
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = main(["--db", str(demo_ws.path), "report", "Acme Corp", "--kind", "benchmark", "--format", fmt, *out])
    return rc, stdout.getvalue(), stderr.getvalue()


def test_out_never_replaces_the_workspace_database(demo_ws):
    db = demo_ws.path
    accounts = demo_ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"]
    for target in (str(db), str(db) + "-wal"):
        for flags in ([], ["--force"]):
            rc, _, err = _report(demo_ws, "--out", target, *flags, fmt="pdf")
            assert rc == 2 and "workspace database" in err
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"  # still the database, not a PDF
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == accounts


def test_out_refuses_an_existing_file_unless_forced(demo_ws, tmp_path):
    target = tmp_path / "mine.md"
    target.write_text("my notes")
    rc, _, err = _report(demo_ws, "--out", str(target))
    assert rc == 2 and "already exists" in err and "--force" in err
    assert target.read_text() == "my notes"
    rc, out, _ = _report(demo_ws, "--out", str(target), "--force")
    assert rc == 0 and target.read_text().startswith("# ")


def test_out_never_follows_a_symbolic_link(demo_ws, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "link.md"
    link.symlink_to(precious)
    for flags in ([], ["--force"]):
        rc, _, err = _report(demo_ws, "--out", str(link), *flags)
        assert rc == 2 and "symbolic link" in err
    assert precious.read_text() == "keep me" and link.is_symlink()
    folder_link = tmp_path / "folder-link"
    folder_link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    rc, _, err = _report(demo_ws, "--out", str(folder_link) + "/")
    assert rc == 2 and "symbolic link" in err and not (tmp_path / "elsewhere").exists()


def test_out_creates_missing_folders_and_dir_slash_means_into_it(demo_ws, tmp_path):
    rc, out, _ = _report(demo_ws, "--out", str(tmp_path / "a" / "b" / "acme.md"))
    assert rc == 0 and (tmp_path / "a" / "b" / "acme.md").is_file()
    rc, out, _ = _report(demo_ws, "--out", str(tmp_path / "new-folder") + "/")
    made = list((tmp_path / "new-folder").glob("*.md"))
    assert rc == 0 and len(made) == 1 and made[0].name.startswith("acme-corp_benchmark_")
    existing = tmp_path / "existing"
    existing.mkdir()
    rc, out, _ = _report(demo_ws, "--out", str(existing))
    assert rc == 0 and len(list(existing.glob("*.md"))) == 1


def test_out_says_why_when_a_folder_cannot_be_made(demo_ws, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    rc, _, err = _report(demo_ws, "--out", str(blocker / "sub" / "r.md"))
    assert rc == 2 and "folder" in err and str(blocker) in err and "Traceback" not in err


def test_markdown_out_carries_its_images(demo_ws, tmp_path):
    rc, _, _ = _report(demo_ws, "--out", str(tmp_path / "share" / "acme.md"))
    md = (tmp_path / "share" / "acme.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", md)
    assert rc == 0 and images
    assert all((tmp_path / "share" / name).is_file() for name in images)
    assert all(os.sep not in name for name in images)  # relative to the copied file
