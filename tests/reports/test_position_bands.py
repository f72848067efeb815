"""The overall position's words: one table of bands (reports.format.POSITION_BANDS), edges included."""

from __future__ import annotations

import pytest

from reports.format import POSITION_BANDS, overall_position, position_words


@pytest.mark.parametrize("p, words", [(100, "top 10%"), (90, "top 10%"), (89.99, "well above average"),
                                      (75, "well above average"), (72, "above average"), (55, "above average"),
                                      (54.9, "average"), (45, "average"), (44.9, "below average"),
                                      (25, "below average"), (24.9, "well below average"), (0, "well below average")])
def test_bands(p, words):
    assert position_words(p) == words


def test_the_bands_cover_0_to_100_best_first():
    lows = [low for low, _ in POSITION_BANDS]
    assert lows == sorted(lows, reverse=True) and lows[-1] == 0


def test_the_label_reads_as_the_issue_asks():
    assert overall_position(72.4) == "72nd percentile, above average"
    assert overall_position(float("nan")) == "n/a"
