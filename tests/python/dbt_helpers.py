"""Running the real dbt from the tests through the operator's one dbt helper (scm/dbt.py), into files of each
test's own (database, history record, target and log folders), never the project's build/ or history/."""

from __future__ import annotations

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
