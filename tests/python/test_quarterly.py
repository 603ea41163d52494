"""Quarterly operation: raw tables read from a directory (CSV without its optional columns, Parquet), every quarter
scored in one build with its own window and exposure, checked against hand-computed windows. The record of
published and sent lists is tested with the operator's commands (test_operator.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import background
import duckdb
import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt

pytestmark = pytest.mark.e2e

DAYS_PER_YEAR = 365.25
MONTH_ENDS_2011_2012 = [
    ("2011-07-01", "2011-07-31"),
    ("2011-08-01", "2011-08-31"),
    ("2011-09-01", "2011-09-30"),
    ("2011-10-01", "2011-10-31"),
    ("2011-11-01", "2011-11-30"),
    ("2011-12-01", "2011-12-31"),
    ("2012-01-01", "2012-01-31"),
    ("2012-02-01", "2012-02-29"),
    ("2012-03-01", "2012-03-31"),
    ("2012-04-01", "2012-04-30"),
    ("2012-05-01", "2012-05-31"),
    ("2012-06-01", "2012-06-30"),
]
QUARTERS = [
    ("2011-07-01", "2011-09-30"),
    ("2011-10-01", "2011-12-31"),
    ("2012-01-01", "2012-03-31"),
    ("2012-04-01", "2012-06-30"),
]


def identification_rows() -> pd.DataFrame:
    """Three ways ICE data arrive, for counties activated 2011-04-26 (ref_sc_activations):
    01001 monthly rows with levels; 01003 quarterly rows; 01009 a half-year row that starts before activation,
    then quarterly rows; New York City (unit 36085, activated 2012-05-15) one cumulative row since activation."""
    rows = [("01001", start, end, 100, 10, 2, 8) for start, end in MONTH_ENDS_2011_2012]
    rows += [("01003", start, end, 300, 20, None, None) for start, end in QUARTERS]
    rows += [("01009", "2011-01-01", "2011-06-30", 60, 6, None, None)]
    rows += [("01009", start, end, 120, 9, None, None) for start, end in QUARTERS]
    rows += [("36085", "2012-05-15", "2012-06-30", 50000, 9000, None, None)]
    frame = pd.DataFrame(
        rows,
        columns=[
            "county_fips",
            "period_start",
            "period_end",
            "submissions",
            "matches_total",
            "matches_level1",
            "matches_level2_3",
        ],
    )
    return frame.astype({"matches_level1": "Int64", "matches_level2_3": "Int64"})


@pytest.fixture(scope="module")
def multi_quarter_build() -> Path:
    """The build on the multi-quarter raw folder (started in the background when the tests are collected)."""
    result = background.result("multi_quarter_build")
    assert result.ok, result.failure_message()
    return result.database


@background.job("multi_quarter_build")
def build_multi_quarter(work: Path) -> DbtResult:
    raw_dir = work / "raw_dir"
    raw_dir.mkdir()
    # Optional columns left out on purpose: they must read as null.
    identification_rows().to_csv(raw_dir / "raw_sc_identifications.csv", index=False)
    shutil.copy(REPO_ROOT / "seeds/raw/raw_census_foreign_born.csv", raw_dir)
    ucr_csv = REPO_ROOT / "seeds/raw/raw_ucr_arrests.csv"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_csv('{ucr_csv}', types = {{'county_fips': 'varchar'}}))"
            f" to '{raw_dir / 'raw_ucr_arrests.parquet'}' (format parquet)"
        )
    # The latest quarter, given explicitly (the other builds take the default, the latest).
    return run_dbt(work / "multi_quarter", ["build", "--vars", f"{{raw_dir: {raw_dir}, reporting_period: 2012Q2}}"])


def unit_periods(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.sql(
            "select unit_fips, reporting_period, n_source_rows, submissions, matches_total, matches_level1,"
            " matches_level2_3, exposure_years from intermediate.int_identifications_unit_periods"
            " where window_quarters = 4"
        ).df()
    return frame.set_index(["unit_fips", "reporting_period"]).sort_index()


def test_every_quarter_is_scored_in_one_build(multi_quarter_build: Path) -> None:
    with duckdb.connect(str(multi_quarter_build), read_only=True) as connection:
        for mart in ["fct_match_rate", "fct_crime_adjusted_matches", "fct_minor_offense_share", "rpt_anomaly_ranking"]:
            periods = connection.sql(f"select distinct reporting_period from marts.{mart} order by 1").fetchall()
            assert [period for (period,) in periods] == ["2011Q2", "2011Q3", "2011Q4", "2012Q1", "2012Q2"], mart
        selected = connection.sql(
            "select distinct reporting_period from marts.rpt_anomaly_ranking where is_selected_period"
        ).fetchall()
    assert selected == [("2012Q2",)]


@pytest.mark.parametrize(
    ("unit", "period", "rows", "submissions", "matches", "exposure_days"),
    [
        # Window of 2012Q2: 2011-07-01 to 2012-06-30 (184 + 182 = 366 days).
        ("01001", "2012Q2", 12, 1200, 120, 366),
        ("01003", "2012Q2", 4, 1200, 80, 366),
        # 01009's half-year row ends 2011-06-30, before the window: left out.
        ("01009", "2012Q2", 4, 480, 36, 366),
        # NYC's cumulative row counts from activation, 2012-05-15, to 2012-06-30: 47 days.
        ("36085", "2012Q2", 1, 50000, 9000, 47),
        # Window of 2011Q4: 2011-01-01 to 2011-12-31. 01001: July to December, 184 days.
        ("01001", "2011Q4", 6, 600, 60, 184),
        # 01009: the half-year row counts only from activation (2011-04-26 to 2011-06-30, 66 days) + 92 + 92.
        ("01009", "2011Q4", 3, 300, 24, 250),
        ("01009", "2011Q2", 1, 60, 6, 66),
        # 2012Q1: window 2011-04-01 to 2012-03-31; 01003 has three quarters in it (92 + 92 + 91 days).
        ("01003", "2012Q1", 3, 900, 60, 275),
    ],
)
def test_windows_and_exposure_by_hand(
    multi_quarter_build: Path, unit: str, period: str, rows: int, submissions: int, matches: int, exposure_days: int
) -> None:
    got = unit_periods(multi_quarter_build).loc[(unit, period)]
    assert got["n_source_rows"] == rows
    assert got["submissions"] == submissions
    assert got["matches_total"] == matches
    assert got["exposure_years"] == pytest.approx(exposure_days / DAYS_PER_YEAR, rel=1e-12)


def test_levels_from_monthly_rows(multi_quarter_build: Path) -> None:
    got = unit_periods(multi_quarter_build).loc[("01001", "2012Q2")]
    assert (got["matches_level1"], got["matches_level2_3"]) == (24, 96)
    assert pd.isna(unit_periods(multi_quarter_build).loc[("01003", "2012Q2"), "matches_level1"])


def test_units_not_yet_active_are_listed_not_scored(multi_quarter_build: Path) -> None:
    with duckdb.connect(str(multi_quarter_build), read_only=True) as connection:
        nyc = connection.sql(
            "select reporting_period, ineligible_reason from marts.fct_match_rate"
            " where county_fips = '36085' and reporting_period in ('2011Q4', '2012Q2') order by 1"
        ).fetchall()
    assert nyc[0] == ("2011Q4", "not_activated")
    assert nyc[1][1] != "not_activated"
