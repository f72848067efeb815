"""The sample benchmark file, data/saas_industry_benchmarks_2026.csv: generated from the demo's
value model (synthetic, labelled as such). Regenerate it with ``python -m tools.demo.benchmarks``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from analytics.catalog import BY_KEY, KEYS, SEGMENTS
from tools.demo.model import DATA_DIR, SPECS, metric_value

BENCHMARK_PATH = DATA_DIR / "saas_industry_benchmarks_2026.csv"
BENCHMARK_COLUMNS = ("metric", "segment", "p10", "p25", "p50", "p75", "p90", "mean", "sample_size",
                     "unit", "source", "year")
BENCHMARK_SOURCE = "peerbench sample data (synthetic, not a real survey)"
BENCH_WIDTH = 1.15  # the sample "industry" is a little more spread out than the demo
RIGHT_SKEWED = {"roi", "expansion_rate", "seat_growth", "net_revenue_retention"}


def sample_benchmark_rows() -> list[dict]:
    """The rows of data/saas_industry_benchmarks_2026.csv (synthetic, labelled as such).

    The "industry" distribution is the demo's, shifted by each metric's
    ``industry_shift``, 15% wider and slightly skewed (split normal: bounded scores
    lean left, growth and ROI lean right), so the demo portfolio spreads
    realistically around it without matching it.
    """
    z = np.array([-1.2815515655446004, -0.6744897501960817, 0.0, 0.6744897501960817, 1.2815515655446004])
    rows = []
    for key in KEYS:
        spec, metric = SPECS[key], BY_KEY[key]
        dec = spec.decimals if spec.decimals >= 2 else max(spec.decimals, 1)
        sign = 1.0 if metric.higher_is_better else -1.0
        for s, segment in enumerate(SEGMENTS):
            if spec.log:
                q = metric_value(key, sign * z, np.full(5, s), shift=spec.industry_shift, scale=BENCH_WIDTH)
                mean = q[2] * math.exp((spec.spread * BENCH_WIDTH) ** 2 / 2)
            else:
                skew = 0.15 if key in RIGHT_SKEWED else -0.1
                width = spec.spread * BENCH_WIDTH
                centre = spec.centre[s] + width * sign * spec.industry_shift
                q = centre + width * z * (1 + skew * np.sign(z))
                mean = centre + math.sqrt(2 / math.pi) * 2 * skew * width
            q = np.clip(np.round(q, dec), spec.lo, spec.hi)
            if not np.all(np.diff(q) > 0):
                raise ValueError(f"sample benchmark quantiles for {key}/{segment} do not increase: {q}")
            rows.append({"metric": key, "segment": segment,
                         **{f"p{p}": float(v) for p, v in zip((10, 25, 50, 75, 90), q, strict=True)},
                         "mean": round(float(np.clip(mean, spec.lo, spec.hi)), dec), "sample_size": 500,
                         "unit": metric.unit_label, "source": BENCHMARK_SOURCE, "year": 2026})
    return rows


def write_sample_benchmarks(path: str | Path = BENCHMARK_PATH) -> Path:
    """Regenerate the sample benchmark CSV (``python -m tools.demo.benchmarks``)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=BENCHMARK_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sample_benchmark_rows():
            writer.writerow({k: (f"{v + 0.0:g}" if isinstance(v, float) else v) for k, v in row.items()})
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_sample_benchmarks())
