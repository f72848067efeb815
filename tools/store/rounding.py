"""How tools round the figures in their outputs: a missing figure (None or NaN) stays None."""

from __future__ import annotations

import numpy as np


def rounded(x, nd: int) -> float | None:
    """``x`` rounded to ``nd`` decimals as a plain float; None for None or NaN.

    >>> rounded(12.3456, 2), rounded(float("nan"), 1), rounded(None, 1)
    (12.35, None, None)
    """
    return None if x is None or x != x else round(float(x), nd)


def rounded_list(a, nd: int) -> list[float | None]:
    """An array rounded to ``nd`` decimals as a list of floats, None where NaN.

    >>> rounded_list([1.234, float("nan")], 1)
    [1.2, None]
    """
    return [None if x != x else x for x in np.round(np.asarray(a, dtype="float64"), nd).tolist()]
