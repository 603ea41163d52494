"""Performance benchmark (developers): wall time and peak memory of the warehouse build on national synthetic data,
of the step-2 review packet it includes, and of the test suite.

    .venv/bin/python devtools/benchmark_performance.py                 # 40 quarters, 10 UCR years, Parquet
    .venv/bin/python devtools/benchmark_performance.py --keep /tmp/perf --skip-small --skip-suite

Steps (each timed; peak memory = maximum resident set size of the command and its children, from
`/usr/bin/time -v` when present, else `getrusage(RUSAGE_CHILDREN)` in a fresh wrapper process):

1. write a national scenario (devtools/generate_scenarios.py: every county, `--quarters` quarters, `--ucr-years` UCR
   years, Parquet);
2. `dbt parse --no-partial-parse` alone (dbt's fixed start-up and parsing cost);
3. `dbt build --vars '{raw_dir: DIR}'`: every seed, model, data test and unit test, into a temporary DuckDB file
   (and history file), with dbt's own per-node timings from run_results.json;
4. the same SQL without dbt: the compiled SQL of every model (target/compiled, in DAG order from
   target/manifest.json, `create or replace table|view ... as <compiled>`) and of every data test
   (`select count(*) from (<compiled>)`) re-run through plain DuckDB in a fresh process on a copy of the built
   database; the difference to step 3 is dbt's overhead (parsing, seeds through agate, hooks, contracts, threads);
5. the review packet's cost: the same builds (the 40 quarters, and the embedded data) without the step-2 models
   (`--exclude` the review marts), and the writing of the packets' HTML files of the embedded data;
6. smaller builds for comparison: one quarter of data, and a backfill of 8 quarters;
7. the test suite (`python -m pytest tests/python`), beside the build.

Targets: the whole 40-quarter build including tests under 60 s and under 2 GB peak memory; the packet (1,000
rank replicates) adds at most 15 s on the embedded data and 30 s on the 40 quarters.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scm.dbt import environment

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = REPO_ROOT / "devtools" / "generate_scenarios.py"
DBT = Path(sys.executable).with_name("dbt")
# The step-2 review models and everything after them: what the packet adds to a build.
REVIEW_MODELS = [
    "int_unit_covariates+",
    "fct_unit_quarter_statistics+",
    "fct_sensitivity_ranks+",
    "fct_rank_stability+",
    "rpt_review_packet+",
]
GNU_TIME = Path("/usr/bin/time")
TARGET_SECONDS = 60.0
TARGET_MEGABYTES = 2048.0
OUTPUT_TAIL_LINES = 60
WAREHOUSE_NAME = "warehouse.duckdb"


@dataclass(frozen=True)
class Measured:
    """Wall time, peak RSS and output of one command."""

    seconds: float
    peak_megabytes: float | None
    returncode: int
    output: str


def log(message: str) -> None:
    print(f"[benchmark] {message}", flush=True)


def measure(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command` from the repo root; wall time, and peak RSS of it and its children."""
    if GNU_TIME.exists():
        wrapped = [str(GNU_TIME), "-v", *command]
    else:
        # A fresh Python whose only children are `command`: its RUSAGE_CHILDREN is the command's alone.
        wrapper = (
            "import resource, subprocess, sys; "
            "code = subprocess.call(sys.argv[1:]); "
            "print(f'Maximum resident set size (kbytes): {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', "
            "file=sys.stderr); sys.exit(code)"
        )
        wrapped = [sys.executable, "-c", wrapper, *command]
    started = time.perf_counter()
    result = subprocess.run(wrapped, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    found = re.findall(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    peak = int(found[-1]) / 1024 if found else None
    return Measured(seconds, peak, result.returncode, result.stdout + result.stderr)


def check(what: str, measured: Measured) -> Measured:
    if measured.returncode != 0:
        tail = "\n".join(measured.output.splitlines()[-OUTPUT_TAIL_LINES:])
        sys.exit(f"error: {what} failed (exit {measured.returncode}); last lines of its output:\n{tail}")
    return measured


def dbt_environment(work: Path) -> dict[str, str]:
    return environment(work / WAREHOUSE_NAME, work / "history.duckdb")


def generate(args: argparse.Namespace, out: Path, quarters: int, ucr_years: int | None) -> Measured:
    command = [
        sys.executable,
        str(GENERATOR),
        "--out",
        str(out),
        "--seed",
        str(args.seed),
        "--quarters",
        str(quarters),
        "--first-quarter",
        args.first_quarter,
        "--activations",
        args.activations,
        "--format",
        args.format,
    ]
    if ucr_years is not None:
        command += ["--ucr-years", str(ucr_years)]
    return check(f"generating {quarters} quarters", measure(command))


def dbt(arguments: list[str], work: Path) -> Measured:
    work.mkdir(parents=True, exist_ok=True)
    command = [str(DBT), *arguments, "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    return check("dbt " + " ".join(arguments[:1]), measure(command, dbt_environment(work)))


def build(raw_dir: Path | None, work: Path, exclude: list[str] | None = None) -> Measured:
    arguments = ["build", *(["--vars", f"{{raw_dir: '{raw_dir}'}}"] if raw_dir else [])]
    return dbt([*arguments, *(["--exclude", *exclude] if exclude else [])], work)


# ---------------------------------------------------------------------------------------------------------
# Replaying the compiled SQL without dbt


def dag_order(manifest: dict) -> list[str]:
    """Model unique ids in an order where every model comes after the models it depends on."""
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    ordered: list[str] = []
    done: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            if parent in models:
                visit(parent)
        ordered.append(uid)

    for uid in sorted(models):
        visit(uid)
    return ordered


def replay(database: Path, history: Path, target: Path) -> dict[str, object]:
    """Re-run every model's and data test's compiled SQL on `database` (a copy) through plain DuckDB."""
    import duckdb  # imported here: the replay runs in its own process, so its peak memory is its own

    manifest = json.loads((target / "manifest.json").read_text())
    connection = duckdb.connect(str(database))
    if history.exists():  # the build attached the record only when it existed (dbt never writes it)
        connection.execute(f"attach '{history}' as history (read_only)")
    timings: dict[str, float] = {}
    for uid in dag_order(manifest):
        node = manifest["nodes"][uid]
        compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
        relation = node["relation_name"]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        started = time.perf_counter()
        connection.execute(f"create or replace {kind} {relation} as {compiled.read_text()}")
        timings[uid] = time.perf_counter() - started
    test_seconds = 0.0
    n_tests = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        path = target / "compiled" / node["package_name"] / node["original_file_path"]
        if node.get("path") and not node["original_file_path"].endswith(".sql"):
            path = target / "compiled" / node["package_name"] / node["original_file_path"] / node["path"]
        if not path.exists():
            continue
        started = time.perf_counter()
        connection.execute(f"select count(*) from ({path.read_text()}) as dbt_internal_test").fetchall()
        test_seconds += time.perf_counter() - started
        n_tests += 1
    connection.close()
    return {"models": timings, "model_seconds": sum(timings.values()), "tests": n_tests, "test_seconds": test_seconds}


def run_replay_process(work: Path) -> tuple[Measured, dict[str, object]]:
    """Copy the built database (and the record, if the build had one), then replay in a fresh process (measured
    like the builds)."""
    replay_dir = work / "replay"
    replay_dir.mkdir(exist_ok=True)
    database = replay_dir / WAREHOUSE_NAME  # same file name: the compiled SQL names the catalog after it
    shutil.copyfile(work / WAREHOUSE_NAME, database)
    history = replay_dir / "history.duckdb"
    if (work / "history.duckdb").exists():
        shutil.copyfile(work / "history.duckdb", history)
    report = replay_dir / "replay.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--replay",
        str(database),
        str(history),
        str(work / "target"),
        str(report),
    ]
    measured = check("replaying the compiled SQL", measure(command))
    return measured, json.loads(report.read_text())


# ---------------------------------------------------------------------------------------------------------
# Report


def node_seconds(target: Path) -> tuple[dict[str, float], list[tuple[float, str]], float]:
    """dbt's own execution time per resource type, the slowest nodes, and its elapsed time."""
    results = json.loads((target / "run_results.json").read_text())
    by_type: dict[str, float] = defaultdict(float)
    nodes: list[tuple[float, str]] = []
    for result in results["results"]:
        by_type[result["unique_id"].split(".")[0]] += result["execution_time"]
        nodes.append((result["execution_time"], result["unique_id"]))
    return dict(by_type), sorted(nodes, reverse=True), float(results["elapsed_time"])


def megabytes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time and measure the warehouse build on national synthetic data (see the module docstring).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--quarters", type=int, default=40, help="quarters of the large scenario")
    parser.add_argument("--ucr-years", type=int, default=10, help="UCR data years of the large scenario")
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet", help="raw file format")
    parser.add_argument("--first-quarter", default="2012Q2", help="first quarter of the scenarios (YYYYQn)")
    parser.add_argument(
        "--activations", choices=["reference", "shifted"], default="reference", help="see generate_scenarios.py"
    )
    parser.add_argument("--seed", type=int, default=1, help="scenario seed")
    parser.add_argument("--backfill-quarters", type=int, default=8, help="quarters of the backfill build")
    parser.add_argument("--skip-small", action="store_true", help="skip the single-quarter and backfill builds")
    parser.add_argument("--skip-suite", action="store_true", help="skip timing the test suite")
    parser.add_argument("--keep", type=Path, default=None, help="keep data, warehouses and targets here")
    parser.add_argument("--replay", nargs=4, metavar=("DB", "HISTORY", "TARGET", "REPORT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.replay:
        database, history, target, report = (Path(p) for p in args.replay)
        Path(report).write_text(json.dumps(replay(database, history, target)))
        return 0

    command_line = shlex.join([Path(sys.executable).name, "devtools/benchmark_performance.py", *sys.argv[1:]])
    rows: list[tuple[str, float, float | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="scm-performance-") as temporary:
        root = args.keep or Path(temporary)
        root.mkdir(parents=True, exist_ok=True)
        raw = root / f"raw-{args.quarters}q"
        log(f"generating {args.quarters} quarters x every county, {args.ucr_years} UCR years ({args.format}) ...")
        generated = generate(args, raw, args.quarters, args.ucr_years)
        scenario = json.loads((raw / "scenario.json").read_text())
        rows.append(
            (f"generate {args.quarters} quarters ({args.format})", generated.seconds, generated.peak_megabytes, "")
        )

        log("dbt parse --no-partial-parse ...")
        parsed = dbt(["parse", "--no-partial-parse"], root / "parse")
        rows.append(("dbt parse --no-partial-parse", parsed.seconds, parsed.peak_megabytes, ""))

        log(f"dbt build on {args.quarters} quarters ...")
        work = root / f"build-{args.quarters}q"
        built = build(raw, work)
        ok = built.seconds < TARGET_SECONDS and (built.peak_megabytes or 0) < TARGET_MEGABYTES
        target_text = f"< {TARGET_SECONDS:.0f} s, < {TARGET_MEGABYTES:,.0f} MB: {verdict(ok)}"
        rows.append((f"dbt build, {args.quarters} quarters (all models + tests)", *_sm(built), target_text))
        by_type, slowest, elapsed = node_seconds(work / "target")
        warehouse_mb = (work / WAREHOUSE_NAME).stat().st_size / 2**20

        log("replaying the compiled SQL through plain DuckDB ...")
        replayed, replay_report = run_replay_process(work)
        model_seconds = float(replay_report["model_seconds"])
        test_seconds = float(replay_report["test_seconds"])
        rows.append(
            (
                f"DuckDB alone: {len(replay_report['models'])} models + {replay_report['tests']} data tests",
                replayed.seconds,
                replayed.peak_megabytes,
                f"models {model_seconds:.1f} s, tests {test_seconds:.1f} s",
            )
        )

        log(f"dbt build on {args.quarters} quarters without the review packet's models ...")
        without = build(raw, root / f"build-{args.quarters}q-without-packet", REVIEW_MODELS)
        rows.append(("  the same without the step-2 packet models", *_sm(without), packet_note(built, without, 30)))

        log("dbt build on the embedded data, with and without the packet's models, and the packets' HTML ...")
        embedded = build(None, root / "build-embedded")
        rows.append(("dbt build, embedded data (all models + tests)", *_sm(embedded), ""))
        embedded_without = build(None, root / "build-embedded-without-packet", REVIEW_MODELS)
        rows.append(
            (
                "  the same without the step-2 packet models",
                *_sm(embedded_without),
                packet_note(embedded, embedded_without, 15),
            )
        )
        packets = write_packet_files(root / "build-embedded")
        rows.append(("  writing the packets' HTML, CSV and XLSX (embedded)", *_sm(packets), ""))

        if not args.skip_small:
            for quarters in (1, args.backfill_quarters):
                label = "single quarter" if quarters == 1 else f"backfill of {quarters} quarters"
                log(f"dbt build, {label} ...")
                small_raw = root / f"raw-{quarters}q"
                generate(args, small_raw, quarters, None)
                small = build(small_raw, root / f"build-{quarters}q")
                rows.append((f"dbt build, {label}", *_sm(small), ""))

    if not args.skip_suite:
        log("the test suite (python -m pytest tests/python) ...")
        suite = measure([sys.executable, "-m", "pytest", "tests/python", "-q", "-p", "no:randomly"])
        rows.append(
            ("test suite: python -m pytest tests/python", *_sm(suite), "passed" if suite.returncode == 0 else "FAILED")
        )

    print()
    print(f"$ {command_line}")
    counts = scenario["counts"]
    print(
        f"data: {counts['reporting_units']:,} units, {counts['identification_rows']:,} identification rows, "
        f"{counts['ucr_rows']:,} UCR rows, {counts['census_rows']:,} census rows; "
        f"warehouse file {warehouse_mb:,.0f} MB; "
        f"{os.cpu_count()} CPUs; peak memory from {'/usr/bin/time -v' if GNU_TIME.exists() else 'getrusage'}"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'wall s':>7}  {'peak MB':>8}  note")
    for label, seconds, peak, note in rows:
        print(f"{label:<{width}}  {seconds:>7.1f}  {megabytes(peak):>8}  {note}")
    duckdb_seconds = model_seconds + test_seconds
    print()
    print(
        f"{args.quarters}-quarter build: wall {built.seconds:.1f} s (dbt elapsed {elapsed:.1f} s); dbt's node times: "
        + ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(by_type.items()))
    )
    print(
        f"DuckDB's share (models + data tests replayed): {duckdb_seconds:.1f} s; dbt overhead "
        f"(wall - DuckDB): {built.seconds - duckdb_seconds:.1f} s, of which parse/start-up ~{parsed.seconds:.1f} s"
    )
    print("slowest nodes in dbt's run (execution time):")
    for seconds, uid in slowest[:8]:
        print(f"  {seconds:6.2f} s  {uid}")
    replay_models = sorted(((s, u) for u, s in replay_report["models"].items()), reverse=True)  # type: ignore[union-attr]
    print("slowest models replayed in plain DuckDB:")
    for seconds, uid in replay_models[:5]:
        print(f"  {seconds:6.2f} s  {uid}")
    return 0


def packet_note(full: Measured, without: Measured, target_seconds: float) -> str:
    added = full.seconds - without.seconds
    return f"the packet adds {added:.1f} s (target < {target_seconds:.0f} s: {verdict(added < target_seconds)})"


def write_packet_files(work: Path) -> Measured:
    """Publish the embedded build and write its packets, timed in a fresh process."""
    script = (
        "import sys; from pathlib import Path; from scm.publish import publish;"
        " from readers.packet import write_packets;"
        " work = Path(sys.argv[1]); publish(work / 'warehouse.duckdb', work / 'published');"
        " write_packets(work / 'published' / 'sc_monitoring.duckdb')"
    )
    return check("writing the packets", measure([sys.executable, "-c", script, str(work)]))


def _sm(measured: Measured) -> tuple[float, float | None]:
    return measured.seconds, measured.peak_megabytes


if __name__ == "__main__":
    sys.exit(main())
