"""The operator's commands: ``python3 scripts/scm.py COMMAND`` (the script installs .venv, then runs this).

run        dbt build on the embedded data (or --raw-dir), publish a release, record it, print the review list
test       every test (pytest on tests/python: dbt build with its data and unit tests, end-to-end, lint)
lint       sqlfluff (dbt templater, DuckDB dialect) and ruff
send       record that a published list was sent to reviewers (who, when, a note)
dashboard  the Streamlit dashboard on 127.0.0.1, reading the published copy
report     the quarterly report, one self-contained HTML file
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from scm import checks, dbt, record
from scm.failures import report_failures
from scm.paths import DATABASE_NAME, PROJECT_ROOT, default_database, default_history, default_published_dir
from scm.publish import current_release, publish
from scm.review_list import print_review_list

TARGET = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_ROOT / "target")


def fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def run_settings(given: dict[str, object], raw_dir: Path | None, release: str) -> dict[str, object]:
    """The settings a version of the record keeps: every var as the build saw it, the data's name, the release."""
    effective = {**dbt.project_vars(), **given}
    return {
        **{name: effective.get(name) for name, _ in record.SETTING_COLUMNS if name in effective},
        "raw_source": data_description(raw_dir),
        "release": release,
    }


def data_description(raw_dir: Path | None) -> str:
    """Which data a run used, without the operator's absolute paths: the embedded seeds or the raw folder's name."""
    return "embedded seeds (seeds/raw)" if raw_dir is None else f"raw folder {raw_dir.name}"


def command_run(arguments: argparse.Namespace) -> int:
    database = Path(arguments.database).resolve()
    published_dir = Path(arguments.published_dir).resolve()
    history = default_history()
    raw_dir = Path(arguments.raw_dir).resolve() if arguments.raw_dir else None
    if raw_dir is not None and not raw_dir.is_dir():
        return fail(f"--raw-dir {raw_dir} is not a directory")
    try:
        given = checks.parse_vars(arguments.vars)
        checks.reject_unknown_vars(given)
        if "raw_dir" in given:
            return fail("give the raw folder as --raw-dir DIR (or RAW_DIR=DIR), not as a var")
        checks.reject_missing_period(given.get("reporting_period"), raw_dir)
    except checks.RunRejected as rejected:
        return fail(f"{rejected}\nnothing was built or published.")
    dbt_vars = {**given, **({"raw_dir": str(raw_dir)} if raw_dir else {})}
    vars_arguments = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    (TARGET / "run_results.json").unlink(missing_ok=True)  # a failure report shows this run's results only
    built = dbt.run(["build", *vars_arguments], database, history, target_path=TARGET)
    if built.returncode != 0:
        report_failures(database, TARGET)
        release = current_release(published_dir)
        kept = f"the published copy of {release['released_at']} is untouched" if release else "nothing was published"
        return fail(f"dbt build failed; nothing new was published ({kept}: {published_dir}).", built.returncode)
    docs = dbt.run(["docs", "generate", "--static", *vars_arguments], database, history, target_path=TARGET)
    if docs.returncode != 0:
        return fail("dbt docs generate failed (see above); nothing new was published.", docs.returncode)
    about = {"data": data_description(raw_dir), "vars": {**dbt.project_vars(), **given}}
    release = publish(database, published_dir, TARGET / "static_index.html", about)
    print(f"\npublished release {release.name}: {published_dir / DATABASE_NAME}, exports/ and docs/index.html")
    try:
        appended = record.append_version(
            published_dir / DATABASE_NAME, history, run_settings(given, raw_dir, release.name)
        )
    except record.RecordError as error:
        return fail(f"the release is published, but the record of it was not written: {error}")
    if appended.added:
        print(f"recorded version {appended.version} of {appended.reporting_period}'s review list in {history}")
    else:
        print(
            f"the ranking equals version {appended.version} of {appended.reporting_period} in the record:"
            " no new version was added"
        )
    print_review_list(published_dir / DATABASE_NAME)
    return 0


def command_send(arguments: argparse.Namespace) -> int:
    published = Path(arguments.published_dir).resolve() / DATABASE_NAME
    period = arguments.period
    if period is None:
        release = current_release(Path(arguments.published_dir).resolve())
        if release is None:
            return fail("nothing is published yet; run `python3 scripts/scm.py run` first")
        period = str(release.get("reporting_period") or "")
    if not period:
        return fail(f"give --period YYYYQn (the release at {published} does not say which period it reports)")
    try:
        sent = record.mark_sent(default_history(), period, arguments.version, arguments.by, arguments.note)
    except record.RecordError as error:
        return fail(str(error))
    print(
        f"recorded: version {sent.version} of {sent.reporting_period}'s review list sent to reviewers by"
        f" {sent.sent_by} at {sent.sent_at:%Y-%m-%d %H:%M} UTC" + (f" ({sent.note})" if sent.note else "")
    )
    return 0


def published_database(arguments: argparse.Namespace) -> Path | None:
    database = Path(arguments.published_dir).resolve() / DATABASE_NAME
    if not database.exists():
        fail(f"nothing is published yet ({database}); run `python3 scripts/scm.py run` first")
        return None
    return database


def command_dashboard(arguments: argparse.Namespace) -> int:
    database = published_database(arguments)
    if database is None:
        return 2
    command = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        str(PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.port",
        str(arguments.port),
    ]
    print(f"dashboard on http://127.0.0.1:{arguments.port} (reading {database}; Ctrl-C stops it)", flush=True)
    env = {**os.environ, "SCM_PUBLISHED_DATABASE": str(database)}
    return subprocess.run(command, check=False, cwd=PROJECT_ROOT, env=env).returncode


def command_report(arguments: argparse.Namespace) -> int:
    from readers.report import write_report

    database = published_database(arguments)
    if database is None:
        return 2
    out = write_report(
        database,
        arguments.period,
        Path(arguments.out).resolve() if arguments.out else None,
        lambda period: record.versions(default_history(), period),
    )
    print(f"wrote {out}")
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
        environment = dbt.environment(Path(":memory:"))
        status |= subprocess.run(command, check=False, cwd=PROJECT_ROOT, env=environment).returncode
    return status


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scm.py",
        description="Build, publish, record and read the Secure Communities monitoring warehouse.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    published_default = str(default_published_dir())

    run = commands.add_parser(
        "run",
        help="dbt build on the embedded data (or --raw-dir), publish, record, print the review list",
        description=(
            "Rejects unknown vars and a reporting_period the data does not have, runs `dbt build` (seeds, models, "
            "every data and unit test) into the DuckDB file, then only if everything passed: the docs page, a new "
            "release for readers, and a version in the record (none when the ranking equals the latest version)."
        ),
    )
    run.add_argument("--database", default=str(default_database()), help="DuckDB file to build ($SCM_DUCKDB_PATH)")
    run.add_argument("--published-dir", default=published_default, help="where releases go ($SCM_PUBLISHED_DIR)")
    run.add_argument(
        "--raw-dir",
        default=os.environ.get("RAW_DIR") or None,
        help="directory of raw tables (CSV, Parquet or folders of Parquet) instead of the embedded seeds ($RAW_DIR)",
    )
    run.add_argument("--vars", help='dbt vars as YAML, e.g. "{reporting_period: 2012Q3, review_list_size: 30}"')
    run.set_defaults(handler=command_run)

    send = commands.add_parser(
        "send",
        help="record that a published review list was sent to reviewers",
        description="Appends to the record: this period's version (default: the latest published) was sent, by whom, "
        "when, with a note. Nothing is changed or removed; sending again adds another entry.",
    )
    send.add_argument("--period", help="reporting period YYYYQn (default: the one the current release reports)")
    send.add_argument("--version", type=int, help="the published version sent (default: the latest)")
    send.add_argument("--note", help="e.g. 'sent to CRCL step-2 reviewers by e-mail'")
    send.add_argument("--by", help="who sent it (default: the login name)")
    send.add_argument("--published-dir", default=published_default, help="the published folder")
    send.set_defaults(handler=command_send)

    test = commands.add_parser(
        "test",
        help="run every test: dbt build with its tests, end-to-end checks, reference values, lint",
        description="Runs pytest on tests/python; extra arguments go to pytest (e.g. -k end_to_end).",
    )
    test.add_argument("pytest_arguments", nargs=argparse.REMAINDER, help="passed on to pytest")
    test.set_defaults(handler=command_test)

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
    report.add_argument("--out", help="HTML file to write (default: <published-dir>/current/report-<period>.html)")
    report.add_argument("--published-dir", default=published_default, help="the published folder")
    report.set_defaults(handler=command_report)

    lint = commands.add_parser("lint", help="sqlfluff on the SQL, ruff on the Python")
    lint.set_defaults(handler=command_lint)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return arguments.handler(arguments)
