"""Page and chart geometry shared by the report model, the charts and the writers."""

NARROW_IN = 5.2   # chart widths in inches: drawn at the width they are printed at, so 8 pt prints as 8 pt
WIDE_IN = 6.0
