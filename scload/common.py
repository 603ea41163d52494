"""What every loader shares: the reference seeds, reading a source file into rows that keep their line numbers,
parsing counts and numbers with checks, mapping county codes (renamed and merged codes through ref_fips_changes;
the rows of Puerto Rico and the island areas, which are not in the 2010 county list of the 50 states and DC, are
dropped), the duplicate-key check, and ``Load``, what a loader hands to the writer.

Source files are read as text: UTF-8 (with or without BOM), falling back to Latin-1; CRLF or LF; comma- or
tab-delimited (a tab in the header line means tab), or a JSON array of arrays (the Census API's form). Every row
keeps ``_file`` and ``_line`` (1-based, header lines counted) for error messages, and a ``_label`` the loader sets
(e.g. ``GEOid2 1001 Autauga``) so that an example row says which county it is.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scload.errors import FILE_COLUMN, LINE_COLUMN, Example, InputError, Problems

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"
LABEL_COLUMN = "_label"
WHOLE_FILE = "(whole file)"
MAX_LISTED = 5

COUNT_TEXT = re.compile(r"\d+(?:\.0*)?|\d{1,3}(?:,\d{3})+")
NEGATIVE_TEXT = re.compile(r"-\s*(?:\d+(?:\.\d*)?|\d{1,3}(?:,\d{3})+)")
DECIMAL_TEXT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
COUNTY_CODE_TEXT = re.compile(r"\d{1,5}")
RULE_COUNT = "a count is a whole number (digits, thousands separators allowed), not text"
RULE_NEGATIVE = "counts are non-negative"
RULE_REQUIRED = "a value is required (the field is empty)"
RULE_DECIMAL = "a number (digits with an optional decimal point), not text"
RULE_DUPLICATE = "one row per key: a county appears once in one input (duplicate key)"
TERRITORY_REASON = "Puerto Rico or an island area (state FIPS 60, 66, 69, 72, 74, 78), not in ref_counties"


# State FIPS codes of Puerto Rico and the island areas: real county-level rows of some sources (the ACS county
# tables list Puerto Rico's municipios) that are outside ref_counties (50 states and DC) by design.
TERRITORIES = {
    "60": "American Samoa",
    "66": "Guam",
    "69": "Northern Mariana Islands",
    "72": "Puerto Rico",
    "74": "U.S. Minor Outlying Islands",
    "78": "U.S. Virgin Islands",
}


@dataclass(frozen=True)
class SplitPart:
    """One part of a divided area (ref_fips_splits): the 2010 county it went to and whether it took the area's
    residents."""

    county_fips: str
    has_residents: bool


@dataclass(frozen=True)
class Reference:
    """The reference seeds the loaders check against (read from ``seeds/reference/``): county names and 2010
    populations, code changes (source code → 2010 code, with the note saying what changed), divided areas (source
    code → its parts), reporting units (member county → unit code; unit code → name) and the UCR offense codes."""

    county_names: dict[str, str]
    county_population: dict[str, int]
    fips_changes: dict[str, str]
    fips_change_notes: dict[str, str]
    fips_splits: dict[str, tuple[SplitPart, ...]]
    unit_of: dict[str, str]
    unit_names: dict[str, str]
    offense_codes: tuple[str, ...]

    def county_text(self, code: str) -> str:
        """``02105 Hoonah-Angoon Census Area``, for messages."""
        return f"{code} {self.county_names.get(code, '')}".strip()


def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    """Read ``ref_counties.csv``, ``ref_fips_changes.csv``, ``ref_fips_splits.csv``, ``ref_reporting_units.csv``
    and ``ref_ucr_offense_classes.csv`` from ``directory``."""

    def rows(name: str) -> list[dict[str, str]]:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    counties, changes, units = rows("ref_counties.csv"), rows("ref_fips_changes.csv"), rows("ref_reporting_units.csv")
    splits: dict[str, list[SplitPart]] = {}
    for row in rows("ref_fips_splits.csv"):
        part = SplitPart(row["county_fips"], row["has_residents"] == "true")
        splits.setdefault(row["source_fips"], []).append(part)
    return Reference(
        county_names={row["county_fips"]: row["county_name"] for row in counties},
        county_population={row["county_fips"]: int(row["population_2010"]) for row in counties},
        fips_changes={row["source_fips"]: row["county_fips"] for row in changes},
        fips_change_notes={row["source_fips"]: f"{row['note']}, {row['effective_date']}" for row in changes},
        fips_splits={source: tuple(parts) for source, parts in splits.items()},
        unit_of={row["county_fips"]: row["unit_fips"] for row in units},
        unit_names={row["unit_fips"]: row["unit_name"] for row in units},
        offense_codes=tuple(row["offense_code"] for row in rows("ref_ucr_offense_classes.csv")),
    )


@dataclass(frozen=True)
class SourceTable:
    """A source file read as text: its encoding, its form, its header and one row of strings per data line."""

    path: Path
    encoding: str
    form: str
    header: tuple[str, ...]
    rows: pd.DataFrame

    @property
    def file(self) -> str:
        """The file as the user named it, for messages."""
        return str(self.path)


@dataclass(frozen=True)
class Load:
    """What a loader hands to the writer: the raw table's name, its new rows (contract columns, typed, plus
    ``_file``, ``_line``, ``_label``), notes for the person running it (what was read, skipped and why) and the
    rows of optional companion tables written with it (the UCR loader's data-quality warnings)."""

    table: str
    rows: pd.DataFrame
    notes: list[str]
    companions: tuple[Load, ...] = ()


def whole_file_problem(problems: Problems, file: str, column: str, rule: str, detail: str, line: int | None) -> None:
    """Record a problem of a file rather than of rows (empty file, missing column, malformed JSON, ...)."""
    problems.add_examples(column, rule, [Example(file, line, detail)], count=1)


def read_text(path: Path, problems: Problems) -> tuple[str, str]:
    """Read ``path`` as text: UTF-8 (BOM stripped), else Latin-1. Returns (text, encoding); raises when the file
    cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        whole_file_problem(problems, str(path), WHOLE_FILE, "the input file exists and can be read", str(error), None)
        raise InputError(problems.violations) from error
    try:
        return data.decode("utf-8-sig"), "UTF-8" + (" with BOM" if data.startswith(b"\xef\xbb\xbf") else "")
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def read_source(
    path: Path,
    problems: Problems,
    layout: str,
    is_label_row: Callable[[dict[str, str]], bool] | None = None,
    require_rows: bool = True,
) -> SourceTable:
    """Read a delimited or JSON-array source file into a ``SourceTable``. ``is_label_row`` tells whether the first
    record after the header is a second header row (labels) to skip. Raises ``InputError`` for an empty file, a
    header without data rows (when ``require_rows``), malformed CSV or JSON and lines with a different number of
    fields than the header (a truncated line)."""
    text, encoding = read_text(path, problems)
    file = str(path)
    if text.lstrip().startswith("["):
        form = "JSON array"
        records = json_records(text, file, problems)
    else:
        delimiter = "\t" if "\t" in text.lstrip().split("\n", 1)[0] else ","
        form = "tab-delimited" if delimiter == "\t" else "CSV"
        records = delimited_records(text, delimiter, file, problems)
    if not records and not problems.violations:
        rule = f"the file has a header and data rows ({layout} layout)"
        whole_file_problem(problems, file, WHOLE_FILE, rule, "empty: no header, no data", None)
    problems.raise_if_any()
    header_line, header = records[0]
    header = [name.strip() for name in header]
    data = records[1:]
    if data and is_label_row is not None and is_label_row(dict(zip(header, data[0][1], strict=False))):
        data = data[1:]
        form += " with a label row"
    if not data and require_rows:
        detail = f"the header (line {header_line}) is the only content"
        whole_file_problem(
            problems, file, WHOLE_FILE, f"the file has data rows after its header ({layout} layout)", detail, None
        )
        problems.raise_if_any()
    check_field_counts(problems, file, header, data)
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        detail = "column names appear twice: " + ", ".join(duplicated)
        whole_file_problem(problems, file, ", ".join(duplicated), "column names are unique", detail, header_line)
    problems.raise_if_any()
    frame = pd.DataFrame([fields for _, fields in data], columns=header, dtype=str)
    frame = frame.drop(columns=[name for name in header if name == ""]).apply(lambda column: column.str.strip())
    frame[FILE_COLUMN] = file
    frame[LINE_COLUMN] = [line for line, _ in data]
    return SourceTable(path, encoding, form, tuple(name for name in header if name), frame)


def delimited_records(text: str, delimiter: str, file: str, problems: Problems) -> list[tuple[int, list[str]]]:
    """Parse delimited text into (first line number, fields) records, skipping blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                records.append((previous_end + 1, fields))
            previous_end = reader.line_num
    except csv.Error as error:
        detail = f"{error} (a quote opened and never closed, or a cut-off last line?)"
        whole_file_problem(problems, file, WHOLE_FILE, "well-formed CSV", detail, reader.line_num)
    return records


def json_records(text: str, file: str, problems: Problems) -> list[tuple[int, list[str]]]:
    """Parse the Census API's JSON form, an array of arrays (header first), into (line number, fields) records;
    numbers become their text and null an empty field."""
    decoder = json.JSONDecoder()
    records: list[tuple[int, list[str]]] = []
    position = text.index("[") + 1
    line, counted_to = 1, 0
    rule = "the Census API's JSON form: an array of arrays, the header first"
    try:
        while True:
            position = skip_space(text, position)
            if text[position] == "]":
                return records
            if records:
                if text[position] != ",":
                    raise json.JSONDecodeError("expected ',' or ']'", text, position)
                position = skip_space(text, position + 1)
            line += text.count("\n", counted_to, position)
            counted_to = position
            value, position = decoder.raw_decode(text, position)
            if not isinstance(value, list):
                whole_file_problem(problems, file, WHOLE_FILE, rule, f"not an array: {str(value)[:60]}", line)
                return records
            records.append((line, ["" if item is None else str(item) for item in value]))
    except json.JSONDecodeError as error:
        whole_file_problem(problems, file, WHOLE_FILE, rule, error.msg, error.lineno)
    except IndexError:
        whole_file_problem(problems, file, WHOLE_FILE, rule, "the array is not closed (cut-off file?)", line)
    return records


def skip_space(text: str, position: int) -> int:
    """The first position at or after ``position`` that is not whitespace."""
    while text[position].isspace():
        position += 1
    return position


def check_field_counts(problems: Problems, file: str, header: list[str], data: list[tuple[int, list[str]]]) -> None:
    """Every record has as many fields as the header; a shorter one is usually a truncated line."""
    uneven = [(line, fields) for line, fields in data if len(fields) != len(header)]
    if not uneven:
        return
    examples = []
    for line, fields in uneven:
        missing = header[len(fields) :]
        detail = f"{len(fields)} fields, the header has {len(header)}"
        detail += f" (no value for {', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}: truncated line?)"
        examples.append(Example(file, line, detail if missing else f"{len(fields)} fields, header {len(header)}"))
    first = uneven[0][1]
    column = header[len(first)] if len(first) < len(header) else "(extra fields)"
    rule = f"every line has as many fields as the header ({len(header)})"
    problems.add_examples(column, rule, examples, count=len(uneven))


def select_columns(
    problems: Problems, source: SourceTable, layout: str, required: list[str], optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The source's rows with the ``required`` and present ``optional`` columns under their canonical names (a
    header may differ in case or surrounding spaces). A missing required column is recorded, with the closest
    header name when there is one (a renamed column)."""
    by_folded = {name.casefold(): name for name in source.header}
    renames: dict[str, str] = {}
    for name in [*required, *optional]:
        found = by_folded.get(name.casefold())
        if found is not None:
            renames[found] = name
        elif name in required:
            close = difflib.get_close_matches(name, source.header, n=1, cutoff=0.6)
            detail = f"header has {len(source.header)} columns: {', '.join(source.header[:8])}"
            detail += " ..." if len(source.header) > 8 else ""
            hint = f"rename column {close[0]!r} back to {name!r}" if close else f"add the column {name!r}"
            problems.add_examples(
                name, f"the {layout} layout has a column {name}", [Example(source.file, 1, detail)], 1, hint
            )
    return source.rows[[*renames, FILE_COLUMN, LINE_COLUMN]].rename(columns=renames)


def value_detail(column: str) -> Callable[[pd.Series], str]:
    """An example text showing the row's label and its value in ``column``."""
    return lambda row: f"{row[LABEL_COLUMN]}: {column} = {row[column]!r}"


def parse_counts(problems: Problems, rows: pd.DataFrame, column: str, required: bool = True) -> pd.Series:
    """The text column ``column`` of ``rows`` as non-negative integers (``Int64``; an empty field is null unless
    ``required``). Records text, negative and missing values as violations."""
    text = rows[column].fillna("")
    empty = text == ""
    valid = text.str.fullmatch(COUNT_TEXT.pattern)
    negative = text.str.fullmatch(NEGATIVE_TEXT.pattern)
    describe = value_detail(column)
    if required:
        problems.add_where(column, RULE_REQUIRED, rows, empty, describe)
    problems.add_where(column, RULE_NEGATIVE, rows, negative, describe)
    problems.add_where(column, RULE_COUNT, rows, ~empty & ~valid & ~negative, describe)
    digits = text.where(valid, "").str.replace(",", "", regex=False).str.replace(r"\.0*$", "", regex=True)
    return pd.to_numeric(digits.where(digits != ""), errors="coerce").astype("Int64")


def parse_decimals(problems: Problems, rows: pd.DataFrame, column: str, required: bool = True) -> pd.Series:
    """The text column ``column`` of ``rows`` as floats (an empty field is NaN unless ``required``); text is a
    violation. Range rules are the caller's."""
    text = rows[column].fillna("")
    empty = text == ""
    valid = text.str.fullmatch(DECIMAL_TEXT.pattern)
    describe = value_detail(column)
    if required:
        problems.add_where(column, RULE_REQUIRED, rows, empty, describe)
    problems.add_where(column, RULE_DECIMAL, rows, ~empty & ~valid, describe)
    return pd.to_numeric(text.where(valid), errors="coerce").astype("float64")


def map_county_codes(
    problems: Problems, rows: pd.DataFrame, codes: pd.Series, column: str, reference: Reference, exact: bool = False
) -> tuple[pd.Series, list[str]]:
    """Map county codes (state + county FIPS; zero-padded to 5 unless ``exact``, where 5 digits are required)
    through ref_fips_changes. Malformed codes and codes not in ref_counties after mapping are violations of
    ``column``. Returns the 5-character codes (null where bad) and a note on codes changed by the mapping."""
    codes = codes.fillna("")
    pattern = r"\d{5}" if exact else COUNTY_CODE_TEXT.pattern
    well_formed = codes.str.fullmatch(pattern)
    shape = "5 digits, zero-padded (state + county FIPS)" if exact else "up to 5 digits (state + county FIPS)"

    def describe(row: pd.Series) -> str:
        return f"{row[LABEL_COLUMN]}: county code {row['_code']!r}"

    shown = rows.assign(_code=codes)
    problems.add_where(column, f"a county code is {shape}", shown, ~well_formed, describe)
    padded = codes.where(well_formed, "").str.zfill(5)
    mapped = padded.map(lambda code: reference.fips_changes.get(code, code))
    known = mapped.isin(list(reference.county_names))
    rule = "a county of ref_counties (2010 geography) after mapping through ref_fips_changes"
    problems.add_where(column, rule, shown, well_formed & ~known, describe)
    changed = well_formed & known & (mapped != padded)
    note = []
    if changed.any():
        pairs = sorted({f"{old} -> {new}" for old, new in zip(padded[changed], mapped[changed], strict=True)})
        note.append(f"mapped {int(changed.sum())} county code(s) through ref_fips_changes: {', '.join(pairs)}")
    return mapped.where(well_formed & known), note


def territory_rows(codes: pd.Series) -> pd.Series:
    """Whether each county code (up to 5 digits, zero-padded here) is of Puerto Rico or an island area."""
    padded = codes.fillna("").where(codes.fillna("").str.fullmatch(COUNTY_CODE_TEXT.pattern), "").str.zfill(5)
    return padded.str[:2].isin(list(TERRITORIES)) & (padded != "00000")


def key_text(rows: pd.DataFrame, key: list[str]) -> pd.Series:
    """The ``key`` columns of ``rows`` joined by spaces (``01001 2011 DUI``), for messages and set lookups."""
    text = rows[key[0]].astype(str)
    return text.str.cat([rows[name].astype(str) for name in key[1:]], sep=" ") if len(key) > 1 else text


def check_unique(problems: Problems, rows: pd.DataFrame, key: list[str], column: str, rule: str) -> None:
    """The ``key`` columns of ``rows`` identify one row (rows with a null key part are left to other checks);
    duplicates are violations of ``column`` (the source column the county came from, or the key)."""
    complete = rows[rows[key].notna().all(axis=1)]
    duplicated = complete[complete.duplicated(key, keep=False)]
    if duplicated.empty:
        return
    keys = key_text(duplicated, key)
    lines = duplicated[LINE_COLUMN].groupby(keys).agg(list)

    def describe(row: pd.Series) -> str:
        others = ", ".join(str(line) for line in lines[row["_key"]] if line != row[LINE_COLUMN])
        return f"{row[LABEL_COLUMN]}: key ({row['_key']}) also on line {others}"

    problems.add_rows(column, rule, duplicated.assign(_key=keys), describe)


def listed(items: list[str], total: int | None = None) -> str:
    """Up to five items joined with commas, then how many more."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f", ... ({total - MAX_LISTED} more)" if total > MAX_LISTED else "")


def skipped_note(reason: str, rows: pd.DataFrame) -> list[str]:
    """A note on rows skipped for ``reason``: how many and up to five with their lines; none when empty."""
    if rows.empty:
        return []
    examples = [f"line {row[LINE_COLUMN]} {row[LABEL_COLUMN]}" for _, row in rows.head(MAX_LISTED).iterrows()]
    return [f"skipped {len(rows)} row(s): {reason}; e.g. {listed(examples, len(rows))}"]
