"""What the operator's commands reject before a build starts, with a message that says what to do instead:
a --vars text that is not a YAML mapping, a var dbt_project.yml does not declare (naming the nearest known var),
and a reporting period the data does not have (listing the periods it has). dbt checks the vars' shapes itself
(macros/validation/validate_vars.sql), for plain ``dbt build`` too."""

from __future__ import annotations

import difflib
from pathlib import Path

import duckdb
import yaml

from scm.dbt import project_vars
from scm.paths import PROJECT_ROOT

IDENTIFICATIONS = "raw_sc_identifications"
EMBEDDED_IDENTIFICATIONS = PROJECT_ROOT / "seeds" / "raw" / f"{IDENTIFICATIONS}.csv"


class RunRejected(Exception):
    """A run that cannot start, with the reason in words."""


def parse_vars(text: str | None) -> dict[str, object]:
    """The --vars text as a mapping (YAML, as dbt reads it); {} when not given."""
    if not text or not text.strip():
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RunRejected(f"--vars is not valid YAML: {error}") from error
    if not isinstance(parsed, dict):
        raise RunRejected(f'--vars must be a YAML mapping such as "{{review_list_size: 30}}", got {text!r}')
    return parsed


def reject_unknown_vars(given: dict[str, object]) -> None:
    """Every var must be one dbt_project.yml declares; a misspelt one names the nearest known var."""
    known = sorted(project_vars())
    problems = []
    for name in given:
        nearest = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
        hint = f"; did you mean {nearest[0]}?" if nearest else f"; known vars: {', '.join(known)}"
        if name not in known:
            problems.append(f"unknown var {name!r}{hint}")
    if problems:
        raise RunRejected("\n  ".join(["the run's vars are not the warehouse's:", *problems]))


def identification_source(raw_dir: Path | None) -> str:
    """The DuckDB table expression of raw_sc_identifications: the embedded seed or the raw_dir file or folder."""
    if raw_dir is None:
        return f"read_csv('{EMBEDDED_IDENTIFICATIONS}', header = true, all_varchar = true)"
    for candidate, reader in (
        (raw_dir / f"{IDENTIFICATIONS}.csv", "read_csv('{}', header = true, all_varchar = true)"),
        (raw_dir / f"{IDENTIFICATIONS}.parquet", "read_parquet('{}')"),
        (raw_dir / IDENTIFICATIONS, "read_parquet('{}/**/*.parquet', hive_partitioning = true)"),
    ):
        if candidate.exists():
            return reader.format(candidate)
    raise RunRejected(
        f"--raw-dir {raw_dir} has no {IDENTIFICATIONS}.csv, {IDENTIFICATIONS}.parquet or {IDENTIFICATIONS}/ folder"
    )


def periods_in_data(raw_dir: Path | None) -> list[str]:
    """The reporting periods (quarters of period_end) of the identification rows, oldest first. Rows whose
    period_end does not parse are left to the build's input checks."""
    query = f"""
        select distinct printf('%dQ%d', year(day), quarter(day)) as period
        from (select try_cast(period_end as date) as day from {identification_source(raw_dir)})
        where day is not null
        order by period
    """
    try:
        return [row[0] for row in duckdb.sql(query).fetchall()]
    except duckdb.Error as error:
        raise RunRejected(f"cannot read the identification rows to find their periods: {error}") from error


def reject_missing_period(period: object, raw_dir: Path | None) -> None:
    """A reporting_period var must be a quarter the data has."""
    if period is None:
        return
    periods = periods_in_data(raw_dir)
    if str(period) not in periods:
        where = f"--raw-dir {raw_dir}" if raw_dir else "the embedded data"
        shown = ", ".join(periods) if len(periods) <= 12 else ", ".join([*periods[:3], "...", *periods[-8:]])
        raise RunRejected(
            f"reporting_period {period} is not in {where}: its identification rows end in {len(periods)} "
            f"period(s): {shown or 'none'}"
        )
