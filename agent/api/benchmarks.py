"""``/api/benchmarks``: benchmark sets, uploads, peer groups, one account vs its peers, leaders."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Form, Path, Query, UploadFile
from pydantic import Field

from agent.api.auth import CallerDep
from agent.api.models import CamelRequest, Request, derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import BODY_LIMIT, JSON_BODY_LIMIT, discard, receive
from analytics.catalog import KEYS, metric_for
from tools.base import ToolError
from tools.benchmarks.list_benchmarks import ListBenchmarksInput, ListBenchmarksOutput, list_benchmarks
from tools.compare.build_cohort import BuildCohortInput, BuildCohortOutput, build_cohort
from tools.compare.cohorts import CohortCriteria, CohortType
from tools.compare.compare_customer import CompareCustomerInput, CompareCustomerOutput, compare_customer
from tools.ingest.goals import GoalsImportOutput
from tools.ingest.load import load_file
from tools.ingest.load_benchmarks import LoadBenchmarksInput, LoadBenchmarksOutput, load_benchmarks_file
from tools.ingest.portfolio import ImportHistoryOutput, ImportPortfolioOutput
from tools.playbooks.find_best_practices import FindBestPracticesInput, FindBestPracticesOutput, find_best_practices
from tools.playbooks.recommend_improvements import (
    RecommendImprovementsInput,
    RecommendImprovementsOutput,
    recommend_improvements,
)
from tools.portfolio.benchmark_history import BenchmarkHistoryInput, BenchmarkHistoryOutput, benchmark_history
from tools.store.resolve import resolve_customer_ref

router = APIRouter(tags=["benchmarks"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)
COHORT_TYPES = tuple(t for t in get_args(CohortType) if t != "custom")

CustomerId = Annotated[str, Path(alias="customerId", min_length=1, max_length=200,
                                 description="the account's id or name (fuzzy-matched, as in the chat)",
                                 examples=["Acme Corp"])]


class _File(Request):
    file: UploadFile = Field(description="CSV or XLSX (decided by content), at most 10 MB")


class _BenchmarkFile(_File):
    map: list[str] = Field(default_factory=list, description="'NAME=metric_key' for a metric name in the file "
                           "the catalog does not know (repeatable), as `peerbench load --map`")


BenchmarkUpload = derive("BenchmarkUpload", LoadBenchmarksInput, exclude=("path", "map"), base=_BenchmarkFile)
_KINDS = Literal["benchmarks", "portfolio", "history", "goals"]


class _ImportFile(_File):
    kind: _KINDS | None = Field(None, description="what the file holds; detected from its columns when omitted")


Import = derive("Import", LoadBenchmarksInput, include=("name", "sheet"), base=_ImportFile,
                doc="Any import the chat accepts: benchmarks, a portfolio, metric history or goals.")
ImportResult = LoadBenchmarksOutput | ImportPortfolioOutput | ImportHistoryOutput | GoalsImportOutput


class MetricsParam(CamelRequest):
    metrics: str = Field("all", max_length=1000, description="comma-separated catalog keys or names to list "
                         "(e.g. nps,dau_mau), or all; the overall figures always use every metric")


class CohortParam(MetricsParam):
    cohort: str = Field("segment", min_length=1, max_length=100, description="peer dimension: "
                        + ", ".join(COHORT_TYPES) + "; or the name of a saved peer group")


CompareQuery = derive("CompareQuery", CompareCustomerInput, include=("benchmark", "anonymise", "distribution"),
                      base=CohortParam)
LeadersQuery = derive("LeadersQuery", FindBestPracticesInput, base=CamelRequest)
RecommendQuery = derive("RecommendQuery", RecommendImprovementsInput, exclude=("customer",), base=CamelRequest)
HistoryQuery = derive("HistoryQuery", BenchmarkHistoryInput, exclude=("customer",), base=CamelRequest)
PeerGroupRequest = derive("PeerGroupRequest", BuildCohortInput, json=True,
                          doc="Peer-group criteria (every given field must match) and an optional name to save it as.")


def account_name(caller, customer_id: str) -> str:
    """The exact name of the account ``customerId`` means in the caller's workspace (404 otherwise)."""
    return resolve_customer_ref(caller.ws, customer_id)["name"]


def compare_input(name: str, q, cohort: str | None = None, criteria: CohortCriteria | None = None
                  ) -> CompareCustomerInput:
    """The compare_customer input for a query: a peer dimension, a saved group, or explicit criteria."""
    cohort = cohort or q.cohort.strip()
    if criteria is None and cohort.lower() not in COHORT_TYPES:
        criteria = CohortCriteria(saved=cohort)
    cohort_type = "custom" if criteria is not None else cohort.lower()
    return CompareCustomerInput(customer=name, cohort_type=cohort_type, criteria=criteria, benchmark=q.benchmark,
                                anonymise=q.anonymise, distribution=getattr(q, "distribution", False))


def only_metrics(out: CompareCustomerOutput, metrics: str) -> CompareCustomerOutput:
    """The comparison with only the metric rows asked for (keys or names, as the catalog maps them)."""
    wanted = [m.strip() for m in metrics.split(",") if m.strip()]
    if not wanted or [w.lower() for w in wanted] == ["all"]:
        return out
    keys, unknown = [], []
    for text in wanted:
        metric = metric_for(text)
        (keys.append(metric.key) if metric else unknown.append(text))
    if unknown:
        raise ToolError(f"Unknown metric{'s' * (len(unknown) > 1)}: {', '.join(unknown)}.", suggestions=list(KEYS))
    return out.model_copy(update={"metrics": [m for m in out.metrics if m.metric in keys]})


@router.get("/api/benchmarks", response_model=ListBenchmarksOutput, responses=responses(401),
            summary="The benchmark sets loaded in this workspace and which one is active")
def get_benchmark_sets(caller: CallerDep):
    return list_benchmarks(caller.ws, ListBenchmarksInput())


@router.post("/api/benchmarks/upload", response_model=LoadBenchmarksOutput, status_code=201,
             response_model_exclude={"upload"},  # a server path: never sent to a client
             responses=responses(401, 413, 422), max_body_size=BODY_LIMIT,
             summary="Import a benchmark file (CSV or XLSX) as a benchmark set (active when asked or when none is)")
def upload_benchmarks(caller: CallerDep, form: Annotated[BenchmarkUpload, Form()]):
    """The load summary; a bad file is rejected whole with every problem's file, row and column."""
    staged = receive(form.file, caller.ws)
    try:
        return load_benchmarks_file(caller.ws, staged.path, display_name=staged.name, mapping=form.map or None,
                                    **form.model_dump(exclude={"file", "map"}, exclude_none=True))
    except Exception:
        discard(staged)
        raise


@router.post("/api/imports", response_model=ImportResult, status_code=201, responses=responses(401, 413, 422),
             max_body_size=BODY_LIMIT, summary="Import any file the chat accepts (kind detected from its columns)")
def upload_any(caller: CallerDep, form: Annotated[Import, Form()]):
    staged = receive(form.file, caller.ws)
    try:
        return load_file(caller.ws, staged.path, kind=form.kind, name=form.name, sheet=form.sheet,
                         display_name=staged.name)
    except Exception:
        discard(staged)
        raise


@router.post("/api/benchmarks/peer-groups", response_model=BuildCohortOutput, responses=ERRORS,
             summary="Size and make-up of a peer group; optionally save it by name")
def post_peer_group(caller: CallerDep, body: PeerGroupRequest):
    return build_cohort(caller.ws, to_tool(body, BuildCohortInput))


@router.get("/api/benchmarks/leaders", response_model=FindBestPracticesOutput, responses=ERRORS,
            summary="Top performers (>= P90 of their segment) per metric, with their recorded practices")
def get_leaders(caller: CallerDep, q: Annotated[LeadersQuery, Query()]):
    return find_best_practices(caller.ws, to_tool(q, FindBestPracticesInput))


@router.get("/api/benchmarks/{customerId}/compare", response_model=CompareCustomerOutput, responses=ERRORS,
            summary="One account vs its peer group and the benchmark set, metric by metric")
def get_compare(caller: CallerDep, customer_id: CustomerId, q: Annotated[CompareQuery, Query()]):
    out = compare_customer(caller.ws, compare_input(account_name(caller, customer_id), q))
    return only_metrics(out, q.metrics)


@router.get("/api/benchmarks/{customerId}/recommendations", response_model=RecommendImprovementsOutput,
            responses=ERRORS, summary="Targets, actions and a 12-week plan for an account's gaps")
def get_recommendations(caller: CallerDep, customer_id: CustomerId, q: Annotated[RecommendQuery, Query()]):
    return recommend_improvements(caller.ws, to_tool(q, RecommendImprovementsInput,
                                                     customer=account_name(caller, customer_id)))


@router.get("/api/benchmarks/{customerId}/history", response_model=BenchmarkHistoryOutput, responses=ERRORS,
            summary="An account's benchmark position month by month")
def get_history(caller: CallerDep, customer_id: CustomerId, q: Annotated[HistoryQuery, Query()]):
    return benchmark_history(caller.ws, to_tool(q, BenchmarkHistoryInput, customer=account_name(caller, customer_id)))
