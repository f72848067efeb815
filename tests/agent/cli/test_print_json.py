"""--json is written field by field (pydantic-core) and reads back as the model's JSON."""

from __future__ import annotations

import contextlib
import io
import json

from agent.cli.output import print_json
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.store.workspace import Workspace


def _printed(model) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print_json(model)
    return buf.getvalue()


def test_streamed_json_is_the_models_json_text(demo_db):
    ws = Workspace(demo_db)
    try:
        outputs = [compare_portfolio(ws, ComparePortfolioInput()), compare_portfolio(ws, ComparePortfolioInput(metric="nps")),
                   compare_customer(ws, CompareCustomerInput(customer="Acme Corp"))]
    finally:
        ws.close()
    for out in outputs:
        text = _printed(out)
        assert text == out.model_dump_json(indent=2) + "\n"
        assert json.loads(text) == json.loads(json.dumps(out.model_dump(mode="json")))  # the values of before


def test_text_is_utf8_and_a_one_item_list_is_not_split(demo_db):
    from pydantic import BaseModel

    class Out(BaseModel):
        name: str
        items: list[dict]
        empty: list[int]

    out = Out(name="Müller & Söhne \"x\"", items=[{"a": [1, 2]}], empty=[])
    text = _printed(out)
    assert text == out.model_dump_json(indent=2) + "\n" and "Müller" in text
