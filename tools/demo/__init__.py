"""The deterministic demo workspace and the sample benchmark file."""
