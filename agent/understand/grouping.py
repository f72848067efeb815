"""Two slots of a comparison read from a message: the portfolio grouping and the full distribution.

- "group them by industry", "rank my accounts by ARR band", "grouped by region", "by CSM"
  -> ``group_by`` (compare_portfolio's attribute; the phrase becomes ``by {grouping}``);
- "show the full distribution", "P25, median, P75 and P90", "percentile distribution"
  -> ``distribution`` (compare_customer shows every peer quantile per metric).
"""

from __future__ import annotations

import re

_GROUPS = (("arr_band", r"arr bands?|arr|size bands?|size|revenue bands?"), ("industry", r"industry|industries|sector|vertical"),
           ("region", r"regions?|geography|geo"), ("segment", r"segments?"),
           ("csm", r"csms?|account owners?|owners?|customer success managers?"))
_BY = re.compile(r"\b(?:grouped |broken down |split |break(?:ing)? (?:it |them |the \w+ )?down )?by (?:their |its |the )?"
                 r"(?P<what>" + "|".join(p for _, p in _GROUPS) + r")\b")
_DISTRIBUTION = re.compile(r"\b(?:full|whole|percentile|peer) distributions?\b|\bdistribution of (?:each|every|the)"
                           r"|\bp25\b.*\bp90\b|\bquartiles\b|\bshow (?:me )?the (?:full )?spread\b")


def find_group_by(text: str, mask: bool = True) -> tuple[str | None, str]:
    """The attribute named after 'by' and the text with that phrase as 'by {grouping}' (when ``mask``).

    >>> find_group_by("group them by industry instead")
    ('industry', 'group them by {grouping} instead')
    >>> find_group_by("rank my accounts by arr band")[0], find_group_by("how is acme doing")[0]
    ('arr_band', None)
    """
    m = _BY.search(text)
    if m is None:
        return None, text
    what = m["what"]
    key = next(k for k, p in _GROUPS if re.fullmatch(p, what))
    if not mask or key == "segment":  # "by segment" keeps its word: other requests are read by it too
        return key, text
    return key, text[:m.start("what")] + "{grouping}" + text[m.end("what"):]


def wants_distribution(text: str) -> bool:
    """Whether the message asks for every peer quantile per metric.

    >>> wants_distribution("show the full distribution"), wants_distribution("show p25, median, p75 and p90")
    (True, True)
    """
    return bool(_DISTRIBUTION.search(text))
