"""The chat's own records: Chainlit's history tables (threads, steps, elements, feedback)."""
