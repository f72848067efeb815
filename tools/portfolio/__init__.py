"""The whole book: compare_portfolio, positions, snapshots and benchmark_history."""
