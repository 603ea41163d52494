"""ICPSR county-level UCR "Arrests, All Ages" files (study series 57) → raw_ucr_arrests.

Input: the ICPSR ``*-Data.tsv`` (tab-delimited) or the same as CSV, one row per county: ``FIPS_ST``, ``FIPS_CTY``
(integers, padded here), ``COVIND`` (coverage indicator, 0 to 100), ``GRNDTOT``, the sub-totals ``P1TOT``,
``P1VLNT``, ``P1PRPTY``, ``DRUGTOT``, and one count column per offense (``MURDER`` ... ``RUNAWAY``, with the drug and
gambling breakdowns ``COCSALE`` ... ``OTGAMBL``); other columns (STUDYNO, IDNO, CPOPARST, ...) are ignored. Rows
of a state or of statewide agencies (``FIPS_CTY`` 0 or 999) are dropped.

Written: one row per county and offense code of ref_ucr_offense_classes (the seed), with ``COVIND`` as
``coverage_indicator`` and ``is_synthetic`` false. Sub-totals are checked against their parts, not loaded:
P1VLNT, P1PRPTY, P1TOT, DRUGTOT, DRGSALE, DRGPOSS, GAMBLE and GRNDTOT. GRNDTOT is the sum of every offense except
CURFEW and RUNAWAY (juvenile status offenses) and, per the FBI's convention that suspicion arrests are not in
arrest totals, except SUSPICN; a file whose every GRNDTOT includes SUSPICN is accepted too (the loader says which
convention the file follows; rows fitting neither are errors).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scload.common import (
    LABEL_COLUMN,
    RULE_DUPLICATE,
    Load,
    Reference,
    check_unique,
    map_county_codes,
    parse_counts,
    parse_decimals,
    read_source,
    select_columns,
    skipped_note,
)
from scload.errors import FILE_COLUMN, LINE_COLUMN, Problems
from scload.rawdir import UCR

LAYOUT = "ICPSR UCR county-level arrests"
STATE, COUNTY, COVERAGE = "FIPS_ST", "FIPS_CTY", "COVIND"
STATEWIDE_COUNTY_CODES = ("0", "999")
SUBTOTALS = {
    "P1VLNT": ("MURDER", "RAPE", "ROBBERY", "AGASSLT"),
    "P1PRPTY": ("BURGLRY", "LARCENY", "MVTHEFT", "ARSON"),
    "P1TOT": ("P1VLNT", "P1PRPTY"),
    "DRUGTOT": ("DRGSALE", "DRGPOSS"),
    "DRGSALE": ("COCSALE", "MJSALE", "SYNSALE", "OTHSALE"),
    "DRGPOSS": ("COCPOSS", "MJPOSS", "SYNPOSS", "OTHPOSS"),
    "GAMBLE": ("BOOKMKG", "NUMBERS", "OTGAMBL"),
}
GRAND_TOTAL = "GRNDTOT"
SUSPICION = "SUSPICN"
GRAND_TOTAL_PARTS = (
    "MURDER",
    "RAPE",
    "ROBBERY",
    "AGASSLT",
    "BURGLRY",
    "LARCENY",
    "MVTHEFT",
    "ARSON",
    "OTHASLT",
    "FRGYCNT",
    "FRAUD",
    "EMBEZL",
    "STLNPRP",
    "VANDLSM",
    "WEAPONS",
    "COMVICE",
    "SEXOFF",
    "DRGSALE",
    "DRGPOSS",
    "GAMBLE",
    "OFAGFAM",
    "DUI",
    "LIQUOR",
    "DRUNK",
    "DISORDR",
    "VAGRANT",
    "ALLOTHR",
)


def count_columns(reference: Reference) -> list[str]:
    """Every count column the loader reads or checks: the seed's offense codes, the sub-totals and their parts,
    GRNDTOT (in that order, once each)."""
    names = [*reference.offense_codes, *SUBTOTALS, *(part for parts in SUBTOTALS.values() for part in parts)]
    return list(dict.fromkeys([*names, *GRAND_TOTAL_PARTS, SUSPICION, GRAND_TOTAL]))


def check_subtotals(problems: Problems, rows: pd.DataFrame, counts: dict[str, pd.Series]) -> None:
    """Each sub-total equals the sum of its parts."""
    for total, parts in SUBTOTALS.items():
        parts_sum = sum(counts[part] for part in parts)
        shown = rows.assign(_total=counts[total], _sum=parts_sum)
        problems.add_rows(
            total,
            f"{total} = {' + '.join(parts)}",
            shown[(counts[total] != parts_sum).fillna(False)],
            lambda row, total=total: f"{row[LABEL_COLUMN]}: {total} = {row['_total']}, parts sum to {row['_sum']}",
        )


def check_grand_total(problems: Problems, rows: pd.DataFrame, counts: dict[str, pd.Series]) -> str:
    """GRNDTOT against the sum of the offenses other than CURFEW, RUNAWAY and SUSPICN; when every row fits only
    with SUSPICN included, that convention. Rows fitting the file's convention are fine, the others violations.
    Returns the convention followed, in words."""
    without = sum(counts[part] for part in GRAND_TOTAL_PARTS)
    with_suspicion = without + counts[SUSPICION]
    grand = counts[GRAND_TOTAL]
    fits_without, fits_with = grand == without, grand == with_suspicion
    includes = not fits_without.all() and (fits_with.all() or fits_with.sum() > fits_without.sum())
    convention = "CURFEW and RUNAWAY (SUSPICN included)" if includes else "CURFEW, RUNAWAY and SUSPICN"
    fits = fits_with if includes else fits_without
    shown = rows.assign(_grand=grand, _without=without, _suspicion=counts[SUSPICION])
    problems.add_rows(
        GRAND_TOTAL,
        f"{GRAND_TOTAL} = sum of all offenses except {convention}",
        shown[~fits.fillna(True)],
        lambda row: (
            f"{row[LABEL_COLUMN]}: {GRAND_TOTAL} = {row['_grand']}, offenses except CURFEW, RUNAWAY, "
            f"SUSPICN sum to {row['_without']}, SUSPICN = {row['_suspicion']}"
        ),
    )
    return convention


def load(path: Path, year: int, reference: Reference) -> Load:
    """Read one ICPSR county arrests file into raw_ucr_arrests rows for ``year``. Raises ``InputError`` when a
    rule is broken."""
    problems = Problems(UCR)
    source = read_source(path, problems, LAYOUT)
    counted = count_columns(reference)
    rows = select_columns(problems, source, LAYOUT, [STATE, COUNTY, COVERAGE, *counted])
    problems.raise_if_any()
    rows[LABEL_COLUMN] = f"{STATE} " + rows[STATE] + f" {COUNTY} " + rows[COUNTY]
    notes = [f"read {source.file} ({source.form}, {source.encoding}): {len(rows)} data rows"]
    county_number = rows[COUNTY].str.lstrip("0").replace("", "0")
    statewide = rows[COUNTY].str.fullmatch(r"\d+") & county_number.isin(STATEWIDE_COUNTY_CODES)
    notes += skipped_note(f"a state's or statewide agencies' row ({COUNTY} 0 or 999)", rows[statewide])
    rows = rows[~statewide].copy()
    digits = rows[STATE].str.fullmatch(r"\d{1,2}") & rows[COUNTY].str.fullmatch(r"\d{1,3}")
    codes = (rows[STATE].str.zfill(2) + rows[COUNTY].str.zfill(3)).where(digits, rows[STATE] + rows[COUNTY])
    rows["county_fips"], mapping_note = map_county_codes(problems, rows, codes, f"{STATE}, {COUNTY}", reference)
    check_unique(problems, rows, ["county_fips"], f"{STATE}, {COUNTY}", RULE_DUPLICATE)
    counts = {name: parse_counts(problems, rows, name) for name in counted}
    coverage = parse_decimals(problems, rows, COVERAGE)
    shown = rows.assign(_coverage=coverage)
    problems.add_rows(
        COVERAGE,
        "the coverage indicator is from 0 to 100",
        shown[((coverage < 0) | (coverage > 100)).fillna(False)],
        lambda row: f"{row[LABEL_COLUMN]}: {COVERAGE} = {row[COVERAGE]!r}",
    )
    problems.raise_if_any()
    check_subtotals(problems, rows, counts)
    convention = check_grand_total(problems, rows, counts)
    problems.raise_if_any()
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "county_fips": rows["county_fips"],
                    "data_year": pd.array([year] * len(rows), dtype="Int64"),
                    "offense_code": code,
                    "arrests": counts[code],
                    "coverage_indicator": coverage,
                    "is_synthetic": False,
                    FILE_COLUMN: rows[FILE_COLUMN],
                    LINE_COLUMN: rows[LINE_COLUMN],
                    LABEL_COLUMN: rows[LABEL_COLUMN],
                }
            )
            for code in reference.offense_codes
        ],
        ignore_index=True,
    )
    notes.append(
        f"  {len(rows)} counties x {len(reference.offense_codes)} offenses, data year {year}; "
        f"coverage indicator {coverage.min():g} to {coverage.max():g}; sub-totals and {GRAND_TOTAL} checked "
        f"({GRAND_TOTAL} = all offenses except {convention})"
    )
    notes += [f"  {note}" for note in mapping_note]
    return Load(UCR, frame, notes)
