"""Request models of the API, derived from the tools' own input models (typed once).

:func:`derive` copies chosen fields (type, default, constraints, description) of a tool's input
model into a request model: the query parameters of ``GET /api/portfolio/compare`` are
``ComparePortfolioInput``'s fields, a goal's JSON body is ``ManageGoalsInput``'s. Request
models are stricter than the tools (found by fuzzing, see tests/agent/api/test_fuzz.py): unknown
fields are refused (a misspelt ``?segmnet=`` is a 422, not silently ignored), and so are
non-finite numbers, dates other than ``YYYY-MM-DD`` (pydantic reads ``0`` as 1970-01-01), text
with control characters, and in JSON bodies numbers or flags sent as strings or the other way
round. Responses are the tools' output models themselves; the few models defined here wrap them
(a report's download link, success metrics with benchmarks).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import types
import unicodedata
from collections.abc import Iterable
from typing import Annotated, Union, get_args, get_origin

from pydantic import AfterValidator, AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, Strict, create_model
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from tools.base import ToolInput
from tools.compare.compare_customer import CompareCustomerOutput
from tools.report.draft_report import DraftReportOutput
from tools.success.compute_roi import ComputeRoiOutput

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
CAMEL = ConfigDict(extra="forbid", allow_inf_nan=False, alias_generator=to_camel, populate_by_name=True)


class Request(BaseModel):
    model_config = STRICT


#: A CSM named by the id GET /api/csms gives, or by name (full or first); issue 17.
CsmId = Annotated[str | None, Field(None, min_length=1, max_length=80, validation_alias=AliasChoices("csmId", "csm_id"),
                                    description="only this CSM's accounts: the CSM's id (GET /api/csms) or name")]


class CamelRequest(BaseModel):
    """Fields named in camelCase on the wire (``arrMin``), as the requirements spell them."""

    model_config = CAMEL


def derive(name: str, model: type[BaseModel], *, include: Iterable[str] | None = None, exclude: Iterable[str] = (),
           required: Iterable[str] = (), defaults: dict | None = None, base: type[BaseModel] = Request,
           json: bool = False, doc: str | None = None) -> type[BaseModel]:
    """A request model holding ``model``'s fields (all, or ``include``, minus ``exclude``).

    ``required`` fields lose their default (and their None); ``defaults`` replaces some defaults.
    ``json``: a JSON body, whose numbers and flags must be JSON numbers and booleans (pydantic
    would otherwise take ``"5"`` or ``true`` for 5, and ``1`` for true); query strings and form
    fields are text by nature and keep pydantic's conversions.
    """
    keep = list(include) if include is not None else [k for k in model.model_fields if k not in set(exclude)]
    fields: dict[str, tuple] = {}
    for key in keep:
        info: FieldInfo = copy.deepcopy(model.model_fields[key])
        annotation = info.annotation
        if key in set(required):  # required and not null
            info.default, info.default_factory = PydanticUndefined, None
            annotation = _not_none(annotation)
        if key in (defaults or {}):
            info.default = defaults[key]
        annotation = _strict(annotation) if json else _checked_text(annotation)
        fields[key] = (annotation, info)
    return create_model(name, __base__=base, __doc__=doc or model.__doc__, **fields)


def _iso_date(value):
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


def _no_control_characters(text: str) -> str:
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        raise ValueError("control characters are not allowed in text")
    return text


def _iso_datetime(value):
    if isinstance(value, dt.datetime) or (isinstance(value, str) and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", value.strip())):
        return value
    raise ValueError("expected a date and time as YYYY-MM-DDTHH:MM")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]  # not pydantic's 0 -> 1970-01-01
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]  # a meeting time (tools.actions), ISO only
Text = Annotated[str, AfterValidator(_no_control_characters)]  # they would reach names, files and exports
_TEXT = {dt.date: IsoDate, dt.datetime: IsoDateTime, str: Text}
_STRICT = {**{t: Annotated[t, Strict()] for t in (int, float, bool)}, **_TEXT}


def _replace(annotation, table: dict):
    """``annotation`` with the types in ``table`` replaced (inside Optional, unions, lists, dicts)."""
    if annotation in table:
        return table[annotation]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(_replace(a, table) for a in args)]
    if origin is list:
        return list[_replace(args[0], table)]
    if origin is dict:
        return dict[args[0], _replace(args[1], table)]
    return annotation


def _strict(annotation):
    """JSON bodies: int, float and bool strict, dates ISO strings, text without control characters."""
    return _replace(annotation, _STRICT)


def _checked_text(annotation):
    """Query strings and forms: converted as pydantic does, except dates (ISO strings only) and text."""
    return _replace(annotation, _TEXT)


def _not_none(annotation):
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return Union[tuple(args)] if len(args) > 1 else args[0]
    return annotation


def to_tool(inp: BaseModel, model: type[ToolInput], exclude: set[str] | None = None, **extra) -> ToolInput:
    """The tool input for a request: its given fields (by Python name, less ``exclude``) plus ``extra``."""
    return model(**inp.model_dump(exclude_none=True, exclude=exclude), **extra)


# ---- responses wrapping tool outputs -----------------------------------------------------------

ReportInfo = derive("ReportInfo", DraftReportOutput, exclude=("path", "markdown"), base=BaseModel,
                    doc="A generated report (draft_report's output without the server path and the Markdown).")


class ReportLink(ReportInfo):
    download_url: str = Field(description="GET it with the same token to download the file")


class ReportSummary(BaseModel):
    id: int
    created_at: str
    customer: str | None
    kind: str
    format: str
    file_name: str
    benchmark_set: str | None
    download_url: str


class ReportList(BaseModel):
    reports: list[ReportSummary]


class SuccessIntelligence(BaseModel):
    success: ComputeRoiOutput = Field(description="compute_roi: goals, value delivered, ROI, milestones, trends")
    benchmarks: CompareCustomerOutput | None = Field(None, description="compare_customer, when includeBenchmarks")
    benchmarks_note: str | None = Field(None, description="why benchmarks are missing, when asked for")


class Health(BaseModel):
    status: str
    version: str
