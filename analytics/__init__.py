"""peerbench analytics."""
