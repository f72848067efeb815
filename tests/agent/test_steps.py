"""Tool calls in plain words for the steps a CSM sees (chat and CLI)."""

from __future__ import annotations

import pytest

from agent import steps
from tools.registry import all_tools

SAMPLES = {"customer": "Acme Corp", "customers": ["Acme Corp", "TechCorp"], "metric": "nps", "kind": "qbr",
           "format": "pptx", "action": "list", "segment": "Enterprise", "view": "learn_from", "name": "Survey"}


@pytest.mark.parametrize("name", sorted(all_tools()))
def test_every_tool_names_its_step_in_words(name):
    tool = all_tools()[name]
    assert tool.step_title is not None
    for inp in ({}, {k: v for k, v in SAMPLES.items() if k in tool.input_model.model_fields}):
        title = tool.title(inp)
        assert title and "_" not in title and name not in title and "{" not in title


def test_details_are_labelled_and_readable():
    lines = steps.details({"customer": "Acme Corp", "cohort_type": "custom", "anonymise": True,
                           "criteria": {"segment": "Enterprise", "arr_min": 100000.0}, "benchmark": None,
                           "metrics": ["nps", "time_to_value_days"], "narrative": {"x": "y"}})
    assert lines == ["Account: Acme Corp", "Peer group: these filters", "Peers anonymised: yes",
                     "Segment: Enterprise", "ARR at least: $100,000", "Metrics: NPS, Time to Value"]
