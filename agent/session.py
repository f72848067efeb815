"""Per-chat state (history and follow-up context) and the agent's settings.

A :class:`Session` lives as long as one chat (a Chainlit tab, one ``peerbench chat``
run). It keeps the text of recent exchanges for Claude and, for the offline planner,
what the last turn was about (customer, tool call, peer-group criteria) so that
"and TechCorp?", "only Enterprise peers" or "export that as PDF" can be resolved. Its :class:`~tools.store.workspace.Scope` holds
what this conversation was shown (the differencing guard's memory): per conversation,
never on the shared workspace.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from agent.context import AnalysisContext
from tools.store.workspace import Scope, Workspace

DEFAULT_MODEL = "claude-sonnet-5-5"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    """What the agent may vary; everything the system prompt depends on is here (cache-stable)."""

    model: str = DEFAULT_MODEL
    max_turns: int = 6            # model calls per message (tool loop iterations)
    deadline_s: float = 90.0      # total wall time per message, all model calls and tools included
    max_tokens: int = 2048
    anonymise: bool = True
    csm_name: str = ""
    benchmark_set: str = ""       # the benchmark set to use when none is named ("" = the active one)
    default_cohort_type: str = "segment"
    max_result_bytes: int = 8000  # cap on one tool result sent to the model (its summary_for_model)
    history_messages: int = 12    # earlier messages (user + assistant) kept for Claude
    confirm_writes: bool = True   # writes from a message are previewed and wait for "yes" (agent.writes)
    propose_grouping: bool = True  # a benchmark upload asks for the peer grouping first (agent.grouping_step)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            model=env.get("PEERBENCH_MODEL") or DEFAULT_MODEL,
            max_turns=int(env.get("PEERBENCH_MAX_TURNS") or cls.max_turns),
            deadline_s=float(env.get("PEERBENCH_DEADLINE_S") or cls.deadline_s),
            anonymise=_env_bool("PEERBENCH_ANONYMISE", True),
            csm_name=env.get("PEERBENCH_CSM_NAME", ""),
            benchmark_set=env.get("PEERBENCH_BENCHMARK_SET", ""),
            default_cohort_type=env.get("PEERBENCH_COHORT_TYPE") or cls.default_cohort_type,
        )


@dataclass
class ToolCall:
    """One planned or executed tool call."""

    name: str
    input: dict[str, Any]


@dataclass
class Context:
    """What the last turns were about, for follow-ups."""

    customer: str | None = None          # the resolved account name last talked about
    call: ToolCall | None = None         # the last main tool call (for "and TechCorp?")
    intent: str | None = None
    report_kind: str | None = None       # the kind of report "export that" refers to
    benchmark: str | None = None         # a benchmark set named or loaded in this chat
    upload: str | None = None            # the benchmark file last loaded in this chat ("map X to Y" reloads it)
    pending: Any = None                  # a request waiting for the user's answer (agent.clarify.Pending)


@dataclass
class Session:
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    history: list[dict[str, Any]] = field(default_factory=list)
    context: Context = field(default_factory=Context)
    analysis: AnalysisContext = field(default_factory=AnalysisContext)
    scope: Scope | None = None
    pending: dict[str, Any] | None = None      # a write waiting for the user's yes (agent.writes)
    last_change: dict[str, Any] | None = None  # the last write made, which "undo" reverts (agent.writes)

    def __post_init__(self) -> None:
        if self.scope is None:
            self.scope = Scope(key=f"conversation:{self.id}")

    def workspace(self, ws: Workspace) -> Workspace:
        """The workspace as this conversation sees it (its own scope, shared connections)."""
        return ws.with_scope(self.scope)

    def messages_for(self, user_content: Any, keep: int) -> list[dict[str, Any]]:
        """Earlier exchanges (text only) + this message, roles alternating from a user turn."""
        earlier = self.history[-keep:] if keep > 0 else []
        while earlier and earlier[0]["role"] != "user":
            earlier = earlier[1:]
        return [*earlier, {"role": "user", "content": user_content}]

    def remember(self, user_text: str, assistant_text: str) -> None:
        self.history += [{"role": "user", "content": user_text},
                         {"role": "assistant", "content": assistant_text or "(no answer)"}]
        del self.history[:-40]

    def note_call(self, call: ToolCall, customer: str | None = None) -> None:
        """Record the main call of a turn so follow-ups can reuse and vary it."""
        self.context.call = call
        if customer:
            self.context.customer = customer
