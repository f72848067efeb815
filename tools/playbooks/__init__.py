"""What to do next: find_best_practices and recommend_improvements."""
