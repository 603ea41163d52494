"""ACS county nativity tables (Census Bureau) → raw_census_foreign_born.

Input: table B05012 "Nativity in the United States" (``B05012_001E`` total, ``B05012_003E`` foreign born, MOEs
``B05012_001M``, ``B05012_003M``) or B05002 "Place of birth by nativity and citizenship status" (``B05002_001E``
total, ``B05002_013E`` "Foreign born:", MOEs ``_001M``, ``_013M``; the same codes in every vintage from 2005 on,
the 2006-2010 5-year table included); which one is told by the columns present (B05012 first). Two forms:

- the data.census.gov CSV export (``ACSDT5Y2010.B05002-Data.csv``): a header row of codes (``GEO_ID,NAME,
  B05002_001E,B05002_001M,...``, often every field quoted and a trailing empty column), then a second header row of
  labels (``Geography,Geographic Area Name,Estimate!!Total:,...``, skipped), ``GEO_ID`` like ``0500000US01001``,
  ``NAME`` like ``Autauga County, Alabama``;
- the Census API's JSON array of arrays (``[["NAME","B05012_001E",...,"state","county"],[...]]``): the county is
  ``state`` + ``county``, or ``GEO_ID`` when that column is present.

Rows of other geographies (the nation, states: a GEO_ID summary level other than 050, or no county code) are
dropped, and so are the county rows of Puerto Rico (its municipios are in the Census Bureau's county lists, not in
ref_counties) and the island areas. County codes of later geography are mapped through ref_fips_changes (02158
Kusilvak → 02270, 46102 Oglala Lakota → 46113).

Share = foreign born / total; its 90 % MOE by the Census Bureau's ratio formula sqrt(MOE_x² - p²·MOE_y²) / y, or,
when the radicand is negative, sqrt(MOE_x² + p²·MOE_y²) / y, capped at 1 (a tiny county whose foreign-born MOE,
often a zero estimate's, exceeds its population). A controlled total (MOE ``*****``, API ``-555555555``) has MOE 0;
other annotations (``**``, ``***``, ``-``, ``N``, ``(X)``, ``null``, the API's negative codes) leave the share's MOE
empty. A county whose total or foreign-born estimate is an annotation (``-``, ``N``, ``(X)``, ``null``, API
``-666666666``, ``-888888888``, ``-999999999``) has no share: its row is dropped (listed). Where an export carries
annotation columns (``B05002_001EA``, ``B05002_013MA``, ...), a non-empty annotation takes the place of its value,
as the Census Bureau prescribes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from scload.common import (
    LABEL_COLUMN,
    RULE_DUPLICATE,
    TERRITORY_REASON,
    Load,
    Reference,
    check_unique,
    listed,
    map_county_codes,
    parse_counts,
    read_source,
    select_columns,
    skipped_note,
    territory_rows,
)
from scload.errors import FILE_COLUMN, LINE_COLUMN, Example, Problems
from scload.rawdir import CENSUS

LAYOUT = "ACS nativity B05012/B05002"
TABLES = {
    "B05012": ("B05012_001E", "B05012_003E", "B05012_001M", "B05012_003M"),
    "B05002": ("B05002_001E", "B05002_013E", "B05002_001M", "B05002_013M"),
}
CONTROLLED_MOE = {"*****", "-555555555"}
NO_MOE = {
    "",
    "**",
    "***",
    "-",
    "N",
    "(X)",
    "null",
    "-222222222",
    "-333333333",
    "-666666666",
    "-888888888",
    "-999999999",
}
NO_ESTIMATE = {"-", "N", "(X)", "null", "-666666666", "-888888888", "-999999999"}
ANNOTATION_SUFFIX = "A"
GEO_ID = "GEO_ID"
GEO_ID_TEXT = re.compile(r"(\d{3})\d{4}US(\w*)")
COUNTY_SUMMARY_LEVEL = "050"


def is_label_row(record: dict[str, str]) -> bool:
    """data.census.gov's second header row (labels such as ``Geography``, ``Estimate!!Total``)."""
    return any("!!" in value or value == "Geography" for value in record.values())


def detect_table(problems: Problems, header: tuple[str, ...], file: str) -> str | None:
    """``B05012`` or ``B05002``, by the estimate columns present; records a violation when neither is there."""
    folded = {name.casefold() for name in header}
    for table, (total, foreign, _, _) in TABLES.items():
        if total.casefold() in folded and foreign.casefold() in folded:
            return table
    detail = f"header: {', '.join(header[:8])}{' ...' if len(header) > 8 else ''}"
    rule = "an ACS nativity table: B05012_001E and B05012_003E (B05012), or B05002_001E and B05002_013E (B05002)"
    problems.add_examples("B05012_001E", rule, [Example(file, 1, detail)], 1)
    return None


def county_codes(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(county code text, is a county row) per row: from GEO_ID (summary level 050) or from state + county."""
    if GEO_ID in rows:
        parts = rows[GEO_ID].str.extract(GEO_ID_TEXT.pattern)
        malformed = parts[0].isna()
        is_county = (parts[0] == COUNTY_SUMMARY_LEVEL) | malformed
        return parts[1].where(~malformed, rows[GEO_ID]), is_county
    state, county = rows["state"], rows["county"]
    padded = state.str.zfill(2) + county.str.zfill(3)
    digits = state.str.fullmatch(r"\d{1,2}") & county.str.fullmatch(r"\d{1,3}")
    return padded.where(digits, state + county), county != ""


def parse_moe(problems: Problems, rows: pd.DataFrame, column: str | None) -> pd.Series:
    """An MOE column as floats: 0 for a controlled estimate, NaN for other annotations or an absent column."""
    moe = pd.Series(np.nan, index=rows.index, dtype="float64")
    if column is None:
        return moe
    text = rows[column]
    moe[text.isin(CONTROLLED_MOE)] = 0.0
    numeric = ~text.isin(CONTROLLED_MOE) & ~text.isin(NO_MOE)
    moe[numeric] = parse_counts(problems, rows[numeric], column).astype("float64")
    return moe


def share_moe(foreign: pd.Series, total: pd.Series, foreign_moe: pd.Series, total_moe: pd.Series) -> pd.Series:
    """90 % MOE of foreign / total (Census Bureau ratio formula; the proportion's "+" form when the radicand of
    the ratio formula is negative); the caller caps it at 1."""
    share = foreign / total
    radicand = foreign_moe**2 - share**2 * total_moe**2
    radicand = radicand.where(radicand >= 0, foreign_moe**2 + share**2 * total_moe**2)
    return np.sqrt(radicand) / total


def load(path: Path, vintage: str, reference: Reference) -> Load:
    """Read one ACS nativity file into raw_census_foreign_born rows for ``vintage`` (``YYYY-YYYY``). Raises
    ``InputError`` when a rule is broken."""
    problems = Problems(CENSUS)
    source = read_source(path, problems, LAYOUT, is_label_row)
    table = detect_table(problems, source.header, source.file)
    problems.raise_if_any()
    total_column, foreign_column, total_moe_column, foreign_moe_column = TABLES[table]
    folded = {name.casefold() for name in source.header}
    geography = [GEO_ID] if GEO_ID.casefold() in folded or "county" not in folded else ["state", "county"]
    has_moe = total_moe_column.casefold() in folded and foreign_moe_column.casefold() in folded
    values = [total_column, foreign_column, *((total_moe_column, foreign_moe_column) if has_moe else ())]
    annotations = tuple(name + ANNOTATION_SUFFIX for name in values)
    optional = ("NAME", *values[2:], *annotations)
    rows = select_columns(problems, source, LAYOUT, [*geography, total_column, foreign_column], optional)
    problems.raise_if_any()
    for name, annotation in zip(values, annotations, strict=True):
        if annotation in rows:
            rows[name] = rows[annotation].where(rows[annotation] != "", rows[name])
    name = rows.get("NAME", "")
    if GEO_ID in rows:
        rows[LABEL_COLUMN] = (rows[GEO_ID] + " " + name).str.strip()
    else:
        rows[LABEL_COLUMN] = ("state " + rows["state"] + " county " + rows["county"] + " " + name).str.strip()
    codes, is_county = county_codes(rows)
    notes = [f"read {source.file} ({source.form}, {source.encoding}): table {table}, {len(rows)} data rows"]
    notes += skipped_note("not a county (the nation, a state, another geography)", rows[~is_county])
    if not is_county.any():
        detail = f"all {len(rows)} data rows are other geographies"
        rule = "the file has county rows (GEO_ID summary level 050, or a county code)"
        problems.add_examples(geography[-1], rule, [Example(source.file, None, detail)], len(rows))
    problems.raise_if_any()
    rows, codes = rows[is_county].copy(), codes[is_county]
    territory = territory_rows(codes)
    no_estimate = rows[total_column].isin(NO_ESTIMATE) | rows[foreign_column].isin(NO_ESTIMATE)
    notes += skipped_note(TERRITORY_REASON, rows[territory])
    notes += skipped_note(
        f"no estimate ({total_column} or {foreign_column} is an annotation such as N, -, (X))",
        rows[no_estimate & ~territory],
    )
    rows, codes = rows[~territory & ~no_estimate].copy(), codes[~territory & ~no_estimate]
    mapped, mapping_note = map_county_codes(problems, rows, codes, geography[-1], reference)
    rows["county_fips"] = mapped
    check_unique(problems, rows, ["county_fips"], geography[-1], RULE_DUPLICATE)
    total = parse_counts(problems, rows, total_column)
    foreign = parse_counts(problems, rows, foreign_column)
    total_moe = parse_moe(problems, rows, total_moe_column if has_moe else None)
    foreign_moe = parse_moe(problems, rows, foreign_moe_column if has_moe else None)
    shown = rows.assign(_total=total, _foreign=foreign)
    problems.add_rows(
        total_column,
        "the total population estimate is > 0",
        shown[(total <= 0).fillna(False)],
        lambda row: f"{row[LABEL_COLUMN]}: {total_column} = {row['_total']}",
    )
    problems.add_rows(
        foreign_column,
        f"foreign born <= total ({foreign_column} <= {total_column}: a share of at most 1)",
        shown[(foreign > total).fillna(False)],
        lambda row: f"{row[LABEL_COLUMN]}: {foreign_column} = {row['_foreign']}, {total_column} = {row['_total']}",
    )
    problems.raise_if_any()
    total_float, foreign_float = total.astype("float64"), foreign.astype("float64")
    moe = share_moe(foreign_float, total_float, foreign_moe, total_moe)
    frame = pd.DataFrame(
        {
            "county_fips": rows["county_fips"],
            "acs_vintage": vintage,
            "total_population": total,
            "foreign_born_share": foreign_float / total_float,
            "foreign_born_share_moe": moe.clip(upper=1.0),
            "noncitizen_share": np.nan,
            FILE_COLUMN: rows[FILE_COLUMN],
            LINE_COLUMN: rows[LINE_COLUMN],
            LABEL_COLUMN: rows[LABEL_COLUMN],
        }
    ).reset_index(drop=True)
    notes.append(f"  {len(frame)} counties, ACS {vintage}")
    capped = (moe > 1.0).to_numpy()
    if capped.any():
        notes.append(
            f"  {int(capped.sum())} row(s) whose share's MOE exceeds 1 (a foreign-born MOE above the population): "
            f"capped at 1: {listed(list(frame.loc[capped, LABEL_COLUMN]))}"
        )
    notes += [f"  {note}" for note in mapping_note]
    if not has_moe:
        notes.append(f"  no MOE columns ({total_moe_column}, {foreign_moe_column}): foreign_born_share_moe left empty")
    elif frame["foreign_born_share_moe"].isna().any():
        count = int(frame["foreign_born_share_moe"].isna().sum())
        notes.append(f"  {count} row(s) with an annotated (unavailable) MOE: foreign_born_share_moe left empty")
    return Load(CENSUS, frame, notes)
