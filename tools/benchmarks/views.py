"""How an answer names the benchmark rows it used, and shows the reference points beside them."""

from __future__ import annotations

from reports.format import fmt_value, md_inline
from tools.benchmarks.lookup import Reference

MAX_LISTED = 8


def reference_text(metric: str, ref: Reference) -> str:
    """'Best in class 70 (Survey Co 2025)', 'median 104% (KeyBanc 2023)'."""
    src = " ".join(x for x in (ref.basis.source or "", str(ref.basis.year or "")) if x)
    return f"{ref.label} {fmt_value(metric, ref.value)}" + (f" ({src})" if src else "")


def basis_groups(metrics) -> dict[str, list[str]]:
    """{basis text: metric keys} for the metrics with a value and a benchmark row, most used first."""
    groups: dict[str, list[str]] = {}
    for m in metrics:
        if m.value is not None and m.benchmark_basis:
            groups.setdefault(m.benchmark_basis, []).append(m.metric)
    return dict(sorted(groups.items(), key=lambda kv: -len(kv[1])))


def benchmark_basis_markdown(metrics) -> str:
    """Which benchmark row each metric used, and the reference points beside the percentiles."""
    groups = basis_groups(metrics)
    labels = {m.metric: m.label for m in metrics}
    lines = []
    if len(groups) == 1:
        lines.append(f"Benchmark rows used: {md_inline(next(iter(groups)))}.")
    elif groups:
        main, *rest = groups.items()
        named = rest if len(main[1]) > sum(len(ks) for _, ks in rest) else list(groups.items())
        lead = f"{md_inline(main[0])} for the other metrics; " if named is rest else ""
        lines.append("Benchmark rows used: " + lead
                     + "; ".join(f"{', '.join(labels[k] for k in ks)}: {md_inline(b)}" for b, ks in named) + ".")
    refs = [m for m in metrics if m.value is not None and m.benchmark_references]
    if refs:
        lines.append("Reference points (not percentiles):\n" + "\n".join(
            f"- {m.label}: " + "; ".join(md_inline(reference_text(m.metric, r)) for r in m.benchmark_references)
            for m in refs[:MAX_LISTED]))
    return "\n\n".join(lines)
