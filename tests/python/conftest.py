"""Shared fixtures of the Python tests, a progress line per test file, and sqlfluff in the background.

The end-to-end tests (marked ``e2e``; ``pytest -m "not e2e"`` skips them) share one real ``dbt build`` of the
embedded seeds (``dbt_build_result``, ``warehouse``) and one published release of it with its record
(``published``): every test that only reads them uses these instead of building again. Tests that change inputs,
vars or the record build their own.

sqlfluff with the dbt templater takes over a minute single-threaded: when test_lint.py's test_sqlfluff is
selected, the lint starts in a background process as soon as the tests are collected, and the lint tests run
last, so that it overlaps with the dbt builds (``sqlfluff_lint`` waits for it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import background
import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt, run_scm

from scm.paths import DATABASE_NAME

_progress: dict[str, object] = {"started": time.monotonic(), "files": Counter(), "seen": []}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests that run the real dbt build into a temporary DuckDB file")
    config.addinivalue_line("markers", "background(name, ...): the test takes the result of these background builds")


SQLFLUFF = [str(Path(sys.executable).parent / "sqlfluff"), "lint", "models", "macros", "tests", "analyses", "--nocolor"]
_sqlfluff: dict[str, object] = {}


def start_sqlfluff() -> None:
    """sqlfluff on every model, macro, test and analysis, in a background process writing to a temporary file."""
    output = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (open until the test reads it)
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO_ROOT), "DBT_PROJECT_DIR": str(REPO_ROOT)}
    env["DBT_TARGET_PATH"] = tempfile.mkdtemp(prefix="sqlfluff-target-")  # never the project's target/
    process = subprocess.Popen(SQLFLUFF, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    _sqlfluff.update(process=process, output=output)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """sqlfluff and the builds the selected tests need started now in the background (background.py); then the
    tests in the order their builds are ready (background.order), the lint tests last."""
    if any(item.nodeid.endswith("test_lint.py::test_sqlfluff") for item in items):
        start_sqlfluff()
    background.start(name for item in items for name in needed(item))
    items.sort(key=lambda item: (item.nodeid.split("::")[0].endswith("test_lint.py"), *background.order(needed(item))))


def needed(item: pytest.Item) -> list[str]:
    """The fixtures a test uses and the background builds its `background` marks name."""
    marked = [name for mark in item.iter_markers("background") for name in mark.args]
    return [*item.fixturenames, *marked]  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The background builds' folder is removed after a passing session, kept (and named) after a failing one."""
    base = background.base_directory()
    if base is None:
        return
    print(f"\n[background builds] {background.timeline()}", flush=True)
    if exitstatus == 0:
        shutil.rmtree(base, ignore_errors=True)
    else:
        print(f"\n[background builds] kept in {base}", flush=True)


@pytest.fixture(scope="session")
def sqlfluff_lint() -> tuple[int, str]:
    """The background sqlfluff run's exit code and output (started here when the collection did not)."""
    if "process" not in _sqlfluff:
        start_sqlfluff()
    process: subprocess.Popen[bytes] = _sqlfluff["process"]  # type: ignore[assignment]
    output = _sqlfluff["output"]
    returncode = process.wait(timeout=900)
    output.seek(0)  # type: ignore[attr-defined]
    return returncode, output.read()  # type: ignore[attr-defined]


def pytest_collection_finish(session: pytest.Session) -> None:
    _progress["files"] = Counter(item.nodeid.split("::")[0] for item in session.items)


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """One line when a test file starts: which file of how many, its tests, the time so far."""
    path = nodeid.split("::")[0]
    seen: list[str] = _progress["seen"]  # type: ignore[assignment]
    if path in seen:
        return
    seen.append(path)
    files: Counter[str] = _progress["files"]  # type: ignore[assignment]
    elapsed = time.monotonic() - float(_progress["started"])  # type: ignore[arg-type]
    print(
        f"\n[progress] file {len(seen)}/{len(files)}: {path} ({files[path]} tests), {elapsed:.0f} s so far",
        flush=True,
    )


def dbt_target_path(database: Path) -> Path:
    """dbt's target directory (``run_results.json``, ...) of the build that wrote ``database``."""
    return database.parent / "target"


@pytest.fixture(scope="session")
def dbt_build_result() -> DbtResult:
    """The embedded build, once per session into a temporary DuckDB file, in the background (never raises; see
    ``warehouse``)."""
    return background.result("dbt_build_result")


@background.job("dbt_build_result", priority=0)
def embedded_build(work: Path) -> DbtResult:
    """The operator's `scm run` on the embedded seeds: its `dbt build` (target/run_results.json is the build's),
    the docs page, a release in work/published and version 1 of the record; test_operator.py goes on from it."""
    completed = run_scm(work, "run")
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, work / DATABASE_NAME, work / "target")


@pytest.fixture(scope="session")
def warehouse(dbt_build_result: DbtResult) -> Path:
    """Path of the DuckDB file the session's ``dbt build`` wrote; fails with the tail of dbt's output if the
    build failed (test_end_to_end.py's ``test_build_succeeds_with_every_test`` reports the same as a test failure)."""
    if not dbt_build_result.ok:
        pytest.fail(dbt_build_result.failure_message(), pytrace=False)
    return dbt_build_result.database


@dataclass(frozen=True)
class Published:
    """The session's release: the published folder, its database, the record it was recorded in."""

    directory: Path
    database: Path
    history: Path


@pytest.fixture(scope="session")
def published(warehouse: Path) -> Published:
    """The session's `scm run` release and its record, copied (in the background, for the screenshots of
    test_screenshots.py): tests may write beside it (packets) while test_operator.py copies the original."""
    return background.result("published")


@background.job("published")
def copy_embedded_release(work: Path) -> Published:
    embedded = background.result("dbt_build_result")
    assert embedded.ok, "the session's embedded build failed (see its own test)"
    shutil.copytree(embedded.database.parent / "published", work / "published", symlinks=True)
    history = Path(shutil.copy(embedded.database.parent / "sc_history.duckdb", work / "sc_history.duckdb"))
    return Published(work / "published", work / "published" / DATABASE_NAME, history)


# The national synthetic scenario of the scenario and packet tests: every county, 12 quarters from 2012Q2 with the
# real activation dates, 30 planted anomalies of strength 4 to 6, 20 decoys (test_scenarios.py says why).
GENERATOR = REPO_ROOT / "devtools" / "generate_scenarios.py"
SCENARIO_ARGUMENTS = [
    *("--seed", "7", "--quarters", "12", "--first-quarter", "2012Q2", "--activations", "reference"),
    *("--anomalies", "30", "--strength-min", "4", "--strength-max", "6", "--decoys", "20"),
]


def generate(out: Path, arguments: list[str]) -> None:
    """Write a scenario with the generator (devtools/generate_scenarios.py) into `out`."""
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def scenario() -> Path:
    """The test scenario's raw folder, written once per session (in the background, with its build)."""
    raw, _ = background.result("scenario")
    return raw


@pytest.fixture(scope="session")
def scenario_warehouse() -> Path:
    """`dbt build --vars '{raw_dir: <scenario>}'` once per session, into a temporary DuckDB file."""
    _, result = background.result("scenario_warehouse")
    if not result.ok:
        pytest.fail(f"dbt build on the scenario: {result.failure_message()}", pytrace=False)
    return result.database


@background.job("scenario", "scenario_warehouse", priority=0)
def scenario_build(work: Path) -> tuple[Path, DbtResult]:
    raw = work / "raw"
    generate(raw, SCENARIO_ARGUMENTS)
    return raw, run_dbt(work / "build", ["build", "--vars", f"{{raw_dir: '{raw}'}}"])
