"""Ratings given in the chat, with what was asked, what was answered and which tools ran.

Read from Chainlit's tables (``tools.chat.schema``) in the history database, SQLite or
PostgreSQL alike. The chat stores on every answer step what it answered (``metadata.asked``,
``metadata.tools``); for an answer without it, the question is the thread's last user
message before the answer and the tools are the tool steps in between.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

ANSWER_CHARS = 400


@dataclass
class Rating:
    at: str | None
    user: str | None
    thread: str | None        # the conversation's name (its first message)
    rating: str               # "up" | "down"
    comment: str | None
    asked: str
    answer: str
    tools: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


RATED = """
SELECT f."value" AS value, f."comment" AS comment, s."id" AS step_id, s."threadId" AS thread_id,
       s."output" AS answer, s."metadata" AS metadata, s."createdAt" AS at,
       t."userIdentifier" AS user_identifier, t."name" AS thread_name
FROM feedbacks f JOIN steps s ON s."id" = f."forId" JOIN threads t ON t."id" = s."threadId"
ORDER BY s."createdAt" DESC
LIMIT :limit
"""

THREAD_STEPS = """
SELECT "id", "type", "name", "output", "parentId", "metadata", "createdAt" FROM steps
WHERE "threadId" = :thread ORDER BY "createdAt"
"""


async def list_ratings(url: str, limit: int = 50, only: str | None = None) -> list[Rating]:
    """The latest ``limit`` rated answers, newest first; ``only`` = "up" or "down" filters."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = [dict(r._mapping) for r in await conn.execute(text(RATED), {"limit": int(limit)})]
            out = []
            for row in rows:
                rating = "up" if int(row["value"]) > 0 else "down"
                if only and rating != only:
                    continue
                steps = [dict(s._mapping) for s in await conn.execute(text(THREAD_STEPS),
                                                                     {"thread": row["thread_id"]})]
                out.append(_rating(row, rating, steps))
            return out
    finally:
        await engine.dispose()


def _rating(row: dict, rating: str, steps: list[dict]) -> Rating:
    rated = str(row["step_id"])
    reply = _reply(rated, steps) or {"id": rated, "output": row.get("answer"), "metadata": row.get("metadata")}
    meta = _json(reply.get("metadata"))
    asked, tools = meta.get("asked"), meta.get("tools")
    if not isinstance(asked, str) or not isinstance(tools, list):
        asked, tools = _from_thread(str(reply["id"]), steps)
    answer = " ".join((reply.get("output") or "").split())
    return Rating(at=row.get("at"), user=row.get("user_identifier"), thread=row.get("thread_name"), rating=rating,
                  comment=row.get("comment") or None, asked=asked,
                  answer=answer[:ANSWER_CHARS] + ("…" if len(answer) > ANSWER_CHARS else ""),
                  tools=[str(t) for t in tools])


def _reply(rated: str, steps: list[dict]) -> dict | None:
    """The answer a rating is about. Chainlit's thumbs rate the run of a message (the step
    ``on_message``, or an action's), whose answer is the assistant message inside it."""
    step = next((s for s in steps if str(s["id"]) == rated), None)
    if step is None or step["type"] == "assistant_message":
        return step
    inside = [s for s in steps if str(s.get("parentId")) == rated and s["type"] == "assistant_message"]
    if inside:
        return inside[-1]
    after = steps[steps.index(step) + 1:]
    return next((s for s in after if s["type"] == "assistant_message"), None)


def _from_thread(step_id: str, steps: list[dict]) -> tuple[str, list[str]]:
    index = next((i for i, s in enumerate(steps) if str(s["id"]) == step_id), len(steps))
    asked, tools = "", []
    for s in reversed(steps[:index]):
        if s["type"] == "user_message":
            asked = s.get("output") or ""
            break
        if s["type"] == "tool":
            tools.insert(0, s.get("name") or "")
    return asked, tools


def _json(raw: Any) -> dict:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
