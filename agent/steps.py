"""A tool call in plain words, for the progress steps a CSM sees (chat and CLI).

The title comes from the tool's own registration (``Tool.title``: "peer comparison: Acme
Corp"); the details list the call's inputs with readable labels and values ("Peer group:
same segment", "Metrics: NPS"), never field names, JSON or defaults nobody chose.
"""

from __future__ import annotations

from typing import Any

from analytics.catalog import BY_KEY
from tools.base import Tool

LABELS = {"customer": "Account", "customers": "Accounts", "cohort_type": "Peer group", "criteria": "Peer filters",
          "benchmark": "Benchmark set", "metrics": "Metrics", "metric": "Metric", "segment": "Segment",
          "period": "Period", "periods": "Months", "kind": "Report", "format": "Format", "action": "Action",
          "goal": "Goal", "target": "Target", "target_date": "Target date", "baseline": "Baseline", "value": "Value",
          "date": "Date", "view": "Showing", "limit": "Up to", "save_as": "Saved as", "anonymise": "Peers anonymised",
          "arr_min": "ARR at least", "arr_max": "ARR under", "contract_age_min_months": "Customer for at least (months)",
          "contract_age_max_months": "Customer for under (months)", "saved": "Saved peer group", "name": "Name",
          "path": "File", "industry": "Industry", "region": "Region"}
VALUES = {"cohort_type": {"segment": "same segment", "industry": "same industry", "size": "similar size (ARR band)",
                          "region": "same region", "contract_age": "similar contract age", "all": "all accounts",
                          "custom": "these filters"},
          "view": {"plan": "improvement plan", "learn_from": "peers to learn from"},
          "period": {"this_quarter": "this quarter", "last_quarter": "last quarter"},
          "format": {"md": "shown in chat", "docx": "Word (DOCX)", "pdf": "PDF", "pptx": "PowerPoint (PPTX)",
                     "xlsx": "Excel (XLSX)"}}
QUIET = {"narrative", "as_of", "csm_name", "value_inputs", "description"}   # long or technical: not listed


def title(tool: Tool | None, name: str, inp: dict[str, Any]) -> str:
    return tool.title(inp) if tool is not None else name.replace("_", " ")


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in ("metric", "metrics"):
        items = value if isinstance(value, list) else [value]
        return ", ".join(BY_KEY[v].label if v in BY_KEY else str(v) for v in items)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if key in ("arr_min", "arr_max") and isinstance(value, (int, float)):
        return f"${value:,.0f}"
    return VALUES.get(key, {}).get(str(value), str(value))


def details(inp: dict[str, Any]) -> list[str]:
    """The call's inputs as "Label: value" lines (nested peer filters flattened)."""
    lines = []
    for key, value in (inp or {}).items():
        if value is None or value == [] or value == {} or key in QUIET:
            continue
        if isinstance(value, dict):
            lines += details(value)
            continue
        lines.append(f"{LABELS.get(key, key.replace('_', ' ').capitalize())}: {_value(key, value)}")
    return lines


def describe(tool: Tool | None, name: str, inp: dict[str, Any]) -> tuple[str, str]:
    """(title, details as one line) for a call."""
    return title(tool, name, inp), "; ".join(details(inp))
