"""The conversation's analysis context (DESIGN §4): one set of choices behind every figure.

A conversation has one context: the account, the peer group (cohort type and criteria),
the benchmark set, anonymity, the CSM's name, the goal period and the as-of date. It
starts from the settings (panel, environment), follows what the answers establish (a
comparison against "Enterprise SaaS peers over $100K" makes that the peer group), and:

- every tool call of the conversation gets the context's value for each input it leaves
  out (:meth:`AnalysisContext.fill`), so a follow-up, a button or an export computes
  against the same peer group, benchmark set and name as the answer it came from;
- anonymity is a ceiling: while the context anonymises peers, no tool input can turn
  it off (whatever the model or a button asks);
- every answer states it in one line (:meth:`AnalysisContext.line`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from reports.format import fmt_date
from tools.base import Tool

SETTING_FIELDS = {"cohort_type": "default_cohort_type", "benchmark": "benchmark_set", "anonymise": "anonymise",
                  "csm_name": "csm_name"}
COHORT_WORDS = {"segment": "same segment", "industry": "same industry", "size": "similar ARR",
                "region": "same region", "contract_age": "similar contract age", "all": "all accounts",
                "custom": "custom criteria"}


@dataclass
class AnalysisContext:
    account: str | None = None
    cohort_type: str = "segment"
    criteria: dict[str, Any] | None = None
    benchmark: str | None = None          # a set name; None = the workspace's active set
    anonymise: bool = True
    csm_name: str = ""
    period: str | None = None
    as_of: dt.date | None = None
    peer_group: str | None = None         # how the last comparison described its peers ("Enterprise accounts, 102")
    benchmark_label: str | None = None    # the set the last comparison used, as shown
    _settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def sync(self, settings: Any) -> None:
        """Take the settings' (agent.session.Settings) values where they changed since last seen (the panel moved them)."""
        for mine, theirs in SETTING_FIELDS.items():
            value = getattr(settings, theirs)
            value = None if mine == "benchmark" and not value else value
            if self._settings.get(mine, object()) != value:
                self._settings[mine] = value
                setattr(self, mine, value)
                if mine == "cohort_type":
                    self.criteria, self.peer_group = None, None

    def fill(self, tool: Tool, raw: dict[str, Any]) -> dict[str, Any]:
        """``raw`` with the context's value for every context input the call leaves out."""
        names = tool.input_model.model_fields
        out = dict(raw)
        if "cohort_type" in names and out.get("cohort_type") is None:
            out["cohort_type"] = self.cohort_type
            if "criteria" in names and out.get("criteria") is None and self.criteria:
                out["criteria"] = dict(self.criteria)
        for key in ("benchmark", "period", "as_of"):
            value = getattr(self, key)
            if key in names and out.get(key) is None and value is not None:
                out[key] = value.isoformat() if isinstance(value, dt.date) else value
        if "csm_name" in names and not out.get("csm_name") and self.csm_name:
            out["csm_name"] = self.csm_name
        if "anonymise" in names and (self.anonymise or "anonymise" not in out):
            out["anonymise"] = self.anonymise
        return out

    def learn(self, found: dict[str, Any]) -> None:
        """What an answer established (a tool's ``context`` hook) becomes the conversation's context."""
        known = {f.name for f in fields(self)} - {"_settings"}
        for key, value in found.items():
            if key == "customer":
                key = "account"
            if key in known and value is not None:
                setattr(self, key, value)
        if "cohort_type" in found and "criteria" not in found:
            self.criteria = None

    def line(self, today: dt.date, active: str | None = None, data: str = "") -> str:
        """'Acme Corp · peers: Enterprise accounts (102 accounts) · benchmark: SaaS Industry 2026 · ...'.

        ``active`` names the workspace's active set, used when the conversation chose none; ``data``
        says how fresh the data is ("data as of 2026-10 (imported 5 Dec 2026)", tools.store.freshness).
        """
        parts = [self.account] if self.account else []
        parts.append(f"peers: {self.peer_group or COHORT_WORDS.get(self.cohort_type, self.cohort_type)}")
        fallback = f"{active} (the active set)" if active else "none loaded"
        parts.append(f"benchmark: {self.benchmark_label or self.benchmark or fallback}")
        parts.append("peers anonymised" if self.anonymise else "peers named (internal)")
        if self.period:
            parts.append(f"period {self.period}")
        parts.append(f"as of {fmt_date((self.as_of or today).isoformat())}")
        if data:
            parts.append(data)
        if self.csm_name:
            parts.append(f"prepared by {self.csm_name}")
        return " · ".join(parts)
