"""Prompts and offline narratives, rendered from Jinja templates in prompts/.

Templates render with ``StrictUndefined``: a missing variable fails loudly. The
system prompt depends on the settings only (never the date, the user or the
workspace), so it is byte-stable across calls and prompt caching holds.

Narratives are built from the tool outputs only: every figure in them is a figure a
tool produced. Every ``{{ value }}`` a narrative template prints is escaped for Markdown
(:func:`reports.format.md_text`, through the environment's ``finalize``): names, goals and
notes render as text, never as links or images; a template marks its own Markdown with
``code()``. Claude's prose keeps its formatting but loses anything live (:func:`reports.format.md_prose`). The template a tool registers (``Tool.narrative``, under prompts/) writes
the sentences; the tables come from the output's ``to_markdown()`` when it has one, else
from a generic rendering of the model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from agent.session import Settings
from analytics.catalog import BY_KEY
from reports.format import Markdown, clean_text, fmt_money, fmt_value, md_prose, md_text, ordinal
from tools.base import Tool, ToolOutput

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
MAX_ROWS = 15
SKIP = {"id", "description", "status_rule", "checksum", "run_id"}  # noise in a chat answer


def _ordinal(x: float | None) -> str:
    return "n/a" if x is None or x != x else ordinal(x)


def _num(x: Any, nd: int = 1) -> str:
    if x is None or x != x:
        return "n/a"
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.{nd}f}".rstrip("0").rstrip(".")


def _label(key: str) -> str:
    return BY_KEY[key].label if key in BY_KEY else key.replace("_", " ")


def _value(metric: str, x: Any) -> str:
    return fmt_value(metric, x)


def _money(x: Any) -> str:
    return fmt_money(x)


def _code(x: Any) -> Markdown:
    """A program-made token (a file name) as inline code."""
    return Markdown(f"`{str(x).replace('`', '')}`")


def _markdown_value(x: Any) -> Any:
    """What a narrative template prints: data escaped for Markdown, the template's own Markdown as is."""
    return x if isinstance(x, Markdown) or x is None else md_text(x)


@lru_cache(maxsize=2)
def env(markdown: bool = True) -> jinja2.Environment:
    """Narratives (``markdown``: every printed value escaped) or the system prompt (plain text)."""
    e = jinja2.Environment(loader=jinja2.FileSystemLoader(str(PROMPTS)), undefined=jinja2.StrictUndefined,
                           autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                           finalize=_markdown_value if markdown else None)
    e.globals.update(ordinal=_ordinal, num=_num, label=_label, value=_value, money=_money, code=_code)
    return e


def render(name: str, **context: Any) -> str:
    return env().get_template(name).render(**context).strip()


def system_prompt(settings: Settings) -> str:
    # The CSM name is typed in the settings panel: one line of plain text, quoted as data.
    csm_name = " ".join(clean_text(settings.csm_name).split())[:80]
    return env(markdown=False).get_template("system.md.j2").render(
        csm_name=csm_name, benchmark_set=clean_text(settings.benchmark_set), anonymise=settings.anonymise,
        default_cohort_type=settings.default_cohort_type).strip()


# ---------------------------------------------------------------------------
# tables


def output_markdown(output: ToolOutput) -> str:
    """The output's own Markdown (``to_markdown``) or a generic rendering of its fields."""
    own = getattr(output, "to_markdown", None)
    if callable(own):
        return own().strip()
    if isinstance(getattr(output, "markdown", None), str):  # a ready rendering (draft_report)
        return output.markdown.strip()
    return generic_markdown(output.model_dump(mode="json")).strip()


def _cell(x: Any) -> str:
    if isinstance(x, (dict, list)):
        return f"({len(x)} items)" if isinstance(x, list) else ", ".join(f"{k}: {_cell(v)}" for k, v in x.items())
    return md_text(_num(x), inline=True) if x is not None else ""


def generic_markdown(data: Any, depth: int = 0) -> str:
    """Scalars as a bullet list, lists of records as tables (first rows), nested objects below."""
    if not isinstance(data, dict):
        return _cell(data)
    lines, nested = [], []
    for key, val in data.items():
        if val is None or val == [] or val == {} or key in SKIP or (isinstance(val, str) and len(val) > 160):
            continue
        if isinstance(val, list) and all(isinstance(v, dict) for v in val):
            nested.append(f"**{md_text(_label(key).capitalize())}**\n\n" + _table(val))
        elif isinstance(val, dict) and depth < 2:
            nested.append(f"**{md_text(_label(key).capitalize())}**\n\n" + generic_markdown(val, depth + 1))
        elif isinstance(val, list):
            lines.append(f"- **{md_text(_label(key).capitalize())}**: " + ", ".join(_cell(v) for v in val))
        else:
            lines.append(f"- **{md_text(_label(key).capitalize())}**: {_cell(val)}")
    return "\n\n".join(x for x in ["\n".join(lines), *nested] if x)


def _table(rows: list[dict]) -> str:
    cols = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in SKIP
            and all(not isinstance(r.get(k), (dict, list)) and len(str(r.get(k) or "")) <= 80 for r in rows)][:8]
    out = ["| " + " | ".join(md_text(_label(c).capitalize(), True) for c in cols) + " |", "|" + " --- |" * len(cols)]
    out += ["| " + " | ".join(_cell(r.get(c)) for c in cols) + " |" for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        out.append(f"\n_{len(rows) - MAX_ROWS} more rows not shown._")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# narratives


def _title(tool: Tool | None, name: str, inp: dict) -> str:
    return tool.title(inp or {}) if tool is not None else name.replace("_", " ")


def narrate(tool: Tool | None, output: BaseModel, intent: str | None = None) -> str:
    """The template sentences for one tool result ('' when its tool registers no template)."""
    if tool is None or tool.narrative is None or not isinstance(output, tool.output_model):
        return ""  # no template, or a stand-in result (a write awaiting confirmation shows its own text)
    return render(tool.narrative, out=output, tool=tool.name, intent=intent or tool.name)


def compose(runs: list[tuple], registry: dict[str, Tool],
            intent: str | None = None, prose: str | None = None) -> tuple[str, str]:
    """(narrative, full Markdown) for a turn: the sentences, then the tables.

    ``runs`` are (tool name, output, error[, input]) in call order. The sentences are the
    model's prose when given, else the templates (errors stated plainly, the step named in
    words); identical tables once.
    """
    runs = [(r[0], r[1], r[2], r[3] if len(r) > 3 else {}) for r in runs]
    if prose is None:
        parts = [render("narrative/_error.md.j2", title=_title(registry.get(name), name, inp), error=error)
                 if error is not None else narrate(registry.get(name), output, intent)
                 for name, output, error, inp in runs]
        narrative = "\n\n".join(p for p in parts if p)
    else:
        narrative = md_prose(prose.strip())
    tables = list(dict.fromkeys(output_markdown(o) for _, o, e, _ in runs if o is not None and e is None))
    body = "\n\n".join(t for t in tables if t)
    return narrative, "\n\n".join(x for x in (narrative, body) if x)
