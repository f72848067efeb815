"""peerbench agent."""
