"""The hostile-input suite: generated bad files and payloads, and real concurrent processes.

Every bad file must be refused with a message naming the file (and the row and column
where there is one) and leave the workspace byte-identical; concurrent writers and
first openers must all succeed. ``python -m tests.hostile`` prints the figures.
"""
