"""The CLI imports only the module of the command it runs: its command table must match what
the modules register, and a cold `compare` must not import the report writers."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from agent.cli import COMMANDS, MODULES, _modules, build_parser, command_of


def _registered(name: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    _modules((name,))[0].register(sub)
    return {c for c, p in sub.choices.items() if p.prog.split()[-1] == c}  # aliases of sub-sub-commands excluded


@pytest.mark.parametrize("name", MODULES)
def test_table_names_every_command_of_each_module(name):
    assert _registered(name) == {c for c, m in COMMANDS.items() if m == name}


@pytest.mark.parametrize("argv,command", [
    (["compare", "Acme"], "compare"), (["--db", "x.db", "load", "f.csv"], "load"),
    (["--db=x.db", "goal", "add"], "goal"), (["--help"], None), ([], None), (["--db", "x.db"], None),
])
def test_command_of_skips_the_global_db_option(argv, command):
    assert command_of(argv) == command


def test_unknown_command_still_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        build_parser(command_of(["comapre"])).parse_args(["comapre"])
    err = capsys.readouterr().err
    assert "invalid choice" in err and "'compare'" in err and "'invite'" in err


def test_compare_does_not_import_the_report_writers():
    code = ("import sys; from agent.cli import build_parser; build_parser('compare'); "
            "print(sorted(m for m in sys.modules if m.startswith(('scipy', 'docx', 'pptx', 'tools.report', 'tools.actions'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
