"""Several files attached to one message are imported all together or not at all."""

from __future__ import annotations

from agent.core import answer
from agent.session import Session, Settings
from tests.hostile.harness import data_checksum
from tools.registry import all_tools

PORTFOLIO = "name,segment,arr,nps\nAlpha Ltd,SMB,12000,40\nBravo Ltd,SMB,13000,35\n"
BENCH = "metric,segment,p25,p50,p75\nnps,All,10,30,50\n"
BAD = "name,segment,arr,nps\nCharlie Ltd,SMB,12000,150\n"  # NPS out of range


async def _ask(ws, files):
    return await answer("Compare my customers against these benchmarks", ws=ws, session=Session(id="t"),
                        attachments=files, registry=all_tools(), settings=Settings())


def _files(tmp_path, **texts):
    out = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        out.append(path)
    return out


async def test_one_bad_file_among_several_imports_none_of_them(ws, tmp_path):
    files = _files(tmp_path, accounts=PORTFOLIO, bench=BENCH, broken=BAD)
    before = data_checksum(ws)
    ans = await _ask(ws, files)
    assert data_checksum(ws) == before  # the two good files were not imported either
    assert ans.imports == [] and ans.results == []
    text = ans.text + " ".join(ans.notices)
    assert "broken.csv" in text and "row 2" in text and "column 'nps'" in text
    assert "accounts.csv" in text and "bench.csv" in text  # named as not imported, not passed over
    assert "Nothing was changed" in text


async def test_several_good_files_are_all_imported_and_listed(ws, tmp_path):
    files = _files(tmp_path, accounts=PORTFOLIO, bench=BENCH)
    ans = await _ask(ws, files)
    assert len(ans.imports) == 2 and "accounts.csv" in ans.text and "bench.csv" in ans.text
    assert ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"] == 2
    assert ws.query("SELECT COUNT(*) AS n FROM benchmark_sets")[0]["n"] == 1


async def test_every_bad_file_is_reported_not_only_the_first(ws, tmp_path):
    files = _files(tmp_path, first=BAD, second="not,a\nbenchmark\x07,file\n", good=PORTFOLIO)
    ans = await _ask(ws, files)
    text = ans.text + " ".join(ans.notices)
    assert "first.csv" in text and "second.csv" in text and "U+0007" in text
    assert ws.query("SELECT COUNT(*) AS n FROM customers")[0]["n"] == 0


async def test_a_failed_batch_leaves_the_active_benchmark_as_it_was(ws, tmp_path):
    session = Session(id="t")
    first = _files(tmp_path, bench=BENCH)
    await answer("load this", ws=ws, session=session, attachments=first, registry=all_tools(), settings=Settings())
    active = session.context.benchmark
    (tmp_path / "b2").mkdir()
    second = _files(tmp_path / "b2", other=BENCH.replace("10,30,50", "11,31,51"), broken=BAD)
    await answer("load these", ws=ws, session=session, attachments=second, registry=all_tools(), settings=Settings())
    assert session.context.benchmark == active
    assert ws.query("SELECT COUNT(*) AS n FROM benchmark_sets")[0]["n"] == 1
