"""Reading uploaded files strictly and importing them (DESIGN.md §5, §8; issue 3).

Modules, lowest first: ``problems`` (ImportProblem, Problems, ImportFailed),
``reader`` (read_table -> Table of strings), ``values`` (parse_number, metric_column,
units), ``detect`` (detect_kind, field_for, stat_for), ``benchmark_shapes`` and
``benchmarks`` (the load_benchmarks tool and benchmark-set helpers), ``portfolio``
(import_portfolio, import_history) and ``load`` (load_file: detect and dispatch).
"""

from tools.ingest.benchmarks import (
                                     TOOL,
                                     LoadBenchmarksInput,
                                     LoadBenchmarksOutput,
                                     active_benchmark_set,
                                     benchmark_peers,
                                     benchmark_quantiles,
                                     benchmark_set,
                                     benchmark_stats,
                                     list_benchmark_sets,
                                     load_benchmarks,
                                     load_benchmarks_file,
)
from tools.ingest.detect import detect_kind
from tools.ingest.load import load_file
from tools.ingest.portfolio import ImportHistoryOutput, ImportPortfolioOutput, import_history, import_portfolio
from tools.ingest.problems import ImportFailed, ImportProblem, Problems
from tools.ingest.reader import Table, read_table

__all__ = [
    "TOOL", "ImportFailed", "ImportHistoryOutput", "ImportPortfolioOutput", "ImportProblem",
    "LoadBenchmarksInput", "LoadBenchmarksOutput", "Problems", "Table", "active_benchmark_set",
    "benchmark_peers", "benchmark_quantiles", "benchmark_set", "benchmark_stats", "detect_kind",
    "import_history", "import_portfolio", "list_benchmark_sets", "load_benchmarks", "load_benchmarks_file",
    "load_file", "read_table",
]
