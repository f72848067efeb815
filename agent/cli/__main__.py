"""`python -m agent.cli ...` runs the `peerbench` command (handy from a worktree)."""
import sys

from agent.cli import main

sys.exit(main())
