"""Detection benchmark (developers): how many planted anomalies reach the review list, and how many innocents do.

    .venv/bin/python devtools/benchmark_detection.py                       # seeds 1 2 3, 8 quarters each
    .venv/bin/python devtools/benchmark_detection.py --seeds 1 2 3 4 5 --quarters 12 --format parquet

For each seed: write a synthetic national scenario (devtools/generate_scenarios.py) into a temporary directory,
build the warehouse on it (`dbt build --vars '{raw_dir: DIR, ...}'` through scm/dbt.py, into a temporary DuckDB
file, history file and target directory), then, for every quarter from the first one in which a planted anomaly is
active (start_quarter <= quarter) to the last, read `marts.rpt_anomaly_ranking` (every quarter is scored in one
build) and compare the review list (`is_flagged`, the top `review_list_size`) with the ground truth:

- recall: active planted anomalies on the list / active planted anomalies (and, beside it, on the list or in its
  custody section: a planted anomaly in a county with a custody site is set apart, not hidden);
- false flags: units on the list that are not active anomalies (and how many of them are decoys);
- the same for a NAIVE ranking: the raw ratio O/E of statistic 1 (`fct_match_rate.ratio`), no min_expected gate,
  no overdispersion, over the units with expected > 0, top `review_list_size`.

Recall is then broken down by size class (population quintile), by strength band and by kind, pooled over seeds
and quarters (one anomaly in one quarter counts once). A figure-printing script, not a test.

The scenarios' UCR arrests are synthetic like the embedded placeholder, so the builds set
`rank_synthetic_inputs: true` (all three statistics ranked, as on real data); `--vars` adds or overrides vars.

By default the scenarios use the real activation dates (`--activations reference`) from 2012Q2, when ~80 % of
units are already active: the warehouse takes activation dates from the reference seed ref_sc_activations, so
scenarios with shifted activation dates (the generator's default) give rows before a unit's reference activation
date zero or partial exposure and distort statistic 2. Pass `--activations shifted --first-quarter 2010Q1` to
measure that configuration.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from scm import dbt

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = REPO_ROOT / "devtools" / "generate_scenarios.py"
OUTPUT_TAIL_LINES = 60


@dataclass(frozen=True)
class QuarterResult:
    """One seed x quarter: who is active, who is on each list."""

    seed: int
    quarter: str
    active: frozenset[str]
    decoys: frozenset[str]
    flagged: frozenset[str]
    set_apart: frozenset[str]
    naive: frozenset[str]


def log(message: str) -> None:
    print(f"[benchmark] {message}", flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)


def fail(what: str, result: subprocess.CompletedProcess[str]) -> None:
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-OUTPUT_TAIL_LINES:])
    sys.exit(f"error: {what} failed (exit {result.returncode}); last lines of its output:\n{tail}")


def generate(args: argparse.Namespace, seed: int, out: Path) -> None:
    command = [
        sys.executable,
        str(GENERATOR),
        "--out",
        str(out),
        "--seed",
        str(seed),
        "--quarters",
        str(args.quarters),
        "--first-quarter",
        args.first_quarter,
        "--format",
        args.format,
        "--anomalies",
        str(args.anomalies),
        "--decoys",
        str(args.decoys),
        "--strength-min",
        str(args.strength_min),
        "--strength-max",
        str(args.strength_max),
        "--activations",
        args.activations,
    ]
    result = run(command)
    if result.returncode != 0:
        fail("generating the scenario", result)


def dbt_build(raw_dir: Path, work: Path, review_list_size: int, extra_vars: dict[str, object]) -> Path:
    """`dbt build` on `raw_dir` into work/sc_monitoring.duckdb; exits with dbt's output on failure."""
    dbt_vars = {"raw_dir": str(raw_dir), "review_list_size": review_list_size, **extra_vars}
    result = dbt.run(
        ["build", "--vars", json.dumps(dbt_vars)],
        work / "sc_monitoring.duckdb",
        work / "history.duckdb",
        target_path=work / "target",
        log_path=work / "logs",
        capture=True,
    )
    if result.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-OUTPUT_TAIL_LINES:])
        sys.exit(f"error: dbt build failed (exit {result.returncode}); last lines of its output:\n{tail}")
    return result.database


def evaluate(seed: int, database: Path, truth: pd.DataFrame, review_list_size: int) -> list[QuarterResult]:
    with duckdb.connect(str(database), read_only=True) as connection:
        ranking = connection.sql(
            "select county_fips, reporting_period, anomaly_rank, is_flagged, is_custody_explained_high"
            " from marts.rpt_anomaly_ranking"
        ).df()
        match_rate = connection.sql(
            "select county_fips, reporting_period, ratio, expected from marts.fct_match_rate where expected > 0"
        ).df()
    anomalies = truth[truth["kind"] != "decoy"]
    decoys = frozenset(truth.loc[truth["kind"] == "decoy", "county_fips"])
    first_active = anomalies["start_quarter"].min()
    results: list[QuarterResult] = []
    for quarter in sorted(q for q in ranking["reporting_period"].unique() if q >= first_active):
        listed = ranking[(ranking["reporting_period"] == quarter) & ranking["is_flagged"]]
        naive = match_rate[match_rate["reporting_period"] == quarter].sort_values(
            ["ratio", "county_fips"], ascending=[False, True]
        )
        active = anomalies.loc[anomalies["start_quarter"] <= quarter, "county_fips"]
        results.append(
            QuarterResult(
                seed,
                quarter,
                frozenset(active),
                decoys,
                frozenset(listed["county_fips"]),
                frozenset(
                    ranking.loc[
                        (ranking["reporting_period"] == quarter) & ranking["is_custody_explained_high"], "county_fips"
                    ]
                ),
                frozenset(naive["county_fips"].head(review_list_size)),
            )
        )
    return results


def summary_row(results: list[QuarterResult], label: str) -> dict[str, object]:
    """Mean over the quarters of recall, false flags and decoys flagged, for the warehouse and the naive list."""
    row: dict[str, object] = {"": label, "quarters": len(results)}
    row["active"] = np.mean([len(r.active) for r in results])
    for name, listed in (("warehouse", lambda r: r.flagged), ("naive", lambda r: r.naive)):
        row[f"{name} recall"] = np.mean([len(listed(r) & r.active) / max(len(r.active), 1) for r in results])
        row[f"{name} false"] = np.mean([len(listed(r) - r.active) for r in results])
        row[f"{name} decoys"] = np.mean([len(listed(r) & r.decoys) for r in results])
        if name == "warehouse":
            row["+ custody section recall"] = np.mean(
                [len((r.flagged | r.set_apart) & r.active) / max(len(r.active), 1) for r in results]
            )
    return row


def breakdown(results: list[QuarterResult], truth: dict[int, pd.DataFrame], column: str) -> pd.DataFrame:
    """Recall of the warehouse and of the naive list by a ground-truth column, over (seed, quarter, anomaly)."""
    rows: list[dict[str, object]] = []
    for r in results:
        anomalies = truth[r.seed]
        anomalies = anomalies[anomalies["county_fips"].isin(r.active)]
        for _, anomaly in anomalies.iterrows():
            rows.append(
                {
                    column: anomaly[column],
                    "warehouse": anomaly["county_fips"] in r.flagged,
                    "naive": anomaly["county_fips"] in r.naive,
                }
            )
    frame = pd.DataFrame(rows)
    table = frame.groupby(column, observed=True).agg(
        n=("warehouse", "size"), warehouse_recall=("warehouse", "mean"), naive_recall=("naive", "mean")
    )
    return table.reset_index()


def strength_bands(strength: pd.Series, low: float, high: float) -> pd.Series:
    edges = np.linspace(low, high, 4)
    if high <= low:
        return pd.Series([f"{low:.2f}"] * len(strength), index=strength.index)
    labels = [f"{a:.2f}-{b:.2f}" for a, b in itertools.pairwise(edges)]
    return pd.cut(strength, bins=edges, labels=labels, include_lowest=True).astype(str)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Detection benchmark: planted anomalies and decoys against the warehouse's review list and a "
        "naive raw-ratio ranking, over several synthetic scenarios.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="scenario seeds, one build each")
    parser.add_argument("--quarters", type=int, default=8, help="quarters per scenario")
    parser.add_argument("--first-quarter", default="2012Q2", help="first quarter of the scenarios (YYYYQn)")
    parser.add_argument(
        "--activations",
        choices=["reference", "shifted"],
        default="reference",
        help="activation dates of the scenarios (see generate_scenarios.py --help and this script's docstring)",
    )
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", help="raw file format")
    parser.add_argument("--anomalies", type=int, default=60, help="planted anomalies per scenario")
    parser.add_argument("--decoys", type=int, default=40, help="decoys per scenario")
    parser.add_argument("--strength-min", type=float, default=1.5, help="smallest planted strength")
    parser.add_argument("--strength-max", type=float, default=3.0, help="largest planted strength")
    parser.add_argument("--review-list-size", type=int, default=24, help="dbt var review_list_size (the list)")
    parser.add_argument(
        "--vars",
        default="{rank_synthetic_inputs: true}",
        help="further dbt vars as YAML (the scenarios' UCR arrests are synthetic: ranked by default here)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep scenarios and warehouses under this directory")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    command_line = shlex.join([Path(sys.executable).name, "devtools/benchmark_detection.py", *sys.argv[1:]])
    results: list[QuarterResult] = []
    truth: dict[int, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory(prefix="scm-detection-") as temporary:
        root = args.keep or Path(temporary)
        for seed in args.seeds:
            work = root / f"seed-{seed}"
            raw_dir = work / "raw"
            work.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            generate(args, seed, raw_dir)
            log(f"seed {seed}: scenario written to {raw_dir} ({time.perf_counter() - started:.1f} s); dbt build ...")
            started = time.perf_counter()
            database = dbt_build(raw_dir, work, args.review_list_size, yaml.safe_load(args.vars) or {})
            log(f"seed {seed}: built in {time.perf_counter() - started:.1f} s")
            seed_truth = pd.read_csv(raw_dir / "ground_truth.csv", dtype=str, keep_default_na=False)
            results.extend(evaluate(seed, database, seed_truth, args.review_list_size))
            anomalies = seed_truth[seed_truth["kind"] != "decoy"].copy()
            anomalies["strength_band"] = strength_bands(
                anomalies["strength"].astype(float), args.strength_min, args.strength_max
            )
            truth[seed] = anomalies

    pd.set_option("display.width", 200)
    pd.set_option("display.float_format", "{:.3f}".format)
    print()
    print(f"$ {command_line}")
    print(
        f"scenarios: {args.quarters} quarters from {args.first_quarter}, activations {args.activations}, "
        f"{args.anomalies} anomalies (strength {args.strength_min}-{args.strength_max}), {args.decoys} decoys, "
        f"{args.format}; review list = top {args.review_list_size}; naive = top {args.review_list_size} by raw "
        "statistic-1 ratio (expected > 0)"
    )
    print("recall, false flags and decoys flagged: mean over the quarters with an active anomaly")
    rows = [summary_row([r for r in results if r.seed == seed], f"seed {seed}") for seed in args.seeds]
    rows.append(summary_row(results, "all"))
    last = [r for r in results if r.quarter == max(q.quarter for q in results if q.seed == r.seed)]
    rows.append(summary_row(last, "last quarter"))
    print(pd.DataFrame(rows).to_string(index=False))
    for column in ("size_class", "strength_band", "kind"):
        print()
        print(f"recall by {column} (pooled over seeds and quarters; n = anomaly-quarters)")
        print(breakdown(results, truth, column).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
