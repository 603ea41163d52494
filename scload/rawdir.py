"""The raw directory: the three raw tables of docs/CONTRACT.md as CSV files, merged, checked and written, and the
UCR loader's optional companion table of data-quality warnings ``raw_ucr_data_quality`` (the warehouse reads it when
it is there, and shows the warnings in the review packet).

``publish`` takes a loader's new rows, reads the table already in RAW_DIR (checked against the contract like the new
rows), replaces the rows whose key is reloaded, checks every contract rule on the result (including: no overlapping
identification intervals of one county), and only then writes ``<RAW_DIR>/<table>.csv`` atomically (a temporary
file in the same directory, then ``os.replace``). A companion table (the data-quality warnings) is merged, checked
and written the same way, after every table has passed; its rows of a reloaded data year are all replaced, so that
a warning a corrected file no longer raises disappears. After writing it warns about counties that have
identifications but no census row, or no UCR row for any year.

The columns, types, key and rules, the companion table's too, are the contract's one definition (scload.contract,
read from models/staging/_raw__sources.yml, the same file the warehouse's staging tests read): each column is
parsed by its type and checked by its rules, each cross-column rule's SQL ``check`` is evaluated by DuckDB as the
warehouse evaluates it, and the rules over several rows (``ROW_SET_RULES``) are implemented here by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from scload.common import (
    LABEL_COLUMN,
    REFERENCE_DIR,
    RULE_REQUIRED,
    WHOLE_FILE,
    Load,
    Reference,
    SourceTable,
    check_unique,
    key_text,
    listed,
    map_county_codes,
    parse_counts,
    parse_decimals,
    read_source,
    value_detail,
)
from scload.contract import (
    CENSUS,
    COMPANIONS,
    CONTRACT,
    IDENTIFICATIONS,
    UCR,
    UCR_QUALITY,
    Column,
    Table,
    TableRule,
)
from scload.errors import FILE_COLUMN, LINE_COLUMN, MAX_EXAMPLES, Example, Problems

PERCENT_HINT = "the values look like a percentage; divide by 100"
# The key rule, in the same words as the warehouse's staging test (tests/generic/raw_contract_rules.sql).
RULE_KEY = "the key identifies one row (duplicate key; county codes mapped through ref_fips_changes)"
BOOLEAN_TEXT = {"true": True, "t": True, "1": True, "yes": True, "false": False, "f": False, "0": False, "no": False}


@dataclass(frozen=True)
class TableSpec:
    """A table the loaders write: its contract (columns in contract order, key, rules: scload.contract), the
    column its periods are reported by, and for a companion table the column whose reloaded values replace all
    existing rows with that value."""

    table: Table
    period: str
    replaced_by: str | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.table.columns

    @property
    def key(self) -> tuple[str, ...]:
        return self.table.key

    @property
    def column_names(self) -> list[str]:
        return self.table.column_names


def ucr_quality_table() -> Table:
    """raw_ucr_data_quality, the UCR loader's companion table of data-quality warnings: an optional table of the
    contract's one definition (scload.contract ``COMPANIONS``), not one of its three raw tables."""
    return COMPANIONS[UCR_QUALITY]


# The raw tables of the contract (its one definition: scload.contract), and the UCR loader's companion table.
SPECS = {
    IDENTIFICATIONS: TableSpec(CONTRACT[IDENTIFICATIONS], "period_end"),
    CENSUS: TableSpec(CONTRACT[CENSUS], "acs_vintage"),
    UCR: TableSpec(CONTRACT[UCR], "data_year"),
    UCR_QUALITY: TableSpec(ucr_quality_table(), "data_year", replaced_by="data_year"),
}


@dataclass(frozen=True)
class Merged:
    """The table after merging: all rows, and how many existing rows were replaced and kept."""

    rows: pd.DataFrame
    existing: int
    replaced: int


def raw_path(raw_dir: Path, table: str) -> Path:
    """``<raw_dir>/<table>.csv``."""
    return raw_dir / f"{table}.csv"


def read_existing(raw_dir: Path, spec: TableSpec, reference: Reference) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``<raw_dir>/<table>.csv`` parsed to contract types (empty when there is no file or only a
    header), with their lines, and notes on what the rewrite changes (extra columns dropped, county codes mapped).
    Raises ``InputError`` when the table is there as Parquet (the loader merges into CSV only), or when a value
    cannot be parsed or a required column is missing."""
    problems = Problems(spec.name)
    parquet = [raw_dir / f"{spec.name}.parquet", raw_dir / spec.name]
    for path in parquet:
        if path.exists():
            detail = "the warehouse would read the Parquet form and ignore the CSV the loader writes"
            hint = f"convert it to {spec.name}.csv or move it out of {raw_dir}"
            problems.add_examples(
                WHOLE_FILE, "the loader merges into CSV only", [Example(str(path), None, detail)], 1, hint
            )
    problems.raise_if_any()
    path = raw_path(raw_dir, spec.name)
    if not path.exists():
        return empty_table(spec), []
    source = read_source(path, problems, f"{spec.name} (CONTRACT.md)", require_rows=False)
    rows, mapping_note = parse_raw(problems, source, spec, reference)
    extra = [name for name in source.header if name.casefold() not in spec.column_names]
    notes = [f"existing {path}: {note}" for note in mapping_note]
    if extra:
        notes.append(f"existing {path}: columns not in the contract dropped on rewrite: {', '.join(extra)}")
    return rows, notes


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with the contract columns and no rows."""
    return pd.DataFrame(columns=[*spec.column_names, FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN])


def parse_raw(
    problems: Problems, source: SourceTable, spec: TableSpec, reference: Reference
) -> tuple[pd.DataFrame, list[str]]:
    """A raw table file's rows typed by the contract (columns matched by name, case-insensitively; an absent
    optional column is null) and a note on county codes mapped through ref_fips_changes; every unparsable value
    is a violation. Raises ``InputError`` if any."""
    folded = {name.casefold(): name for name in source.header}
    missing = [column.name for column in spec.columns if column.required and column.name not in folded]
    for name in missing:
        detail = f"header: {', '.join(source.header)}"
        problems.add_examples(name, f"{spec.name} has the required column {name}", [Example(source.file, 1, detail)], 1)
    problems.raise_if_any()
    rows = source.rows.rename(columns={folded[name.casefold()]: name for name in spec.column_names if name in folded})
    for column in spec.columns:
        if column.name not in rows:
            rows[column.name] = ""
    rows[LABEL_COLUMN] = "county " + rows["county_fips"]
    typed = rows[[FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN]].copy()
    mapping_note: list[str] = []
    for column in spec.columns:
        if column.kind == "county":
            codes = rows[column.name].fillna("")
            typed[column.name], note = map_county_codes(problems, rows, codes, column.name, reference, exact=True)
            mapping_note += note
        else:
            typed[column.name] = parse_raw_column(problems, rows, column)
    problems.raise_if_any()
    return typed[[*spec.column_names, FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN]], mapping_note


def parse_raw_column(problems: Problems, rows: pd.DataFrame, column: Column) -> pd.Series:
    """One contract column (other than a county code) of a raw file, parsed by its kind (``Column.kind``, from
    its contract type); violations recorded in ``problems``."""
    text = rows[column.name].fillna("")
    empty = text == ""
    if column.kind == "count":
        return parse_counts(problems, rows, column.name, column.required)
    if column.kind == "decimal":
        return parse_decimals(problems, rows, column.name, column.required)
    if column.required:
        problems.add_where(column.name, RULE_REQUIRED, rows, empty, value_detail(column.name))
    if column.kind == "integer":
        valid = text.str.fullmatch(r"-?\d+")
        problems.add_where(column.name, "a whole number", rows, ~empty & ~valid, value_detail(column.name))
        return pd.to_numeric(text.where(valid), errors="coerce").astype("Int64")
    if column.kind == "date":
        dates = text.map(iso_date)
        problems.add_rows(
            column.name, "a date is ISO YYYY-MM-DD", rows[~empty & dates.isna()], value_detail(column.name)
        )
        return dates
    if column.kind == "boolean":
        flags = text.str.lower().map(BOOLEAN_TEXT)
        problems.add_where(column.name, "true or false", rows, ~empty & flags.isna(), value_detail(column.name))
        return flags.astype("boolean")
    return text.where(~empty)


def iso_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not one."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def merge(existing: pd.DataFrame, new: pd.DataFrame, spec: TableSpec, reloaded_values: set[object]) -> Merged:
    """Existing rows whose key is not reloaded, then the new rows: a reloaded key replaces its old row; for a
    table with ``replaced_by``, every existing row whose value there is in ``reloaded_values`` is replaced."""
    if existing.empty:
        return Merged(new.reset_index(drop=True), 0, 0)
    if spec.replaced_by is not None:
        reloaded = existing[spec.replaced_by].isin(list(reloaded_values))
    else:
        key = list(spec.key)
        reloaded = key_text(existing, key).isin(set(key_text(new, key)))
    parts = [frame for frame in (existing[~reloaded], new) if not frame.empty]
    rows = pd.concat(parts, ignore_index=True) if parts else empty_table(spec)
    return Merged(rows, len(existing), int(reloaded.sum()))


def validate(rows: pd.DataFrame, spec: TableSpec, reference: Reference) -> None:
    """Every rule of the contract on the merged table: the key, each column's rules and the table's rules, as
    the contract's definition states them (scload.contract); raises ``InputError`` naming each rule broken, with
    rows from the input file(s) and the existing raw file."""
    problems = Problems(spec.name)
    check_unique(problems, rows, list(spec.key), ", ".join(spec.key), RULE_KEY)
    for column in spec.columns:
        check_column(problems, rows, spec.table, column, reference)
    checks = [rule for rule in spec.table.rules if rule.check is not None]
    broken = rows_breaking(rows, spec.table, [rule.check for rule in checks if rule.check is not None])
    for rule, breaks in zip(checks, broken, strict=True):
        shown = spec.table.referenced_columns(rule.check or "")
        problems.add_where(rule.column, rule.description, rows, breaks, show(*shown))
    for rule in spec.table.rules:
        if rule.check is None:
            ROW_SET_RULES[rule.name](problems, rows, rule)
    problems.raise_if_any()


def show(*columns: str) -> Callable[[pd.Series], str]:
    """An example text with the row's label, its period (identifications) and the named values."""

    def describe(row: pd.Series) -> str:
        values = ", ".join(f"{name}={text_value(row[name])}" for name in columns)
        period = f" {row['period_start']}..{row['period_end']}" if "period_start" in row else ""
        return f"{row[LABEL_COLUMN]}{period}: {values}"

    return describe


def check_column(problems: Problems, rows: pd.DataFrame, table: Table, column: Column, reference: Reference) -> None:
    """A column's contract rules: a required value is there, and each rule of the column (scload.contract)."""
    values = rows[column.name]
    if column.required:
        problems.add_where(column.name, RULE_REQUIRED, rows, values.isna(), show(column.name))
    for rule in column.rules:
        text = rule.text(column.name)
        hint = ""
        if rule.kind == "county_code":
            broken = values.notna() & ~values.isin(list(reference.county_names))
        elif rule.kind == "accepted_values":
            broken = values.notna() & ~values.isin(list(rule.values))
        elif rule.kind == "in_reference":
            allowed = reference_values(rule.reference_table or "", rule.reference_column or "")
            broken = values.notna() & ~values.isin(list(allowed))
            hint = f"the values of {rule.reference_table}.{rule.reference_column}: " + " ".join(allowed)
        elif rule.kind == "range":
            broken = pd.Series(False, index=rows.index)
            if rule.min_value is not None:
                broken |= (values < rule.min_value).fillna(False).astype(bool)
            if rule.max_value is not None:
                broken |= (values > rule.max_value).fillna(False).astype(bool)
            if rule.min_value == 0 and rule.max_value == 1 and looks_like_percentages(values):
                text += " (looks like a percentage)"
                hint = PERCENT_HINT
        else:
            (broken,) = rows_breaking(rows, table, [rule.check or ""])
        problems.add_where(column.name, text, rows, broken, show(column.name), hint)


def looks_like_percentages(values: pd.Series) -> bool:
    """Shares given as percentages: some above 1, none above 100 or below 0."""
    return bool((values > 1).any() and values.max() <= 100 and (values >= 0).all())


@functools.cache
def reference_values(table: str, column: str) -> tuple[str, ...]:
    """The values of ``column`` in the reference seed ``seeds/reference/<table>.csv``, in the seed's order."""
    with (REFERENCE_DIR / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(row[column] for row in csv.DictReader(handle))


def rows_breaking(rows: pd.DataFrame, table: Table, checks: list[str]) -> list[pd.Series]:
    """For each SQL ``check`` (a boolean on the raw column names, as the definition states it), which rows break
    it (null passes). Evaluated by DuckDB, as the warehouse evaluates it: on the rows written as the raw CSV and
    cast to the contract types."""
    if not checks or rows.empty:
        return [pd.Series(False, index=rows.index) for _ in checks]
    names = sorted({name for check in checks for name in table.referenced_columns(check)}, key=table.column_names.index)
    text = pd.DataFrame({name: column_text(rows[name], table.column(name).data_type).to_numpy() for name in names})
    typed = ", ".join(
        f'try_cast(nullif("{name}", \'\') as {table.column(name).data_type}) as "{name}"' for name in names
    )
    broken = ", ".join(f"not coalesce(({check}), true) as broken_{index}" for index, check in enumerate(checks))
    with duckdb.connect() as connection:
        connection.register("text_rows", text)
        result = connection.execute(
            f"with contract_rows as (select {typed} from text_rows) select {broken} from contract_rows"
        ).fetchnumpy()
    return [pd.Series(result[f"broken_{index}"], index=rows.index).astype(bool) for index in range(len(checks))]


def check_overlaps(problems: Problems, rows: pd.DataFrame, rule: TableRule) -> None:
    """Intervals of one county do not overlap: sorted by start, a row may not start on or before the latest end
    of the county's earlier rows. Each example names both rows (file and line)."""
    ordered = rows.sort_values(["county_fips", "period_start", "period_end"], kind="stable").reset_index(drop=True)
    county = ordered["county_fips"]
    ends = pd.to_datetime(ordered["period_end"])
    latest_end = ends.groupby(county).cummax().groupby(county).shift()
    overlapping = ordered[(pd.to_datetime(ordered["period_start"]) <= latest_end).to_numpy()]
    if overlapping.empty:
        return
    examples = []
    for index, row in overlapping.head(MAX_EXAMPLES).iterrows():
        earlier = ordered.iloc[:index]
        other = earlier[(earlier["county_fips"] == row["county_fips"]) & (ends.iloc[:index] == latest_end[index])]
        other_row = other.iloc[-1]
        detail = (
            f"county {row['county_fips']} {row['period_start']}..{row['period_end']} overlaps "
            f"{other_row['period_start']}..{other_row['period_end']} "
            f"({other_row[FILE_COLUMN]} line {other_row[LINE_COLUMN]})"
        )
        examples.append(Example(str(row[FILE_COLUMN]), int(row[LINE_COLUMN]), detail))
    hint = (
        "load the cumulative ICE snapshots of one county together (python -m scload ice OLDER NEWER "
        "--as-of ... --as-of ...) so that the later ones become flows, or remove the old rows from the raw file"
    )
    problems.add_examples(rule.column, rule.description, examples, len(overlapping), hint)


def check_one_coverage_per_county_year(problems: Problems, rows: pd.DataFrame, rule: TableRule) -> None:
    """The coverage indicator is the county-year's: the same on every offense row of a county and data year."""
    distinct = rows.groupby(["county_fips", "data_year"])["coverage_indicator"].transform("nunique")
    problems.add_rows(
        rule.column, rule.description, rows[distinct > 1], show("data_year", "offense_code", "coverage_indicator")
    )


# The contract's rules over several rows (a `test`, not a row-by-row `check`, in the definition), by name.
ROW_SET_RULES: dict[str, Callable[[Problems, pd.DataFrame, TableRule], None]] = {
    "intervals_do_not_overlap": check_overlaps,
    "coverage_same_on_every_row_of_a_county_year": check_one_coverage_per_county_year,
}


def text_value(value: object) -> str:
    """A value as written in a raw CSV: empty for null, ISO dates, integers without decimals, floats round-trip,
    booleans as true/false."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_text(values: pd.Series, data_type: str) -> pd.Series:
    """A contract column as written in a raw CSV (see ``text_value``), vectorised by the column's contract type."""
    if data_type in {"bigint", "integer"}:
        return values.astype("Int64").astype("string").fillna("")
    if data_type == "double":
        return values.astype("float64").map(lambda number: "" if pd.isna(number) else repr(float(number)))
    if data_type == "boolean":
        return values.astype("boolean").map({True: "true", False: "false"}).fillna("")
    if data_type == "date":
        return values.map(lambda date: "" if date is None or pd.isna(date) else date.isoformat())
    return values.astype("string").fillna("")


def current_umask() -> int:
    """The process's file-creation mask (read by setting it and setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv(path: Path, rows: pd.DataFrame, spec: TableSpec) -> None:
    """Write the contract columns of ``rows`` (sorted by key) to ``path`` atomically: a temporary file in the same
    directory, then ``os.replace``; UTF-8, LF, empty field for null. The file keeps the old file's permissions,
    or gets those of a newly created file."""
    ordered = rows.sort_values(list(spec.key), kind="stable")
    text = pd.DataFrame({column.name: column_text(ordered[column.name], column.data_type) for column in spec.columns})
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            text.to_csv(handle, index=False, lineterminator="\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(path.stat().st_mode if path.exists() else 0o666 & ~current_umask())
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def describe_periods(rows: pd.DataFrame, spec: TableSpec) -> str:
    """Rows per period (identifications: per period_end; census: per vintage; UCR: per data year)."""
    counts = rows.groupby(rows[spec.period].map(text_value)).size().sort_index()
    return ", ".join(f"{period}: {count}" for period, count in counts.items()) or "none"


@dataclass(frozen=True)
class Prepared:
    """A table ready to write: its spec, the load's new rows, the merged table and notes on the existing file."""

    spec: TableSpec
    new: pd.DataFrame
    merged: Merged
    existing_notes: list[str]


def prepare(load: Load, main: Load, raw_dir: Path, reference: Reference) -> Prepared:
    """Read the table's existing file, merge ``load``'s rows into it and validate the result (raises
    ``InputError``). A companion table's reloaded values (``replaced_by``) are those of the ``main`` load."""
    spec = SPECS[load.table]
    existing, existing_notes = read_existing(raw_dir, spec, reference)
    reloaded = set(main.rows[spec.replaced_by]) if spec.replaced_by is not None else set()
    merged = merge(existing, load.rows, spec, reloaded)
    validate(merged.rows, spec, reference)
    return Prepared(spec, load.rows, merged, existing_notes)


def publish(load: Load, raw_dir: Path, reference: Reference) -> list[str]:
    """Merge ``load`` (and its companion tables) into ``<raw_dir>/<table>.csv``, validate every table, then write
    them; return the report lines (what was read, replaced, written, then warnings). Raises ``InputError`` (nothing
    written) when any rule is broken."""
    tables = [prepare(part, load, raw_dir, reference) for part in (load, *load.companions)]
    raw_dir.mkdir(parents=True, exist_ok=True)
    report = list(load.notes)
    for table in tables:
        spec, new, merged = table.spec, table.new, table.merged
        path = raw_path(raw_dir, spec.name)
        write_csv(path, merged.rows, spec)
        replaced = f"by reloaded {spec.replaced_by}" if spec.replaced_by else "by reloaded keys"
        added = len(new) if spec.replaced_by else len(new) - merged.replaced
        report.append(
            f"{spec.name}: {len(new)} new row(s), {new['county_fips'].nunique()} counties; "
            f"by {spec.period}: {describe_periods(new, spec)}"
        )
        report += table.existing_notes
        report.append(
            f"wrote {path}: {len(merged.rows)} rows, {merged.rows['county_fips'].nunique()} counties "
            f"(of {merged.existing} existing rows {merged.replaced} replaced {replaced}, "
            f"{merged.existing - merged.replaced} kept; {added} added); "
            f"by {spec.period}: {describe_periods(merged.rows, spec)}"
        )
    return report + missing_counterparts(raw_dir, reference)


def table_counties(raw_dir: Path, table: str, reference: Reference) -> set[str] | None:
    """The counties (mapped through ref_fips_changes) of a raw table in ``raw_dir`` in any form the warehouse
    reads (CSV, Parquet file, folder of Parquet files), or None when the table is not there. Raises
    ``duckdb.Error`` when the file cannot be read."""
    csv_path, parquet_path, folder = raw_path(raw_dir, table), raw_dir / f"{table}.parquet", raw_dir / table
    if parquet_path.exists():
        relation, path = "read_parquet(?)", str(parquet_path)
    elif folder.is_dir():
        relation, path = "read_parquet(?, union_by_name = true)", f"{folder}/**/*.parquet"
    elif csv_path.exists():
        relation, path = "read_csv(?, header = true, all_varchar = true)", str(csv_path)
    else:
        return None
    codes = duckdb.execute(f"select distinct cast(county_fips as varchar) from {relation}", [path]).fetchall()
    return {reference.fips_changes.get(code, code) for (code,) in codes if code is not None}


def missing_counterparts(raw_dir: Path, reference: Reference) -> list[str]:
    """Warnings: counties with identifications but no census row (any vintage) or no UCR row (any year), and raw
    tables not yet in ``raw_dir`` (the warehouse needs all three)."""
    try:
        identified = table_counties(raw_dir, IDENTIFICATIONS, reference)
        others = {table: table_counties(raw_dir, table, reference) for table in (CENSUS, UCR)}
    except duckdb.Error as error:
        return [f"WARNING: could not compare the counties of the raw tables in {raw_dir}: {error}"]
    warnings = []
    for table, what in ((CENSUS, "no census row (any vintage)"), (UCR, "no UCR row for any year")):
        counties = others[table]
        if counties is None:
            warnings.append(f"WARNING: {raw_dir} has no {table} yet; the warehouse needs all three raw tables")
            continue
        if identified is None:
            continue
        missing = sorted(identified - counties)
        if missing:
            names = [f"{code} {reference.county_names.get(code, '')}".strip() for code in missing[:5]]
            warnings.append(
                f"WARNING: {len(missing)} of {len(identified)} counties with identifications have {what} in "
                f"{table}: {listed(names, len(missing))}"
            )
    if identified is None:
        warnings.append(f"WARNING: {raw_dir} has no {IDENTIFICATIONS} yet; the warehouse needs all three raw tables")
    return warnings
