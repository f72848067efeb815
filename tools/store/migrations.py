"""Workspace schema: every table, created by migrations registered in one place.

Add a new ``@migrations()`` function for any schema change; never edit an applied one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from tools.chat.schema import DDL as CHAT_DDL

migrations = Migrations("peerbench")


@migrations()
def m001_core(db: Database) -> None:
    db["customers"].create(
        {"id": int, "name": str, "industry": str, "segment": str, "arr": float, "region": str,
         "contract_start": str, "csm": str, "created_at": str, "updated_at": str},
        pk="id", not_null={"name"},
    )
    db.execute("CREATE UNIQUE INDEX idx_customers_name ON customers(name COLLATE NOCASE)")
    db["metric_values"].create(
        {"customer_id": int, "metric": str, "period": str, "value": float},
        pk=("customer_id", "metric", "period"), foreign_keys=[("customer_id", "customers", "id")],
    )
    db["metric_values"].create_index(["metric", "period"])
    db["benchmark_sets"].create(
        {"id": int, "name": str, "source": str, "year": int, "file_name": str, "checksum": str,
         "kind": str, "industry": str, "sample_size": int, "loaded_at": str, "active": int,
         "owner": str, "summary_json": str},
        pk="id", not_null={"name"}, defaults={"active": 0, "owner": ""},
    )
    db.execute("CREATE UNIQUE INDEX idx_benchmark_sets_name ON benchmark_sets(owner, name)")
    # One row per (metric, segment, stat). quantile is 10/25/50/75/90 for percentile points,
    # NULL for the mean and for labelled reference points ("best in class").
    db["benchmark_rows"].create(
        {"set_id": int, "metric": str, "segment": str, "stat": str, "quantile": float,
         "value": float, "sample_size": int, "source": str, "year": int},
        pk=("set_id", "metric", "segment", "stat"), foreign_keys=[("set_id", "benchmark_sets", "id")],
    )
    # Raw peer rows (benchmarks given as one row per peer company), long form.
    db["benchmark_peers"].create(
        {"set_id": int, "peer": str, "segment": str, "metric": str, "value": float},
        pk=("set_id", "peer", "metric"), foreign_keys=[("set_id", "benchmark_sets", "id")],
    )
    db["cohorts"].create(
        {"name": str, "criteria_json": str, "size": int, "created_at": str}, pk="name")
    db["practices"].create(
        {"id": int, "customer_id": int, "metric": str, "note": str, "created_at": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")],
    )
    db["stakeholders"].create(
        {"id": int, "customer_id": int, "name": str, "title": str, "role": str, "engagement": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")],
    )


@migrations()
def m002_goals(db: Database) -> None:
    db["goals"].create(
        {"id": int, "customer_id": int, "name": str, "description": str, "category": str,
         "metric": str, "baseline": float, "target": float, "unit": str, "direction": str,
         "start_date": str, "target_date": str, "owner": str, "weight": float,
         "value_type": str, "value_inputs_json": str, "value_amount": float,
         "created_at": str, "updated_at": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")], defaults={"weight": 1.0},
    )
    db["goal_measurements"].create(
        {"id": int, "goal_id": int, "date": str, "value": float},
        pk="id", foreign_keys=[("goal_id", "goals", "id")],
    )
    db["milestones"].create(
        {"id": int, "customer_id": int, "goal_id": int, "name": str, "date": str,
         "description": str, "done": int},
        pk="id", foreign_keys=[("customer_id", "customers", "id")], defaults={"done": 0},
    )


@migrations()
def m003_history_and_audit(db: Database) -> None:
    # One row per account per compare_portfolio / compare_customer run: position over time.
    db["snapshots"].create(
        {"id": int, "run_id": str, "taken_at": str, "period": str, "customer_id": int,
         "benchmark_set": str, "cohort": str, "overall_percentile": float,
         "composite": float, "benchmark_composite": float, "metrics_json": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")],
    )
    db["snapshots"].create_index(["customer_id", "taken_at"])
    db["reports"].create(
        {"id": int, "customer_id": int, "kind": str, "format": str, "path": str,
         "created_at": str, "benchmark_set": str, "owner": str},
        pk="id", defaults={"owner": ""},
    )
    db["tool_calls"].create(
        {"id": int, "at": str, "session": str, "name": str, "input_json": str,
         "output_bytes": int, "error": str, "duration_ms": float},
        pk="id",
    )
    db["settings"].create({"key": str, "value": str}, pk="key")


@migrations()
def m004_metric_values_clustered(db: Database) -> None:
    # metric_values rebuilt as a WITHOUT ROWID table clustered on its primary key, and the
    # (metric, period) index dropped: an import then maintains one B-tree instead of three
    # (rowid table, primary-key index, (metric, period) index), and a scan in key order
    # needs no sort. The index served only the latest-period lookup, now one table scan
    # (tools.store.frames._period_range). Same columns, key and foreign key. Rows are copied in key
    # order; a row with a NULL key column (no write path stores one, and a WITHOUT ROWID
    # key cannot hold it) is left out rather than failing the migration.
    db.execute("CREATE TABLE metric_values_new (customer_id INTEGER NOT NULL REFERENCES customers(id), "
               "metric TEXT NOT NULL, period TEXT NOT NULL, value REAL, "
               "PRIMARY KEY (customer_id, metric, period)) WITHOUT ROWID")
    db.execute("INSERT INTO metric_values_new (customer_id, metric, period, value) "
               "SELECT customer_id, metric, period, value FROM metric_values "
               "WHERE customer_id IS NOT NULL AND metric IS NOT NULL AND period IS NOT NULL "
               "ORDER BY customer_id, metric, period")
    db.execute("DROP TABLE metric_values")  # drops its indexes too
    db.execute("ALTER TABLE metric_values_new RENAME TO metric_values")


@migrations()
def m005_goal_value_confidence(db: Database) -> None:
    # How sure a goal's value is: measured | estimated | customer-stated (NULL: derived, see
    # tools.success.goals.value_confidence).
    db["goals"].add_column("value_confidence", str)


@migrations()
def m006_benchmark_scopes(db: Database) -> None:
    # Benchmark rows gain a scope (the population a row describes: all, a segment, an ARR/ACV or
    # employee band, an industry, a region, or several at once) and keep several sources side by
    # side, so the key becomes (set, metric, scope, source, year, stat). ``segment`` keeps the
    # scope as shown ("All", "Enterprise", "$25K-$100K ARR band"); ``scope_key`` is canonical
    # ("" = all) and ``scope_json`` its conditions (tools.benchmarks.scopes). ``label`` is a
    # labelled reference point or performance statistic as written ("Best in class", "Top
    # decile"), ``sample_note`` the source's note on its sample, ``seq`` the file order.
    # Existing rows are copied: "All" -> all, a standard segment -> that segment, any other
    # segment text -> a segment scope written the same way.
    db.execute("CREATE TABLE benchmark_rows_new (id INTEGER PRIMARY KEY, "
               "set_id INTEGER NOT NULL REFERENCES benchmark_sets(id), metric TEXT NOT NULL, "
               "segment TEXT NOT NULL, scope_key TEXT NOT NULL, scope_json TEXT NOT NULL, "
               "stat TEXT NOT NULL, quantile REAL, value REAL, sample_size INTEGER, source TEXT, year INTEGER, "
               "label TEXT, sample_note TEXT, seq INTEGER)")
    db.execute(
        "INSERT INTO benchmark_rows_new (set_id, metric, segment, scope_key, scope_json, stat, quantile, value, "
        "sample_size, source, year, seq) "
        "SELECT set_id, metric, ifnull(segment, 'All'), "
        "CASE WHEN ifnull(segment, 'All') = 'All' THEN '' "
        "     ELSE 'segment=' || lower(replace(trim(segment), '-', ' ')) END, "
        "CASE WHEN ifnull(segment, 'All') = 'All' THEN '[]' "
        "     ELSE json_array(json_object('dim', 'segment', 'text', trim(segment))) END, "
        "stat, quantile, value, sample_size, source, year, rowid FROM benchmark_rows "
        "WHERE set_id IS NOT NULL AND metric IS NOT NULL AND stat IS NOT NULL")
    db.execute("DROP TABLE benchmark_rows")
    db.execute("ALTER TABLE benchmark_rows_new RENAME TO benchmark_rows")
    db.execute("CREATE UNIQUE INDEX idx_benchmark_rows_key ON benchmark_rows "
               "(set_id, metric, scope_key, ifnull(source, ''), ifnull(year, 0), stat)")
    # The source a user prefers as the primary reference where several cover one metric and scope.
    db["benchmark_sets"].add_column("prefer_source", str)
    # Account size in employees, for benchmark rows scoped by employee band.
    db["customers"].add_column("employees", int)


@migrations()
def m007_api_tokens(db: Database) -> None:
    # Bearer tokens of the HTTP API (tools.store.tokens): only a SHA-256 of each token is kept.
    # user '' = the main workspace; otherwise the signed-in user whose workspace the token opens.
    db["api_tokens"].create(
        {"id": int, "name": str, "user": str, "token_hash": str, "prefix": str, "created_at": str,
         "last_used_at": str, "revoked_at": str},
        pk="id", not_null={"name", "token_hash"}, defaults={"user": ""},
    )
    db.execute("CREATE UNIQUE INDEX idx_api_tokens_hash ON api_tokens(token_hash)")


@migrations()
def m008_shown_groups(db: Database) -> None:
    # The differencing guard's memory: the peer groups each caller was shown an aggregate for
    # (scope "cli", "token:<id>" for the API, "conversation:<id>" for a chat), kept for a day.
    db["shown_groups"].create(
        {"id": int, "scope": str, "members_json": str, "size": int, "shown_at": str},
        pk="id", not_null={"scope", "members_json", "shown_at"},
    )
    db["shown_groups"].create_index(["scope", "shown_at"])


@migrations()
def m009_chat_history(db: Database) -> None:
    # Chainlit's data layer keeps chat threads, steps, elements and feedback here (the tables
    # are its, see tools.chat.schema); one file holds the workspace and its conversations.
    for statement in CHAT_DDL:
        db.execute(statement)


@migrations()
def m010_undo_log(db: Database) -> None:
    # The last write a conversation made (goals, milestones, imports), row by row, so "undo"
    # can revert it (tools.store.changes); one row per conversation.
    db["undo_log"].create({"id": str, "conversation": str, "created_at": str, "summary": str, "change_json": str},
                          pk="id")
    db["undo_log"].create_index(["conversation"])


@migrations()
def m011_shares(db: Database) -> None:
    # Read-only links to a customer-facing report (tools.actions.shares): the page is a snapshot
    # rendered when the link is made; only a SHA-256 of the link's token is kept (prefix for listing),
    # the passcode as a salted PBKDF2 hash. Stakeholders get an email for drafts and invitations.
    db["shares"].create(
        {"id": int, "token_hash": str, "prefix": str, "customer_id": int, "customer": str, "kind": str,
         "title": str, "html": str, "passcode_hash": str, "created_at": str, "expires_at": str,
         "revoked_at": str, "views": int, "last_viewed_at": str, "failed_attempts": int, "created_by": str},
        pk="id", not_null={"token_hash", "kind", "html", "expires_at"},
        defaults={"views": 0, "failed_attempts": 0, "created_by": ""},
    )
    db.execute("CREATE UNIQUE INDEX idx_shares_token ON shares(token_hash)")
    db["stakeholders"].add_column("email", str)


@migrations()
def m012_goal_changes(db: Database) -> None:
    # Issue 17: a goal's status changed by an import ("achieved", newly "at risk"), surfaced at the
    # top of the next answer about the account (tools.success.tracking). Which changes were shown
    # is kept apart (goal_changes_seen, untracked), so showing one never blocks undoing the import.
    db["goal_changes"].create(
        {"id": int, "goal_id": int, "customer_id": int, "goal_name": str, "old_status": str,
         "new_status": str, "achievement_pct": float, "period": str, "source": str, "at": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")],
    )
    db["goal_changes"].create_index(["customer_id", "at"])
    db["goal_changes_seen"].create({"change_id": int, "seen_at": str}, pk="change_id")


@migrations()
def m013_key_results_quotes(db: Database) -> None:
    # A goal's key results (several metrics, each with its baseline, target, direction and how often
    # it is measured) and their measurements; the goal's achievement follows from them
    # (analytics.goal_trends.key_result_achievement). Customer quotes attached to a goal (from QBR
    # notes): the text as said, who said it, when; shown in the goal detail and the success report.
    db["key_results"].create(
        {"id": int, "goal_id": int, "name": str, "metric": str, "baseline": float, "target": float,
         "unit": str, "direction": str, "frequency": str, "weight": float, "created_at": str},
        pk="id", foreign_keys=[("goal_id", "goals", "id")], defaults={"weight": 1.0, "frequency": "monthly"},
        not_null={"goal_id", "name"},
    )
    db["key_results"].create_index(["goal_id"])
    db["key_result_measurements"].create(
        {"id": int, "key_result_id": int, "date": str, "value": float},
        pk="id", foreign_keys=[("key_result_id", "key_results", "id")], not_null={"key_result_id", "date"},
    )
    db["key_result_measurements"].create_index(["key_result_id", "date"])
    db["goal_quotes"].create(
        {"id": int, "goal_id": int, "text": str, "person": str, "date": str, "source": str, "created_at": str},
        pk="id", foreign_keys=[("goal_id", "goals", "id")], not_null={"goal_id", "text"},
    )
    db["goal_quotes"].create_index(["goal_id"])


@migrations()
def m014_columnar_cache(db: Database) -> None:
    # A columnar copy of each account's latest metric values (tools.store.columnar): blobs
    # rebuilt on the first read after a change. Any insert, update or delete on metric_values
    # empties it, whoever writes (a bulk import turns these off for its own transaction and
    # empties the cache itself).
    db.execute("CREATE TABLE columnar_cache (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    for op in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER columnar_metric_values_{op.lower()} AFTER {op} ON metric_values "
                   "WHEN EXISTS (SELECT 1 FROM columnar_cache) BEGIN DELETE FROM columnar_cache; END")


@migrations()
def m015_snapshot_runs(db: Database) -> None:
    # One row per stored compare_portfolio snapshot: a fingerprint of what it stored, so a run on
    # unchanged data (same accounts, values, positions, benchmark set and month) stores nothing
    # again (tools.portfolio.snapshots: 100k rows, about 45 MB, per repeated run otherwise).
    db["snapshot_runs"].create({"run_id": str, "taken_at": str, "fingerprint": str, "accounts": int},
                               pk="run_id", not_null={"fingerprint"})


@migrations()
def m016_columnar_customers(db: Database) -> None:
    # The customers table joins the columnar cache (tools.store.columnar.cached_customers): any
    # insert, update or delete on customers empties the cache, whoever writes.
    for op in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER columnar_customers_{op.lower()} AFTER {op} ON customers "
                   "WHEN EXISTS (SELECT 1 FROM columnar_cache) BEGIN DELETE FROM columnar_cache; END")
