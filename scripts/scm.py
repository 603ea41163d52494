"""One entry point for operators and CI: install into a local virtual environment, build, test, lint.

    python3 scripts/scm.py run     # install, `dbt build` on the embedded data, print the review list
    python3 scripts/scm.py test    # install, then every test (dbt data and unit tests, end-to-end, lint)
    python3 scripts/scm.py lint    # sqlfluff (dbt templater, DuckDB dialect) and ruff

Needs only Python 3.11 and the package registry: the first call creates `.venv/` beside the project and installs
the pinned `requirements.txt` into it; later calls reinstall only when that file changes. Everything after the
install runs inside `.venv` (this script re-executes itself there).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_DIR = PROJECT_ROOT / ".venv"
REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
STAMP = VENV_DIR / ".requirements.sha256"
DEFAULT_DATABASE = PROJECT_ROOT / "build" / "sc_monitoring.duckdb"
DEFAULT_HISTORY = PROJECT_ROOT / "history" / "sc_history.duckdb"
INSIDE_VENV_FLAG = "SCM_INSIDE_VENV"


def venv_python() -> Path:
    return VENV_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed() -> None:
    """Create .venv and install the pinned requirements, unless the stamp says they are already there."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if venv_python().exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not venv_python().exists():
        print(f"creating virtual environment {VENV_DIR}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV_DIR)
    print(f"installing {REQUIREMENTS.name} into {VENV_DIR} (first run: a minute or two)", flush=True)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(wanted + "\n")


def reexec_in_venv() -> None:
    """Install if needed, then run this same command with the virtual environment's Python."""
    if os.environ.get(INSIDE_VENV_FLAG) == "1":
        return
    try:
        ensure_installed()
    except subprocess.CalledProcessError as error:
        sys.exit(f"error: installing the requirements failed ({error}); see pip's output above")
    env = {**os.environ, INSIDE_VENV_FLAG: "1"}
    completed = subprocess.run([str(venv_python()), str(Path(__file__).resolve()), *sys.argv[1:]], check=False, env=env)
    sys.exit(completed.returncode)


def dbt_environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SCM_DUCKDB_PATH": str(database),
        "SCM_HISTORY_PATH": os.environ.get("SCM_HISTORY_PATH", str(DEFAULT_HISTORY)),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_PROJECT_DIR": str(PROJECT_ROOT),
    }


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def run_dbt(arguments: list[str], database: Path) -> int:
    database.parent.mkdir(parents=True, exist_ok=True)
    command = [dbt_executable(), *arguments]
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=False, cwd=PROJECT_ROOT, env=dbt_environment(database)).returncode


def print_review_list(database: Path) -> None:
    import duckdb  # inside .venv only

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            """
            select anomaly_rank, county_fips, unit_name, combined_score, n_statistics_scored, is_significant,
                   previous_anomaly_rank, is_new_on_list, n_earlier_quarters_flagged, flag_reasons,
                   reporting_period, uses_synthetic_inputs
            from marts.rpt_anomaly_ranking
            where is_selected_period and is_flagged
            order by anomaly_rank
            """
        ).fetchall()
    if not rows:
        print("The review list is empty: no unit could be scored in the selected period.")
        return
    print(f"\nReview list for {rows[0][10]} ({len(rows)} units; database {database})")
    print(
        f"{'rank':>4}  {'unit':5}  {'name':40}  {'score':>6}  {'K':>1}  {'q<FDR':5}"
        f"  {'prev':>4}  {'new':3}  {'before':>6}"
    )
    for rank, fips, name, score, n_scored, significant, previous, is_new, earlier, reasons, _, _ in rows:
        print(
            f"{rank:>4}  {fips:5}  {name[:40]:40}  {score:6.2f}  {n_scored:>1}  {'yes' if significant else '':5}"
            f"  {previous if previous is not None else '-':>4}  {'new' if is_new else '':3}  {earlier:>6}"
        )
        print(f"{'':13}{reasons}")
    print(
        "\nK: statistics scored; prev: rank in the previous quarter; new: not on the previous quarter's list;"
        " before: earlier quarters on the list (all recomputed in this build)."
    )
    if any(row[11] for row in rows):
        print(
            "Note: the UCR inputs of this run are the synthetic placeholder (no county UCR file may be"
            " redistributed): statistics 2 and 3, and the combined scores that use them, are a demonstration,"
            " not findings."
        )


def command_run(arguments: argparse.Namespace) -> int:
    database = Path(arguments.database).resolve()
    dbt_arguments = ["build"]
    dbt_vars = arguments.vars or ""
    if arguments.raw_dir:
        raw_dir = Path(arguments.raw_dir).resolve()
        if not raw_dir.is_dir():
            print(f"error: --raw-dir {raw_dir} is not a directory", file=sys.stderr)
            return 2
        extra = dbt_vars.strip().removeprefix("{").removesuffix("}").strip()
        dbt_vars = "{raw_dir: '" + str(raw_dir) + "'" + (", " + extra if extra else "") + "}"
    if dbt_vars:
        dbt_arguments += ["--vars", dbt_vars]
    status = run_dbt(dbt_arguments, database)
    if status != 0:
        print("error: dbt build failed (see above); nothing was published.", file=sys.stderr)
        return status
    print_review_list(database)
    return 0


def command_test(arguments: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "pytest", "tests/python", *arguments.pytest_arguments]
    print("$ " + " ".join(command), flush=True)
    status = subprocess.run(command, check=False, cwd=PROJECT_ROOT).returncode
    if status == 5:
        print("error: pytest collected no test", file=sys.stderr)
    return status


def command_lint(_: argparse.Namespace) -> int:
    bin_dir = Path(sys.executable).parent
    commands = [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "sqlfluff"), "lint", "models", "macros", "tests", "analyses"],
    ]
    status = 0
    for command in commands:
        print("$ " + " ".join(command), flush=True)
        status |= subprocess.run(
            command, check=False, cwd=PROJECT_ROOT, env=dbt_environment(Path(":memory:"))
        ).returncode
    return status


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scm.py",
        description="Install, build, test and lint the Secure Communities monitoring warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run",
        help="dbt build on the embedded data (or RAW_DIR) and print the review list",
        description=(
            "Runs `dbt build` (seeds, models and every data and unit test) into the DuckDB file and prints "
            "the review list of the selected reporting period."
        ),
    )
    run.add_argument(
        "--database",
        default=os.environ.get("SCM_DUCKDB_PATH", str(DEFAULT_DATABASE)),
        help="DuckDB file to build (default: $SCM_DUCKDB_PATH or build/sc_monitoring.duckdb)",
    )
    run.add_argument(
        "--raw-dir",
        default=os.environ.get("RAW_DIR") or None,
        help="directory of raw tables (CSV, Parquet or folders of Parquet) instead of the embedded seeds"
        " (default: $RAW_DIR)",
    )
    run.add_argument("--vars", help='dbt vars as YAML, e.g. "{reporting_period: 2012Q3, review_list_size: 30}"')
    run.set_defaults(handler=command_run)

    test = commands.add_parser(
        "test",
        help="run every test: dbt build with its tests, end-to-end checks, reference values, lint",
        description="Runs pytest on tests/python; extra arguments go to pytest (e.g. -k end_to_end).",
    )
    test.add_argument("pytest_arguments", nargs=argparse.REMAINDER, help="passed on to pytest")
    test.set_defaults(handler=command_test)

    lint = commands.add_parser("lint", help="sqlfluff on the SQL, ruff on the Python")
    lint.set_defaults(handler=command_lint)
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    reexec_in_venv()
    sys.exit(arguments.handler(arguments))


if __name__ == "__main__":
    main()
