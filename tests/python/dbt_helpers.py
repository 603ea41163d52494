"""Running the real dbt from the tests: one function, so every test builds the same way, into files of its own
(database, history record, target and log folders), never the project's build/ or history/."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
OUTPUT_TAIL_LINES = 80


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one dbt command: exit code, console output and the database it wrote."""

    returncode: int
    output: str
    database: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.database.exists()

    def failure_message(self) -> str:
        tail = "\n".join(self.output.splitlines()[-OUTPUT_TAIL_LINES:])
        return f"dbt failed (exit {self.returncode}); last lines of its output:\n{tail}"


def run_dbt(work: Path, arguments: list[str], history: Path | None = None, timeout: int = 1800) -> DbtResult:
    """Run `dbt <arguments>` from the repo root with the database `work/sc_monitoring.duckdb`, the history record
    `history` (default `work/sc_history.duckdb`) and dbt's target and logs under `work`."""
    work.mkdir(parents=True, exist_ok=True)
    database = work / "sc_monitoring.duckdb"
    env = {
        **os.environ,
        "SCM_DUCKDB_PATH": str(database),
        "SCM_HISTORY_PATH": str(history or work / "sc_history.duckdb"),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_PROJECT_DIR": str(REPO_ROOT),
    }
    if not DBT_EXECUTABLE.exists():
        return DbtResult(127, f"dbt executable not found beside {sys.executable}", database)
    command = [
        str(DBT_EXECUTABLE),
        *arguments,
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    try:
        proc = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return DbtResult(-1, f"timed out after {exc.timeout} s\n{out}", database)
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, database)
