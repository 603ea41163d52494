"""Running the real dbt from the tests through the operator's one dbt helper (scm/dbt.py), and the operator's
commands as the operator runs them, into files of each test's own (database, history record, published folder,
target and log folders), never the project's build/, history/, target/ or logs/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scm import dbt
from scm.paths import PROJECT_ROOT

REPO_ROOT = PROJECT_ROOT
DbtResult = dbt.Result


def run_dbt(work: Path, arguments: list[str], history: Path | None = None, timeout: int = 1800) -> DbtResult:
    """Run `dbt <arguments>` with the database `work/sc_monitoring.duckdb`, the history record `history` (default
    `work/sc_history.duckdb`) and dbt's target and logs under `work`; the output is captured."""
    work.mkdir(parents=True, exist_ok=True)
    return dbt.run(
        arguments,
        database=work / "sc_monitoring.duckdb",
        history=history or work / "sc_history.duckdb",
        target_path=work / "target",
        log_path=work / "logs",
        capture=True,
        timeout=timeout,
    )


def run_scm(work: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m scm <arguments>`` (what scripts/scm.py runs inside .venv) with the database, the history record,
    the published folder and dbt's target and logs under `work`; the output is captured."""
    env = {
        **os.environ,
        "SCM_DUCKDB_PATH": str(work / "sc_monitoring.duckdb"),
        "SCM_HISTORY_PATH": str(work / "sc_history.duckdb"),
        "SCM_PUBLISHED_DIR": str(work / "published"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    return subprocess.run(
        [sys.executable, "-m", "scm", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
