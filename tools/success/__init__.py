"""Success goals, value and ROI: manage_goals, compute_roi, portfolio_success."""
