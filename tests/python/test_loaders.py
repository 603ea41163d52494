"""The loaders (``python -m scload``): exact rows written from small hand-checked files in the published layouts,
ICE snapshot differencing, merging into RAW_DIR, every kind of bad input ending in one ``InputError`` that names the
table, file, column, rule and line numbers (and leaves RAW_DIR unchanged), the cross-table warnings and ``--help``."""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from loader_fixtures import (
    OFFENSE_CODES,
    REPO_ROOT,
    UCR_COLUMNS,
    acs_api_json,
    acs_export_records,
    b05002_export_records,
    directory_contents,
    ice_snapshot_august,
    ice_snapshot_march,
    icpsr_2010_records,
    ucr_offenses,
    ucr_records,
    ucr_totals,
    write_records,
)

from scload.__main__ import run
from scload.contract import CENSUS, CONTRACT, IDENTIFICATIONS, UCR
from scload.errors import InputError
from scload.rawdir import SPECS, UCR_QUALITY
from scload.ucr import largest_remainder

# The raw tables' columns, from the contract's one definition (scload.contract); the companion table's from scload.
IDENTIFICATION_HEADER = CONTRACT[IDENTIFICATIONS].column_names
CENSUS_HEADER = CONTRACT[CENSUS].column_names
QUALITY_HEADER = SPECS[UCR_QUALITY].column_names
MARCH = "ICE IDENT/IAFIS statistics as of 2012-03-31 (ice_march.csv)"
AUGUST = "ICE IDENT/IAFIS statistics as of 2012-08-31 (ice_august.csv)"
FLOW = f"{AUGUST} minus as of 2012-03-31 (ice_march.csv)"
MARCH_ROWS = [
    ["01001", "2011-04-26", "2012-03-31", "2500", "10", "1", "", "", "9", "", MARCH],
    ["01003", "2011-04-26", "2012-03-31", "12000", "300", "50", "", "", "250", "", MARCH],
    ["06037", "2009-08-27", "2012-03-31", "1234567", "100000", "20000", "", "", "80000", "", MARCH],
    ["35013", "2009-06-24", "2012-03-31", "15321", "1500", "400", "", "", "1100", "", MARCH],
]
FLOW_ROWS = [
    ["01001", "2012-04-01", "2012-08-31", "243", "1", "0", "", "", "1", "", FLOW],
    ["01003", "2012-04-01", "2012-08-31", "1156", "24", "1", "", "", "23", "", FLOW],
    ["02270", "2012-04-10", "2012-08-31", "150", "3", "0", "", "", "3", "", AUGUST],
    ["06037", "2012-04-01", "2012-08-31", "65433", "6000", "1000", "", "", "5000", "", FLOW],
    ["35013", "2012-04-01", "2012-08-31", "679", "100", "20", "", "", "80", "", FLOW],
]


def written(raw_dir: Path, table: str) -> list[list[str]]:
    """The raw table's CSV as rows of fields, header first."""
    with (raw_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def by_key(rows: list[list[str]]) -> list[list[str]]:
    """Rows sorted by their first three fields (the keys of the raw tables)."""
    return sorted(rows, key=lambda row: row[:3])


def census_row(code: str, vintage: str, total: int, foreign: int, moe: float) -> list[object]:
    """An expected census row, with the share and MOE as floats (compared with ``pytest.approx``)."""
    return [code, vintage, str(total), foreign / total, moe, ""]


def expected_census(vintage: str) -> list[list[object]]:
    """The ACS fixture's four counties, hand-computed: MOE = sqrt(MOE_x^2 - p^2 MOE_y^2) / y; a controlled total
    has MOE_y = 0; Doña Ana's radicand 10^2 - 0.5^2 * 100^2 < 0 gives sqrt(10^2 + 0.5^2 * 100^2) / 2000."""
    baldwin_share = 6540 / 182265
    return [
        census_row("01001", vintage, 54571, 1095, 239 / 54571),
        census_row("01003", vintage, 182265, 6540, math.sqrt(612**2 - baldwin_share**2 * 100**2) / 182265),
        census_row("06037", vintage, 9818605, 3485000, 12000 / 9818605),
        census_row("35013", vintage, 2000, 1000, math.sqrt(2600) / 2000),
    ]


def assert_census(raw_dir: Path, expected: list[list[object]]) -> None:
    """The census CSV has exactly ``expected`` (header checked; shares and MOEs to 1e-12)."""
    rows = written(raw_dir, CENSUS)
    assert rows[0] == CENSUS_HEADER
    assert len(rows) - 1 == len(expected)
    for row, want in zip(rows[1:], expected, strict=True):
        assert row[:3] == want[:3]
        assert float(row[3]) == pytest.approx(want[3], rel=1e-12)
        assert float(row[4]) == pytest.approx(want[4], rel=1e-12)
        assert row[5] == ""


def write_sources(folder: Path) -> Path:
    """A folder of source files: ICE March (Latin-1, LF) and August (UTF-8 BOM, CRLF), the ACS export and API
    JSON, the ICPSR TSV."""
    folder.mkdir()
    write_records(folder / "ice_march.csv", ice_snapshot_march(), encoding="latin-1")
    write_records(folder / "ice_august.csv", ice_snapshot_august(), bom=True, line_end="\r\n")
    write_records(folder / "acs_export.csv", acs_export_records())
    (folder / "acs_api.json").write_text(acs_api_json(), encoding="utf-8")
    write_records(folder / "ucr-Data.tsv", ucr_records(), delimiter="\t")
    return folder


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return write_sources(tmp_path / "sources")


@pytest.fixture(scope="module")
def loaded_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw directory holding the March ICE table, ACS 2006-2010 and UCR 2011 of the fixtures, loaded once."""
    sources = write_sources(tmp_path_factory.mktemp("loaded") / "sources")
    folder = sources.parent / "raw"
    run(["ice", str(sources / "ice_march.csv"), "--as-of", "2012-03-31", "--out", str(folder)])
    run(["acs", str(sources / "acs_export.csv"), "--vintage", "2006-2010", "--out", str(folder)])
    run(["ucr", str(sources / "ucr-Data.tsv"), "--year", "2011", "--out", str(folder)])
    return folder


@pytest.fixture
def raw_dir(tmp_path: Path, loaded_raw_dir: Path) -> Path:
    """A copy of the loaded raw directory, for the test to load more into."""
    return Path(shutil.copytree(loaded_raw_dir, tmp_path / "raw"))


# --- ICE -------------------------------------------------------------------------------------------------------


def test_ice_one_snapshot_writes_one_cumulative_row_per_activated_county(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "out"
    report = run(["ice", str(sources / "ice_march.csv"), "--as-of", "2012-03-31", "--out", str(out)])
    assert written(out, IDENTIFICATIONS) == [IDENTIFICATION_HEADER, *MARCH_ROWS]
    text = "\n".join(report)
    assert "(CSV, Latin-1) as of 2012-03-31: 6 data rows" in text
    assert "skipped 2 row(s): not yet activated" in text
    assert "line 4 GEOid2 1005 Barbour, line 5 GEOid2 2158 Kusilvak" in text
    assert "4 new row(s), 4 counties; by period_end: 2012-03-31: 4" in text


@pytest.mark.parametrize("reverse", [False, True], ids=["in-date-order", "given-out-of-order"])
def test_ice_two_snapshots_write_flows_between_them(tmp_path: Path, sources: Path, reverse: bool) -> None:
    """August - March per county from 2012-04-01; Kusilvak (02158 -> 02270), activated 2012-04-10 between the
    snapshots, starts at its activation date with its cumulative count."""
    pairs = [("ice_march.csv", "2012-03-31"), ("ice_august.csv", "2012-08-31")]
    pairs = pairs[::-1] if reverse else pairs
    out = tmp_path / "out"
    files = [str(sources / name) for name, _ in pairs]
    dates = [argument for _, date in pairs for argument in ("--as-of", date)]
    report = run(["ice", *files, *dates, "--out", str(out)])
    rows = written(out, IDENTIFICATIONS)
    assert rows[0] == IDENTIFICATION_HEADER
    assert by_key(rows[1:]) == by_key(MARCH_ROWS + FLOW_ROWS)
    text = "\n".join(report)
    assert "(CSV, UTF-8 with BOM) as of 2012-08-31" in text
    assert "mapped 1 county code(s) through ref_fips_changes: 02158 -> 02270" in text
    assert "flows 2012-04-01..2012-08-31" in text


def test_ice_decreasing_cumulative_count_is_rejected(tmp_path: Path, sources: Path) -> None:
    august = ice_snapshot_august()
    august[2][7] = "11,000"  # Baldwin's submissions: 12,000 in March
    write_records(sources / "ice_august.csv", august)
    out = tmp_path / "out"
    message = rejected(
        out,
        ["ice", str(sources / "ice_march.csv"), str(sources / "ice_august.csv")],
        ["--as-of", "2012-03-31", "--as-of", "2012-08-31"],
    )
    assert_problem(message, IDENTIFICATIONS, "submissions", "cumulative counts do not go down", {3}, "ice_august.csv")
    assert "12000 as of 2012-03-31 (ice_march.csv line 3) -> 11000 as of 2012-08-31" in message


def test_ice_flow_with_more_matches_than_submissions_is_rejected(tmp_path: Path, sources: Path) -> None:
    """Each table is consistent, but Autauga's flow (1 submission, 10 matches) breaks the contract's rule."""
    august = ice_snapshot_august()
    august[1][7:11] = ["2,501", "1", "19", "20"]
    write_records(sources / "ice_august.csv", august)
    message = rejected(
        tmp_path / "out",
        ["ice", str(sources / "ice_march.csv"), str(sources / "ice_august.csv")],
        ["--as-of", "2012-03-31", "--as-of", "2012-08-31"],
    )
    assert_problem(message, IDENTIFICATIONS, "matches_total", "matches_total <= submissions", {2}, "ice_august.csv")
    assert "(flow: minus ice_march.csv as of 2012-03-31) 2012-04-01..2012-08-31: submissions=1" in message


def test_ice_reload_replaces_same_keys_and_appends_new_ones(raw_dir: Path, sources: Path) -> None:
    """RAW_DIR holds the March rows; loading March + August replaces them (same keys) and adds the flows."""
    files = [str(sources / "ice_march.csv"), str(sources / "ice_august.csv")]
    report = run(["ice", *files, "--as-of", "2012-03-31", "--as-of", "2012-08-31", "--out", str(raw_dir)])
    assert by_key(written(raw_dir, IDENTIFICATIONS)[1:]) == by_key(MARCH_ROWS + FLOW_ROWS)
    assert "of 4 existing rows 4 replaced by reloaded keys, 0 kept; 5 added" in "\n".join(report)


def test_ice_later_snapshot_alone_overlaps_the_loaded_one(raw_dir: Path, sources: Path) -> None:
    """Loading the August table alone after March gives cumulative rows overlapping March's: rejected, naming the
    August lines and the raw file's rows they overlap."""
    message = rejected(raw_dir, ["ice", str(sources / "ice_august.csv")], ["--as-of", "2012-08-31"])
    assert_problem(
        message,
        IDENTIFICATIONS,
        "period_start, period_end",
        "intervals of one county do not overlap",
        {2, 3, 6, 7},
        "ice_august.csv",
    )
    assert f"{raw_dir / 'raw_sc_identifications.csv'} line 2)" in message
    assert "python -m scload ice OLDER NEWER" in message


def test_warning_lists_identified_counties_without_census_or_ucr(raw_dir: Path, sources: Path) -> None:
    files = [str(sources / "ice_march.csv"), str(sources / "ice_august.csv")]
    report = run(["ice", *files, "--as-of", "2012-03-31", "--as-of", "2012-08-31", "--out", str(raw_dir)])
    warnings = [line for line in report if line.startswith("WARNING")]
    census = "no census row (any vintage) in raw_census_foreign_born"
    ucr = "no UCR row for any year in raw_ucr_arrests"
    assert warnings == [
        f"WARNING: 1 of 5 counties with identifications have {census}: 02270 Wade Hampton Census Area",
        f"WARNING: 1 of 5 counties with identifications have {ucr}: 02270 Wade Hampton Census Area",
    ]


def test_warning_when_a_raw_table_is_missing(tmp_path: Path, sources: Path) -> None:
    report = run(["acs", str(sources / "acs_export.csv"), "--vintage", "2006-2010", "--out", str(tmp_path / "o")])
    assert f"WARNING: {tmp_path / 'o'} has no raw_ucr_arrests yet; the warehouse needs all three raw tables" in report


ICE_EXCERPT = REPO_ROOT / "tests/python/data/ice_ident_iafis_2012-08-31_excerpt.csv"


def test_ice_real_table_excerpt_loads_as_the_committed_seed(tmp_path: Path) -> None:
    """25 verbatim rows of the real ICE table (tests/python/data/PROVENANCE.md): the 22 activated counties give the
    counts and activation dates of seeds/raw/raw_sc_identifications.csv, built from the tidy copy of the same table;
    the multi-county jurisdictions stay on their unit codes (36085 New York City, 02105 Skagway-Hoonah-Angoon)."""
    out = tmp_path / "out"
    report = run(["ice", str(ICE_EXCERPT), "--as-of", "2012-08-31", "--out", str(out)])
    rows = written(out, IDENTIFICATIONS)
    with (REPO_ROOT / "seeds/raw/raw_sc_identifications.csv").open(encoding="utf-8", newline="") as handle:
        seed = {row[0]: row[:-1] for row in csv.reader(handle)}
    assert len(rows) - 1 == 22
    assert [row[:-1] for row in rows[1:]] == [seed[row[0]] for row in rows[1:]]
    assert {"36085", "02105", "02198", "51683", "12086", "35013"} <= {row[0] for row in rows[1:]}
    by_county = {row[0]: row for row in rows[1:]}
    assert by_county["06037"][:6] == ["06037", "2009-08-27", "2012-08-31", "1112028", "119595", "24603"]
    text = "\n".join(report)
    assert "(CSV, UTF-8) as of 2012-08-31: 25 data rows" in text
    assert "skipped 3 row(s): not yet activated" in text
    assert "mapped" not in text


# --- ACS -------------------------------------------------------------------------------------------------------


def test_acs_census_export_with_label_row(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "out"
    report = run(["acs", str(sources / "acs_export.csv"), "--vintage", "2006-2010", "--out", str(out)])
    assert_census(out, expected_census("2006-2010"))
    text = "\n".join(report)
    assert "(CSV with a label row, UTF-8): table B05012, 6 data rows" in text
    assert "skipped 2 row(s): not a county" in text
    assert "line 3 0100000US United States, line 4 0400000US01 Alabama" in text


@pytest.mark.parametrize("table", ["B05012", "B05002"])
def test_acs_api_json(tmp_path: Path, table: str) -> None:
    path = tmp_path / "acs.json"
    path.write_text(acs_api_json(table), encoding="utf-8")
    out = tmp_path / "out"
    report = run(["acs", str(path), "--vintage", "2009-2013", "--out", str(out)])
    assert_census(out, expected_census("2009-2013"))
    assert f"(JSON array, UTF-8): table {table}, 4 data rows" in "\n".join(report)


def test_acs_reload_replaces_and_new_vintage_appends(raw_dir: Path, sources: Path) -> None:
    records = acs_export_records()
    records[4][6] = "2000"  # Autauga foreign born
    write_records(sources / "acs_export.csv", records)
    run(["acs", str(sources / "acs_export.csv"), "--vintage", "2006-2010", "--out", str(raw_dir)])
    run(["acs", str(sources / "acs_api.json"), "--vintage", "2009-2013", "--out", str(raw_dir)])
    expected = expected_census("2006-2010") + expected_census("2009-2013")
    expected[0] = census_row("01001", "2006-2010", 54571, 2000, 239 / 54571)
    assert_census(raw_dir, sorted(expected, key=lambda row: (row[0], row[1])))


def b05002_export(folder: Path, later_geography: bool = False, edit: Callable | None = None) -> Path:
    """data.census.gov's B05002 export (every field quoted, two header rows), optionally changed by ``edit``."""
    records = b05002_export_records(later_geography)
    if edit is not None:
        edit(records)
    name = "ACSDT5Y2015.B05002-Data.csv" if later_geography else "ACSDT5Y2010.B05002-Data.csv"
    return write_records(folder / name, records, quote_all=True)


def test_acs_b05002_data_census_gov_export(tmp_path: Path) -> None:
    """B05002_013E is the foreign born; Puerto Rico's municipio is dropped; Loving TX (0 foreign born, MOE 93 for
    a population of 67) gets the share's MOE capped at 1; controlled totals (*****) have MOE 0."""
    out = tmp_path / "out"
    report = run(["acs", str(b05002_export(tmp_path)), "--vintage", "2006-2010", "--out", str(out)])
    assert_census(
        out,
        [
            census_row("01001", "2006-2010", 53155, 1095, 239 / 53155),
            census_row("02270", "2006-2010", 7384, 42, 30 / 7384),
            census_row("35013", "2006-2010", 204591, 34788, 1560 / 204591),
            census_row("48301", "2006-2010", 67, 0, 1.0),
        ],
    )
    text = "\n".join(report)
    assert "(CSV with a label row, UTF-8): table B05002, 5 data rows" in text
    assert "skipped 1 row(s): Puerto Rico or an island area" in text
    assert "line 7 0500000US72001 Adjuntas Municipio, Puerto Rico" in text
    assert "1 row(s) whose share's MOE exceeds 1 (a foreign-born MOE above the population): capped at 1: " in text


def test_acs_b05002_later_vintage_maps_renamed_counties(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run(["acs", str(b05002_export(tmp_path, True)), "--vintage", "2011-2015", "--out", str(out)])
    assert [row[0] for row in written(out, CENSUS)[1:]] == ["01001", "02270", "35013", "46113", "48301"]
    assert "mapped 2 county code(s) through ref_fips_changes: 02158 -> 02270, 46102 -> 46113" in "\n".join(report)


def test_acs_annotated_estimates_and_moes(tmp_path: Path) -> None:
    """Doña Ana's foreign-born estimate "N": no share, dropped (listed); Wade Hampton's foreign-born MOE "(X)":
    no MOE; Autauga's total MOE "null" with the annotation column B05002_001MA "*****": controlled, MOE 0."""

    def annotate(records: list[list[str]]) -> None:
        records[4][records[0].index("B05002_013E")] = "N"
        records[3][records[0].index("B05002_013M")] = "(X)"
        records[2][records[0].index("B05002_001M")] = "null"
        for record, annotation in zip(records, ["B05002_001MA", "Annotation of Margin of Error!!Total:"], strict=False):
            record.insert(-1, annotation)
        for record in records[2:]:
            record.insert(-1, "*****" if record[0] == "0500000US01001" else "")

    out = tmp_path / "out"
    report = run(["acs", str(b05002_export(tmp_path, edit=annotate)), "--vintage", "2006-2010", "--out", str(out)])
    rows = {row[0]: row for row in written(out, CENSUS)[1:]}
    assert sorted(rows) == ["01001", "02270", "48301"]
    assert float(rows["01001"][4]) == pytest.approx(239 / 53155, rel=1e-12)
    assert rows["02270"][3:5] == [repr(42 / 7384), ""]
    text = "\n".join(report)
    assert (
        "skipped 1 row(s): no estimate (B05002_001E or B05002_013E is an annotation such as N, -, (X)); e.g. " in text
    )
    assert "line 5 0500000US35013 Doña Ana County, New Mexico" in text


# --- UCR -------------------------------------------------------------------------------------------------------


def expected_ucr() -> list[list[str]]:
    """One row per county and offense code, from the fixture's counts, sorted by key."""
    counties = [("01001", "100.0", 1), ("01003", "87.5", 10), ("06037", "99.99", 100), ("35013", "62.25", 20)]
    rows = []
    for code, coverage, base in counties:
        counts = ucr_totals(ucr_offenses(base))
        rows += [[code, "2011", offense, str(counts[offense]), coverage, "false"] for offense in OFFENSE_CODES]
    return by_key(rows)


def test_ucr_icpsr_file_one_row_per_county_and_offense(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "out"
    report = run(["ucr", str(sources / "ucr-Data.tsv"), "--year", "2011", "--out", str(out)])
    rows = written(out, UCR)
    assert rows[0] == ["county_fips", "data_year", "offense_code", "arrests", "coverage_indicator", "is_synthetic"]
    assert rows[1:] == expected_ucr()
    assert len(rows) - 1 == 4 * 30
    autauga = {row[2]: int(row[3]) for row in rows[1:] if row[0] == "01001"}
    # hand-checked: Autauga's leaves count 1, 2, 3, ... in file order; sale = 18+19+20+21, possession = 22+...+25
    assert (autauga["MURDER"], autauga["DRGSALE"], autauga["DRGPOSS"], autauga["GAMBLE"]) == (1, 78, 94, 81)
    assert (autauga["SUSPICN"], autauga["CURFEW"], autauga["RUNAWAY"]) == (36, 37, 38)
    text = "\n".join(report)
    assert "(tab-delimited, UTF-8): 6 data rows" in text
    assert "dropped 2 row(s) that are no county of the 50 states and DC" in text
    assert "line 2 FIPS_ST 1 FIPS_CTY 999: no county (FIPS_CTY 999), CPOPARST 50000: dropped with its" in text
    assert "line 7 FIPS_ST 1 FIPS_CTY 0: no county (FIPS_CTY 000), CPOPARST 50000: dropped with its" in text
    assert "0 data-quality warning(s) on 0 of 4 county rows" in text
    assert written(out, UCR_QUALITY) == [QUALITY_HEADER]


def test_ucr_quoted_fields_lower_case_names_and_an_extra_column(tmp_path: Path) -> None:
    """The ICPSR "Delimited" form with every field quoted, variable names in lower case and a column the loader
    does not know load the same rows."""
    records = [[*record, "x" if index else "EXTRA"] for index, record in enumerate(ucr_records())]
    records[0] = [name.lower() for name in records[0]]
    path = write_records(tmp_path / "ucr.tsv", records, delimiter="\t", quote_all=True)
    out = tmp_path / "out"
    run(["ucr", str(path), "--year", "2011", "--out", str(out)])
    assert written(out, UCR)[1:] == expected_ucr()
    assert '"fips_st"\t"fips_cty"' in path.read_text(encoding="utf-8")


# The ICPSR 2010 file as distributed (loader_fixtures.ICPSR_2010_ROWS), written by hand: per county the coverage
# indicator and the non-zero counts; every other offense is 0.
ICPSR_2010_COUNTIES: dict[str, tuple[str, dict[str, int]]] = {
    # rounding gaps (P1VLNT +1, DRGPOSS -2 against its breakdown, GRNDTOT +5) change nothing: DRGPOSS as given
    "01001": (
        "100.0",
        {"MURDER": 2, "RAPE": 5, "ROBBERY": 10, "AGASSLT": 40, "BURGLRY": 60, "LARCENY": 200, "MVTHEFT": 15}
        | {"ARSON": 3, "OTHASLT": 150, "DRGSALE": 10, "DRGPOSS": 118, "DUI": 250, "ALLOTHR": 800, "SUSPICN": 1}
        | {"CURFEW": 4, "RUNAWAY": 6},
    ),
    # DRUGTOT 3,400 over DRGSALE 80 + DRGPOSS 320: the 3,000 split 80 : 320 -> +600 sale, +2,400 possession;
    # GAMBLE 45 as given (its breakdown is 5)
    "01003": (
        "95.5",
        {"AGASSLT": 100, "LARCENY": 500, "DRGSALE": 680, "DRGPOSS": 2720, "GAMBLE": 45, "DUI": 600, "ALLOTHR": 1500},
    ),
    "02105": ("100.0", {"DUI": 12, "DRUNK": 3, "ALLOTHR": 20}),  # 02232, given to the unit 02105 (+ 02230)
    # 02280 allocated 3815 : 2369 (of 6184), largest remainder: LARCENY 7 = 4.32 + 2.68 -> 4 + 3; DUI 20 = 12.34
    # + 7.66 -> 12 + 8; DISORDR 3 = 1.85 + 1.15 -> 2 + 1; ALLOTHR 40 = 24.68 + 15.32 -> 25 + 15
    "02195": ("90.0", {"LARCENY": 4, "DUI": 12, "DISORDR": 2, "ALLOTHR": 25}),
    "02198": ("80.0", {"LARCENY": 10, "OTHASLT": 20, "DUI": 30, "ALLOTHR": 50}),  # 02201: its only settled part
    "02275": ("90.0", {"LARCENY": 3, "DUI": 8, "DISORDR": 1, "ALLOTHR": 15}),
    # DRUGTOT 42,254 with no sale and no possession: all to DRGPOSS
    "17031": (
        "100.0",
        {"ROBBERY": 2000, "LARCENY": 3000, "OTHASLT": 2500, "DRGPOSS": 42254, "DUI": 1200, "ALLOTHR": 3000},
    ),
    # 30113 allocated 89513 : 15636 (of 105149): DUI 25 = 21.28 + 3.72 -> 21 + 4; LIQUOR 4 = 3.41 + 0.59 -> 3 + 1;
    # DRUNK 7 = 5.96 + 1.04 -> 6 + 1; added to the counties' own rows
    "30031": ("100.0", {"LARCENY": 300, "DUI": 521, "LIQUOR": 3, "DRUNK": 6, "ALLOTHR": 1000}),
    # coverage (15636 x 50 + 14.8703 x 100) / (15636 + 14.8703), 14.8703 = Yellowstone's CPOPARST 100 x 15636/105149
    "30067": ("50.0475", {"DUI": 64, "LIQUOR": 1, "DRUNK": 1, "ALLOTHR": 90}),
    # 51005 + 51560: coverage (16250 x 100 + 4000 x 50) / 20250 = 90.12346 -> 90.1235
    "51005": ("90.1235", {"LARCENY": 20, "DUI": 44, "ALLOTHR": 108}),
    "51083": ("87.5", {"DUI": 70, "ALLOTHR": 130}),  # + the 51780 zero row, CPOPARST 0: no weight
}
ICPSR_2010_QUALITY = [
    [
        "01003",
        "2010",
        "DRUGTOT = DRGSALE + DRGPOSS",
        "01003",
        "DRUGTOT",
        "3400",
        "400",
        "3000",
        "drug_excess_split",
        (
            "counted: 3000 undifferentiated drug arrests added to DRGSALE (+600) and DRGPOSS (+2400), in proportion to "
            "the county's own split"
        ),
    ],
    [
        "01003",
        "2010",
        "GAMBLE = BOOKMKG + NUMBERS + OTGAMBL",
        "01003",
        "GAMBLE",
        "45",
        "5",
        "40",
        "total_loaded_with_excess",
        "counted: GAMBLE is loaded as given, with its 40 arrests beyond its breakdown",
    ],
    *(
        [
            county,
            "2010",
            "P1PRPTY = BURGLRY + LARCENY + MVTHEFT + ARSON",
            "02280",
            "P1PRPTY",
            "12",
            "7",
            "5",
            "excess_not_loaded",
            "not counted: P1PRPTY is not loaded; its 5 arrests beyond its parts are in no offense",
        ]
        for county in ("02195", "02275")
    ),
    [
        "17031",
        "2010",
        "DRUGTOT = DRGSALE + DRGPOSS",
        "17031",
        "DRUGTOT",
        "42254",
        "0",
        "42254",
        "drug_excess_to_possession",
        (
            "counted: 42254 undifferentiated drug arrests added to DRGSALE (+0) and DRGPOSS (+42254), all to DRGPOSS, "
            "as DRGSALE and DRGPOSS are both 0"
        ),
    ],
    # GRNDTOT 54,854 against the 30 offenses as written, 53,954: 900 is 1.6 %
    [
        "17031",
        "2010",
        "GRNDTOT = sum of the 30 offense codes (CURFEW, RUNAWAY, SUSPICN included)",
        "17031",
        "GRNDTOT",
        "54854",
        "53954",
        "900",
        "excess_not_loaded",
        "not counted: GRNDTOT is not loaded; its 900 arrests beyond the 30 offense counts are in no offense",
    ],
]


def icpsr_2010_file(folder: Path, edit: Callable[[list[list[str]]], None] | None = None) -> Path:
    """The 2010 file as distributed (tab-delimited), optionally changed by ``edit``."""
    records = icpsr_2010_records()
    if edit is not None:
        edit(records)
    return write_records(folder / "33523-0001-Data.tsv", records, delimiter="\t")


def test_ucr_icpsr_2010_file_as_distributed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(["ucr", str(icpsr_2010_file(tmp_path)), "--year", "2010", "--out", str(out)])
    expected = [
        [county, "2010", offense, str(counts.get(offense, 0)), coverage, "false"]
        for county, (coverage, counts) in ICPSR_2010_COUNTIES.items()
        for offense in OFFENSE_CODES
    ]
    assert written(out, UCR)[1:] == by_key(expected)
    assert written(out, UCR_QUALITY) == [QUALITY_HEADER, *ICPSR_2010_QUALITY]


def test_ucr_icpsr_2010_report_says_what_it_did_with_every_row(tmp_path: Path) -> None:
    report = run(["ucr", str(icpsr_2010_file(tmp_path)), "--year", "2010", "--out", str(tmp_path / "out")])
    for line in [
        "dropped 3 row(s) that are no county of the 50 states and DC, with 213 arrests",
        (
            "  line 4 FIPS_ST 1 FIPS_CTY 777: no county (FIPS_CTY 777: statewide agencies), CPOPARST 0: dropped with "
            "its 84 arrests (GRNDTOT)"
        ),
        "  line 8 FIPS_ST 2 FIPS_CTY 999: no county (FIPS_CTY 999), CPOPARST 0: dropped with its 9 arrests (GRNDTOT)",
        (
            "county codes: 7 rows are 2010 counties; 2 mapped through ref_fips_changes; 4 divided areas of "
            "ref_fips_splits (2 given to one county or reporting unit, 2 allocated by 2010 population)"
        ),
        (
            "  line 5 FIPS_ST 2 FIPS_CTY 201: 02201 divided (ref_fips_splits): given to 02198 Prince of Wales-Hyder "
            "Census Area, the only part that took its residents (not 02130 02275): 110 arrests"
        ),
        (
            "  line 6 FIPS_ST 2 FIPS_CTY 232: 02232 divided into 02105 02230 (ref_fips_splits): given to reporting "
            "unit 02105 (Hoonah-Angoon and Skagway, AK), which covers them: 35 arrests"
        ),
        (
            "  line 7 FIPS_ST 2 FIPS_CTY 280: 02280 divided into 02195 02275 (ref_fips_splits), no reporting unit "
            "covers them: allocated by 2010 population (3815 : 2369): 70 arrests -> 02195 43, 02275 27"
        ),
        (
            "  line 13 FIPS_ST 30 FIPS_CTY 113: 30113 divided into 30031 30067 (ref_fips_splits), no reporting unit "
            "covers them: allocated by 2010 population (89513 : 15636), combined with lines 11, 12: 36 arrests -> "
            "30031 30, 30067 6"
        ),
        (
            "  line 16 FIPS_ST 51 FIPS_CTY 560: 51560 -> 51005 Alleghany County (Clifton Forge city VA merged into "
            "Alleghany County, 2001-07-01), combined with line 14: 12 arrests"
        ),
        (
            "  line 17 FIPS_ST 51 FIPS_CTY 780: 51780 -> 51083 Halifax County (South Boston city VA merged into "
            "Halifax County, 1995-06-30), combined with line 15: 0 arrests"
        ),
        (
            "  51005 Alleghany County: lines 14, 16 combined: counts summed, coverage_indicator 90.1235 (COVIND "
            "weighted by CPOPARST: 16250 x 100 + 4000 x 50)"
        ),
        (
            "  51083 Halifax County: lines 15, 17 combined: counts summed, coverage_indicator 87.5 (COVIND weighted by "
            "CPOPARST: 36241 x 87.5 + 0 x 0)"
        ),
        (
            "sub-totals (a gap of at most 2 arrests or 1% is rounding of ICPSR's imputed cells): 5 data-quality "
            "warning(s) on 3 of 13 county rows, written to raw_ucr_data_quality:"
        ),
        (
            "  DRUGTOT = DRGSALE + DRGPOSS: 2 row(s), e.g. line 3 FIPS_ST 1 FIPS_CTY 3: 3400 vs 400 (+3000), line 10 "
            "FIPS_ST 17 FIPS_CTY 31: 42254 vs 0 (+42254)"
        ),
        (
            "  undifferentiated drug arrests (DRUGTOT beyond DRGSALE + DRGPOSS) counted on 2 row(s): 45,254 arrests, "
            "DRGSALE +600, DRGPOSS +44,654"
        ),
    ]:
        assert line in report
    assert not [line for line in report if line.startswith(("  P1VLNT", "  DRGPOSS = "))]  # rounding only


def test_ucr_reloaded_year_replaces_its_warnings(tmp_path: Path) -> None:
    """Loading a corrected 2010 file (no gaps) leaves no 2010 warning; another year's warnings are kept."""
    out = tmp_path / "out"
    run(["ucr", str(icpsr_2010_file(tmp_path)), "--year", "2012", "--out", str(out)])
    run(["ucr", str(icpsr_2010_file(tmp_path)), "--year", "2010", "--out", str(out)])
    assert len(written(out, UCR_QUALITY)) == 1 + 2 * 6

    def without_gaps(records: list[list[str]]) -> None:
        for record in records[1:]:
            state, county = record[UCR_COLUMNS.index("FIPS_ST")], record[UCR_COLUMNS.index("FIPS_CTY")]
            if (state, county) in {("1", "3"), ("2", "280"), ("17", "31")}:
                records.remove(record)

    report = run(["ucr", str(icpsr_2010_file(tmp_path, without_gaps)), "--year", "2010", "--out", str(out)])
    rows = written(out, UCR_QUALITY)
    assert {row[1] for row in rows[1:]} == {"2012"} and len(rows) == 1 + 6
    assert "of 12 existing rows 6 replaced by reloaded data_year, 6 kept; 0 added" in "\n".join(report)


def test_ucr_coverage_of_rows_that_all_have_no_population_is_their_mean(tmp_path: Path) -> None:
    """Halifax (87.5) and the South Boston zero row (0), both with CPOPARST 0: (87.5 + 0) / 2."""

    def halifax_without_population(records: list[list[str]]) -> None:
        records[14][UCR_COLUMNS.index("CPOPARST")] = "0"

    out = tmp_path / "out"
    run(["ucr", str(icpsr_2010_file(tmp_path, halifax_without_population)), "--year", "2010", "--out", str(out)])
    assert {row[4] for row in written(out, UCR) if row[0] == "51083"} == {"43.75"}


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [(7, (3815, 2369), [4, 3]), (1, (1, 1), [1, 0]), (5, (1, 1, 1), [2, 2, 1]), (0, (5, 3), [0, 0])],
)
def test_largest_remainder_is_deterministic(total: int, weights: tuple[int, ...], shares: list[int]) -> None:
    assert largest_remainder(total, weights) == shares


# --- bad input: one InputError naming table, file, column, rule and lines; RAW_DIR unchanged -----------------


def rejected(raw_dir: Path, command: list[str], options: list[str]) -> str:
    """Run a load that must fail: returns the ``InputError`` message after checking RAW_DIR did not change."""
    before = directory_contents(raw_dir)
    with pytest.raises(InputError) as caught:
        run([*command, *options, "--out", str(raw_dir)])
    assert directory_contents(raw_dir) == before
    return str(caught.value)


def assert_problem(message: str, table: str, column: str, rule: str, lines: set[int], file: str) -> None:
    """``message`` names the table, the file, the column, the rule and exactly the example ``lines``."""
    assert f"{table}: file" in message or f"{table}: files" in message, message
    assert file in message, message
    assert f", column {column}\n" in message, message
    assert rule in message, message
    assert {int(line) for line in re.findall(r"line (\d+): ", message)} == lines, message


def ice_case(edit: Callable[[list[list[str]]], None]) -> Callable[[Path], list[str]]:
    """A bad ICE table: the March fixture changed by ``edit``; returns the command."""

    def write(folder: Path) -> list[str]:
        records = ice_snapshot_march()
        edit(records)
        return ["ice", str(write_records(folder / "ice_bad.csv", records)), "--as-of", "2012-03-31"]

    return write


def set_field(row: int, column: int, value: str) -> Callable[[list[list[str]]], None]:
    """An edit setting field ``column`` of record ``row`` (0 = header, so record n is on line n + 1)."""

    def edit(records: list[list[str]]) -> None:
        records[row][column] = value

    return edit


def ice_raw_bytes(transform: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    """A bad ICE file made by ``transform`` of the March fixture's bytes."""

    def write(folder: Path) -> list[str]:
        path = write_records(folder / "ice_bad.csv", ice_snapshot_march())
        path.write_bytes(transform(path.read_bytes()))
        return ["ice", str(path), "--as-of", "2012-03-31"]

    return write


def acs_case(edit: Callable[[list[list[str]]], None]) -> Callable[[Path], list[str]]:
    """A bad data.census.gov export (lines: 1 codes, 2 labels, 3 nation, 4 state, 5-8 counties)."""

    def write(folder: Path) -> list[str]:
        records = acs_export_records()
        edit(records)
        return ["acs", str(write_records(folder / "acs_bad.csv", records)), "--vintage", "2006-2010"]

    return write


def ucr_case(edit: Callable[[list[list[str]]], None]) -> Callable[[Path], list[str]]:
    """A bad ICPSR file (lines: 1 header, 2 statewide, 3-6 counties 01001 01003 06037 35013, 7 state)."""

    def write(folder: Path) -> list[str]:
        records = [list(record) for record in ucr_records()]
        edit(records)
        return ["ucr", str(write_records(folder / "ucr_bad.tsv", records, delimiter="\t")), "--year", "2011"]

    return write


def ucr_set(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    return set_field(row, UCR_COLUMNS.index(column), value)


def drop_ucr_column(name: str) -> Callable[[list[list[str]]], None]:
    def edit(records: list[list[str]]) -> None:
        index = records[0].index(name)
        for record in records:
            del record[index]

    return edit


def append_row(row: list[str]) -> Callable[[list[list[str]]], None]:
    def edit(records: list[list[str]]) -> None:
        records.append(row)

    return edit


def rename_header(old: str, new: str) -> Callable[[list[list[str]]], None]:
    def edit(records: list[list[str]]) -> None:
        records[0][records[0].index(old)] = new

    return edit


def keep_header_only(records: list[list[str]]) -> None:
    del records[1:]


def truncate_last_line(data: bytes) -> bytes:
    """Cut the last line after its 10th field (``...,"15,321",400``, the rest missing)."""
    head, last = data.rstrip(b"\n").rsplit(b"\n", 1)
    fields = next(csv.reader([last.decode()]))
    return head + b"\n" + ",".join(f'"{field}"' if "," in field else field for field in fields[:10]).encode()


def duplicate_after_mapping(records: list[list[str]]) -> None:
    """Shannon SD twice: 46113, and its later code 46102 (mapped to 46113) on lines 8 and 9."""
    counts = ["3/15/2011", "100", "1", "2", "3", "0", "0", "0", "0", "0", "0", "0"]
    records.append(["South Dakota", "46113", "0500000US46113", "SD", "Shannon", "DEN", *counts, "13586"])
    records.append(["South Dakota", "46102", "0500000US46102", "SD", "Oglala Lakota", "DEN", *counts, "13586"])


def write_existing(table: str, rows: list[list[str]]) -> Callable[[Path], None]:
    """Replace the raw directory's ``table`` with hand-made ``rows`` (header first)."""

    def write(raw_dir: Path) -> None:
        write_records(raw_dir / f"{table}.csv", rows)

    return write


def no_change(raw_dir: Path) -> None:
    """Leave the raw directory as the fixture made it."""


PERCENT_CENSUS = [
    ["county_fips", "acs_vintage", "total_population", "foreign_born_share", "foreign_born_share_moe"],
    ["01001", "2009-2013", "54571", "1.6", ""],
    ["01003", "2009-2013", "182265", "3.6", ""],
    ["06037", "2009-2013", "9818605", "35.3", ""],
]
SHARE_ABOVE_ONE_CENSUS = [PERCENT_CENSUS[0], ["01001", "2009-2013", "54571", "0.016", ""], PERCENT_CENSUS[2]]
UNKNOWN_OFFENSE_UCR = [
    ["county_fips", "data_year", "offense_code", "arrests", "coverage_indicator"],
    ["01001", "2010", "MURDER", "1", "100"],
    ["01001", "2010", "HOMICIDE", "2", "100"],
    ["01001", "2010", "COVID", "2", "100"],
]
COVERAGE_UCR = [UNKNOWN_OFFENSE_UCR[0], ["01001", "2010", "MURDER", "1", "100"], ["01003", "2010", "DUI", "1", "100.5"]]

BAD_INPUTS = {
    # case: (raw directory setup, source file writer, table, column, rule, lines, file named)
    "ice-renamed-column": (
        no_change,
        ice_case(rename_header("submissions", "submission")),
        IDENTIFICATIONS,
        "submissions",
        "layout has a column submissions",
        {1},
        "ice_bad.csv",
    ),
    "ice-empty-file": (
        no_change,
        ice_raw_bytes(lambda data: b""),
        IDENTIFICATIONS,
        "(whole file)",
        "file has a header and data rows",
        set(),
        "ice_bad.csv",
    ),
    "ice-header-only": (
        no_change,
        ice_case(keep_header_only),
        IDENTIFICATIONS,
        "(whole file)",
        "file has data rows after its header",
        set(),
        "ice_bad.csv",
    ),
    "ice-truncated-last-line": (
        no_change,
        ice_raw_bytes(truncate_last_line),
        IDENTIFICATIONS,
        "identmatch_total",
        "every line has as many fields as the header (19)",
        {7},
        "ice_bad.csv",
    ),
    "ice-text-in-count": (
        no_change,
        ice_case(set_field(2, 7, "12,00O")),
        IDENTIFICATIONS,
        "submissions",
        "a count is a whole number",
        {3},
        "ice_bad.csv",
    ),
    "ice-negative-count": (
        no_change,
        ice_case(set_field(6, 8, "-400")),
        IDENTIFICATIONS,
        "identmatch_lescl1",
        "counts are non-negative",
        {7},
        "ice_bad.csv",
    ),
    "ice-matches-above-submissions": (
        no_change,
        ice_case(set_field(1, 10, "3,000")),
        IDENTIFICATIONS,
        "identmatch_total",
        "identmatch_total <= submissions",
        {2},
        "ice_bad.csv",
    ),
    "ice-levels-above-total": (
        no_change,
        ice_case(set_field(2, 9, "251")),
        IDENTIFICATIONS,
        "identmatch_lescl1 + identmatch_lescl23",
        "level parts <= identmatch_total",
        {3},
        "ice_bad.csv",
    ),
    "ice-duplicate-county": (
        no_change,
        ice_case(append_row(ice_snapshot_march()[1])),
        IDENTIFICATIONS,
        "GEOid2",
        "duplicate key",
        {2, 8},
        "ice_bad.csv",
    ),
    "ice-duplicate-county-after-fips-mapping": (
        no_change,
        ice_case(duplicate_after_mapping),
        IDENTIFICATIONS,
        "GEOid2",
        "duplicate key",
        {8, 9},
        "ice_bad.csv",
    ),
    "ice-malformed-county-code": (
        no_change,
        ice_case(set_field(1, 1, "1001x")),
        IDENTIFICATIONS,
        "GEOid2",
        "a county code is up to 5 digits",
        {2},
        "ice_bad.csv",
    ),
    "ice-unknown-county-code": (
        no_change,
        ice_case(set_field(5, 1, "99999")),
        IDENTIFICATIONS,
        "GEOid2",
        "a county of ref_counties",
        {6},
        "ice_bad.csv",
    ),
    "ice-counts-without-activation-date": (
        no_change,
        ice_case(set_field(1, 6, "")),
        IDENTIFICATIONS,
        "activationdate",
        "a county with counts has an activation date",
        {2},
        "ice_bad.csv",
    ),
    "acs-text-in-count-after-two-header-rows": (
        no_change,
        acs_case(set_field(4, 2, "54,57l")),
        CENSUS,
        "B05012_001E",
        "a count is a whole number",
        {5},
        "acs_bad.csv",
    ),
    "acs-share-above-one": (
        no_change,
        acs_case(set_field(5, 6, "200000")),
        CENSUS,
        "B05012_003E",
        "foreign born <= total",
        {6},
        "acs_bad.csv",
    ),
    "acs-missing-table-column": (
        no_change,
        acs_case(rename_header("B05012_003E", "B05012_003")),
        CENSUS,
        "B05012_001E",
        "an ACS nativity table",
        {1},
        "acs_bad.csv",
    ),
    "acs-unknown-county": (
        no_change,
        acs_case(set_field(7, 0, "0500000US99999")),
        CENSUS,
        "GEO_ID",
        "a county of ref_counties",
        {8},
        "acs_bad.csv",
    ),
    "census-existing-file-given-as-percentages": (
        write_existing(CENSUS, PERCENT_CENSUS),
        acs_case(lambda records: None),
        CENSUS,
        "foreign_born_share",
        "foreign_born_share is a share from 0 to 1 (looks like a percentage)",
        {2, 3, 4},
        "raw_census_foreign_born.csv",
    ),
    "census-existing-share-above-one": (
        write_existing(CENSUS, SHARE_ABOVE_ONE_CENSUS),
        acs_case(lambda records: None),
        CENSUS,
        "foreign_born_share",
        "foreign_born_share is a share from 0 to 1",
        {3},
        "raw_census_foreign_born.csv",
    ),
    "ucr-coverage-above-100": (
        no_change,
        ucr_case(ucr_set(4, "COVIND", "100.5")),
        UCR,
        "COVIND",
        "the coverage indicator is from 0 to 100",
        {5},
        "ucr_bad.tsv",
    ),
    "ucr-negative-count": (
        no_change,
        ucr_case(ucr_set(5, "MURDER", "-3")),
        UCR,
        "MURDER",
        "counts are non-negative",
        {6},
        "ucr_bad.tsv",
    ),
    "ucr-text-in-count": (
        no_change,
        ucr_case(ucr_set(3, "DUI", "n/a")),
        UCR,
        "DUI",
        "a count is a whole number",
        {4},
        "ucr_bad.tsv",
    ),
    "ucr-missing-offense-column": (
        no_change,
        ucr_case(drop_ucr_column("DUI")),
        UCR,
        "DUI",
        "layout has a column DUI",
        {1},
        "ucr_bad.tsv",
    ),
    "ucr-malformed-county": (
        no_change,
        ucr_case(ucr_set(3, "FIPS_CTY", "1x")),
        UCR,
        "FIPS_ST, FIPS_CTY",
        "a county code: FIPS_ST of 1-2 digits, FIPS_CTY of 1-3 digits",
        {4},
        "ucr_bad.tsv",
    ),
    "ucr-unknown-county-code": (
        no_change,
        ucr_case(ucr_set(3, "FIPS_CTY", "998")),
        UCR,
        "FIPS_ST, FIPS_CTY",
        "a 2010 county (ref_counties), a code of ref_fips_changes or ref_fips_splits, or no county",
        {4},
        "ucr_bad.tsv",
    ),
    "ucr-same-code-twice": (
        no_change,
        ucr_case(append_row(ucr_records()[3])),
        UCR,
        "FIPS_ST, FIPS_CTY",
        "one row per county code in one file (the same code twice)",
        {4, 8},
        "ucr_bad.tsv",
    ),
    "ucr-missing-population-column": (
        no_change,
        ucr_case(drop_ucr_column("CPOPARST")),
        UCR,
        "CPOPARST",
        "layout has a column CPOPARST",
        {1},
        "ucr_bad.tsv",
    ),
    "ucr-existing-unknown-offense-code": (
        write_existing(UCR, UNKNOWN_OFFENSE_UCR),
        ucr_case(lambda records: None),
        UCR,
        "offense_code",
        "offense_code is a code of ref_ucr_offense_classes",
        {3, 4},
        "raw_ucr_arrests.csv",
    ),
    "ucr-existing-coverage-above-100": (
        write_existing(UCR, COVERAGE_UCR),
        ucr_case(lambda records: None),
        UCR,
        "coverage_indicator",
        "coverage_indicator is from 0 to 100",
        {3},
        "raw_ucr_arrests.csv",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_rejected_with_an_actionable_message(raw_dir: Path, tmp_path: Path, case: str) -> None:
    prepare, write_source, table, column, rule, lines, file = BAD_INPUTS[case]
    prepare(raw_dir)
    command = write_source(tmp_path)
    message = rejected(raw_dir, command[:2], command[2:])
    assert_problem(message, table, column, rule, lines, file)


def test_percentages_message_says_divide_by_100(raw_dir: Path, tmp_path: Path) -> None:
    write_existing(CENSUS, PERCENT_CENSUS)(raw_dir)
    command = acs_case(lambda records: None)(tmp_path)
    message = rejected(raw_dir, command[:2], command[2:])
    assert "fix: the values look like a percentage; divide by 100" in message


def test_renamed_column_message_suggests_the_old_name(raw_dir: Path, tmp_path: Path) -> None:
    command = ice_case(rename_header("submissions", "submission"))(tmp_path)
    message = rejected(raw_dir, command[:2], command[2:])
    assert "fix: rename column 'submission' back to 'submissions'" in message


def test_truncated_json_names_its_line(raw_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(acs_api_json()[:-30], encoding="utf-8")
    message = rejected(raw_dir, ["acs", str(path)], ["--vintage", "2009-2013"])
    assert_problem(message, CENSUS, "(whole file)", "the Census API's JSON form", {5}, "cut.json")


# --- command line ----------------------------------------------------------------------------------------------


def scload(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m scload ...`` from the repo root, as an operator runs it."""
    command = [sys.executable, "-m", "scload", *arguments]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ([], ["ice", "acs", "ucr", "RAW_DIR"]),
        (["ice"], ["input layout", "GEOid2", "--as-of", "previous as-of + 1 day", "RAW_DIR/raw_sc_identifications"]),
        (["acs"], ["input layout", "B05012_003E", "second header", "JSON", "--vintage", "raw_census_foreign_born"]),
        (
            ["ucr"],
            ["input layout", "777", "ref_fips_splits", "CPOPARST", "1 %", "raw_ucr_data_quality", "--year"],
        ),
    ],
    ids=["program", "ice", "acs", "ucr"],
)
def test_help(command: list[str], words: list[str]) -> None:
    result = scload(*command, "--help")
    assert result.returncode == 0, result.stderr
    for word in words:
        assert word in result.stdout


def test_command_line_exits_2_with_the_message_and_no_traceback(tmp_path: Path, sources: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([["NAME", "B05012_001E"], ["x", "1"]]), encoding="utf-8")
    result = scload("acs", str(path), "--vintage", "2009-2013", "--out", str(tmp_path / "raw"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "raw_census_foreign_born: file" in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "raw" / "raw_census_foreign_born.csv").exists()


def test_command_line_rejects_mismatched_as_of_dates(sources: Path, tmp_path: Path) -> None:
    result = scload("ice", str(sources / "ice_march.csv"), "--as-of", "2012-03-31", "--as-of", "2012-08-31")
    assert result.returncode == 2
    assert "--out" in result.stderr
    both = ["ice", str(sources / "ice_march.csv"), "--as-of", "2012-03-31", "--as-of", "2012-08-31"]
    result = scload(*both, "--out", str(tmp_path / "raw"))
    assert result.returncode == 2
    assert "give one --as-of per FILE (1 files, 2 dates)" in result.stderr


def test_existing_raw_file_is_kept_in_contract_shape(raw_dir: Path, sources: Path) -> None:
    """An existing census file with an extra column, an old county code (46102 -> 46113) and no MOE column keeps
    its rows, rewritten with exactly the contract columns; the report says what changed."""
    header = ["county_fips", "acs_vintage", "total_population", "foreign_born_share", "analyst_note"]
    write_existing(CENSUS, [header, ["46102", "2009-2013", "13586", "0.004", "renamed 2015"]])(raw_dir)
    report = run(["acs", str(sources / "acs_api.json"), "--vintage", "2009-2013", "--out", str(raw_dir)])
    rows = written(raw_dir, CENSUS)
    assert rows[0][-1] == "noncitizen_share"
    assert ["46113", "2009-2013", "13586", "0.004", "", ""] in rows
    assert len(rows) == 1 + 4 + 1
    text = "\n".join(report)
    assert "mapped 1 county code(s) through ref_fips_changes: 46102 -> 46113" in text
    assert "columns not in the contract dropped on rewrite: analyst_note" in text
