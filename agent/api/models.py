"""Request models of the API, derived from the tools' own input models (typed once).

:func:`derive` copies chosen fields (type, default, constraints, description) of a tool's input
model into a request model: the query parameters of ``GET /api/portfolio/compare`` are
``ComparePortfolioInput``'s fields, a goal's JSON body is ``ManageGoalsInput``'s. Request
models forbid unknown fields (a misspelt ``?segmnet=`` is a 422, not silently ignored) and
non-finite numbers. Responses are the tools' output models themselves; the few models defined
here wrap them (a report's download link, success metrics with benchmarks).
"""

from __future__ import annotations

import copy
import types
from collections.abc import Iterable
from typing import Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model
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


class CamelRequest(BaseModel):
    """Fields named in camelCase on the wire (``arrMin``), as the requirements spell them."""

    model_config = CAMEL


def derive(name: str, model: type[BaseModel], *, include: Iterable[str] | None = None, exclude: Iterable[str] = (),
           required: Iterable[str] = (), defaults: dict | None = None, base: type[BaseModel] = Request,
           doc: str | None = None) -> type[BaseModel]:
    """A request model holding ``model``'s fields (all, or ``include``, minus ``exclude``).

    ``required`` fields lose their default (and their None); ``defaults`` replaces some defaults.
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
        fields[key] = (annotation, info)
    return create_model(name, __base__=base, __doc__=doc or model.__doc__, **fields)


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
