"""The UCR loader's data-quality warnings (raw_ucr_data_quality, the contract's optional companion table) reach the
review packet: from a raw_dir that holds a hand-written file, the packet row of a listed unit says them in words
with the file's figures, and its HTML, CSV and XLSX and the dashboard's unit page show them; without the file (the
embedded default, a raw_dir without it) the warehouse builds as before, with no warnings. The words for every kind
of warning are a dbt unit test (models/intermediate/ucr/_ucr__unit_tests.yml)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import background
import duckdb
import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT, run_dbt
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from readers.packet import ucr_data_quality_html, write_packets
from readers.report import write_report
from scload.contract import COMPANIONS, UCR_QUALITY

pytestmark = pytest.mark.e2e
# The UCR data year of the embedded (synthetic) arrests, the one every period uses.
EMBEDDED_UCR_YEAR = 2011
DRUGS = "DRUGTOT = DRGSALE + DRGPOSS"
GRAND = "GRNDTOT = sum of the 30 offense codes (CURFEW, RUNAWAY, SUSPICN included)"
VIOLENT = "P1VLNT = MURDER + RAPE + ROBBERY + AGASSLT"


def query(database: Path, sql: str, parameters: list[object] | None = None) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).df()


def first_listed_unit(database: Path) -> str:
    """The first unit of the review list of the selected period, of one county, using the embedded UCR year."""
    listed = query(
        database,
        "select packet.county_fips, ucr.ucr_data_year, ucr.n_member_counties"
        " from marts.rpt_review_packet as packet"
        " inner join intermediate.int_ucr_unit_periods as ucr"
        " on packet.county_fips = ucr.unit_fips and packet.reporting_period = ucr.reporting_period"
        " where packet.is_selected_period and packet.is_flagged order by packet.review_rank",
    )
    unit = listed[listed["n_member_counties"] == 1].iloc[0]
    assert unit["ucr_data_year"] == EMBEDDED_UCR_YEAR
    return str(unit["county_fips"])


def quality_rows(unit: str) -> list[list[object]]:
    """A loader-like raw_ucr_data_quality for `unit`: two warnings of the year its periods use, one of 2010 (a
    year no period uses)."""
    year = EMBEDDED_UCR_YEAR
    return [
        [
            unit,
            year,
            DRUGS,
            unit,
            "DRUGTOT",
            1500,
            266,
            1234,
            "drug_excess_split",
            (
                "counted: 1234 undifferentiated drug arrests added to DRGSALE (+300) and DRGPOSS (+934), in "
                "proportion to the county's own split"
            ),
        ],
        [
            unit,
            year,
            GRAND,
            unit,
            "GRNDTOT",
            5200,
            5080,
            120,
            "excess_not_loaded",
            "not counted: GRNDTOT is not loaded; its 120 arrests beyond the 30 offense counts are in no offense",
        ],
        [
            unit,
            2010,
            VIOLENT,
            unit,
            "P1VLNT",
            10,
            40,
            -30,
            "parts_loaded",
            "warning only: P1VLNT is not loaded; its parts are loaded",
        ],
    ]


@pytest.fixture(scope="module")
def with_warnings(warehouse: Path) -> tuple[Path, str]:
    return background.result("with_warnings")


@background.job("with_warnings", priority=2)
def build_with_warnings(work: Path) -> tuple[Path, str]:
    """The session's embedded build, copied, with the models that read raw_ucr_data_quality built again from a
    raw_dir that holds the embedded raw tables and a hand-written raw_ucr_data_quality.csv for the first listed
    unit (the other models' inputs are the same files, so their tables stay as built). Their tests run too."""
    embedded = background.result("dbt_build_result")
    assert embedded.ok, "the session's embedded build failed (see its own test)"
    warehouse = Path(shutil.copy(embedded.database, work / "sc_monitoring.duckdb"))  # read here, before the build
    raw_dir = work / "raw"
    raw_dir.mkdir()
    for table in ("raw_sc_identifications", "raw_census_foreign_born", "raw_ucr_arrests"):
        shutil.copy(REPO_ROOT / "seeds" / "raw" / f"{table}.csv", raw_dir)
    unit = first_listed_unit(warehouse)
    columns = COMPANIONS[UCR_QUALITY].column_names
    pd.DataFrame(quality_rows(unit), columns=columns).to_csv(raw_dir / f"{UCR_QUALITY}.csv", index=False)
    models = ["stg_ucr__data_quality", "int_ucr_unit_data_quality", "rpt_review_packet"]
    result = run_dbt(work, ["build", "--select", *models, "--vars", json.dumps({"raw_dir": str(raw_dir)})])
    assert result.ok, result.failure_message()
    return result.database, unit


def test_the_packet_row_says_the_warnings_in_words(with_warnings: tuple[Path, str]) -> None:
    database, unit = with_warnings
    packet = query(
        database,
        "select county_fips, n_ucr_data_quality_warnings, ucr_data_quality_warnings from marts.rpt_review_packet"
        " where is_selected_period",
    ).set_index("county_fips")
    assert packet.loc[unit, "n_ucr_data_quality_warnings"] == 2
    assert packet.loc[unit, "ucr_data_quality_warnings"] == (
        "UCR 2011: the drug total (DRUGTOT) is 1,234 arrests above its sale and possession parts (1,500 against 266), "
        "and the excess was counted as drug sale and possession arrests, in proportion to the county's own split; "
        "UCR 2011: the grand total of arrests (GRNDTOT) is 120 arrests above the sum of the 30 offense counts "
        "(5,200 against 5,080), and the total is not used, so the excess is in no offense and not counted"
    )
    others = packet.drop(index=unit)
    assert (others["n_ucr_data_quality_warnings"] == 0).all()
    assert others["ucr_data_quality_warnings"].isna().all()


def test_the_packet_files_list_the_warnings(with_warnings: tuple[Path, str]) -> None:
    database, unit = with_warnings
    folder = write_packets(database, units=[unit])
    page = (folder / f"{unit}.html").read_text(encoding="utf-8")
    limitations = page[page.index("<h2>What the data cannot say</h2>") :]
    assert "<h3>UCR data-quality warnings</h3>" in limitations
    assert "2 sub-totals miss the sum of their parts by more than ICPSR's rounding" in limitations
    assert (
        "<li>UCR 2011: the grand total of arrests (GRNDTOT) is 120 arrests above the sum of the 30 offense counts "
        "(5,200 against 5,080), and the total is not used, so the excess is in no offense and not counted.</li>"
    ) in limitations
    table = pd.read_csv(folder / "tables" / unit / "ucr_data_quality.csv")
    assert table["UCR data-quality warning"].str.startswith("UCR 2011: the ").tolist() == [True, True]
    assert "ucr_data_quality" in load_workbook(folder / f"{unit}.xlsx", read_only=True).sheetnames


def assert_no_warnings(database: Path) -> None:
    """The companion table read as empty, typed as its contract says, and no warning in the packet."""
    types = query(
        database,
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'staging' and table_name = 'stg_ucr__data_quality'",
    ).set_index("column_name")["data_type"]
    assert types[["data_year", "total_value", "parts_sum", "gap"]].tolist() == ["INTEGER", "BIGINT", "BIGINT", "BIGINT"]
    assert query(database, "select count(*) as n from staging.stg_ucr__data_quality")["n"].item() == 0
    packet = query(
        database, "select n_ucr_data_quality_warnings, ucr_data_quality_warnings from marts.rpt_review_packet"
    )
    assert len(packet) > 0
    assert (packet["n_ucr_data_quality_warnings"] == 0).all() and packet["ucr_data_quality_warnings"].isna().all()


def test_the_embedded_default_has_no_warnings(warehouse: Path) -> None:
    assert_no_warnings(warehouse)


def test_a_raw_dir_without_the_file_builds_with_no_warnings(scenario: Path, scenario_warehouse: Path) -> None:
    """The session's scenario build reads a raw_dir of the three tables only (its build passing is the proof that
    it builds as before)."""
    assert not list(scenario.glob(f"{UCR_QUALITY}*"))
    assert_no_warnings(scenario_warehouse)


def test_no_warnings_no_packet_section() -> None:
    assert ucr_data_quality_html(pd.Series({"ucr_data_quality_warnings": None})) == []
    assert ucr_data_quality_html(pd.Series({"county_fips": "01001"})) == []  # a release built before the column


def test_the_dashboards_unit_page_lists_the_warnings(
    with_warnings: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, unit = with_warnings
    monkeypatch.setenv("SCM_PUBLISHED_DATABASE", str(database))
    app = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.query_params.update({"page": "unit", "unit": unit})
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    shown = "\n".join(markdown.value for markdown in app.markdown)
    assert "UCR data-quality warnings" in shown
    assert (
        "- UCR 2011: the drug total (DRUGTOT) is 1,234 arrests above its sale and possession parts (1,500 against "
        "266), and the excess was counted as drug sale and possession arrests, in proportion to the county's own split."
    ) in shown


def test_the_reports_unit_summary_lists_the_warnings(with_warnings: tuple[Path, str], tmp_path: Path) -> None:
    database, _ = with_warnings
    text = write_report(database, None, tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.count("<p class='note'>UCR data-quality warning: UCR 2011: the ") == 2
