"""peerbench tools."""
