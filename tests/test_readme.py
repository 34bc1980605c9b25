"""The README is the user's manual: it must name every command, column and exit code."""

from __future__ import annotations

import re
import sys

from conftest import ROOT

from outputs.schema import TABLES
from veikart.cli import build_parser
from veikart.errors import ExitCode

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_starts_with_the_two_commands():
    head = README[: README.index("## What it does")]
    assert "make demo" in head and "make test" in head


def test_every_cli_command_and_option_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert f"veikart {name}" in README, name
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"{name} {flag}"


def test_every_column_is_documented():
    for table, columns in TABLES.items():
        section = README[README.index(f"#### `{table}`"):]
        for column in columns:
            assert f"`{column.name}`" in section, f"{table}.{column.name}"


def test_column_tables_are_the_schemas_value_by_value():
    sys.path.insert(0, str(ROOT / "scripts"))
    from readme_tables import render

    assert render(README) == README, "run scripts/readme_tables.py"


def test_every_exit_code_is_documented():
    rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", README, re.M))
    assert {int(code) for code in rows} == {int(c) for c in ExitCode}


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_closed_vocabularies_are_documented_member_by_member():
    """Every value a closed column may take is named in its description (README and
    datapackage alike), so no written value goes undocumented."""
    from extractors.model import BlockKind, TextSource
    from normalize.model import MatchStatus, RegionSource, StatusSource

    columns = {(t, c.name): c.description for t, cols in TABLES.items() for c in cols}
    for (table, column), vocabulary in {
            ("roadmap", "match_status"): MatchStatus, ("roadmap", "region_source"): RegionSource,
            ("roadmap", "status_source"): StatusSource, ("roadmap", "block_kind"): BlockKind,
            ("pages", "text_source"): TextSource}.items():
        for member in vocabulary:
            assert re.search(rf"(?<![\w-]){re.escape(member.value)}(?![\w-])",
                             columns[(table, column)]), f"{table}.{column}: {member.value}"
