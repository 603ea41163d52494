"""One entry point for operators and CI: install into a local virtual environment, build, test, lint.

    python3 scripts/scm.py run     # install, `dbt build` on the embedded data (or --raw-dir), publish, print the list
    python3 scripts/scm.py test    # install, then every test (dbt data and unit tests, end-to-end, lint)
    python3 scripts/scm.py lint    # sqlfluff (dbt templater, DuckDB dialect) and ruff
    python3 scripts/scm.py dashboard          # the Streamlit dashboard on 127.0.0.1:8501 (published copy)
    python3 scripts/scm.py report --period Q  # the quarterly report, one self-contained HTML file

Needs only Python 3.11 and the package registry: the first call creates `.venv/` beside the project and installs
the pinned `requirements.txt` into it; later calls reinstall only when that file changes. Everything after the
install runs inside `.venv` (this script re-executes itself there).

`run` publishes (scripts/publish.py) only when the build passed every model and test; otherwise it prints each
failed check with example rows and leaves the published copy as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
DEFAULT_PUBLISHED = PROJECT_ROOT / "build" / "published"
EXAMPLE_ROWS = 5
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
    """Print the selected period's review list and, beside it, the high scores that a custody site explains."""
    import textwrap

    import duckdb  # inside .venv only

    columns = (
        "review_rank, anomaly_rank, county_fips, unit_name, combined_score, driving_family, is_significant,"
        " previous_review_rank, is_new_on_list, n_earlier_quarters_flagged, flag_reasons, analyst_notes"
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        period, ranked, shown, policy = connection.execute(
            """
            select any_value(reporting_period),
                   string_agg(distinct ranked_statistics, ', ' order by ranked_statistics),
                   bool_or(shows_synthetic_statistics and not uses_synthetic_inputs),
                   any_value(case when is_flagged and is_custody_explained then 'annotate' end)
            from marts.rpt_anomaly_ranking where is_selected_period
            """
        ).fetchone()
        listed = connection.execute(
            f"select {columns} from marts.rpt_anomaly_ranking where is_selected_period and is_flagged"
            " order by review_rank"
        ).fetchall()
        explained = connection.execute(
            f"select {columns} from marts.rpt_anomaly_ranking"
            " where is_selected_period and is_custody_explained_high and not is_flagged order by anomaly_rank"
        ).fetchall()
    if not listed:
        print("The review list is empty: no unit could be ranked in the selected period.")
        return
    wrap = textwrap.TextWrapper(width=118, initial_indent=" " * 8, subsequent_indent=" " * 8)
    statistics = "statistic 1 only" if ranked == "1" else f"statistics {ranked}"
    print(f"\nReview list for {period}: {len(listed)} units, ranked on {statistics} (database {database})")
    if shown:
        print(
            "Statistics 2 and 3 rest on the synthetic UCR placeholder (no county UCR file may be redistributed):"
            " they are shown in the marts but never decide the list."
        )
    print(f"\n{'list':>4}  {'rank':>4}  {'unit':5}  {'name':36}  {'score':>6}  {'family':6}  {'q<FDR':5}  {'prev':>4}  new")
    for review_rank, rank, fips, name, score, family, significant, previous, is_new, _, reasons, notes in listed:
        print(
            f"{review_rank:>4}  {rank:>4}  {fips:5}  {name[:36]:36}  {score:6.2f}  {family:6}"
            f"  {'yes' if significant else '':5}  {previous if previous is not None else '-':>4}  {'new' if is_new else ''}"
        )
        print(wrap.fill(reasons))
        if notes:
            print(wrap.fill(f"Analyst notes: {notes}"))
    if explained:
        print(
            f"\nHigh scores with a known custody explanation ({len(explained)} units ranked above the list's last unit,"
            " listed apart and not on the list):"
        )
        print(f"{'':4}  {'rank':>4}  {'unit':5}  {'name':36}  {'score':>6}")
        for _, rank, fips, name, score, *_rest, reasons, notes in explained:
            print(f"{'':4}  {rank:>4}  {fips:5}  {name[:36]:36}  {score:6.2f}")
            print(wrap.fill(reasons))
            if notes:
                print(wrap.fill(f"Analyst notes: {notes}"))
    print(
        "\nlist: place on the review list; rank: place among all units; score: -log10 of the combined chance of"
        " a result this far above expectation (2 = 1 in 100, 6 = 1 in a million); family: match = how many"
        " arrestees matched immigration records, minor = what they were held for; q<FDR: beyond chance after"
        " allowing for the number of counties tested; prev: list place in the previous quarter; new: not on"
        " that list."
    )
    if policy:
        print("custody_sites = annotate: units with a custody explanation stay on the list, marked in their reasons.")


def describe_check(node: dict) -> str:
    """A failed dbt test in words: its rule (the generic test and its arguments, or the singular test's name and
    first comment line)."""
    metadata = node.get("test_metadata") or {}
    if metadata:
        arguments = {
            key: value for key, value in (metadata.get("kwargs") or {}).items() if key not in ("model", "null_passes")
        }
        detail = ", ".join(f"{key}={value}" for key, value in arguments.items() if key != "column_name")
        return f"{metadata.get('name')}" + (f" ({detail})" if detail else "")
    first_line = next((line for line in node.get("raw_code", "").splitlines() if line.startswith("--")), "")
    return node["name"] + (f": {first_line.lstrip('- ').strip()}" if first_line else "")


def report_failures(database: Path, target_dir: Path) -> None:
    """Print every failed check of the last dbt run: the table, the column, the rule, how many rows break it and up
    to five of them with the file and line they came from (staging checks keep their failing rows)."""
    import duckdb  # inside .venv only

    try:
        results = json.loads((target_dir / "run_results.json").read_text())["results"]
        nodes = json.loads((target_dir / "manifest.json").read_text())["nodes"]
    except (OSError, ValueError, KeyError):
        return
    failed = [result for result in results if result["status"] in ("fail", "error")]
    if not failed:
        return
    print(f"\n{len(failed)} check(s) or model(s) failed:", file=sys.stderr)
    for result in failed:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") != "test":
            print(f"\n- {node.get('name', result['unique_id'])}: {result.get('message')}", file=sys.stderr)
            continue
        table = (node.get("attached_node") or "").split(".")[-1] or ", ".join(
            node.get("depends_on", {}).get("nodes", [])
        )
        column = node.get("column_name") or (node.get("test_metadata") or {}).get("kwargs", {}).get("column_name")
        print(f"\n- table {table}" + (f", column {column}" if column else ""), file=sys.stderr)
        print(f"  rule: {describe_check(node)}", file=sys.stderr)
        if result["status"] == "error":
            print(f"  error: {result.get('message')}", file=sys.stderr)
            continue
        print(f"  rows breaking it: {result.get('failures')}", file=sys.stderr)
        relation = node.get("relation_name")
        if not relation or not database.exists():
            continue
        try:
            with duckdb.connect(str(database), read_only=True) as connection:
                cursor = connection.execute(f"select * from {relation} limit {EXAMPLE_ROWS}")
                names = [description[0] for description in cursor.description]
                rows = cursor.fetchall()
        except duckdb.Error:
            continue
        for row in rows:
            values = dict(zip(names, row, strict=True))
            where = ""
            if values.get("source_line_number") is not None:
                where = f"{values.pop('source_file', '')} line {values.pop('source_line_number')}: "
            unparsable = values.pop("unparsable_values", None)
            shown = ", ".join(f"{name}={value}" for name, value in values.items() if value is not None)
            if unparsable:
                shown = f"does not parse: {unparsable} | {shown}"
            print(f"    {where}{shown}", file=sys.stderr)


def command_run(arguments: argparse.Namespace) -> int:
    database = Path(arguments.database).resolve()
    published_dir = Path(arguments.published_dir).resolve()
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

    from publish import current_release, publish  # inside .venv only (duckdb)

    if status != 0:
        report_failures(database, PROJECT_ROOT / "target")
        release = current_release(published_dir)
        kept = f"the published copy of {release['released_at']} is untouched" if release else "nothing was published"
        print(f"\nerror: dbt build failed; nothing new was published ({kept}: {published_dir}).", file=sys.stderr)
        return status
    docs_status = run_dbt(["docs", "generate", "--static", *dbt_arguments[1:]], database)
    if docs_status != 0:
        print("error: dbt docs generate failed (see above); nothing new was published.", file=sys.stderr)
        return docs_status
    release = publish(database, published_dir, PROJECT_ROOT / "target" / "static_index.html")
    print(
        f"\npublished {published_dir / 'sc_monitoring.duckdb'}, {published_dir / 'exports'} and"
        f" {published_dir / 'docs' / 'index.html'} (release {release.name})"
    )
    print_review_list(published_dir / "sc_monitoring.duckdb")
    return 0


def command_dashboard(arguments: argparse.Namespace) -> int:
    database = Path(arguments.published_dir).resolve() / "sc_monitoring.duckdb"
    if not database.exists():
        print(f"error: nothing is published yet ({database}); run `python3 scripts/scm.py run` first", file=sys.stderr)
        return 2
    command = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        str(PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(arguments.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    print(f"dashboard on http://127.0.0.1:{arguments.port} (reading {database}; Ctrl-C stops it)", flush=True)
    env = {**os.environ, "SCM_PUBLISHED_DATABASE": str(database)}
    return subprocess.run(command, check=False, cwd=PROJECT_ROOT, env=env).returncode


def command_report(arguments: argparse.Namespace) -> int:
    published_dir = Path(arguments.published_dir).resolve()
    database = published_dir / "sc_monitoring.duckdb"
    if not database.exists():
        print(f"error: nothing is published yet ({database}); run `python3 scripts/scm.py run` first", file=sys.stderr)
        return 2
    command = [sys.executable, str(PROJECT_ROOT / "scripts" / "report.py"), "--database", str(database)]
    if arguments.period:
        command += ["--period", arguments.period]
    out = (
        Path(arguments.out).resolve()
        if arguments.out
        else published_dir / f"report-{arguments.period or 'latest'}.html"
    )
    command += ["--out", str(out)]
    return subprocess.run(command, check=False, cwd=PROJECT_ROOT).returncode


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
        "--published-dir",
        default=os.environ.get("SCM_PUBLISHED_DIR", str(DEFAULT_PUBLISHED)),
        help="where the read-only copy and the Parquet exports are published after every test passed"
        " (default: $SCM_PUBLISHED_DIR or build/published)",
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

    published_default = os.environ.get("SCM_PUBLISHED_DIR", str(DEFAULT_PUBLISHED))
    dashboard = commands.add_parser(
        "dashboard",
        help="start the Streamlit dashboard on localhost, reading the published copy",
        description="Starts the dashboard (dashboard/app.py) on 127.0.0.1; it keeps working while a build runs.",
    )
    dashboard.add_argument("--port", type=int, default=8501, help="port on 127.0.0.1 (default 8501)")
    dashboard.add_argument("--published-dir", default=published_default, help="the published folder")
    dashboard.set_defaults(handler=command_dashboard)

    report = commands.add_parser(
        "report",
        help="write the quarterly report (one self-contained HTML file) from the published copy",
        description="Writes the report of a period (default: the one the build reported on).",
    )
    report.add_argument("--period", help="reporting period YYYYQn")
    report.add_argument("--out", help="HTML file to write (default: <published-dir>/report-<period>.html)")
    report.add_argument("--published-dir", default=published_default, help="the published folder")
    report.set_defaults(handler=command_report)

    lint = commands.add_parser("lint", help="sqlfluff on the SQL, ruff on the Python")
    lint.set_defaults(handler=command_lint)
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    reexec_in_venv()
    sys.exit(arguments.handler(arguments))


if __name__ == "__main__":
    main()
