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


def build_and_publish(
    database: Path,
    published_dir: Path,
    history: Path,
    raw_dir: Path | None,
    given: dict[str, object],
    about: dict[str, object],
    record_it: bool = True,
    dbt_dir: Path | None = None,
) -> int:
    """`dbt build` with `given` vars (and raw_dir), then, only if everything passed: the docs page, a release in
    `published_dir` and (with `record_it`) a version in the record. dbt's target and logs folders are those of
    `dbt_dir` when given (else the project's, or DBT_TARGET_PATH and DBT_LOG_PATH). Prints what it did; returns an
    exit status."""
    target = dbt_dir / "target" if dbt_dir else TARGET
    log_path = dbt_dir / "logs" if dbt_dir else None
    dbt_vars = {**given, **({"raw_dir": str(raw_dir)} if raw_dir else {})}
    vars_arguments = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    (target / "run_results.json").unlink(missing_ok=True)  # a failure report shows this run's results only
    built = dbt.run(["build", *vars_arguments], database, history, target_path=target, log_path=log_path)
    if built.returncode != 0:
        report_failures(database, target)
        release = current_release(published_dir)
        kept = f"the published copy of {release['released_at']} is untouched" if release else "nothing was published"
        return fail(f"dbt build failed; nothing new was published ({kept}: {published_dir}).", built.returncode)
    # --no-compile: the build just compiled every node into the manifest, which the docs page shows as it is.
    docs = dbt.run(
        ["docs", "generate", "--static", "--no-compile", *vars_arguments],
        database,
        history,
        target_path=target,
        log_path=log_path,
    )
    if docs.returncode != 0:
        return fail("dbt docs generate failed (see above); nothing new was published.", docs.returncode)
    manifest = {
        **about,
        "vars": {**dbt.project_vars(), **given},
        "raw_dir": str(raw_dir) if raw_dir else None,  # to rebuild (scm.py packet --unit); never shown to readers
    }
    release = publish(database, published_dir, target / "static_index.html", manifest)
    print(f"\npublished release {release.name}: {published_dir / DATABASE_NAME}, exports/ and docs/index.html")
    if not record_it:
        return 0
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
    return 0


def checked_vars(text: str | None, raw_dir: Path | None) -> dict[str, object]:
    """The --vars of a run, rejected before anything is built when a var is unknown or the period absent."""
    given = checks.parse_vars(text)
    checks.reject_unknown_vars(given)
    if "raw_dir" in given:
        raise checks.RunRejected("give the raw folder as --raw-dir DIR (or RAW_DIR=DIR), not as a var")
    checks.reject_missing_period(given.get("reporting_period"), raw_dir)
    return given


def command_run(arguments: argparse.Namespace) -> int:
    database = Path(arguments.database).resolve()
    published_dir = Path(arguments.published_dir).resolve()
    raw_dir = Path(arguments.raw_dir).resolve() if arguments.raw_dir else None
    if raw_dir is not None and not raw_dir.is_dir():
        return fail(f"--raw-dir {raw_dir} is not a directory")
    try:
        given = checked_vars(arguments.vars, raw_dir)
    except checks.RunRejected as rejected:
        return fail(f"{rejected}\nnothing was built or published.")
    status = build_and_publish(
        database, published_dir, default_history(), raw_dir, given, {"data": data_description(raw_dir)}
    )
    if status == 0:
        print_review_list(published_dir / DATABASE_NAME)
    return status


def command_packet(arguments: argparse.Namespace) -> int:
    """Write the review packets of the current release; units not in the packet mart are added by a rebuild."""
    from readers.packet import write_packets
    from readers.queries import packet, selected_period

    published_dir = Path(arguments.published_dir).resolve()
    database = published_database(arguments)
    if database is None:
        return 2
    period = arguments.period or selected_period(database)
    units = [unit.zfill(5) for unit in arguments.unit or []]
    missing = sorted(set(units) - set(packet(database, period)["county_fips"]))
    if missing:
        release = current_release(published_dir) or {}
        if release.get("demonstration"):
            return fail(f"{', '.join(missing)} not in the demonstration's packets; rerun `scm.py demo`")
        run_vars = {
            name: value
            for name, value in (release.get("vars") or {}).items()
            if name != "raw_dir" and value != dbt.project_vars().get(name)
        }
        known = [str(unit) for unit in run_vars.get("packet_units") or []]  # type: ignore[union-attr]
        run_vars["packet_units"] = sorted({*known, *missing})
        raw_dir = Path(str(release["raw_dir"])) if release.get("raw_dir") else None
        print(f"adding {', '.join(missing)} to the review packets: rebuilding with packet_units", flush=True)
        status = build_and_publish(
            Path(arguments.database).resolve(),
            published_dir,
            default_history(),
            raw_dir,
            run_vars,
            {"data": data_description(raw_dir)},
        )
        if status != 0:
            return status
    try:
        folder = write_packets(published_dir / DATABASE_NAME, period, units or None)
    except ValueError as error:
        return fail(str(error))
    print(f"wrote the review packets of {period} to {folder} (index.html: the whole list)")
    return 0


def command_demo(arguments: argparse.Namespace) -> int:
    """A synthetic national scenario with quarters, built, published and packeted in its own folder."""
    from devtools.generate_scenarios import main as generate_scenario
    from readers.packet import write_packets

    out = Path(arguments.out).resolve()
    raw_dir = out / "raw"
    print(f"writing a synthetic national scenario (seed {arguments.seed}, {arguments.quarters} quarters) to {raw_dir}")
    status = generate_scenario(
        [
            "--out",
            str(raw_dir),
            "--seed",
            str(arguments.seed),
            "--quarters",
            str(arguments.quarters),
            "--first-quarter",
            arguments.first_quarter,
            "--activations",
            "reference",
            "--format",
            "parquet",
        ]
    )
    if status:
        return fail("the scenario generator failed (see above)")
    published_dir = out / "published"
    status = build_and_publish(
        out / DATABASE_NAME,
        published_dir,
        out / "history.duckdb",
        raw_dir,
        {"rank_synthetic_inputs": True},
        {"data": f"synthetic demonstration scenario (seed {arguments.seed})", "demonstration": True},
        record_it=False,
        dbt_dir=out,  # its own target/ and logs/: the operator's last run keeps its dbt artefacts
    )
    if status != 0:
        return status
    folder = write_packets(published_dir / DATABASE_NAME)
    print(f"wrote the demonstration's review packets to {folder}")
    print(f"open it: python3 scripts/scm.py dashboard --published-dir {published_dir}")
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

    packet = commands.add_parser(
        "packet",
        help="write the review packets (HTML per unit and for the list, CSV and XLSX) into the current release",
        description="Writes the step-2 review packet of every listed and custody-explained unit of a period (default: "
        "the one the build reported on); --unit adds units (a unit not yet in the packet mart is added by a rebuild "
        "with var packet_units).",
    )
    packet.add_argument("--period", help="reporting period YYYYQn")
    packet.add_argument("--unit", action="append", help="a unit code (repeat for several); only these are written")
    packet.add_argument("--database", default=str(default_database()), help="DuckDB file to build if units are added")
    packet.add_argument("--published-dir", default=published_default, help="the published folder")
    packet.set_defaults(handler=command_packet)

    demo = commands.add_parser(
        "demo",
        help="build and publish a synthetic national scenario with quarters, apart from the real data",
        description="Generates a labelled synthetic national scenario (devtools/generate_scenarios.py: every county, "
        "quarterly rows, planted anomalies), builds it into its own database, publishes it with its packets under "
        "--out, and says how to open the dashboard on it. Every page and packet of it says 'synthetic demonstration'.",
    )
    demo.add_argument("--out", default=str(PROJECT_ROOT / "build" / "demo"), help="folder (default: build/demo)")
    demo.add_argument("--seed", type=int, default=1, help="scenario seed (default 1)")
    demo.add_argument("--quarters", type=int, default=12, help="quarters (default 12)")
    demo.add_argument("--first-quarter", default="2010Q4", help="first quarter (default 2010Q4)")
    demo.set_defaults(handler=command_demo)

    lint = commands.add_parser("lint", help="sqlfluff on the SQL, ruff on the Python")
    lint.set_defaults(handler=command_lint)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return arguments.handler(arguments)
