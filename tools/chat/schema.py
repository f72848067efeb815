"""The tables of Chainlit's SQLAlchemy data layer (chat history, elements, feedback).

Chainlit does not create them. The DDL is the one in Chainlit's data-layer documentation
(2.x), plus the step columns Chainlit 2.12 writes (``command``, ``modes``, ``autoCollapse``,
``defaultOpen``) and the element columns it writes (``props``, ``autoPlay``,
``playerConfig``): a column Chainlit sends but the table lacks makes it drop the whole row
with only a warning in the log. The same statements run on SQLite (the workspace file, by a
migration) and on PostgreSQL (:func:`ensure_schema`, at start), where ``UUID``, ``JSONB``
and ``TEXT[]`` are real types; SQLite reads them as type names of no consequence.
"""

from __future__ import annotations

import os
from pathlib import Path


def history_url(db_path: str | Path) -> str:
    """Where the chat history lives: ``PEERBENCH_HISTORY_URL`` (an SQLAlchemy async URL such as
    ``postgresql+asyncpg://user:pw@host/db``), else the workspace file ``db_path`` itself."""
    return os.environ.get("PEERBENCH_HISTORY_URL") or f"sqlite+aiosqlite:///{Path(db_path).resolve()}"


CHAT_TABLES = ("users", "threads", "steps", "elements", "feedbacks")

DDL = (
    """CREATE TABLE IF NOT EXISTS users (
        "id" UUID PRIMARY KEY,
        "identifier" TEXT NOT NULL UNIQUE,
        "metadata" JSONB NOT NULL,
        "createdAt" TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS threads (
        "id" UUID PRIMARY KEY,
        "createdAt" TEXT,
        "name" TEXT,
        "userId" UUID,
        "userIdentifier" TEXT,
        "tags" TEXT[],
        "metadata" JSONB,
        FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS steps (
        "id" UUID PRIMARY KEY,
        "name" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "threadId" UUID NOT NULL,
        "parentId" UUID,
        "streaming" BOOLEAN NOT NULL,
        "waitForAnswer" BOOLEAN,
        "isError" BOOLEAN,
        "metadata" JSONB,
        "tags" TEXT[],
        "input" TEXT,
        "output" TEXT,
        "createdAt" TEXT,
        "command" TEXT,
        "modes" JSONB,
        "start" TEXT,
        "end" TEXT,
        "generation" JSONB,
        "showInput" TEXT,
        "language" TEXT,
        "indent" INT,
        "defaultOpen" BOOLEAN,
        "autoCollapse" BOOLEAN,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS elements (
        "id" UUID PRIMARY KEY,
        "threadId" UUID,
        "type" TEXT,
        "url" TEXT,
        "chainlitKey" TEXT,
        "name" TEXT NOT NULL,
        "display" TEXT,
        "objectKey" TEXT,
        "size" TEXT,
        "page" INT,
        "language" TEXT,
        "forId" UUID,
        "mime" TEXT,
        "props" JSONB,
        "autoPlay" BOOLEAN,
        "playerConfig" JSONB,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS feedbacks (
        "id" UUID PRIMARY KEY,
        "forId" UUID NOT NULL,
        "threadId" UUID NOT NULL,
        "value" INT NOT NULL,
        "comment" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX IF NOT EXISTS idx_threads_user ON threads("userId")',
    'CREATE INDEX IF NOT EXISTS idx_steps_thread ON steps("threadId")',
    'CREATE INDEX IF NOT EXISTS idx_elements_thread ON elements("threadId")',
    'CREATE INDEX IF NOT EXISTS idx_feedbacks_for ON feedbacks("forId")',
)


async def ensure_schema(url: str) -> None:
    """Create the chat tables (if missing) in the database at ``url`` (an SQLAlchemy async URL)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in DDL:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()
