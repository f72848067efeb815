"""draft_report and the builders of each report kind (from tool outputs to the report model)."""
