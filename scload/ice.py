"""ICE Secure Communities "IDENT/IAFIS Interoperability Statistics" county tables → raw_sc_identifications.

Input layout (one file per report, as published; e.g. White 2016's ICE columns): a header line with at least
``GEOid2`` (state + county FIPS as an integer, no padding), ``activationdate`` (``m/d/yyyy``), ``submissions``,
``identmatch_lescl1``, ``identmatch_lescl23``, ``identmatch_total`` (counts, thousands separators allowed, e.g.
``"2,743"``); ``county`` is used in messages; other columns (state, GEOid, abbrev, aor, removals..., P0010001) are
ignored. Counts are cumulative from the county's activation to the report's as-of date. A row with no activation
date and no counts is a county not yet activated: skipped; so are rows of Puerto Rico and the island areas (not in
ref_counties). Codes are mapped through ref_fips_changes (the table as of 2012-08-31 has no retired code; a later
table's 02158 or 46102 becomes 02270 or 46113). Multi-county jurisdictions (New York City on 36085, Skagway-Hoonah-
Angoon on 02105, ...) are rows like any other: their unit is ref_reporting_units' business, downstream.

One snapshot gives one row per county: activation date .. as-of date. Several snapshots give the first one's
cumulative rows, then for each later snapshot the flow since the previous one (later minus earlier per county),
from the previous as-of date + 1 day (or the activation date, for a county activated after it) to this as-of date.
Cumulative counts that go down between snapshots are an error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scload.common import (
    LABEL_COLUMN,
    RULE_DUPLICATE,
    TERRITORY_REASON,
    Load,
    Reference,
    check_unique,
    map_county_codes,
    parse_counts,
    read_source,
    select_columns,
    skipped_note,
    territory_rows,
    value_detail,
)
from scload.errors import FILE_COLUMN, LINE_COLUMN, Example, Problems
from scload.rawdir import IDENTIFICATIONS

LAYOUT = "ICE IDENT/IAFIS statistics"
COUNTY = "GEOid2"
ACTIVATION = "activationdate"
SUBMISSIONS = "submissions"
MATCHES_TOTAL = "identmatch_total"
LEVEL1 = "identmatch_lescl1"
LEVEL2_3 = "identmatch_lescl23"
COUNT_COLUMNS = {
    SUBMISSIONS: "submissions",
    MATCHES_TOTAL: "matches_total",
    LEVEL1: "matches_level1",
    LEVEL2_3: "matches_level2_3",
}


def parse_activation_date(text: str) -> dt.date | None:
    """``m/d/yyyy`` (or ISO ``yyyy-mm-dd``) as a date; None when it is neither."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if match:
            month, day, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def read_snapshot(
    path: Path, as_of: dt.date, reference: Reference, problems: Problems
) -> tuple[pd.DataFrame, list[str]]:
    """One ICE table as of ``as_of``: one row per activated county (``county_fips``, ``activation_date``, the four
    counts, ``_file``, ``_line``, ``_label``) and notes on what was read and skipped. Violations go to
    ``problems``; the caller raises."""
    source = read_source(path, problems, LAYOUT)
    rows = select_columns(problems, source, LAYOUT, [COUNTY, ACTIVATION, *COUNT_COLUMNS], optional=("county",))
    problems.raise_if_any()
    rows[LABEL_COLUMN] = (COUNTY + " " + rows[COUNTY] + " " + rows.get("county", "")).str.strip()
    counts_given = (rows[list(COUNT_COLUMNS)] != "").any(axis=1)
    no_date = rows[ACTIVATION] == ""
    problems.add_rows(
        ACTIVATION,
        "a county with counts has an activation date",
        rows[no_date & counts_given],
        value_detail(SUBMISSIONS),
    )
    notes = [f"read {source.file} ({source.form}, {source.encoding}) as of {as_of}: {len(rows)} data rows"]
    notes += skipped_note("not yet activated (no activation date, no counts)", rows[no_date & ~counts_given])
    territory = territory_rows(rows[COUNTY])
    notes += skipped_note(TERRITORY_REASON, rows[territory & ~no_date])
    rows = rows[~no_date & ~territory].copy()
    snapshot = rows[[FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN]].copy()
    snapshot["county_fips"], mapping_note = map_county_codes(problems, rows, rows[COUNTY], COUNTY, reference)
    snapshot["activation_date"] = rows[ACTIVATION].map(parse_activation_date)
    problems.add_rows(
        ACTIVATION, "an activation date is m/d/yyyy", rows[snapshot["activation_date"].isna()], value_detail(ACTIVATION)
    )
    after = snapshot["activation_date"].map(lambda date: date is not None and date > as_of)
    problems.add_rows(
        ACTIVATION,
        f"activated on or before the table's as-of date {as_of}",
        rows[after.astype(bool)],
        value_detail(ACTIVATION),
    )
    for column, name in COUNT_COLUMNS.items():
        snapshot[name] = parse_counts(problems, rows, column, required=column in {SUBMISSIONS, MATCHES_TOTAL})
    check_counts(problems, rows, snapshot)
    check_unique(problems, snapshot, ["county_fips"], COUNTY, RULE_DUPLICATE)
    notes.append(f"  {len(snapshot)} activated counties")
    notes += [f"  {note}" for note in mapping_note]
    return snapshot, notes


def check_counts(problems: Problems, rows: pd.DataFrame, snapshot: pd.DataFrame) -> None:
    """Within one table: matches <= submissions, Level 1 + Levels 2&3 <= matches."""
    above = (snapshot["matches_total"] > snapshot["submissions"]).fillna(False)
    problems.add_rows(
        MATCHES_TOTAL, f"{MATCHES_TOTAL} <= {SUBMISSIONS}", rows[above], show_values(SUBMISSIONS, MATCHES_TOTAL)
    )
    level_sum = snapshot["matches_level1"].fillna(0) + snapshot["matches_level2_3"].fillna(0)
    problems.add_rows(
        f"{LEVEL1} + {LEVEL2_3}",
        f"level parts <= {MATCHES_TOTAL}",
        rows[(level_sum > snapshot["matches_total"]).fillna(False)],
        show_values(MATCHES_TOTAL, LEVEL1, LEVEL2_3),
    )


def show_values(*columns: str) -> Callable[[pd.Series], str]:
    """An example text with the row's label and the named source values."""
    return lambda row: f"{row[LABEL_COLUMN]}: " + ", ".join(f"{column}={row[column]!r}" for column in columns)


@dataclass(frozen=True)
class Snapshot:
    """One ICE table: its file, its as-of date and its activated counties (see ``read_snapshot``)."""

    path: Path
    as_of: dt.date
    rows: pd.DataFrame

    @property
    def source(self) -> str:
        return f"ICE IDENT/IAFIS statistics as of {self.as_of} ({self.path.name})"


def identification_rows(
    snapshot: Snapshot, counts: pd.DataFrame, period_start: list[dt.date], source: str
) -> pd.DataFrame:
    """Rows of raw_sc_identifications (contract columns, then ``_file``, ``_line``, ``_label``) for the counties
    of ``counts`` (county_fips, the four counts, provenance), from ``period_start`` to the snapshot's date."""
    counts = counts.reset_index(drop=True)
    return pd.DataFrame(
        {
            "county_fips": counts["county_fips"],
            "period_start": period_start,
            "period_end": snapshot.as_of,
            "submissions": counts["submissions"],
            "matches_total": counts["matches_total"],
            "matches_level1": counts["matches_level1"],
            "matches_level2": pd.array([pd.NA] * len(counts), dtype="Int64"),
            "matches_level3": pd.array([pd.NA] * len(counts), dtype="Int64"),
            "matches_level2_3": counts["matches_level2_3"],
            "level_basis": pd.NA,
            "source": source,
            FILE_COLUMN: counts[FILE_COLUMN],
            LINE_COLUMN: counts[LINE_COLUMN],
            LABEL_COLUMN: counts[LABEL_COLUMN],
        }
    )


def flow_rows(problems: Problems, earlier: Snapshot, later: Snapshot) -> tuple[pd.DataFrame, list[str]]:
    """The flows between two snapshots: later minus earlier per county, from the earlier date + 1 day (a county
    activated after the earlier date: its cumulative count, from its activation). Counties missing from one
    snapshot, changed activation dates and decreasing counts are violations."""
    both = later.rows.merge(earlier.rows, on="county_fips", how="outer", suffixes=("", "_earlier"), indicator=True)
    in_later = both[both["_merge"] != "right_only"]
    only_earlier = both[both["_merge"] == "right_only"]
    earlier_rows = {name: f"{name}_earlier" for name in (FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN)}
    problems.add_rows(
        COUNTY,
        f"a county of the earlier table (as of {earlier.as_of}) is in the later one (as of {later.as_of})",
        only_earlier.drop(columns=list(earlier_rows)).rename(columns={v: k for k, v in earlier_rows.items()}),
        lambda row: f"{row[LABEL_COLUMN]}: not in {later.path.name}",
    )
    new = in_later[in_later["_merge"] == "left_only"]
    activated_before = new["activation_date"] <= earlier.as_of
    problems.add_rows(
        COUNTY,
        f"a county activated by {earlier.as_of} is in the table as of that date",
        new[activated_before],
        lambda row: f"{row[LABEL_COLUMN]}: activated {row['activation_date']}, not in {earlier.path.name}",
    )
    continuing = in_later[in_later["_merge"] == "both"]
    problems.add_rows(
        ACTIVATION,
        "a county's activation date is the same in every snapshot",
        continuing[continuing["activation_date"] != continuing["activation_date_earlier"]],
        lambda row: (
            f"{row[LABEL_COLUMN]}: {row['activation_date_earlier']} in {earlier.path.name}, "
            f"{row['activation_date']} here"
        ),
    )
    flows = continuing.copy()
    flows[LABEL_COLUMN] += f" (flow: minus {earlier.path.name} as of {earlier.as_of})"
    for column, name in COUNT_COLUMNS.items():
        flows[name] = continuing[name] - continuing[f"{name}_earlier"]
        decreasing = (flows[name] < 0).fillna(False)
        problems.add_rows(
            column,
            f"cumulative counts do not go down between snapshots ({earlier.as_of} -> {later.as_of})",
            continuing[decreasing],
            lambda row, name=name: (
                f"{row[LABEL_COLUMN]}: {row[f'{name}_earlier']} as of {earlier.as_of} "
                f"({earlier.path.name} line {int(row[f'{LINE_COLUMN}_earlier'])}) -> {row[name]} as of {later.as_of}"
            ),
        )
    flow_source = f"{later.source} minus as of {earlier.as_of} ({earlier.path.name})"
    first_day = earlier.as_of + dt.timedelta(days=1)
    newly_activated = new[~activated_before]
    rows = pd.concat(
        [
            identification_rows(later, flows, [first_day] * len(flows), flow_source),
            identification_rows(later, newly_activated, list(newly_activated["activation_date"]), later.source),
        ],
        ignore_index=True,
    )
    note = (
        f"flows {first_day}..{later.as_of} ({later.path.name} minus {earlier.path.name}): {len(flows)} counties; "
        f"{len(newly_activated)} activated after {earlier.as_of} (from their activation date)"
    )
    return rows, [note]


def load(paths: list[Path], as_of_dates: list[dt.date], reference: Reference) -> Load:
    """Read ICE tables (``paths[i]`` as of ``as_of_dates[i]``) into raw_sc_identifications rows: the earliest
    table's cumulative rows, then the flows between consecutive tables. Raises ``InputError`` when any table
    breaks a rule."""
    problems = Problems(IDENTIFICATIONS)
    ordered = sorted(zip(as_of_dates, paths, strict=True), key=lambda pair: pair[0])
    repeated = [pair for pair, following in itertools.pairwise(ordered) if pair[0] == following[0]]
    for as_of, path in repeated:
        detail = f"two tables as of {as_of}"
        problems.add_examples("--as-of", "one as-of date per table", [Example(str(path), None, detail)], 1)
    problems.raise_if_any()
    snapshots, notes = [], []
    for as_of, path in ordered:
        rows, read_notes = read_snapshot(path, as_of, reference, problems)
        snapshots.append(Snapshot(path, as_of, rows))
        notes += read_notes
    problems.raise_if_any()
    first = snapshots[0]
    parts = [identification_rows(first, first.rows, list(first.rows["activation_date"]), first.source)]
    for earlier, later in itertools.pairwise(snapshots):
        flows, flow_notes = flow_rows(problems, earlier, later)
        parts.append(flows)
        notes += flow_notes
    problems.raise_if_any()
    return Load(IDENTIFICATIONS, pd.concat(parts, ignore_index=True), notes)
