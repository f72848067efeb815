"""Every file import, read strictly and stored all or nothing (DESIGN.md §5, §8).

Modules, lowest first: ``problems`` (ImportProblem, Problems, ImportFailed), ``reader``
(read_table -> Table of strings), ``values`` (cell text -> values), ``metric_column``
(units, percent rules, ranges), ``detect`` (what a file is), ``benchmark_shapes`` (a table
-> benchmark rows), ``load_benchmarks`` (the tool), ``portfolio`` (customers and metric
history), ``goals`` (success goals) and ``load`` (load_file: detect and dispatch).
"""
