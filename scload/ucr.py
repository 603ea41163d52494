"""ICPSR county-level UCR "Arrests, All Ages" files (study series 57, part 1) → raw_ucr_arrests, and the file's
data-quality warnings → raw_ucr_data_quality.

Input: the ICPSR ``*-Data.tsv`` ("Delimited": tab-separated, a header line of variable names, fields quoted or not)
or the same as CSV, one row per county, with the 56 variables of the ICPSR codebook: STUDYNO, EDITION, PART, IDNO,
FIPS_ST, FIPS_CTY, CPOPARST, AG_ARRST, JURFLAG, COVIND, GRNDTOT, P1TOT, P1VLNT, P1PRPTY, MURDER ... ARSON, OTHASLT ...
SEXOFF, DRUGTOT, DRGSALE, COCSALE, MJSALE, SYNSALE, OTHSALE, DRGPOSS, COCPOSS, MJPOSS, SYNPOSS, OTHPOSS, GAMBLE,
BOOKMKG, NUMBERS, OTGAMBL, OFAGFAM, DUI, LIQUOR, DRUNK, DISORDR, VAGRANT, ALLOTHR, SUSPICN, CURFEW, RUNAWAY (names in
any case). Used: FIPS_ST and FIPS_CTY (integers, padded here), CPOPARST (the population of the agencies reporting
arrests), COVIND (the coverage indicator, 0 to 100) and the counts; STUDYNO, EDITION, PART, IDNO, AG_ARRST and
JURFLAG are ignored.

County codes: the files keep codes of older geography, and rows that are no county.

- FIPS_CTY 000, 777 (statewide agencies, population 0) or 999: no county; dropped, each with its GRNDTOT printed.
- Puerto Rico and the island areas: dropped (not in ref_counties).
- A code of ref_fips_changes (51560 → 51005, 51780 → 51083, ...): combined with the county it maps to.
- A code of ref_fips_splits (02201, 02232, 02280, 30113: areas later divided among several 2010 counties): given to
  the only part that took the area's residents (02201 → 02198), else to the reporting unit of ref_reporting_units
  that covers all such parts (02232 → unit 02105, which is 02105 + 02230), else allocated among those parts by their
  2010 population (ref_counties): every count split by largest remainder, a tie to the lower county code.
- Any other code that is not a 2010 county is an error; so is the same code on two rows.

Rows that end up in one county (a mapped code and the county's own row, a part of a divided area and the county's
own row) are combined: counts summed, coverage_indicator = COVIND weighted by CPOPARST (a part of an allocated area
carries its share of CPOPARST), rounded to 4 decimals like COVIND; a row with CPOPARST 0, such as the zero rows of
retired Virginia cities, weighs nothing, and when no row of the county has a population the plain mean of their
COVIND is used. Every such row is printed with what was done and its arrests.

Sub-totals are checked on every county row and are not loaded: P1VLNT, P1PRPTY, P1TOT, DRUGTOT, DRGSALE, DRGPOSS,
GAMBLE against their parts, and GRNDTOT against the sum of all 30 offense codes as written (CURFEW, RUNAWAY and
SUSPICN included). ICPSR imputes and rounds each cell, so a gap of at most 2 arrests, or at most 1 % of the larger
side, is consistent. A larger gap is a data-quality warning, never a rejection: printed (rows per rule, up to five
with their lines) and written to raw_ucr_data_quality, one row per county, data year, rule and source code, with the
file's figures and what was done:

- DRUGTOT beyond DRGSALE + DRGPOSS (states that report undifferentiated drug arrests): counted. The excess is added
  to DRGSALE and DRGPOSS in proportion to the row's own split (largest remainder, a tie to DRGPOSS), or all to
  DRGPOSS when both are 0, before GRNDTOT is checked.
- GAMBLE, DRGSALE and DRGPOSS are offense codes of the contract, loaded as given: what they hold beyond their
  breakdowns (BOOKMKG + NUMBERS + OTGAMBL; the drug types) is counted; what a breakdown holds beyond them is not.
- What P1VLNT, P1PRPTY, P1TOT or GRNDTOT hold beyond their parts is not counted (the totals are not loaded).

Errors (nothing written): a missing column, a count that is not a non-negative whole number, COVIND outside 0..100,
a malformed or unknown county code, the same code twice.

Written: raw_ucr_arrests, one row per county and offense code of ref_ucr_offense_classes (30), data_year = --year,
is_synthetic false; raw_ucr_data_quality (header only when there is no warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scload.common import (
    LABEL_COLUMN,
    TERRITORIES,
    Load,
    Reference,
    check_unique,
    listed,
    parse_counts,
    parse_decimals,
    read_source,
    select_columns,
)
from scload.errors import FILE_COLUMN, LINE_COLUMN, Problems
from scload.rawdir import UCR, UCR_QUALITY, ucr_quality_table

LAYOUT = "ICPSR UCR county-level arrests"
STATE, COUNTY, POPULATION, COVERAGE = "FIPS_ST", "FIPS_CTY", "CPOPARST", "COVIND"
CODE_COLUMNS = f"{STATE}, {COUNTY}"
NO_COUNTY_CODES = (0, 777, 999)
ROUNDING_ARRESTS, ROUNDING_SHARE = 2, 0.01
COVERAGE_DECIMALS = 4
GRAND_TOTAL, DRUG_TOTAL, DRUG_SALE, DRUG_POSSESSION = "GRNDTOT", "DRUGTOT", "DRGSALE", "DRGPOSS"
SUBTOTALS = {
    "P1VLNT": ("MURDER", "RAPE", "ROBBERY", "AGASSLT"),
    "P1PRPTY": ("BURGLRY", "LARCENY", "MVTHEFT", "ARSON"),
    "P1TOT": ("P1VLNT", "P1PRPTY"),
    DRUG_TOTAL: (DRUG_SALE, DRUG_POSSESSION),
    DRUG_SALE: ("COCSALE", "MJSALE", "SYNSALE", "OTHSALE"),
    DRUG_POSSESSION: ("COCPOSS", "MJPOSS", "SYNPOSS", "OTHPOSS"),
    "GAMBLE": ("BOOKMKG", "NUMBERS", "OTGAMBL"),
}
# Totals that are themselves offense codes of the contract (loaded as given), unlike P1VLNT, P1PRPTY, P1TOT, DRUGTOT
# and GRNDTOT.
LOADED_TOTALS = {DRUG_SALE, DRUG_POSSESSION, "GAMBLE"}
# raw_ucr_data_quality's columns, as the contract's definition states them (models/staging/_raw__sources.yml).
QUALITY_COLUMNS = ucr_quality_table().column_names


@dataclass(frozen=True)
class Rule:
    """A sub-total rule: the total's column, its parts and the rule in words."""

    total: str
    parts: tuple[str, ...]
    name: str


def subtotal_rules(reference: Reference) -> list[Rule]:
    """The eight rules, GRNDTOT last (checked against the offense counts as written)."""
    rules = [Rule(total, parts, f"{total} = {' + '.join(parts)}") for total, parts in SUBTOTALS.items()]
    grand = (
        f"{GRAND_TOTAL} = sum of the {len(reference.offense_codes)} offense codes (CURFEW, RUNAWAY, SUSPICN included)"
    )
    return [*rules, Rule(GRAND_TOTAL, reference.offense_codes, grand)]


def count_columns(reference: Reference) -> list[str]:
    """Every count column the loader reads: the offense codes, CPOPARST, the sub-totals and their parts, GRNDTOT."""
    names = [
        *reference.offense_codes,
        POPULATION,
        *SUBTOTALS,
        *(part for parts in SUBTOTALS.values() for part in parts),
    ]
    return list(dict.fromkeys([*names, GRAND_TOTAL]))


def largest_remainder(total: int, weights: tuple[int, ...]) -> list[int]:
    """``total`` split into whole numbers in proportion to ``weights`` (not all 0; the shares sum to ``total``): each
    part's floor, then one more to the parts with the largest remainders, a tie to the earlier part."""
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in order[: total - sum(shares)]:
        shares[index] += 1
    return shares


def within_rounding(total: pd.Series, parts: pd.Series) -> pd.Series:
    """A gap of at most 2 arrests, or at most 1 % of the larger of total and parts."""
    gap = (total - parts).abs()
    return (gap <= ROUNDING_ARRESTS) | (gap <= ROUNDING_SHARE * np.maximum(total, parts))


@dataclass(frozen=True)
class Placement:
    """Where one source row's arrests go: the 2010 counties (several when allocated, with their 2010 populations
    as weights), what kind of code it was and what was done, in words."""

    kind: str
    counties: tuple[str, ...]
    weights: tuple[int, ...]
    text: str


def place(code: str, reference: Reference) -> Placement | None:
    """The placement of a 5-digit county code, or None when it is neither a 2010 county, a changed code nor a
    divided area."""
    if code in reference.county_names:
        return Placement("county", (code,), (1,), "")
    if code in reference.fips_changes:
        target = reference.fips_changes[code]
        text = f"{code} -> {reference.county_text(target)} ({reference.fips_change_notes[code]})"
        return Placement("changed", (target,), (1,), text)
    parts = reference.fips_splits.get(code)
    if parts is None:
        return None
    settled = tuple(part.county_fips for part in parts if part.has_residents)
    others = " ".join(part.county_fips for part in parts if not part.has_residents)
    if len(settled) == 1:
        text = (
            f"{code} divided (ref_fips_splits): given to {reference.county_text(settled[0])}, the only part that "
            f"took its residents (not {others})"
        )
        return Placement("split", settled, (1,), text)
    units = {reference.unit_of.get(county, county) for county in settled}
    if len(units) == 1:
        unit = units.pop()
        text = (
            f"{code} divided into {' '.join(settled)} (ref_fips_splits): given to reporting unit {unit} "
            f"({reference.unit_names[unit]}), which covers them"
        )
        return Placement("split", (unit,), (1,), text)
    weights = tuple(reference.county_population[county] for county in settled)
    text = (
        f"{code} divided into {' '.join(settled)} (ref_fips_splits), no reporting unit covers them: allocated by "
        f"2010 population ({' : '.join(str(weight) for weight in weights)})"
    )
    return Placement("allocated", settled, weights, text)


def source_codes(problems: Problems, rows: pd.DataFrame) -> pd.Series:
    """FIPS_ST + FIPS_CTY as a 5-digit code (padded); malformed codes are violations (and empty here)."""
    digits = rows[STATE].str.fullmatch(r"\d{1,2}") & rows[COUNTY].str.fullmatch(r"\d{1,3}")
    problems.add_rows(
        CODE_COLUMNS,
        f"a county code: {STATE} of 1-2 digits, {COUNTY} of 1-3 digits",
        rows[~digits],
        lambda row: f"{row[LABEL_COLUMN]}: {STATE} = {row[STATE]!r}, {COUNTY} = {row[COUNTY]!r}",
    )
    return (rows[STATE].str.zfill(2) + rows[COUNTY].str.zfill(3)).where(digits, "")


def dropped_notes(
    rows: pd.DataFrame, dropped: pd.Series, reasons: pd.Series, counts: dict[str, pd.Series]
) -> list[str]:
    """One line per dropped row (no county, or a territory) with its GRNDTOT, then the total."""
    if not dropped.any():
        return []
    notes = []
    for index in rows.index[dropped]:
        row = rows.loc[index]
        notes.append(
            f"  line {row[LINE_COLUMN]} {row[LABEL_COLUMN]}: {reasons[index]}, {POPULATION} "
            f"{counts[POPULATION][index]}: dropped with its {counts[GRAND_TOTAL][index]:,} arrests ({GRAND_TOTAL})"
        )
    total = int(counts[GRAND_TOTAL][dropped].sum())
    head = f"dropped {int(dropped.sum())} row(s) that are no county of the 50 states and DC, with {total:,} arrests"
    return [head, *notes]


def drop_reasons(rows: pd.DataFrame, codes: pd.Series) -> pd.Series:
    """Why a row is dropped (no county, a territory), or empty."""
    county_number = pd.to_numeric(rows[COUNTY].where(codes != ""), errors="coerce")
    reasons = pd.Series("", index=rows.index)
    territory = codes.str[:2].map(TERRITORIES).fillna("")
    reasons = reasons.mask(territory != "", territory + ", outside the 50 states and DC of ref_counties")
    no_county = county_number.isin(NO_COUNTY_CODES)
    text = "no county (" + COUNTY + " " + county_number.fillna(0).astype(int).astype(str).str.zfill(3)
    text += np.where(county_number == 777, ": statewide agencies)", ")")
    return reasons.mask(no_county, text)


def allocate_drugs(
    counts: dict[str, pd.Series], kept: pd.Series
) -> tuple[pd.Series, pd.Series, dict[int, tuple[str, str]]]:
    """DRGSALE and DRGPOSS with the undifferentiated drug arrests (DRUGTOT beyond their sum, past rounding) added in
    proportion to the row's own split, or to DRGPOSS when both are 0; and per such row what was done (its outcome
    and action, as in raw_ucr_data_quality)."""
    sale, possession = counts[DRUG_SALE].copy(), counts[DRUG_POSSESSION].copy()
    parts = sale + possession
    excess = counts[DRUG_TOTAL] - parts
    undifferentiated = kept & (excess > 0) & ~within_rounding(counts[DRUG_TOTAL], parts)
    actions = {}
    for index in undifferentiated[undifferentiated].index:
        extra = int(excess[index])
        if parts[index] > 0:
            to_possession, to_sale = largest_remainder(extra, (int(possession[index]), int(sale[index])))
            outcome, how = "drug_excess_split", "in proportion to the county's own split"
        else:
            to_possession, to_sale = extra, 0
            outcome = "drug_excess_to_possession"
            how = f"all to {DRUG_POSSESSION}, as {DRUG_SALE} and {DRUG_POSSESSION} are both 0"
        sale[index] += to_sale
        possession[index] += to_possession
        action = (
            f"counted: {extra} undifferentiated drug arrests added to {DRUG_SALE} (+{to_sale}) and "
            f"{DRUG_POSSESSION} (+{to_possession}), {how}"
        )
        actions[index] = (outcome, action)
    return sale, possession, actions


def quality_action(rule: Rule, gap: int, drug_action: tuple[str, str] | None) -> tuple[str, str]:
    """What was done about a gap beyond rounding, as raw_ucr_data_quality's outcome code and action words: counted,
    not counted or a warning only."""
    if drug_action is not None:
        return drug_action
    if rule.total in LOADED_TOTALS:
        if gap > 0:
            return (
                "total_loaded_with_excess",
                f"counted: {rule.total} is loaded as given, with its {gap} arrests beyond its breakdown",
            )
        return (
            "parts_beyond_loaded_total",
            f"not counted: {rule.total} is loaded as given; its breakdown's {-gap} further arrests are not",
        )
    what = "the 30 offense counts" if rule.total == GRAND_TOTAL else "its parts"
    if gap > 0:
        return (
            "excess_not_loaded",
            f"not counted: {rule.total} is not loaded; its {gap} arrests beyond {what} are in no offense",
        )
    return "parts_loaded", f"warning only: {rule.total} is not loaded; {what} are loaded as given"


def check_subtotals(
    rows: pd.DataFrame, counts: dict[str, pd.Series], kept: pd.Series, reference: Reference
) -> tuple[dict[str, pd.Series], pd.DataFrame, list[str]]:
    """The offense counts as written (drug arrests counted in full), the gaps beyond rounding (one row per source
    row and rule: ``row_index``, rule, total_code, total_value, parts_sum, gap, outcome, action) and the notes."""
    sale, possession, drug_actions = allocate_drugs(counts, kept)
    loaded = {code: counts[code] for code in reference.offense_codes} | {DRUG_SALE: sale, DRUG_POSSESSION: possession}
    findings, notes = [], []
    for rule in subtotal_rules(reference):
        source = loaded if rule.total == GRAND_TOTAL else counts
        parts = sum(source[part] for part in rule.parts)
        total = counts[rule.total]
        beyond = kept & ~within_rounding(total, parts)
        if not beyond.any():
            continue
        frame = pd.DataFrame(
            {"row_index": rows.index[beyond], "total_value": total[beyond], "parts_sum": parts[beyond]}
        )
        frame["gap"] = frame["total_value"] - frame["parts_sum"]
        drug = rule.total == DRUG_TOTAL
        frame[["outcome", "action"]] = [
            quality_action(rule, int(gap), drug_actions.get(index) if drug else None)
            for index, gap in zip(frame["row_index"], frame["gap"], strict=True)
        ]
        findings.append(frame.assign(rule=rule.name, total_code=rule.total))
        examples = [
            f"line {rows.loc[index, LINE_COLUMN]} {rows.loc[index, LABEL_COLUMN]}: {value} vs {part_sum} ({gap:+d})"
            for index, value, part_sum, gap in frame[["row_index", "total_value", "parts_sum", "gap"]].itertuples(
                index=False
            )
        ]
        notes.append(f"  {rule.name}: {len(frame)} row(s), e.g. {listed(examples)}")
    if drug_actions:
        added_sale = int((sale - counts[DRUG_SALE]).sum())
        added_possession = int((possession - counts[DRUG_POSSESSION]).sum())
        notes.append(
            f"  undifferentiated drug arrests (DRUGTOT beyond DRGSALE + DRGPOSS) counted on {len(drug_actions)} "
            f"row(s): {added_sale + added_possession:,} arrests, DRGSALE +{added_sale:,}, DRGPOSS +{added_possession:,}"
        )
    columns = ["row_index", "rule", "total_code", "total_value", "parts_sum", "gap", "outcome", "action"]
    found = pd.concat(findings, ignore_index=True)[columns] if findings else pd.DataFrame(columns=columns)
    head = (
        f"sub-totals (a gap of at most {ROUNDING_ARRESTS} arrests or {ROUNDING_SHARE:.0%} is rounding of ICPSR's "
        f"imputed cells): {len(found)} data-quality warning(s) on {found['row_index'].nunique()} of {int(kept.sum())} "
        f"county rows, written to {UCR_QUALITY}" + (":" if len(found) else "")
    )
    return loaded, found, [head, *notes]


def contributions_of(
    rows: pd.DataFrame,
    placements: dict[int, Placement],
    loaded: dict[str, pd.Series],
    counts: dict[str, pd.Series],
    coverage: pd.Series,
    reference: Reference,
) -> pd.DataFrame:
    """One row per source row and county it goes to: the offense counts (an allocated area's split by largest
    remainder), the CPOPARST weight (its share of it), COVIND, the source code and line."""
    records = []
    for index, placement in placements.items():
        weights = placement.weights
        offense_counts = {
            code: largest_remainder(int(loaded[code][index]), weights) for code in reference.offense_codes
        }
        for position, county in enumerate(placement.counties):
            records.append(
                {
                    "county_fips": county,
                    "_index": index,
                    **{code: shares[position] for code, shares in offense_counts.items()},
                    "_weight": float(counts[POPULATION][index]) * weights[position] / sum(weights),
                    "_coverage": float(coverage[index]),
                }
            )
    frame = pd.DataFrame(records)
    frame[LINE_COLUMN] = rows.loc[frame["_index"], LINE_COLUMN].to_numpy()
    return frame.sort_values([LINE_COLUMN, "county_fips"], kind="stable").reset_index(drop=True)


def placement_notes(
    rows: pd.DataFrame, geography: pd.DataFrame, placements: dict[int, Placement], reference: Reference
) -> list[str]:
    """One line per row that is not a plain 2010 county (what was done, its arrests), then one per county combined
    from several rows (lines, coverage)."""
    codes = list(reference.offense_codes)
    lines_of = geography.groupby("county_fips")[LINE_COLUMN].agg(list)
    notes = []
    for index, placement in placements.items():
        if placement.kind == "county":
            continue
        row = rows.loc[index]
        parts = geography[geography["_index"] == index]
        arrests = parts[codes].sum(axis=1)
        if placement.kind == "allocated":
            shares = ", ".join(
                f"{county} {count:,}" for county, count in zip(parts["county_fips"], arrests, strict=True)
            )
            what = f"{int(arrests.sum()):,} arrests -> {shares}"
        else:
            what = f"{int(arrests.sum()):,} arrests"
        others = sorted({line for county in placement.counties for line in lines_of[county]} - {row[LINE_COLUMN]})
        plural = "s" if len(others) > 1 else ""
        combined = f", combined with line{plural} {', '.join(str(line) for line in others)}" if others else ""
        notes.append(f"  line {row[LINE_COLUMN]} {row[LABEL_COLUMN]}: {placement.text}{combined}: {what}")
    return notes


def combine(geography: pd.DataFrame, rows: pd.DataFrame, reference: Reference) -> tuple[pd.DataFrame, list[str]]:
    """One row per 2010 county: counts summed, coverage weighted by CPOPARST (see the module docstring), the first
    contributing row's file and line, a label naming every line; and a note per county combined from several."""
    grouped = geography.groupby("county_fips", sort=True)
    counties = grouped[list(reference.offense_codes)].sum()
    weight = grouped["_weight"].sum()
    weighted = (geography["_coverage"] * geography["_weight"]).groupby(geography["county_fips"]).sum() / weight
    combined = weighted.where(weight > 0, grouped["_coverage"].mean()).round(COVERAGE_DECIMALS)
    several = grouped.size() > 1
    counties["coverage_indicator"] = combined.where(several, grouped["_coverage"].first())
    first = grouped["_index"].first()
    counties[FILE_COLUMN] = rows.loc[first, FILE_COLUMN].to_numpy()
    counties[LINE_COLUMN] = rows.loc[first, LINE_COLUMN].to_numpy()
    lines = grouped[LINE_COLUMN].agg(lambda values: ", ".join(str(value) for value in values))
    counties[LABEL_COLUMN] = rows.loc[first, LABEL_COLUMN].to_numpy()
    counties.loc[several, LABEL_COLUMN] = "county " + counties.index[several] + " (lines " + lines[several] + ")"
    notes = []
    for county in counties.index[several]:
        parts = geography[geography["county_fips"] == county]
        terms = " + ".join(
            f"{weight:g} x {value:g}" for weight, value in zip(parts["_weight"], parts["_coverage"], strict=True)
        )
        notes.append(
            f"  {reference.county_text(county)}: lines {lines[county]} combined: counts summed, coverage_indicator "
            f"{counties.loc[county, 'coverage_indicator']:g} (COVIND weighted by CPOPARST: {terms})"
        )
    return counties.reset_index(), notes


def quality_rows(
    found: pd.DataFrame, rows: pd.DataFrame, placements: dict[int, Placement], codes: pd.Series, year: int
) -> pd.DataFrame:
    """raw_ucr_data_quality rows: each finding once per county its row went to (the file's figures)."""
    records = []
    for finding in found.itertuples(index=False):
        for county in placements[finding.row_index].counties:
            records.append(
                {
                    "county_fips": county,
                    "data_year": year,
                    "rule": finding.rule,
                    "source_fips": codes[finding.row_index],
                    "total_code": finding.total_code,
                    "total_value": finding.total_value,
                    "parts_sum": finding.parts_sum,
                    "gap": finding.gap,
                    "outcome": finding.outcome,
                    "action": finding.action,
                    FILE_COLUMN: rows.loc[finding.row_index, FILE_COLUMN],
                    LINE_COLUMN: rows.loc[finding.row_index, LINE_COLUMN],
                    LABEL_COLUMN: rows.loc[finding.row_index, LABEL_COLUMN],
                }
            )
    frame = pd.DataFrame(records, columns=[*QUALITY_COLUMNS, FILE_COLUMN, LINE_COLUMN, LABEL_COLUMN])
    for column in ("data_year", "total_value", "parts_sum", "gap"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load(path: Path, year: int, reference: Reference) -> Load:
    """Read one ICPSR county arrests file into raw_ucr_arrests rows for ``year`` and its data-quality rows. Raises
    ``InputError`` when a rule is broken."""
    problems = Problems(UCR)
    source = read_source(path, problems, LAYOUT)
    rows = select_columns(problems, source, LAYOUT, [STATE, COUNTY, COVERAGE, *count_columns(reference)])
    problems.raise_if_any()
    rows[LABEL_COLUMN] = f"{STATE} " + rows[STATE] + f" {COUNTY} " + rows[COUNTY]
    notes = [f"read {source.file} ({source.form}, {source.encoding}): {len(rows)} data rows"]
    codes = source_codes(problems, rows)
    counts = {name: parse_counts(problems, rows, name) for name in count_columns(reference)}
    coverage = parse_decimals(problems, rows, COVERAGE)
    problems.add_rows(
        COVERAGE,
        "the coverage indicator is from 0 to 100",
        rows[((coverage < 0) | (coverage > 100)).fillna(False)],
        lambda row: f"{row[LABEL_COLUMN]}: {COVERAGE} = {row[COVERAGE]!r}",
    )
    problems.raise_if_any()
    counts = {name: series.astype("int64") for name, series in counts.items()}
    reasons = drop_reasons(rows, codes)
    dropped = reasons != ""
    found_places = {index: place(codes[index], reference) for index in rows.index[~dropped]}
    unknown = rows.index.isin([index for index, placement in found_places.items() if placement is None])
    problems.add_rows(
        CODE_COLUMNS,
        "a 2010 county (ref_counties), a code of ref_fips_changes or ref_fips_splits, or no county (FIPS_CTY 000, "
        "777, 999)",
        rows.assign(_code=codes)[unknown],
        lambda row: f"{row[LABEL_COLUMN]}: county code {row['_code']}",
        "a renamed or merged county goes into FIPS_CHANGES, a divided area into FIPS_SPLITS of devtools/build_seeds.py",
    )
    check_unique(
        problems,
        rows.assign(_code=codes)[~dropped],
        ["_code"],
        CODE_COLUMNS,
        "one row per county code in one file (the same code twice)",
    )
    problems.raise_if_any()
    placements = {index: placement for index, placement in found_places.items() if placement is not None}
    kept = ~dropped
    loaded, found, quality_notes = check_subtotals(rows, counts, kept, reference)
    geography = contributions_of(rows, placements, loaded, counts, coverage, reference)
    counties, combined_notes = combine(geography, rows, reference)
    kinds = pd.Series([placement.kind for placement in placements.values()]).value_counts()
    notes += dropped_notes(rows, dropped, reasons, counts)
    notes.append(
        f"county codes: {kinds.get('county', 0)} rows are 2010 counties; {kinds.get('changed', 0)} mapped through "
        f"ref_fips_changes; {kinds.get('split', 0) + kinds.get('allocated', 0)} divided areas of ref_fips_splits "
        f"({kinds.get('split', 0)} given to one county or reporting unit, {kinds.get('allocated', 0)} allocated by "
        "2010 population)"
    )
    notes += placement_notes(rows, geography, placements, reference) + combined_notes
    notes.append(
        f"{len(counties)} counties x {len(reference.offense_codes)} offenses, data year {year}; coverage indicator "
        f"{counties['coverage_indicator'].min():g} to {counties['coverage_indicator'].max():g}"
    )
    notes += quality_notes
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "county_fips": counties["county_fips"],
                    "data_year": pd.array([year] * len(counties), dtype="Int64"),
                    "offense_code": code,
                    "arrests": counties[code].astype("Int64"),
                    "coverage_indicator": counties["coverage_indicator"],
                    "is_synthetic": False,
                    FILE_COLUMN: counties[FILE_COLUMN],
                    LINE_COLUMN: counties[LINE_COLUMN],
                    LABEL_COLUMN: counties[LABEL_COLUMN],
                }
            )
            for code in reference.offense_codes
        ],
        ignore_index=True,
    )
    quality = Load(UCR_QUALITY, quality_rows(found, rows, placements, codes, year), [])
    return Load(UCR, frame, notes, (quality,))
