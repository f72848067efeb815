"""The Chainlit handlers in-process: a recording emitter under a hand-set ChainlitContext.

No server and no browser: app.py's handlers are called directly, and everything they
would send to the browser (steps, messages, elements, actions, settings) is recorded.
Chainlit is imported inside the tests, after conftest has pointed CHAINLIT_APP_ROOT
at a temporary folder (importing it writes .files/ and a config there).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from agent.cli import main as cli
from reports.format import fmt_pct
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.store.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "saas_industry_benchmarks_2026.csv"
COMPILATION = ROOT / "tests" / "fixtures" / "ingest" / "published" / "cs_compilation_multi_source.csv"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo workspace, built once for this module; each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "peerbench.db"
    assert cli(["--db", str(path), "demo", "--accounts", "150"]) == 0
    return path


@pytest.fixture
def ws(demo_db) -> Workspace:
    target = Path(os.environ["PEERBENCH_DB"])
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(demo_db), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    workspace = Workspace(target)
    yield workspace
    workspace.close()


class Recorder:
    """What the handlers sent, in order, as (kind, data) pairs."""

    def __init__(self):
        self.sent: list[tuple[str, object]] = []

    def of(self, kind: str) -> list:
        return [d for k, d in self.sent if k == kind]

    def messages(self) -> list[dict]:
        """Assistant messages in their final state (last send/update wins), in order of first sight."""
        final: dict[str, dict] = {}
        for kind, d in self.sent:
            if kind in ("send_step", "update_step") and d.get("type") == "assistant_message":
                final[d["id"]] = d
            if kind == "delete_step":
                final.pop(d["id"], None)
        return list(final.values())

    def tool_steps(self) -> list[dict]:
        final: dict[str, dict] = {}
        for kind, d in self.sent:
            if kind in ("send_step", "update_step") and d.get("type") == "tool":
                final[d["id"]] = d
        return list(final.values())

    def actions(self) -> list[dict]:
        return [d for e, d in self.of("emit") if e == "action"]


def use_chainlit() -> tuple[Recorder, object]:
    """Set a ChainlitContext with a recording emitter for the running test; returns (recorder, session)."""
    Path(os.environ["CHAINLIT_APP_ROOT"]).mkdir(parents=True, exist_ok=True)  # chainlit writes there on import
    from chainlit.context import ChainlitContext, context_var
    from chainlit.emitter import BaseChainlitEmitter
    from chainlit.session import HTTPSession

    rec = Recorder()

    class RecordingEmitter(BaseChainlitEmitter):
        async def emit(self, event, data):
            rec.sent.append(("emit", (event, data)))

        async def send_step(self, step_dict):
            rec.sent.append(("send_step", dict(step_dict)))

        async def update_step(self, step_dict):
            rec.sent.append(("update_step", dict(step_dict)))

        async def delete_step(self, step_dict):
            rec.sent.append(("delete_step", dict(step_dict)))

        async def stream_start(self, step_dict):
            rec.sent.append(("stream_start", dict(step_dict)))

        async def send_token(self, id, token, is_sequence=False, is_input=False):
            rec.sent.append(("token", (id, token)))

        async def send_element(self, element_dict):
            rec.sent.append(("element", dict(element_dict)))

        def set_chat_settings(self, settings):  # sync in the real emitter too
            self.session.chat_settings = settings
            rec.sent.append(("chat_settings", settings))

    session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=str(uuid.uuid4()))
    context_var.set(ChainlitContext(session, emitter=RecordingEmitter(session)))
    return rec, session


def app_module():
    import app

    return app


def element_bytes(session, element: dict) -> bytes:
    return Path(session.files[element["chainlitKey"]]["path"]).read_bytes()


def upload(session, source: Path, name: str, mime: str = "text/csv"):
    """A file element as Chainlit builds it for an attachment (a copy under .files/<session>/)."""
    import chainlit as cl

    folder = session.files_dir
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{uuid.uuid4()}{'.xls' if mime == 'application/vnd.ms-excel' else Path(name).suffix}"
    shutil.copyfile(source, copy)
    return cl.File(name=name, path=str(copy), mime=mime)


async def ask(text: str, elements=()):
    import chainlit as cl

    await app_module().on_message(cl.Message(content=text, type="user_message", elements=list(elements)))


def counts(ws: Workspace) -> dict[str, int]:
    return {t: ws.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("benchmark_sets", "benchmark_rows", "customers", "metric_values")}


# ---------------------------------------------------------------------------


async def test_starters_are_the_four_flows():
    use_chainlit()
    starters = await app_module().set_starters(None)
    assert [s.message for s in starters] == [
        "How does Acme Corp compare to peers?",
        "Compare my customers against the sample benchmarks",
        "Show success metrics for Acme Corp",
        "Create a benchmark report for Acme Corp to share with them",
    ]


async def test_chat_start_offers_settings_and_keeps_the_welcome_screen(ws):
    rec, _ = use_chainlit()
    await app_module().on_chat_start()
    widgets = next(data for event, data in rec.of("emit") if event == "chat_settings")
    by_id = {w["id"]: w for w in widgets}
    assert {"benchmark_set", "cohort_type", "anonymise", "csm_name"} <= set(by_id)
    assert by_id["anonymise"]["initial"] is True
    assert "SaaS Industry 2026" in [i["value"] for i in by_id["benchmark_set"]["items"]]
    assert by_id["mode"]["initial"].startswith("Offline")
    assert rec.messages() == []  # a message would hide the starters


async def test_settings_from_the_browser_are_validated(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await app.on_settings_update({"anonymise": False, "cohort_type": "everyone; DROP TABLE",
                                  "benchmark_set": "no such set", "csm_name": "  Jordan \x00 Lee  "})
    import chainlit as cl

    prefs = cl.user_session.get("chat").prefs
    assert (prefs.anonymise, prefs.cohort_type, prefs.benchmark_set, prefs.csm_name) == \
        (False, "segment", "", "")  # a name with a control character is refused, and the user told
    assert any("Your name was not changed" in m["output"] and "U+0000" in m["output"] for m in rec.messages())
    await app.on_settings_update({"csm_name": "  Jordan   Lee  "})
    assert cl.user_session.get("chat").prefs.csm_name == "Jordan Lee"
    await app.on_settings_update({"cohort_type": "industry", "benchmark_set": "SaaS Industry 2026"})
    rec.sent.clear()
    await ask("How does Acme Corp compare to peers?")
    (step,) = rec.tool_steps()
    assert "Peers anonymised: no" in step["output"] and "Peer group: same industry" in step["output"]
    assert "Benchmark set: SaaS Industry 2026" in step["output"]


async def test_message_shows_tool_step_table_chart_and_buttons(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await ask("How does Acme Corp compare to peers?")

    steps = rec.tool_steps()
    assert [s["name"] for s in steps] == ["peer comparison: Acme Corp"]  # plain words, read after "Using"/"Used"
    assert "Account: Acme Corp" in steps[0]["output"] and not steps[0]["isError"]
    assert "{" not in steps[0]["output"] and "compare_customer" not in steps[0]["output"]

    (msg,) = rec.messages()
    text = msg["output"]
    assert "Offline mode" in text
    expected = compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))
    for m in expected.metrics:
        if m.value is not None:
            assert f"| {m.label} |" in text and fmt_pct(m.percentile) in text
    images = [e for e in rec.of("element") if e["type"] == "image"]
    assert images and all(e["forId"] == msg["id"] for e in images)
    labels = [a["label"] for a in rec.actions()]
    assert "Export report (DOCX)" in labels and "Show recommendations" in labels
    assert all(set(a["payload"]) == {"ref"} for a in rec.actions())


async def test_streamed_preamble_is_withdrawn_when_a_tool_starts():
    rec, _ = use_chainlit()
    from agent.ui.events import ChainlitEvents

    events = ChainlitEvents()
    await events.token("Let me look that up")
    preamble = events.message.id
    await events.tool_start("c1", "compare_customer", {"customer": "Acme Corp"})
    await events.tool_end("c1", "compare_customer", None, "Unknown customer 'Acme'.")
    assert ("delete_step", preamble) in [(k, d["id"]) for k, d in rec.sent if k == "delete_step"]
    (step,) = rec.tool_steps()
    assert step["isError"] and "Unknown customer" in step["output"]
    assert events.reply().id != preamble


async def test_streamed_answer_is_replaced_by_the_checked_text(ws, monkeypatch):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import agent.core

    async def scripted(message, *, events, **kwargs):  # what a Claude turn looks like to the UI
        await events.token("Let me check ")
        await events.tool_start("t1", "compare_customer", {"customer": "Acme Corp"})
        await events.tool_end("t1", "compare_customer", None, None)
        await events.token("Acme is at the 99th")  # a figure the numbers check then rejected
        return agent.core.Answer(text="Acme Corp is at the 49th percentile overall.", mode="fallback",
                                 notices=["Claude is unavailable right now; here is the computed comparison."])

    monkeypatch.setattr(agent.core, "answer", scripted)
    await ask("How does Acme Corp compare to peers?")
    streamed = [d for k, d in rec.sent if k == "stream_start"]
    assert len(streamed) == 2 and rec.of("delete_step")[0]["id"] == streamed[0]["id"]
    (msg,) = rec.messages()
    assert msg["id"] == streamed[1]["id"] and "99th" not in msg["output"]
    assert msg["output"].endswith("Acme Corp is at the 49th percentile overall.")
    assert msg["output"].startswith("_Claude is unavailable")


async def test_upload_is_copied_then_imported_and_compared(ws, tmp_path):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    attached = upload(session, COMPILATION, "cs_compilation_multi_source.csv", mime="application/vnd.ms-excel")
    await ask("Compare my customers against these benchmarks", [attached])

    Path(attached.path).unlink()  # the session's copy vanishes; ours stays
    copies = list(ws.uploads_dir.rglob("*.csv"))
    assert [c.name for c in copies] == ["cs_compilation_multi_source.csv"]
    assert copies[0].read_bytes() == COMPILATION.read_bytes()

    (msg,) = rec.messages()
    text = msg["output"]
    assert "Loaded benchmark set **Cs compilation multi source**" in text
    assert "It is not the active set; **SaaS Industry 2026** stays active." in text
    assert "How the file was read (14):" in text  # every normalisation in words, not a count
    assert "- statistic 'top decile' -> top 10% (a performance percentile)" in text
    assert "- Gross Revenue Retention -> Renewal Rate (alias)" in text
    steps = rec.tool_steps()
    assert [s["name"] for s in steps] == ["file import"]  # step 2 before the comparison: the peer grouping
    assert "Step 2 of 3: peer groups" in text and "I propose **by ARR band**" in text
    labels = [a["label"] for a in rec.actions()]
    assert "Prefer KeyBanc as primary" in labels
    assert "Prefer Pendo as primary" not in labels  # Pendo overlaps no other source: nothing to choose
    assert {"By segment", "By industry", "By ARR band (proposed)"} <= set(labels)
    (make,) = [a for a in rec.actions() if a["label"] == "Make 'Cs compilation multi source' the active set"]
    (by_industry,) = [a for a in rec.actions() if a["label"] == "By industry"]

    import chainlit as cl

    rec.sent.clear()
    await app.on_action(cl.Action(name=by_industry["name"], payload=by_industry["payload"], label="By industry"))
    (msg,) = rec.messages()
    steps = rec.tool_steps()
    assert [s["name"] for s in steps] == ["portfolio vs benchmarks: by industry"]
    assert "Cs compilation multi source" in msg["output"]  # the question uses the file it came with
    assert "| Metric |" in msg["output"] and "peer groups by industry" in msg["output"]
    assert "Export full analysis" in [a["label"] for a in rec.actions()]
    rec.sent.clear()
    await app.on_action(cl.Action(name=make["name"], payload=make["payload"], label=make["label"]))
    (msg,) = rec.messages()
    assert "**Cs compilation multi source** is now the active benchmark set" in msg["output"]
    assert ws.query("SELECT name FROM benchmark_sets WHERE active = 1")[0]["name"] == "Cs compilation multi source"
    widgets = next(data for event, data in rec.of("emit") if event == "chat_settings")
    assert next(w for w in widgets if w["id"] == "benchmark_set")["initial"] == "Active set: Cs compilation multi source"


async def test_a_file_already_loaded_is_not_loaded_again(ws):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    before = counts(ws)
    await ask("Compare my customers against these benchmarks", [upload(session, SAMPLE, "copy of sample.csv")])
    (msg,) = rec.messages()
    assert "This file is already loaded as benchmark set **SaaS Industry 2026**" in msg["output"]
    assert "nothing was loaded again. It is now the active set" in msg["output"]
    assert [s["name"] for s in rec.tool_steps()] == ["file import"]  # then the peer grouping (step 2)
    assert "Step 2 of 3: peer groups" in msg["output"]
    assert counts(ws) == before


async def test_a_refused_upload_is_answered_with_the_reason_and_nothing_else(ws, tmp_path):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import chainlit as cl

    from agent.ui import uploads

    placeholder = tmp_path / "refused"
    placeholder.touch()
    element = cl.File(name="big.csv", path=str(placeholder), mime=uploads.REFUSED_MIME)
    uploads._refused[element.id] = uploads.refusal("big.csv", 12 * 1024 * 1024, True)
    before = counts(ws)
    await ask("How does Acme Corp compare to peers?", [element])
    (msg,) = rec.messages()
    assert msg["output"].startswith("'big.csv' is 12.0 MB; the limit is 10 MB. Nothing was imported, and your "
                                    "question was not answered")
    assert rec.tool_steps() == [] and counts(ws) == before and element.id not in uploads._refused


async def test_the_upload_guard_turns_an_empty_upload_into_a_refused_placeholder(ws):
    use_chainlit()
    app_module()  # installs the guard on Chainlit's server app
    import httpx
    from chainlit.auth import create_jwt
    from chainlit.server import app as server
    from chainlit.session import WebsocketSession

    from agent.ui import history, uploads

    user = history.local_user()  # sign-in off: everyone is the local user, who must still present a token
    session = WebsocketSession(id=str(uuid.uuid4()), socket_id="s1", emit=None, emit_call=None, user_env={},
                               client_type="webapp", user=user)
    headers = {"Authorization": f"Bearer {create_jwt(user)}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://t",
                                     headers=headers) as client:
            empty = await client.post("/project/file", params={"session_id": session.id},
                                      files={"file": ("empty.csv", b"", "text/csv")})
            good = await client.post("/project/file", params={"session_id": session.id},
                                     files={"file": ("ok.csv", b"metric,p50\nnps,30\n", "text/csv")})
            lost = await client.post("/project/file", params={"session_id": "no-such-session"},
                                     files={"file": ("empty.csv", b"", "text/csv")})
        assert empty.status_code == 200 and good.status_code == 200 and lost.status_code == 404
        refused = session.files[empty.json()["id"]]
        assert refused["type"] == uploads.REFUSED_MIME and refused["size"] == 0
        assert "'empty.csv' is empty (0 bytes)" in uploads._refused[empty.json()["id"]]
        assert session.files[good.json()["id"]]["type"] == "text/csv"  # Chainlit's own handler
    finally:
        await session.delete()


@pytest.mark.parametrize("content, name, expected", [
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "benchmarks.csv", "not a CSV or Excel"),
    (b"", "empty.csv", "is empty"),
])
async def test_a_file_that_is_not_csv_or_xlsx_is_refused_before_import(ws, tmp_path, content, name, expected):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    before = counts(ws)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    await ask("Compare my customers against these benchmarks", [upload(session, bad, name)])
    (msg,) = rec.messages()
    assert expected in msg["output"] and "Nothing was imported" in msg["output"]
    assert rec.tool_steps() == [] and counts(ws) == before
    assert list(ws.uploads_dir.iterdir()) == []


async def test_a_bad_benchmark_file_shows_the_import_error_and_changes_nothing(ws, tmp_path):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    before = counts(ws)
    bad = tmp_path / "bad.csv"
    bad.write_text("metric,segment,p25,p50,p75\nnps,Enterprise,10,abc,40\nDAU/MAU Ratio,SMB,0.2,0.3,\n")
    await ask("Compare my customers against these benchmarks", [upload(session, bad, "bad_benchmarks.csv")])
    (msg,) = rec.messages()
    assert "bad_benchmarks.csv" in msg["output"] and "row 2" in msg["output"]
    (step,) = rec.tool_steps()
    assert step["name"] == "file import" and step["isError"] and "row 2" in step["output"]
    assert "Traceback" not in msg["output"]
    assert counts(ws) == before


async def test_more_than_three_files_are_refused(ws):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    files = [upload(session, SAMPLE, f"b{i}.csv") for i in range(4)]
    await ask("Load these", files)
    (msg,) = rec.messages()
    assert "at most 3 files" in msg["output"]
    assert list(ws.uploads_dir.iterdir()) == []


async def test_docx_button_offers_a_download_without_other_customers(ws):
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await ask("How does Acme Corp compare to peers?")
    (button,) = [a for a in rec.actions() if a["label"] == "Export report (DOCX)"]
    import chainlit as cl

    rec.sent.clear()
    await app.on_action(cl.Action(name=button["name"], payload=button["payload"], label=button["label"]))
    files = [e for e in rec.of("element") if e["type"] == "file"]
    assert len(files) == 1 and files[0]["name"].endswith(".docx") and files[0]["mime"] == DOCX_MIME

    from docx import Document

    doc = Document(io.BytesIO(element_bytes(session, files[0])))
    text = "\n".join([p.text for p in doc.paragraphs] +
                     [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "Acme Corp" in text
    others = [r["name"] for r in ws.query("SELECT name FROM customers WHERE name != 'Acme Corp'")]
    assert [n for n in others if n in text] == []


def batch_spec(names: list[str], fmt: str = "md"):
    from agent.core import ActionSpec

    return ActionSpec(label=f"Create benchmark reports per customer ({len(names)})", payload={
        "calls": [{"tool": "draft_report", "input": {"customer": n, "kind": "benchmark", "format": fmt}}
                  for n in names]})


async def click_batch(app, spec):
    """Click a batch button: the handler returns at once, the job runs as the session's task."""
    import chainlit as cl

    chat = cl.user_session.get("chat")
    ref = chat.buttons.add(spec)
    await app.on_action(cl.Action(name="peerbench_action", payload={"ref": ref}, label=spec.label))
    assert chat.job is not None and cl.context.session.current_task is chat.job  # what the stop button cancels
    return chat


def zip_names(session, element) -> list[str]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(element_bytes(session, element))) as zf:
        return zf.namelist()


@pytest.mark.parametrize("workers", ["1", "2"])  # 2: worker processes
async def test_a_batch_button_runs_in_the_background_with_progress_and_one_zip(ws, monkeypatch, workers):
    monkeypatch.setenv("PEERBENCH_BATCH_WORKERS", workers)
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    names = ["Acme Corp", "TechCorp", "DataPro", "No Such Customer", "CloudMax", "OldCorp"]
    from agent import batch

    assert batch.workers_for(len(names)) == int(workers)  # 2: the processes really run (MIN_PARALLEL calls)
    chat = await click_batch(app, batch_spec(names))
    await chat.job

    tasklists = [e for e in rec.of("element") if e["type"] == "tasklist"]
    assert tasklists, "progress is shown in the task panel"
    progress, summary = rec.messages()
    assert "finished after 6 of 6" in progress["output"]
    assert "**5 reports in" in summary["output"] and "1 could not be made" in summary["output"]
    assert "No Such Customer" in summary["output"] and "partial" not in summary["output"]
    (archive,) = [e for e in rec.of("element") if e["type"] == "file"]
    assert archive["name"].startswith("reports_") and archive["name"].endswith(".zip")
    names_in_zip = zip_names(session, archive)
    assert len(names_in_zip) == 5 and all(n.endswith(".md") for n in names_in_zip)
    assert summary["metadata"]["asked"].startswith("[button] Create benchmark reports per customer")
    audited = ws.query("SELECT count(*) AS n FROM tool_calls WHERE name = 'draft_report'")[0]["n"]
    assert audited == 6


async def test_stopping_a_batch_keeps_what_was_made_and_labels_it_partial(ws, monkeypatch):
    monkeypatch.setenv("PEERBENCH_BATCH_WORKERS", "1")
    from agent.ui import jobs

    monkeypatch.setattr(jobs, "UPDATE_EVERY_S", 0)
    rec, session = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import chainlit as cl

    customers = [r["name"] for r in ws.query("SELECT name FROM customers ORDER BY name LIMIT 12")]
    shown = jobs.Display.update

    async def update_then_stop(self, result, line):
        await shown(self, result, line)
        if result.done == 3:
            cl.context.session.current_task.cancel()  # what Chainlit's stop button does

    monkeypatch.setattr(jobs.Display, "update", update_then_stop)
    chat = await click_batch(app, batch_spec(customers))
    await chat.job

    summary = rec.messages()[-1]["output"]
    assert "Stopped: 3 of 12 reports made" in summary and "(partial)" in summary
    assert "The other 9 were not made" in summary
    (archive,) = [e for e in rec.of("element") if e["type"] == "file"]
    assert archive["name"].startswith("reports_partial_3-of-12_")
    assert len(zip_names(session, archive)) == 3
    assert chat.job is None  # a new batch may start


@pytest.mark.parametrize("payload", [
    {"ref": "0123456789abcdef"},                              # well formed, not ours
    {"tool": "draft_report", "input": {"customer": "TechCorp", "format": "docx"}},  # forged spec
    {"ref": "../../etc/passwd"},
    {},
])
async def test_forged_or_stale_button_payloads_run_nothing(ws, payload):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import chainlit as cl

    await app.on_action(cl.Action(name="peerbench_action", payload=payload, label="Export report (DOCX)"))
    (msg,) = rec.messages()
    assert "no longer available" in msg["output"]
    assert rec.tool_steps() == [] and rec.of("element") == []


async def test_errors_are_explained_in_plain_words(ws, monkeypatch):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import agent.core
    from tools.base import ToolError

    async def crash(*args, **kwargs):
        raise RuntimeError("KeyError at /srv/secret/path.py line 12")

    monkeypatch.setattr(agent.core, "answer", crash)
    await ask("How does Acme Corp compare to peers?")

    async def expected(*args, **kwargs):
        raise ToolError("No customer named 'Acme Crop'.", suggestions=["Acme Corp"])

    monkeypatch.setattr(agent.core, "answer", expected)
    await ask("How does Acme Crop compare to peers?")
    first, second = rec.messages()
    assert "something went wrong" in first["output"] and "secret" not in first["output"]
    assert "No customer named 'Acme Crop'." in second["output"] and "Acme Corp" in second["output"]


def test_uploads_are_typed_by_content_not_by_name(tmp_path):
    import openpyxl

    from agent.ui.uploads import stage_files

    book = tmp_path / "x"
    wb = openpyxl.Workbook()
    wb.active.append(["metric", "p50"])
    wb.save(book)
    chainlit_copy = tmp_path / "f1.xls"  # how Chainlit names a file the browser sent as vnd.ms-excel
    shutil.copyfile(book, chainlit_copy)
    csv_copy = tmp_path / "f2.xls"
    csv_copy.write_text("metric,p50\nnps,30\n")

    class El:
        def __init__(self, name, path):
            self.name, self.path = name, str(path)

    staged = stage_files([El("../../Q3 benchmarks.xlsx", chainlit_copy), El("Q3 benchmarks.xlsx", csv_copy)],
                         tmp_path / "uploads")
    assert [(s.path.name, s.format) for s in staged] == [("Q3_benchmarks.xlsx", "xlsx"), ("Q3_benchmarks.csv", "csv")]
    assert all(s.path.parent.parent == tmp_path / "uploads" for s in staged)
    assert staged[0].path.parent != staged[1].path.parent


# ---------------------------------------------------------------------------
# sign-in and separation


def test_password_hashes(monkeypatch):
    from agent.ui import auth

    pbkdf2 = auth.hash_password("s3cret", iterations=1000)
    sha = hashlib.sha256(b"hunter2").hexdigest()
    monkeypatch.setenv("PEERBENCH_USERS", f"alice:{pbkdf2}, bob:sha256${sha},carol:plaintext")
    assert auth.auth_enabled()
    assert auth.check_login("alice", "s3cret") == "alice"
    assert auth.check_login("alice", "wrong") is None
    assert auth.check_login("bob", "hunter2") == "bob"
    assert auth.check_login("carol", "plaintext") is None  # a plain password is never accepted
    assert auth.check_login("mallory", "s3cret") is None


def test_each_user_gets_a_separate_workspace(ws, monkeypatch, tmp_path):
    from agent.ui import chat
    from agent.ui.render import downloadable

    alice, bob = chat.workspace_for("alice"), chat.workspace_for("bob")
    assert alice.path != bob.path and alice.path.parent.parent == ws.path.parent.resolve() / "users"
    assert alice.query("SELECT count(*) AS n FROM customers")[0]["n"] == counts(ws)["customers"]
    assert alice.reports_dir != bob.reports_dir
    secret = alice.reports_dir / "acme_benchmark.docx"
    secret.write_bytes(b"PK")

    class Forged:  # an answer naming alice's file, rendered in bob's chat
        files = [secret]
        results = [("draft_report", type("Out", (), {"path": str(secret)})())]

    assert downloadable(Forged, bob.reports_dir) == []
    assert downloadable(Forged, alice.reports_dir) == [secret.resolve()]


def test_hash_command_reads_a_piped_password(monkeypatch, capsys):
    import io

    from agent.ui import auth

    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret!\n"))
    assert auth.main(["hash"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert auth.verify_password("s3cret!", hashed) and not auth.verify_password("other", hashed)


async def test_a_question_back_offers_its_answers_as_buttons_and_a_click_answers(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await ask("acme corp")
    (msg,) = rec.messages()
    assert "What would you like to know about **Acme Corp**?" in msg["output"] and rec.tool_steps() == []
    labels = [a["label"] for a in rec.actions()]
    assert labels[:2] == ["Compare Acme Corp with peers", "Show Acme Corp's goals"] and len(labels) <= 4
    (button,) = [a for a in rec.actions() if a["label"] == "Show Acme Corp's goals"]
    import chainlit as cl

    rec.sent.clear()
    await app.on_action(cl.Action(name=button["name"], payload=button["payload"], label=button["label"]))
    assert [s["name"] for s in rec.tool_steps()] == ["goals: Acme Corp"]
    (answer,) = rec.messages()
    assert "success goals for Acme Corp" in answer["output"]


def test_the_footer_names_the_offline_mode_instead_of_llms(tmp_path, monkeypatch):
    import json

    from agent.ui import branding

    folder = tmp_path / "translations"
    folder.mkdir()
    for lang in ("en-US", "de-DE"):
        (folder / f"{lang}.json").write_text(json.dumps({"chat": {"watermark": "LLMs can make mistakes."}}))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert branding.label_footer(folder) == 2
    for lang in ("en-US", "de-DE"):
        text = json.loads((folder / f"{lang}.json").read_text())["chat"]["watermark"]
        assert text == branding.OFFLINE_FOOTER and "LLM" not in text and "no AI model" in text
    assert branding.label_footer(folder) == 0  # already labelled: nothing rewritten
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert branding.label_footer(folder) == 2
    assert "Claude" in json.loads((folder / "en-US.json").read_text())["chat"]["watermark"]


def test_the_app_labels_the_footer_of_chainlits_own_translations(monkeypatch):
    import json

    from chainlit.config import config_translation_dir

    from agent.ui import chat

    monkeypatch.setattr(chat, "warm_up_in_background", lambda: None)
    chat.startup()
    files = list(Path(config_translation_dir).glob("*.json"))
    assert files and all("Offline mode" in json.loads(f.read_text())["chat"]["watermark"] for f in files)


async def test_a_goal_waits_for_the_save_button_and_has_an_undo_button(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import chainlit as cl

    await ask("add an NPS goal for Acme to reach 50 by June 30")
    assert "Not saved yet" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM goals WHERE name = 'Improve NPS'")[0]["n"] == 0
    save = next(a for a in rec.actions() if a["label"] == "Save this change")
    await app.on_action(cl.Action(name="peerbench_action", payload=save["payload"], label=save["label"]))
    assert "Created goal 'Improve NPS'" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM goals WHERE name = 'Improve NPS'")[0]["n"] == 1
    undo = next(a for a in rec.actions() if a["label"] == "Undo this change")
    await app.on_action(cl.Action(name="peerbench_action", payload=undo["payload"], label=undo["label"]))
    assert "Undone" in rec.messages()[-1]["output"]
    assert ws.query("SELECT count(*) AS n FROM goals WHERE name = 'Improve NPS'")[0]["n"] == 0


async def test_resume_restores_the_agent_state_settings_and_last_buttons(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await app.on_settings_update({"cohort_type": "industry", "csm_name": "Jordan Lee"})
    await ask("How does Acme Corp compare to peers?")
    import chainlit as cl

    state = cl.user_session.get("peerbench")  # what the thread's metadata holds
    buttons = [a["label"] for a in rec.actions()]
    answer_id = rec.messages()[-1]["id"]

    rec, _ = use_chainlit()  # a new connection: a reload, or the thread picked in the list
    thread = {"id": "t", "metadata": {"peerbench": state}, "steps": [], "elements": []}
    await app.on_chat_resume(thread)
    chat = cl.user_session.get("chat")
    assert chat.session.context.customer == "Acme Corp" and chat.prefs.csm_name == "Jordan Lee"
    assert chat.session.analysis.cohort_type == "industry"
    assert [a["label"] for a in rec.actions()] == buttons and {a["forId"] for a in rec.actions()} == {answer_id}

    await ask("and TechCorp?")  # depends on the earlier turn
    (step,) = rec.tool_steps()
    assert step["name"] == "peer comparison: TechCorp" and "- Peer group: same industry" in step["output"]


async def test_a_thread_without_state_resumes_from_its_messages(ws):
    rec, _ = use_chainlit()
    app = app_module()
    thread = {"id": "t", "metadata": {}, "steps": [
        {"type": "user_message", "output": "How does Acme Corp compare to peers?"},
        {"type": "assistant_message", "output": "Acme Corp is at the 48th percentile."}]}
    await app.on_chat_resume(thread)
    import chainlit as cl

    assert [m["role"] for m in cl.user_session.get("chat").session.history] == ["user", "assistant"]


async def test_stored_chat_files_stay_inside_their_folder(tmp_path):
    use_chainlit()
    from agent.ui.history import LocalFileStorage

    store = LocalFileStorage(tmp_path / "files")
    assert store.path_of("user/el/chart.png") == (tmp_path / "files" / "user" / "el" / "chart.png").resolve()
    for bad in ("../secret", "user/../../x", ""):
        with pytest.raises(ValueError):
            store.path_of(bad)


async def test_a_report_in_chat_is_a_short_preview_with_its_real_charts(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    await ask("Create a benchmark report for Acme Corp to share with them")
    (msg,) = rec.messages()
    assert "(chart)" not in msg["output"] and "Chart: " in msg["output"]
    images = [e for e in rec.of("element") if e["type"] == "image"]
    assert len(images) >= 2  # the report's own charts, not placeholders


async def test_the_portfolio_workbook_answer_stays_small(ws):
    rec, _ = use_chainlit()
    app = app_module()
    await app.on_chat_start()
    import chainlit as cl

    from agent.core import ActionSpec

    spec = ActionSpec(label="Export full analysis", payload={
        "tool": "draft_report", "input": {"customer": None, "kind": "portfolio", "format": "xlsx"}})
    ref = cl.user_session.get("chat").buttons.add(spec)
    await app.on_action(cl.Action(name="peerbench_action", payload={"ref": ref}, label=spec.label))
    (msg,) = rec.messages()
    # the whole workbook as Markdown was ~400 KB and took the browser 12-28 s to lay out
    assert len(msg["output"]) < 12_000 and "more rows in the file" in msg["output"]
    assert [e["name"] for e in rec.of("element") if e["type"] == "file"][0].endswith(".xlsx")
