"""Generated hostile files: each one a :class:`Case` saying where the refusal must point.

The workspace they are tried against (:func:`base_files`) holds the accounts Acme Corp and
TechCorp, so goals and history files name real accounts and fail only for the defect
they carry. ``row``/``column`` are where the problem must be reported ("row 3, column
'name'"); ``says`` are words the message must contain; whole-file defects (a zip bomb, a
binary file) have no row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.xlsx import many_strings, shared_strings_bomb, sheet_xml, write_xlsx
from tests.ingest_helpers import make_xlsx, make_zip_bomb

PORTFOLIO = "name,industry,segment,arr,region,contract_start,nps,feature_adoption\n"
GOALS = ("customer,goal,category,metric,baseline,target,current,unit,start_date,target_date,"
         "owner,weight,value_type,value_amount,hours_saved_per_unit,units_per_month,hourly_rate,description\n")
GOAL_ROW = ["Acme Corp", "Faster tickets", "efficiency", "resolution time", "24", "12", "", "hours",
            "2026-01-01", "2026-12-31", "Dana", "1", "", "", "", "", "", "fine"]
HISTORY = "customer,metric,period,value\n"
BENCH = "metric,segment,p25,p50,p75,sample_size,source,year\n"


@dataclass
class Case:
    name: str                       # the file name (what the CSM would upload)
    make: Callable[[Path], None]    # writes the file at the given path
    row: int | None = None
    column: str | None = None
    says: tuple[str, ...] = ()
    kind: str | None = None         # forced kind (else detected, as for an upload)

    def build(self, folder: Path) -> Path:
        path = folder / self.name
        self.make(path)
        return path


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda p: p.write_bytes(text.encode(encoding))


def _goal(**cells: str) -> Callable[[Path], None]:
    names = GOALS.strip().split(",")
    row = dict(zip(names, GOAL_ROW)) | cells
    return _text(GOALS + ",".join(row[n] for n in names) + "\n")


def _portfolio(*rows: str) -> Callable[[Path], None]:
    return _text(PORTFOLIO + "\n".join(rows) + "\n")


OK_ROW = "TechCorp,Fintech,Enterprise,285000,EMEA,2022-01-15,61,55"


def _filler(n: int) -> str:
    """n valid account rows (a file long enough to pass the 64 KB head check)."""
    return "".join(f"Filler {i:05d},SaaS,SMB,12000,EMEA,2024-01-01,30,40\n" for i in range(n))


def _xlsx(rows: list[list], **kw) -> Callable[[Path], None]:
    return lambda p: make_xlsx(p, rows, **kw)


def _raw_xlsx(rows: list[list], shared: list[str] | None = None, prolog: str = "") -> Callable[[Path], None]:
    return lambda p: write_xlsx(p, sheet_xml(rows, raw=True, prolog=prolog), shared=shared)


def _many_parts(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for k in range(2_100):
            zf.writestr(f"xl/media/x{k}.bin", b"x")


def _ratio_bomb(p: Path) -> None:
    make_zip_bomb(p, size=8 * 1024 * 1024)


def _mixed_encoding(p: Path) -> None:
    p.write_bytes(("name,nps\nM\u00fcller GmbH,40\n").encode("utf-8") + "B\u00e4cker AG,30\n".encode("latin-1"))


def _text_bomb(p: Path) -> None:
    """A shared-strings part over the byte limit at a ratio that passes the zip-bomb check."""
    shared_strings_bomb(p, 40 * 1024 * 1024)


XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def cases() -> list[Case]:
    """Every hostile file of the suite."""
    big = "9" * (1024 * 1024)
    return [
        # --- control characters (item 1) ---------------------------------------------------
        Case("ctl_bel_in_name.csv", _portfolio("Acme\x07 Corp,SaaS,Enterprise,100000,EMEA,2023-01-01,40,50"),
             2, "name", ("U+0007",)),
        Case("ctl_nul_after_64kb.csv", _text(PORTFOLIO + _filler(2000) + "Bad\x00Name,SaaS,SMB,1,EMEA,2024-01-01,1,1\n"),
             2002, "name", ("U+0000",)),
        Case("ctl_esc_in_header.csv", _text("name,\x1b[31mnps\n" "Acme Corp,40\n"), 1, None, ("U+001B",)),
        Case("ctl_vt_in_segment.csv", _portfolio(OK_ROW, "Acme Corp,SaaS,Enter\x0bprise,100000,EMEA,2023-01-01,40,50"),
             3, "segment", ("U+000B",)),
        Case("ctl_c1_csi_in_name.csv", _portfolio("Acme\u009b31m Corp,SaaS,Enterprise,1,EMEA,2023-01-01,40,50"),
             2, "name", ("U+009B",)),
        Case("ctl_del_in_region.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EM\x7fEA,2023-01-01,40,50"),
             2, "region", ("U+007F",)),
        Case("ctl_c1_in_shared_string.xlsx", _raw_xlsx([["name", "nps"], [("s", 0), 40]], shared=["Acme\u0085Corp"]),
             2, "name", ("U+0085",)),
        Case("ctl_del_in_xlsx_header.xlsx", _raw_xlsx([["name", "n\x7fps"], ["Acme Corp", 40]]), 1, None, ("U+007F",)),
        Case("ctl_in_goal_description.csv", _goal(description="Call \x07\x07\x07 now"), 2, "description", ("U+0007",),
             kind="goals"),
        Case("ctl_in_goal_owner.csv", _goal(owner="Dana\x1b]8;;http://evil\x1b\\"), 2, "owner", ("U+001B",),
             kind="goals"),
        Case("ctl_in_history_customer.csv", _text(HISTORY + "Acme\x1b Corp,nps,2026-05,30\n"), 2, "customer",
             ("U+001B",)),
        Case("ctl_in_benchmark_source.csv", _text(BENCH + "nps,All,10,30,50,200,Survey\x07Co,2025\n"), 2, "source",
             ("U+0007",)),
        Case("ctl_in_title_row.csv", _text("Benchmarks\x07 2026\n" + PORTFOLIO + OK_ROW + "\n"), 1, None,
             ("U+0007",)),
        # --- huge cells (item 9) -------------------------------------------------------------
        Case("cell_1mb.csv", _portfolio(f"Acme Corp,SaaS,Enterprise,100000,EMEA,2023-01-01,{big},50"),
             2, "nps", ("too long", "32,767")),
        Case("cell_40k_chars.xlsx", _raw_xlsx([["name", "nps"], ["A" * 40_000, 40]]), 2, "name", ("too long",)),
        # --- zip bombs and XLSX amplification (item 4) -----------------------------------------
        Case("zip_bomb.xlsx", _ratio_bomb, says=("zip bomb",)),
        Case("zip_many_parts.xlsx", _many_parts, says=("parts",)),
        Case("shared_strings_40mb.xlsx", _text_bomb, says=("shared strings", "MB")),
        Case("shared_strings_count.xlsx", lambda p: many_strings(p, 600_000), says=("shared strings", "500,000")),
        Case("xxe.xlsx", _raw_xlsx([["name", "nps"], ["&e;", 40]], prolog=XXE), says=("could not",)),
        Case("billion_laughs.xlsx", _raw_xlsx([["name", "nps"], ["&d;", 40]], prolog=LAUGHS), says=("could not",)),
        # --- encodings (item 8) --------------------------------------------------------------
        Case("mixed_utf8_latin1.csv", _mixed_encoding, 3, None, ("UTF-8", "mix")),
        Case("utf16_without_bom.csv", _text(PORTFOLIO + OK_ROW + "\n", "utf-16-le"), says=("not a CSV",)),
        Case("cyrillic_cp1251.csv", _text("name,nps\n\u041c\u043e\u0441\u043a\u0432\u0430 \u0422\u0435\u043b\u0435\u043a"
                                          "\u043e\u043c,40\n\u0421\u0438\u0431\u0438\u0440\u044c,30\n", "cp1251"),
             says=("UTF-8",)),
        # --- shape -------------------------------------------------------------------------
        Case("ragged_missing_field.csv", _portfolio(OK_ROW, "Acme Corp,SaaS,Enterprise"), 3, "arr", ("fields",)),
        Case("ragged_extra_field.csv", _portfolio("Acme Corp,SaaS,Enterprise,100,000,EMEA,2023-01-01,40,50"),
             2, "#9", ("delimiter",)),
        Case("duplicate_headers.csv", _text("name,nps,NPS\nAcme Corp,40,41\n"), 1, "NPS", ("unique",)),
        Case("values_under_blank_header.csv", _text("name,,nps\nAcme Corp,x,40\n"), 1, "#2", ("column name",)),
        Case("duplicate_account.csv", _portfolio(OK_ROW, OK_ROW), 3, "name", ("also on row 2",)),
        Case("too_many_columns.csv", _text(",".join(f"c{j}" for j in range(1_100)) + "\n" + ",".join("1" * 1_100) + "\n"),
             1, None, ("columns",)),
        # --- formulas ---------------------------------------------------------------------
        Case("formula_in_metric.csv", _portfolio("Acme Corp,SaaS,Enterprise,100000,EMEA,2023-01-01,=1+1,50"),
             2, "nps", ("formula",)),
        Case("formula_in_arr.csv", _portfolio('Acme Corp,SaaS,Enterprise,"=HYPERLINK(""http://x"",""y"")",EMEA,'
                                              '2023-01-01,40,50'), 2, "arr", ("formula",)),
        Case("xlsx_formula_in_metric.xlsx", _xlsx([["name", "nps"], ["Acme Corp", "=SUM(1,2)"]]), 2, "nps",
             ("formula",)),
        # --- absurd values and dates (item 8) ----------------------------------------------------
        Case("arr_1e308.csv", _portfolio("Acme Corp,SaaS,Enterprise,1e308,EMEA,2023-01-01,40,50"), 2, "arr",
             ("1,000,000,000,000",)),
        Case("arr_overflow.csv", _portfolio("Acme Corp,SaaS,Enterprise,1e999,EMEA,2023-01-01,40,50"), 2, "arr",
             ("finite",)),
        Case("arr_negative.csv", _portfolio("Acme Corp,SaaS,Enterprise,-5,EMEA,2023-01-01,40,50"), 2, "arr", ("0 or more",)),
        Case("nps_150.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,2023-01-01,150,50"), 2, "nps", ("-100 to 100",)),
        Case("feature_adoption_250.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,2023-01-01,40,250%"), 2,
             "feature_adoption", ("0 to 100",)),
        Case("nps_infinite.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,2023-01-01,inf,50"), 2, "nps", ("finite",)),
        Case("contract_start_0001.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,0001-01-01,40,50"), 2,
             "contract_start", ("1950",)),
        Case("contract_start_2999.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,2999-12-31,40,50"), 2,
             "contract_start", ("2100",)),
        Case("contract_start_far_future.csv", _portfolio("Acme Corp,SaaS,Enterprise,1,EMEA,2090-01-01,40,50"), 2,
             "contract_start", ("future",)),
        Case("history_period_0001.csv", _text(HISTORY + "Acme Corp,nps,0001-01,30\n"), 2, "period", ("1950",)),
        Case("history_value_overflow.csv", _text(HISTORY + "Acme Corp,nps,2026-05,1e400\n"), 2, "value", ("finite",)),
        Case("benchmark_value_1e308.csv", _text(BENCH + "nps,All,10,1e308,50,200,Survey Co,2025\n"), 2, "p50",
             ("-100 to 100",)),
        Case("semicolon_thousands_dot.csv", _text("name;nps;arr\nAcme Corp;4.125;1.234,50\nTechCorp;30;2000\n"),
             2, "nps", ("read as 4125",)),
        Case("goal_feature_adoption_250.csv", _goal(metric="feature_adoption", baseline="40", target="250",
                                                    unit="percent"), 2, "target", ("0 to 100",), kind="goals"),
        Case("goal_start_0001.csv", _goal(start_date="0001-01-01"), 2, "start_date", ("1950",), kind="goals"),
        Case("goal_target_9999.csv", _goal(target_date="9999-12-31"), 2, "target_date", ("2100",), kind="goals"),
        Case("goal_value_1e308.csv", _goal(value_amount="1e308"), 2, "value_amount", ("1,000,000,000,000",),
             kind="goals"),
        Case("goal_dollars_1e308.csv", _goal(metric="revenue", baseline="100", target="$1e308", unit="dollars"),
             2, "target", ("1,000,000,000,000",), kind="goals"),
        Case("goal_weight_1e308.csv", _goal(weight="1e308"), 2, "weight", ("1,000",), kind="goals"),
        Case("goal_hourly_rate_1e308.csv", _goal(value_type="time_saved", hours_saved_per_unit="2",
                                                 units_per_month="10", hourly_rate="1e308"),
             2, "hourly_rate", ("1,000,000,000,000",), kind="goals"),
        Case("goal_horizon_50_years.csv", _goal(target_date="2076-01-01"), 2, "target_date", ("10 years",),
             kind="goals"),
        # --- not CSV or XLSX at all ----------------------------------------------------------
        Case("empty.csv", _bytes(b""), says=("empty",)),
        Case("header_only.csv", _text(PORTFOLIO), 1, None, ("no data rows",)),
        Case("report.pdf.csv", _bytes(b"%PDF-1.7\n" + b"\x00" * 100), says=("PDF",)),
        Case("image.csv", _bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), says=("PNG",)),
        Case("random_bytes.csv", _bytes(bytes(range(256)) * 40), says=("binary",)),
        Case("old_excel.xlsx", _bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600), says=(".xls",)),
    ]


def base_files(folder: Path) -> list[Path]:
    """The valid files the workspace is built from before the hostile ones are tried."""
    folder.mkdir(parents=True, exist_ok=True)
    portfolio = folder / "portfolio.csv"
    portfolio.write_text(PORTFOLIO + "Acme Corp,SaaS,Enterprise,100000,EMEA,2023-01-01,40,50\n" + OK_ROW + "\n")
    goals = folder / "goals.csv"
    goals.write_text(GOALS + ",".join(GOAL_ROW) + "\n")
    bench = folder / "bench.csv"
    bench.write_text(BENCH + "nps,All,10,30,50,200,Survey Co,2025\n")
    return [portfolio, goals, bench]
