"""House style as tests: ruff on the Python, sqlfluff (dbt templater, DuckDB dialect) on every model, macro,
test and analysis (started in the background when the tests are collected: conftest.py). A lint finding fails the
test with the linter's own report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dbt_helpers import REPO_ROOT

BIN = Path(sys.executable).parent


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO_ROOT), "DBT_PROJECT_DIR": str(REPO_ROOT)}
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "arguments",
    [["check", "."], ["format", "--check", "."]],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(arguments: list[str]) -> None:
    result = run([str(BIN / "ruff"), *arguments])
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlfluff(sqlfluff_lint: tuple[int, str]) -> None:
    """sqlfluff ran in the background from the start of the session (conftest.py)."""
    returncode, output = sqlfluff_lint
    findings = [line for line in output.splitlines() if not line.startswith("WARNING    Skipped")]
    assert returncode == 0, "\n".join(findings)
