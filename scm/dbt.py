"""The one way the warehouse's tools invoke dbt: the dbt beside the running Python, from the project root, with the
database, the history record, the target folder and the log folder given explicitly, so that no two builds share a
file unless they mean to.

    from scm import dbt
    result = dbt.run(["build"], database=Path("/tmp/w/db.duckdb"), capture=True)
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from scm.paths import PROJECT_ROOT, default_history

OUTPUT_TAIL_LINES = 80


@dataclass(frozen=True)
class Result:
    """Outcome of one dbt command: exit code, console output (when captured), the database and target folder."""

    returncode: int
    output: str
    database: Path
    target_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.database.exists()

    def failure_message(self) -> str:
        tail = "\n".join(self.output.splitlines()[-OUTPUT_TAIL_LINES:])
        return f"dbt failed (exit {self.returncode}); last lines of its output:\n{tail}"


def executable() -> Path:
    """The dbt installed beside the running Python (the project's .venv)."""
    return Path(sys.executable).with_name("dbt")


def environment(database: Path, history: Path | None = None) -> dict[str, str]:
    """The environment dbt runs in: the database and history record as absolute paths, the project's profiles."""
    return {
        **os.environ,
        "SCM_DUCKDB_PATH": str(database),
        "SCM_HISTORY_PATH": str(history or default_history()),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_PROJECT_DIR": str(PROJECT_ROOT),
    }


def run(
    arguments: list[str],
    database: Path,
    history: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    capture: bool = False,
    timeout: float | None = None,
) -> Result:
    """Run ``dbt <arguments>`` from the project root. ``target_path``/``log_path`` default to the project's
    target/ and logs/; with ``capture`` the output is returned instead of printed."""
    database.parent.mkdir(parents=True, exist_ok=True)
    target = target_path or PROJECT_ROOT / "target"
    command = [str(executable()), *arguments, "--target-path", str(target)]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    if not executable().exists():
        return Result(127, f"dbt executable not found beside {sys.executable}", database, target)
    if not capture:
        print("$ " + " ".join(command), flush=True)
    try:
        completed = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=environment(database, history),
            capture_output=capture,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        return Result(-1, f"timed out after {expired.timeout} s\n{output}", database, target)
    output = (completed.stdout or "") + (completed.stderr or "") if capture else ""
    return Result(completed.returncode, output, database, target)


def project_vars() -> dict[str, object]:
    """The vars dbt_project.yml declares, with their defaults (CONTRACT.md "Knobs")."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})
