"""Page and chart geometry shared by the report model, the charts and the writers."""

NARROW_IN = 5.2   # chart widths in inches: drawn at the width they are printed at, so 8 pt prints as 8 pt
WIDE_IN = 6.0
PAGE_SIZES = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}   # portrait width x height, inches
DEFAULT_PAGE = "A4"


def page_size(name: str | None) -> str:
    """'a4' / 'LETTER' / None -> 'A4' | 'Letter' (ValueError naming the sizes otherwise)."""
    if not name:
        return DEFAULT_PAGE
    for known in PAGE_SIZES:
        if name.strip().lower() == known.lower():
            return known
    raise ValueError(f"unknown page size {name!r}; use one of {', '.join(PAGE_SIZES)}")
