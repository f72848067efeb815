"""End to end in a real browser: `peerbench serve` (what `make run` starts: the chat at /, the
HTTP API at /api) on a free loopback port with a temporary demo workspace, driven by headless
Debian Chromium through Python playwright; the API is called on the same server.

Run locally: `apt-get install -y chromium` then
`.venv/bin/python -m pytest -m browser tests/test_browser.py -q`. Skipped only when
/usr/bin/chromium is absent (CI installs it). Screenshots of every step are saved in
the test's tmp dir (printed on failure); external hosts (fonts, CDNs) are blocked.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from reports.format import fmt_pct, fmt_value

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "saas_industry_benchmarks_2026.csv"
PUBLISHED = ROOT / "tests" / "fixtures" / "ingest" / "published"
ANSWER_TIMEOUT_MS = 30_000
CLI = [sys.executable, "-c", "import sys; from agent.cli import main; sys.exit(main(sys.argv[1:]))"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db: Path, app_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (
        "ANTHROPIC_API_KEY", "DATABASE_URL", "CHAINLIT_AUTH_SECRET", "PEERBENCH_USERS", "PEERBENCH_USERS_FILE",
        "DEBUG", "WATCH", "HEADLESS")}
    env.update(PEERBENCH_DB=str(db), CHAINLIT_APP_ROOT=str(app_root), PYTHONUNBUFFERED="1")
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port with a fresh demo workspace; also Acme's `peerbench compare --json`."""
    from agent.cli import main as peerbench

    base = tmp_path_factory.mktemp("browser")
    app_root, db = base / "app", base / "ws" / "peerbench.db"
    (app_root / ".chainlit").mkdir(parents=True)
    shutil.copy(ROOT / ".chainlit" / "config.toml", app_root / ".chainlit" / "config.toml")
    shutil.copytree(ROOT / ".chainlit" / "translations", app_root / ".chainlit" / "translations")
    shutil.copy(ROOT / "chainlit.md", app_root / "chainlit.md")
    shutil.copytree(ROOT / "public", app_root / "public")
    env = _env(db, app_root)
    port = _free_port()
    log = open(base / "server.log", "wb")
    # The server takes seconds to import; it opens the workspace only when a chat starts,
    # so the demo is built meanwhile (and no page is opened before it is done).
    env["PEERBENCH_BATCH_WORKERS"] = "2"  # the batch runs in worker processes, as on a 2-core machine
    proc = subprocess.Popen([*CLI, "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=app_root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        assert peerbench(["--db", str(db), "demo", "--accounts", "150"]) == 0
        compare = subprocess.Popen([*CLI, "--db", str(db), "compare", "Acme Corp", "--json"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE, text=True)
        acme = json.loads(compare.communicate(timeout=120)[0])
        _wait_healthy(url, proc, base / "server.log")
        yield SimpleNamespace(url=url, db=db, env=env, log=base / "server.log", acme=acme)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_healthy(url: str, proc, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("the server exited early:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not become healthy:\n" + log.read_text(errors="replace")[-3000:])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 2200}, accept_downloads=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
                  else route.abort())
    page = context.new_page()
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(server.url)
    page.wait_for_selector("#starters")
    page.wait_for_selector("#chat-settings-open-modal")  # sent over the socket: the session is ready
    yield page
    context.close()


def shot(page, tmp_path: Path, name: str) -> None:
    """The latest answer from its top (the chat scrolls to the bottom by itself)."""
    if answers(page).count():
        answers(page).last.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(tmp_path / f"{name}.png"))


def answers(page):
    return page.locator('[data-step-type="assistant_message"]')


def send(page, text: str, files: list[Path] = ()) -> None:
    before = answers(page).count()
    if files:
        page.set_input_files("#upload-button-input", [str(f) for f in files])
        for f in files:
            page.locator("#attachments").get_by_text(f.name).wait_for()
    page.fill("#chat-input", text)
    page.locator("#chat-submit").click()
    page.wait_for_function("n => document.querySelectorAll('[data-step-type=\"assistant_message\"]').length > n",
                           arg=before)
    page.wait_for_selector("#stop-button", state="detached")


def last_answer(page):
    return answers(page).last


def table_rows(answer) -> list[dict[str, str]]:
    table = answer.locator("table").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append(dict(zip(headers, [c.strip() for c in row.locator("td").all_inner_texts()])))
    return rows


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("benchmark_sets", "benchmark_rows", "customers", "metric_values")}


# ---------------------------------------------------------------------------


def test_starter_compares_acme_with_the_cli_figures(page, server, tmp_path):
    shot(page, tmp_path, "01-welcome")
    page.locator("#starters").get_by_text("How does Acme Corp compare to peers?").click()
    page.wait_for_selector('[data-step-type="assistant_message"] table')
    page.wait_for_selector("#stop-button", state="detached")
    shot(page, tmp_path, "02-acme")
    answer = last_answer(page)
    assert "Offline mode" in answer.inner_text()
    assert page.locator('[data-step-type="tool"]').count() >= 1
    assert answer.locator("img").count() >= 1

    expected = server.acme
    shown = {r["Metric"]: r["Peer percentile"] for r in table_rows(answer)}
    wanted = {m["label"]: fmt_pct(m["percentile"]) for m in expected["metrics"] if m["value"] is not None}
    assert shown == wanted
    assert fmt_pct(expected["overall_percentile"]) in answer.inner_text()
    for label in ("Export report (DOCX)", "Export PDF", "Generate QBR slide"):
        assert page.get_by_role("button", name=label).count() == 1


def test_uploaded_benchmarks_are_loaded_and_the_portfolio_compared(page, server, tmp_path):
    send(page, "Compare my customers against these benchmarks", [PUBLISHED / "kbcm_style_acv_bands.csv"])
    shot(page, tmp_path, "03-upload")
    text = last_answer(page).inner_text()
    name = "KBCM-style SaaS survey 2023: retention and onboarding by ACV band (synthetic)"
    assert f"Loaded benchmark set {name}" in text and "It is not the active set; SaaS Industry 2026 stays active" in text
    assert "Time to First Value (days) -> Time to Value (alias)" in text  # every mapping listed, in words
    assert "'Gross Dolar Retention' looks like Renewal Rate" in text  # a near miss asks
    steps = [t.lower() for t in page.locator('[data-step-type="tool"]').all_inner_texts()]
    assert any("file import" in t for t in steps)
    assert "Step 2 of 3: peer groups" in text and "I propose by ARR band" in text  # before any comparison
    for label in ("By segment", "By industry", "Custom: by region"):
        assert page.get_by_role("button", name=label, exact=True).count() == 1
    before = answers(page).count()
    page.get_by_role("button", name="By ARR band (proposed)").click()
    page.wait_for_function("n => document.querySelectorAll('[data-step-type=\"assistant_message\"]').length > n",
                           arg=before)
    page.wait_for_selector("#stop-button", state="detached")
    shot(page, tmp_path, "03a-grouped")
    assert "peer groups by ARR band" in last_answer(page).inner_text()
    assert last_answer(page).locator("table").count() >= 1

    page.get_by_role("button", name="Make 'KBCM-style SaaS survey 2023\u2026' the active set").click()
    page.wait_for_function("() => document.body.innerText.includes('is now the active benchmark set')")
    page.wait_for_selector("#stop-button", state="detached")
    shot(page, tmp_path, "03b-activated")
    with sqlite3.connect(server.db) as conn:
        assert conn.execute("SELECT name FROM benchmark_sets WHERE active = 1").fetchone()[0] == name
        conn.execute("UPDATE benchmark_sets SET active = (name = 'SaaS Industry 2026')")  # as the other tests expect


def test_an_empty_file_is_answered_with_the_reason_not_with_older_data(page, server, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    send(page, "How does Acme Corp compare to peers?", [empty])
    shot(page, tmp_path, "03c-empty")
    text = last_answer(page).inner_text()
    assert "'empty.csv' is empty (0 bytes)" in text and "your question was not answered" in text
    assert last_answer(page).locator("table").count() == 0
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_benchmark_report_docx_download_has_acme_and_no_other_customer(page, server, tmp_path):
    send(page, "Create a benchmark report for Acme Corp to share with them")
    shot(page, tmp_path, "04-report")
    button = page.get_by_role("button", name="Export report (DOCX)")
    if button.count():
        before = page.locator('a[download$=".docx"]').count()
        button.first.click()
        page.wait_for_function("n => document.querySelectorAll('a[download$=\".docx\"]').length > n", arg=before)
        page.wait_for_selector("#stop-button", state="detached")
        shot(page, tmp_path, "05-docx-button")
    link = page.locator('a[download$=".docx"]').last
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    from docx import Document

    doc = Document(io.BytesIO(saved.read_bytes()))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells +
                     [p.text for s in doc.sections for p in s.header.paragraphs + s.footer.paragraphs])
    assert "Acme Corp" in text
    expected = server.acme
    rows = {r.cells[0].text: r.cells[1].text for t in doc.tables for r in t.rows if len(r.cells) > 1}
    # the CLI's value as the document shows it (one more decimal where the median would look equal)
    shown = {m["label"]: {fmt_value(m["metric"], m["value"], extra) for extra in range(4)}
             for m in expected["metrics"] if m["value"] is not None}
    assert {k: rows.get(k) in texts for k, texts in shown.items()} == {k: True for k in shown}
    with sqlite3.connect(server.db) as conn:
        others = [n for (n,) in conn.execute("SELECT name FROM customers WHERE name != 'Acme Corp'")]
    assert [n for n in others if n in text] == []


def test_a_bad_file_shows_the_error_and_changes_nothing(page, server, tmp_path):
    bad = tmp_path / "bad_benchmarks.csv"
    bad.write_text("metric,segment,p25,p50,p75\nnps,Enterprise,10,abc,40\nDAU/MAU Ratio,SMB,0.2,0.3,\n")
    before = counts(server.db)
    send(page, "Compare my customers against these benchmarks", [bad])
    shot(page, tmp_path, "06-bad-file")
    text = last_answer(page).inner_text()
    assert "Nothing was imported from bad_benchmarks.csv" in text and "row 2" in text
    assert "Traceback" not in text
    assert counts(server.db) == before


def test_the_api_is_served_beside_the_chat(server):
    """The issue's "done": a token, then GET /api/benchmarks/Acme%20Corp/compare on the served app is
    what `peerbench compare "Acme Corp" --json` prints; the chat's own routes still answer."""
    made = subprocess.run([*CLI, "--db", str(server.db), "token", "create", "browser-test"], env=server.env,
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    request = urllib.request.Request(server.url + "/api/benchmarks/Acme%20Corp/compare",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 200 and r.headers["content-type"] == "application/json"
        served = json.loads(r.read())
    # the CLI on the workspace as it is now (earlier tests loaded another benchmark set)
    cli = subprocess.run([*CLI, "--db", str(server.db), "compare", "Acme Corp", "--json"], env=server.env,
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert served == json.loads(cli.stdout) and served["customer"] == "Acme Corp"
    try:
        urllib.request.urlopen(server.url + "/api/benchmarks", timeout=10)
        raise AssertionError("no token must be refused")
    except urllib.error.HTTPError as err:
        assert err.code == 401 and err.headers["content-type"] == "application/problem+json"
    with urllib.request.urlopen(server.url + "/", timeout=10) as r:
        assert r.status == 200 and r.headers["content-type"].startswith("text/html")
    with urllib.request.urlopen(server.url + "/api/openapi.json", timeout=10) as r:
        assert "/api/benchmarks/{customerId}/compare" in json.loads(r.read())["paths"]


def test_stored_names_and_notes_never_fetch_or_link(page, server, tmp_path):
    """Issue 12: an account name and a practice note holding Markdown images, links and bare URLs
    are shown as text in the real Chainlit renderer: no request to that host, no <img>, no <a>."""
    payload = " ![x](http://evil.example/pixel.png) [click](http://evil.example/l) www.evil.example/w Corp"
    with sqlite3.connect(server.db) as conn:
        (cid,) = conn.execute("SELECT id FROM customers WHERE name = 'Acme Corp'").fetchone()
        new = conn.execute("INSERT INTO customers (name, industry, segment, arr, region, contract_start, csm) "
                           "SELECT ?, industry, segment, arr, region, contract_start, ? FROM customers WHERE id = ?",
                           ("Evilpixel" + payload, "Jo" + payload, cid)).lastrowid
        conn.execute("INSERT INTO metric_values SELECT ?, metric, period, value FROM metric_values "
                     "WHERE customer_id = ?", (new, cid))
        conn.execute("INSERT INTO practices (customer_id, metric, note, created_at) VALUES (?, 'nps', ?, '2026')",
                     (new, "Weekly exec sync" + payload))
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    send(page, "How does Evilpixel compare to peers?")
    send(page, "How can Evilpixel improve?")
    shot(page, tmp_path, "07-hostile-names")
    text = "\n".join(answers(page).all_inner_texts())
    assert "Evilpixel" in text and "evil.example" in text  # shown, as text
    # no request goes to that host (Chainlit asks its own server for a step's avatar by the step's
    # name, which may contain the text: that stays on 127.0.0.1)
    assert [u for u in seen if "evil.example" in (urllib.parse.urlsplit(u).hostname or "")] == []
    assert page.locator('img[src*="evil"]').count() == 0 and page.locator('a[href*="evil"]').count() == 0


def test_offline_footer_and_a_question_back_with_buttons(page, server, tmp_path):
    """Issue 14: the footer names the offline mode (no "LLMs can make mistakes"), and a bare
    account name is answered with a question and buttons that answer it."""
    send(page, "acme corp")
    shot(page, tmp_path, "05-ask-back")
    assert "What would you like to know about Acme Corp?" in last_answer(page).inner_text()
    assert page.get_by_text("Offline mode: no AI model is used").count() == 1
    assert page.get_by_text("LLMs can make mistakes").count() == 0
    before = answers(page).count()
    page.get_by_role("button", name="Show Acme Corp's goals").click()
    page.wait_for_function("n => document.querySelectorAll('[data-step-type=\"assistant_message\"]').length > n",
                           arg=before)
    page.wait_for_selector("#stop-button", state="detached")
    assert "success goals for Acme Corp" in last_answer(page).inner_text()
    steps = [t.lower() for t in page.locator('[data-step-type="tool"]').all_inner_texts()]
    assert any("goals: acme corp" in t for t in steps) and not any("manage" in t for t in steps)


# ---------------------------------------------------------------------------
# history, long jobs, feedback (issue 18)


def ask_and_wait(page, text: str) -> None:
    send(page, text)
    page.wait_for_selector('[data-step-type="assistant_message"] table')


def test_a_conversation_is_kept_found_in_the_list_resumed_and_continued(page, server, tmp_path):
    ask_and_wait(page, "How does Acme Corp compare to peers?")
    page.wait_for_url("**/thread/*")
    thread_id = page.url.rsplit("/", 1)[-1]
    page.reload()  # a reload keeps the conversation
    page.wait_for_selector('[data-step-type="assistant_message"] table')
    assert "Acme Corp" in last_answer(page).inner_text()
    page.get_by_role("button", name="Export PDF").wait_for()  # the last answer's buttons come back
    shot(page, tmp_path, "20-reloaded")

    page.goto(server.url)  # a new chat, then the old one from the thread list
    page.wait_for_selector("#starters")
    item = page.locator(f"#thread-{thread_id}")
    box = item.bounding_box() if item.count() else None
    if box is None or box["x"] < 0:  # the sidebar starts closed
        triggers = page.locator("#sidebar-trigger-button")  # one in the header, one in the (hidden) sidebar
        next(t for t in triggers.all() if (t.bounding_box() or {"x": -1})["x"] >= 0).click()
    item.wait_for()
    page.wait_for_function(f"() => document.querySelector('#thread-{thread_id}').getBoundingClientRect().x >= 0")
    item.locator("a").first.click()
    page.wait_for_selector('[data-step-type="assistant_message"] table')
    page.wait_for_selector("#chat-settings-open-modal")
    shot(page, tmp_path, "21-resumed-from-list")

    before = answers(page).count()
    send(page, "and TechCorp?")  # only the earlier turn says what to compare
    assert answers(page).count() > before
    text = last_answer(page).inner_text()
    assert "TechCorp" in text and "peer group" in text
    assert {"Metric", "Peer percentile"} <= set(table_rows(last_answer(page))[0])
    shot(page, tmp_path, "22-follow-up-after-resume")


def test_a_running_batch_shows_progress_and_stops_keeping_a_partial_zip(page, server, tmp_path):
    page.locator("#starters").get_by_text("Compare my customers against the sample benchmarks").click()
    page.wait_for_selector('[data-step-type="assistant_message"] table')
    page.wait_for_selector("#stop-button", state="detached")
    button = page.get_by_role("button", name=re.compile(r"^Create benchmark reports per customer \(\d+\)$"))
    assert button.count() == 1
    total = int(re.search(r"\((\d+)\)", button.inner_text()).group(1))
    assert total > 100  # the whole group compared, not the first 50 (earlier tests may add an account)
    reports = server.db.parent / "reports"
    button.click()
    page.wait_for_selector("#stop-button")  # the job runs as the session's task: Chainlit's stop button shows
    page.locator("aside.tasklist").get_by_text("Running:").wait_for()  # the task panel, beside the chat
    page.wait_for_function(f"() => /[1-9][0-9]* of {total}/.test(document.body.innerText)")
    shot(page, tmp_path, "23-batch-running")
    page.locator("#stop-button").click()
    page.get_by_text("(partial)").first.wait_for()
    page.wait_for_selector("#stop-button", state="detached")
    made = len(list(reports.glob("*_benchmark_*.docx")))
    link = page.locator('a[download*="reports_partial_"]').last
    link.wait_for()
    shot(page, tmp_path, "24-batch-stopped")
    summary = last_answer(page).inner_text()
    assert "Stopped:" in summary and f"of {total} reports made" in summary
    time.sleep(3)
    assert len(list(reports.glob("*_benchmark_*.docx"))) <= made + 2  # only the calls running (2 workers) finish
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    import zipfile

    with zipfile.ZipFile(saved) as zf:
        names = zf.namelist()
    done = int(saved.name.split("_")[2].split("-of-")[0])
    assert 0 < done < total and len(names) <= done and all(n.endswith(".docx") for n in names)


def test_an_answer_is_rated_with_a_comment_and_listed_by_peerbench_feedback(page, server, tmp_path):
    ask_and_wait(page, "How does DataPro compare to peers?")
    page.wait_for_selector("#stop-button", state="detached")
    last_answer(page).locator(".negative-feedback-off").click()
    page.locator("textarea").last.fill("Wrong peer group for DataPro")
    page.locator("#submit-feedback").click()
    page.wait_for_selector(".negative-feedback-on")
    shot(page, tmp_path, "25-rated")
    deadline, found = time.monotonic() + 15, []
    while time.monotonic() < deadline and not found:
        out = subprocess.run([*CLI, "--db", str(server.db), "feedback", "--json"], env=server.env, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        found = [r for r in json.loads(out.stdout or "[]") if r["comment"] == "Wrong peer group for DataPro"]
        time.sleep(0.5)
    (rating,) = found
    assert rating["rating"] == "down" and rating["asked"] == "How does DataPro compare to peers?"
    assert rating["tools"] == ["compare_customer"] and "DataPro" in rating["answer"], json.dumps(rating)
    assert rating["user"] == "local"
