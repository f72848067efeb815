"""Optional sign-in and one workspace per signed-in user.

Sign-in is on when users are configured, either inline in ``PEERBENCH_USERS``
(``"alice:<hash>,bob:<hash>"``) or in a file named by ``PEERBENCH_USERS_FILE``
(one ``name:<hash>`` per line, ``#`` comments). Chainlit then also needs
``CHAINLIT_AUTH_SECRET`` (make one with ``chainlit create-secret``) to sign its
session tokens. Hashes are never plain passwords:

- ``pbkdf2_sha256$<iterations>$<salt>$<hex digest>`` (recommended; make one with
  ``python -m agent.ui.auth hash``), or
- ``sha256$<hex digest>`` / a bare 64-hex SHA-256 of the password (accepted for
  convenience; weaker, since it is unsalted).

Separation: every signed-in user works in their own workspace file,
``<dir of PEERBENCH_DB>/users/<safe id>/peerbench.db``, seeded from the main (demo)
workspace on first sign-in. Uploads, benchmark sets and reports live beside that
file, so one user's chat can neither see nor download another's, whatever id it
asks for; Chainlit's own file URLs are bound to the session and its user as well.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from tools.chat.schema import CHAT_TABLES
from tools.store.workspace import Workspace, default_db_path

PBKDF2_ITERATIONS = 600_000
_seed_lock = threading.Lock()
_handles: dict[Path, Workspace] = {}
_handles_lock = threading.Lock()
_DUMMY = f"pbkdf2_sha256${PBKDF2_ITERATIONS}$0${'0' * 64}"


def load_users() -> dict[str, str]:
    """{user name: password hash} from PEERBENCH_USERS and PEERBENCH_USERS_FILE."""
    entries: list[str] = [e for e in (os.environ.get("PEERBENCH_USERS") or "").split(",")]
    path = os.environ.get("PEERBENCH_USERS_FILE")
    if path:
        entries += Path(path).read_text(encoding="utf-8").splitlines()
    users: dict[str, str] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#") or ":" not in entry:
            continue
        name, stored = entry.split(":", 1)
        if name.strip() and stored.strip():
            users[name.strip()] = stored.strip()
    return users


def auth_enabled() -> bool:
    return bool(os.environ.get("PEERBENCH_USERS") or os.environ.get("PEERBENCH_USERS_FILE"))


def hash_password(password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against one of the accepted hash forms."""
    stored = stored.strip()
    if stored.startswith("pbkdf2_sha256$"):
        try:
            _, iterations, salt, digest = stored.split("$", 3)
            rounds = int(iterations)
        except ValueError:
            return False
        if not 1 <= rounds <= 10_000_000:
            return False
        mine = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), rounds).hex()
        return hmac.compare_digest(mine, digest.lower())
    digest = stored.split("$", 1)[1] if stored.startswith("sha256$") else stored
    if not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        return False  # not a hash we know: never compare plain text
    return hmac.compare_digest(hashlib.sha256(password.encode()).hexdigest(), digest.lower())


def check_login(username: str, password: str) -> str | None:
    """The user's identifier when the name and password match a configured user, else None."""
    users = load_users()
    stored = users.get(username)
    if stored is None:
        verify_password(password, _DUMMY)  # the same work whether or not the user exists
        return None
    return username if verify_password(password, stored) else None


class LoginThrottle:
    """Failed sign-ins slow down: after ``free`` failures in a row for a key (a user name, a client
    address), each further attempt waits 1 s, 2 s, 4 s ... up to ``cap`` seconds after the last
    failure. While a key waits, attempts are refused without checking the password, so guessing
    costs the attacker time, not us CPU. A success clears the key. Memory is bounded (``keep`` keys,
    least recently failed dropped first). Per process: several workers each keep their own.

    >>> clock = iter([0, 0, 0, 0, 0.5, 1.0, 1.0]).__next__
    >>> t = LoginThrottle(free=3, clock=clock)
    >>> [t.failed("u") for _ in range(4)]  # the 4th failure: wait 1 s
    [0.0, 0.0, 0.0, 1.0]
    >>> t.wait("u"), t.wait("u")           # at 0.5 s: 0.5 s left; at 1.0 s: free to try
    (0.5, 0.0)
    """

    def __init__(self, free: int = 3, cap: float = 300.0, keep: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.cap, self.keep, self.clock = free, cap, keep, clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()   # key -> (count, until)
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds before ``key`` may try again (0 when it may try now)."""
        with self._lock:
            _, until = self._failures.get(key, (0, 0.0))
            return max(0.0, until - self.clock())

    def failed(self, key: str) -> float:
        """Record a failure; returns how long ``key`` must now wait."""
        with self._lock:
            count = self._failures.pop(key, (0, 0.0))[0] + 1
            delay = 0.0 if count <= self.free else min(self.cap, 2.0 ** (count - self.free - 1))
            self._failures[key] = (count, self.clock() + delay)
            while len(self._failures) > self.keep:
                self._failures.popitem(last=False)
            return delay

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


THROTTLE = LoginThrottle()


def safe_id(identifier: str) -> str:
    """A folder name for a user: readable, and distinct for distinct identifiers."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", identifier.lower()).strip("-")[:32] or "user"
    return f"{slug}-{hashlib.sha256(identifier.encode()).hexdigest()[:10]}"


def user_db_path(main_db: Path, identifier: str) -> Path:
    return main_db.parent / "users" / safe_id(identifier) / "peerbench.db"


def ensure_user_db(main_db: Path, identifier: str) -> Path:
    """The user's workspace file, created on first use as a copy of the main workspace.

    The copy drops the main workspace's report registry, audit rows, API token hashes and
    conversations: those belong to whoever made them, and report paths point outside the user's folder.
    """
    target = user_db_path(main_db, identifier)
    with _seed_lock:
        if target.exists() or not main_db.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".seeding")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(str(main_db))
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table in ("reports", "tool_calls", "api_tokens", *reversed(CHAT_TABLES)):  # others' chats stay out too
                if table in tables:
                    dst.execute(f"DELETE FROM {table}")
            dst.commit()
        finally:
            dst.close()
            src.close()
        os.replace(tmp, target)
    return target


def workspace_for(identifier: str | None, main_db: Path | None = None) -> Workspace:
    """The main workspace, or the user's own copy of it; one shared handle per file.

    The chat (a signed-in user) and the HTTP API (a token's user) both open workspaces here,
    so a user's chat and API calls in one process share the connections of one handle.
    """
    main = (main_db or default_db_path()).resolve()
    path = ensure_user_db(main, identifier) if identifier else main
    with _handles_lock:
        if path not in _handles:
            _handles[path] = Workspace(path)
        return _handles[path]


def main(argv: list[str] | None = None) -> int:
    """``python -m agent.ui.auth hash``: print a hash to put in PEERBENCH_USERS."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["hash"]:
        print("usage: python -m agent.ui.auth hash   (reads the password from the terminal, or one line on stdin)")
        return 2
    if not sys.stdin.isatty():  # piped: one line, no echo to worry about
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            print("No password on standard input.", file=sys.stderr)
            return 1
        print(hash_password(password))
        return 0
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Again: "):
        print("The passwords differ.", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
