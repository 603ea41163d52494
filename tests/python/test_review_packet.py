"""The review packet (METHODS.md "Step 2"): its figures recomputed here from the published marts by hand, on the
12-quarter national scenario (trend, level shift, first quarter above the limit, seasonality, neighbours and local
z, submissions per resident and their changes); the sensitivity ranks against separate builds with the alternative
var set; the rank intervals the same on 1 and 4 threads; and the packet files self-contained, with CSV and XLSX."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import background
import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import Published
from dbt_helpers import run_dbt
from openpyxl import load_workbook

from readers.packet import write_packets
from readers.queries import STATISTICS

pytestmark = pytest.mark.e2e
TOLERANCE = 1e-9


def frame(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(sql).df()


@pytest.fixture(scope="module")
def scenario_marts(scenario_warehouse: Path) -> dict[str, pd.DataFrame]:
    names = ["rpt_review_packet", "fct_unit_quarter_statistics", "dim_unit_neighbours", "fct_unit_inputs"]
    names += [statistic.mart for statistic in STATISTICS]
    return {name: frame(scenario_warehouse, f"select * from marts.{name}") for name in names}


def close(got: object, want: float) -> bool:
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None or pd.isna(got)  # type: ignore[arg-type]
    return not pd.isna(got) and abs(float(got) - want) <= TOLERANCE * max(1.0, abs(want))  # type: ignore[arg-type]


def selected_packet(marts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    packet = marts["rpt_review_packet"]
    return packet[packet["is_selected_period"]]


def test_the_scenario_has_a_packet_per_listed_and_explained_unit(scenario_marts: dict[str, pd.DataFrame]) -> None:
    packet = selected_packet(scenario_marts)
    assert packet["is_flagged"].sum() == 24
    assert (packet["is_flagged"] | packet["is_custody_explained_high"]).all()
    assert (packet["n_quarters_in_data"] == 12).all()


def test_level_shift_and_first_quarter_above_limit_by_hand(scenario_marts: dict[str, pd.DataFrame]) -> None:
    """RR = (ΣO/ΣE over the window's quarters) / (ΣO/ΣE over all earlier quarters), eligible quarters only, with
    exp(log RR ± 1.96 sqrt(1/O_now + 1/O_before)); the first quarter whose ratio exceeds its 99.8 % limit."""
    quarters = scenario_marts["fct_unit_quarter_statistics"]
    checked = 0
    for row in selected_packet(scenario_marts).itertuples():
        first_window_quarter = f"{row.window_start_date.year}Q{(row.window_start_date.month - 1) // 3 + 1}"
        for statistic in STATISTICS:
            unit = quarters[
                (quarters["county_fips"] == row.county_fips)
                & (quarters["statistic"] == statistic.number)
                & (quarters["quarter"] <= row.reporting_period)
            ]
            scored = unit[unit["is_eligible"]]
            now = scored[scored["quarter"] >= first_window_quarter]
            before = scored[scored["quarter"] < first_window_quarter]
            o_now, e_now, o_before, e_before = (
                now.observed.sum(),
                now.expected.sum(),
                before.observed.sum(),
                before.expected.sum(),
            )
            if o_now > 0 and o_before > 0:
                rate_ratio = (o_now / e_now) / (o_before / e_before)
                half = 1.959963984540054 * math.sqrt(1 / o_now + 1 / o_before)
                wanted = (rate_ratio, rate_ratio * math.exp(-half), rate_ratio * math.exp(half))
                checked += 1
            else:
                wanted = (math.nan, math.nan, math.nan)
            p = statistic.prefix
            got = (
                getattr(row, f"{p}_level_shift_rate_ratio"),
                getattr(row, f"{p}_level_shift_lower_95"),
                getattr(row, f"{p}_level_shift_upper_95"),
            )
            assert all(close(g, w) for g, w in zip(got, wanted, strict=True)), (row.county_fips, p, got, wanted)
            above = unit[unit["is_eligible"] & (unit["ratio"] > unit["ratio_upper_998"])]["quarter"]
            first_above = getattr(row, f"{p}_first_quarter_above_limit")
            assert (None if pd.isna(first_above) else first_above) == (above.min() if len(above) else None)
            assert getattr(row, f"{p}_n_quarters_scored") == len(scored)
    assert checked > 30


def test_seasonality_by_hand(scenario_marts: dict[str, pd.DataFrame]) -> None:
    """With 8 or more scored quarters: (ΣO/ΣE in quarter-of-year q) / (ΣO/ΣE over all scored quarters)."""
    quarters = scenario_marts["fct_unit_quarter_statistics"]
    for row in selected_packet(scenario_marts).itertuples():
        unit = quarters[
            (quarters["county_fips"] == row.county_fips)
            & (quarters["statistic"] == 1)
            & (quarters["quarter"] <= row.reporting_period)
            & quarters["is_eligible"]
        ]
        if len(unit) < 8:
            assert all(pd.isna(getattr(row, f"match_rate_seasonal_ratio_q{q}")) for q in range(1, 5))
            continue
        overall = unit.observed.sum() / unit.expected.sum()
        for q in range(1, 5):
            in_q = unit[unit["quarter"].str.endswith(str(q))]
            wanted = (in_q.observed.sum() / in_q.expected.sum()) / overall if len(in_q) else math.nan
            assert close(getattr(row, f"match_rate_seasonal_ratio_q{q}"), wanted), (row.county_fips, q)


def test_neighbour_ratio_and_local_z_by_hand(scenario_marts: dict[str, pd.DataFrame]) -> None:
    """R_nb = ΣO/ΣE over the adjacent units eligible for the statistic; local z = (sqrt(O/E) − sqrt(R_nb)) /
    sqrt(s² + τ²) for statistics 1-2, (asin sqrt(O/n) − asin sqrt(Σy/Σn)) / sqrt(s² + τ²) for statistic 3."""
    neighbours = scenario_marts["dim_unit_neighbours"]
    checked = 0
    for row in selected_packet(scenario_marts).itertuples():
        adjacent = set(neighbours.loc[neighbours["county_fips"] == row.county_fips, "neighbor_fips"])
        for statistic in STATISTICS:
            mart = scenario_marts[statistic.mart]
            period = mart[mart["reporting_period"] == row.reporting_period]
            around = period[period["county_fips"].isin(adjacent) & period["is_eligible"]]
            own = period[period["county_fips"] == row.county_fips].iloc[0]
            pooled = around.observed.sum() / around.expected.sum() if len(around) else math.nan
            if not own.is_eligible or not len(around):
                local = math.nan
            elif statistic.number == 3:
                share = around.observed.sum() / around.matches_known_level.sum()
                local = math.asin(math.sqrt(own.observed / own.matches_known_level)) - math.asin(math.sqrt(share))
                local /= own.score_standard_error
            else:
                local = (math.sqrt(own.ratio) - math.sqrt(pooled)) / own.score_standard_error
            p = statistic.prefix
            assert getattr(row, f"{p}_n_neighbours_scored") == len(around)
            assert close(getattr(row, f"{p}_neighbour_ratio"), pooled), (row.county_fips, p)
            assert close(getattr(row, f"{p}_local_z"), local), (row.county_fips, p)
            checked += not math.isnan(local)
    assert checked > 40


def test_submissions_per_resident_and_their_changes_by_hand(scenario_marts: dict[str, pd.DataFrame]) -> None:
    """Per quarter 1,000·S / population / T; a change of more than half against the previous quarter is flagged,
    and the packet counts the flagged quarters up to its period."""
    quarters = scenario_marts["fct_unit_quarter_statistics"]
    population = (
        scenario_marts["fct_unit_inputs"].drop_duplicates("county_fips").set_index("county_fips")["population_2010"]
    )
    first = quarters[quarters["statistic"] == 1].sort_values(["county_fips", "quarter"]).copy()
    per_resident = 1000 * first["submissions"] / first["county_fips"].map(population) / first["exposure_years"]
    first["wanted"] = per_resident.where(first["exposure_years"] > 0)
    previous = first.groupby("county_fips")["wanted"].shift()
    change = (first["wanted"] / previous - 1).where(previous > 0)
    np.testing.assert_allclose(first["submissions_per_1000_residents"], first["wanted"], rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(first["submissions_change"], change, rtol=1e-9, atol=1e-12, equal_nan=True)
    assert (first["is_data_system_change"] == (change.abs() > 0.5).fillna(False)).all()
    assert first["is_data_system_change"].any()
    for row in selected_packet(scenario_marts).itertuples():
        unit = first[(first["county_fips"] == row.county_fips) & (first["quarter"] <= row.reporting_period)]
        assert row.n_data_system_changes == int(unit["is_data_system_change"].sum())


def copy_of(database: Path, work: Path) -> Path:
    """A copy of a built warehouse in `work`, to run a few models again with another var."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(database, work / "sc_monitoring.duckdb")
    return work


@background.job("sensitivity_builds", priority=2)
def sensitivity_builds(work: Path) -> dict[str, tuple[Path, Path]]:
    """Per alternative of fct_sensitivity_ranks: a copy of the build it varies, with the statistic marts and the
    ranking rebuilt under that var (after the session's embedded and scenario builds, which it copies)."""
    embedded = background.result("dbt_build_result")
    scenario, scenario_build = background.result("scenario_warehouse")
    assert embedded.ok and scenario_build.ok, "the session's builds failed (see their own tests)"
    warehouse = embedded.database
    statistic_marts = " ".join(statistic.mart for statistic in STATISTICS)
    cases = [
        ("min_expected_10", warehouse, "{min_expected: 10}", f"{statistic_marts} rpt_anomaly_ranking"),
        ("tau2_dl_winsorized", warehouse, "{tau2_method: dl_winsorized}", f"{statistic_marts} rpt_anomaly_ranking"),
        ("custody_annotate", warehouse, "{custody_sites: annotate}", "rpt_anomaly_ranking"),
        (
            "window_1_quarter",
            scenario_build.database,
            f"{{window_quarters: 1, raw_dir: '{scenario}'}}",
            (
                f"int_reporting_periods int_identifications_unit_periods int_statistic_inputs {statistic_marts}"
                " rpt_anomaly_ranking"
            ),
        ),
    ]
    built = {}
    for alternative, database, dbt_vars, models in cases:
        copy = copy_of(database, work / alternative)
        result = run_dbt(copy, ["run", "--select", models, "--vars", dbt_vars])
        assert result.ok, result.failure_message()
        built[alternative] = (database, copy / "sc_monitoring.duckdb")
    return built


@pytest.mark.background("sensitivity_builds")
@pytest.mark.usefixtures("warehouse", "scenario_warehouse")  # their builds first, and fail here if they failed
def test_sensitivity_ranks_equal_separate_builds() -> None:
    """Each alternative of fct_sensitivity_ranks gives the ranks a build with that var set gives."""
    for alternative, (built, rebuilt) in background.result("sensitivity_builds").items():
        columns = "county_fips, reporting_period, combined_p, anomaly_rank, is_flagged"
        separate = frame(rebuilt, f"select {columns} from marts.rpt_anomaly_ranking")
        sensitivity = frame(
            built, f"select {columns} from marts.fct_sensitivity_ranks where alternative = '{alternative}'"
        )
        merged = separate.merge(
            sensitivity, on=["county_fips", "reporting_period"], suffixes=("_build", "_alternative")
        )
        assert len(merged) == len(separate), alternative
        np.testing.assert_allclose(merged["combined_p_build"], merged["combined_p_alternative"], rtol=1e-9)
        # Two builds sum in different orders (DuckDB's parallel sums), so a p may move in its last bits: units
        # whose p agree to 1e-12 may swap places; every other rank must be the same.
        ranks = merged[["anomaly_rank_build", "anomaly_rank_alternative"]].astype("Int64")
        differing = merged[ranks["anomaly_rank_build"].ne(ranks["anomaly_rank_alternative"]).fillna(False)]
        for unit in differing.itertuples():
            same_period = merged[merged["reporting_period"] == unit.reporting_period]
            near = same_period[np.isclose(same_period["combined_p_build"], unit.combined_p_build, rtol=1e-12, atol=0)]
            assert len(near) > 1, (alternative, unit)
        assert len(differing) <= 4, (alternative, differing.to_string())
        assert (merged["is_flagged_build"] == merged["is_flagged_alternative"]).all(), alternative


def test_rank_intervals_are_the_same_on_1_and_4_threads(
    dbt_build_result: object, warehouse: Path, tmp_path: Path
) -> None:
    """The compiled fct_rank_stability run again on 1 and on 4 DuckDB threads gives the same figures, bit for bit."""
    compiled = next((warehouse.parent / "target" / "compiled").rglob("fct_rank_stability.sql")).read_text()
    results = []
    for threads in (1, 4):
        copy = tmp_path / f"threads_{threads}" / warehouse.name  # the compiled SQL names the file's catalog
        copy.parent.mkdir()
        shutil.copy(warehouse, copy)
        with duckdb.connect(str(copy)) as connection:
            connection.execute(f"set threads = {threads}")
            results.append(connection.sql(compiled).df().sort_values("county_fips").reset_index(drop=True))
    assert len(results[0]) > 1000
    pd.testing.assert_frame_equal(results[0], results[1], check_exact=True)
    published = frame(warehouse, "select * from marts.fct_rank_stability order by county_fips")
    pd.testing.assert_frame_equal(results[0], published, check_exact=True, check_dtype=False)


def test_packets_are_self_contained_with_csv_and_xlsx(published: Published) -> None:
    folder = write_packets(published.database)
    pages = sorted(folder.glob("*.html"))
    assert (folder / "index.html") in pages
    assert len(pages) == 1 + 30  # the whole list, and 24 listed and 6 custody-explained units
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, flags=re.IGNORECASE), page
        assert "<script" not in text and "<link" not in text and "@font-face" not in text and "url(" not in text
        assert ">None<" not in text and ">nan<" not in text
    sherburne = (folder / "27141.html").read_text(encoding="utf-8")
    assert "Sherburne County Jail holds ICE detainees (USMS IGA): 129 a day in FY2012" in sherburne
    assert "one counting period only: no trend" in sherburne
    assert "on the list under" in sherburne
    workbook = load_workbook(folder / "27141.xlsx", read_only=True)
    assert {"context", "statistics", "quarters", "neighbours", "rank_firmness"} <= set(workbook.sheetnames)
    listing = pd.read_csv(folder / "review-list.csv", dtype=str)
    assert len(listing) == 30 and listing["unit"].str.fullmatch(r"\d{5}").all()
    assert (folder / "tables" / "27141" / "neighbours.csv").exists()
