"""The workspace: the SQLite file, its migrations, reads into frames, name resolution."""
