"""peerbench reports."""
