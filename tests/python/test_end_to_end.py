"""End-to-end tests: the real ``dbt build`` on the embedded seeds, checked against an independent recomputation.

The recomputation reads the raw seeds (``seeds/raw/*.csv``) and the reference seeds (``seeds/reference/*.csv``)
with pandas, assembles each reporting unit's inputs as docs/METHODS.md describes, without looking at the SQL, and
scores them with ``reference_impl.score_period``. Run with ``pytest tests/python -m e2e``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import reference_impl as ri
from conftest import dbt_target_path
from dbt_helpers import REPO_ROOT, DbtResult

pytestmark = pytest.mark.e2e

RAW_DIR = REPO_ROOT / "seeds" / "raw"
REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"

# dbt vars at their defaults (CONTRACT.md "Knobs")
WINDOW_QUARTERS = 4
REVIEW_LIST_SIZE = 24
MIN_EXPECTED = 5.0
MIN_UCR_COVERAGE = 80.0

TOL = 1e-6  # absolute or relative, whichever is looser (absolute only for p and q)

STATISTIC_MARTS = {1: "fct_match_rate", 2: "fct_crime_adjusted_matches", 3: "fct_minor_offense_share"}

# CONTRACT.md "Outputs: schema marts": required columns
STATISTIC_COLUMNS = [
    "county_fips",
    "reporting_period",
    "observed",
    "expected",
    "ratio",
    "z_score",
    "p_value",
    "q_value",
    "is_eligible",
    "ineligible_reason",
    "member_counties",  # "the statistic marts also carry member_counties"
]
REQUIRED_COLUMNS = {
    "dim_counties": ["county_fips", "state_abbrev", "county_name", "population_2010", "activation_date"],
    "fct_match_rate": STATISTIC_COLUMNS,
    "fct_crime_adjusted_matches": STATISTIC_COLUMNS,
    "fct_minor_offense_share": [*STATISTIC_COLUMNS, "minor_definition"],
    "rpt_anomaly_ranking": [
        "county_fips",
        "reporting_period",
        "combined_score",
        "anomaly_rank",
        "is_flagged",
        "is_significant",
        "flag_reasons",
    ],
}
GRAINS = {
    "dim_counties": ["county_fips"],
    "fct_match_rate": ["county_fips", "reporting_period"],
    "fct_crime_adjusted_matches": ["county_fips", "reporting_period"],
    "fct_minor_offense_share": ["county_fips", "reporting_period"],
    "rpt_anomaly_ranking": ["county_fips", "reporting_period"],
}
# rpt_anomaly_ranking carries "each statistic's z_score and is_eligible"; CONTRACT.md does not fix their
# names, so these are the warehouse's (one prefix per statistic).
RANKING_STATISTIC_PREFIX = {1: "match_rate", 2: "crime_adjusted", 3: "minor_share"}


# ---------------------------------------------------------------------------------------------------------
# Independent assembly of the inputs from the seeds (METHODS.md "The unit" and "Inputs")
# ---------------------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _int(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col).astype("Int64")


def _quarter_label(ts: pd.Timestamp) -> str:
    return f"{ts.year}Q{(ts.month - 1) // 3 + 1}"


def _preferred(candidates: pd.DataFrame, key: str, year_col: str, period_year: int) -> pd.DataFrame:
    """Per ``key``, the row of the latest ``year_col`` not after ``period_year``, else of the earliest."""
    c = candidates.copy()
    c["_late"] = c[year_col] > period_year
    c["_order"] = np.where(c["_late"], c[year_col], -c[year_col])
    c = c.sort_values([key, "_late", "_order"], kind="stable")
    return c.drop_duplicates(key).drop(columns=["_late", "_order"])


@dataclass(frozen=True)
class Assembled:
    reporting_period: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    minor_definition: str
    inputs: pd.DataFrame  # one row per reporting unit, score_period's columns plus extras


def assemble_inputs(window_quarters: int = WINDOW_QUARTERS) -> Assembled:
    counties = _read_csv(REFERENCE_DIR / "ref_counties.csv")
    counties["population_2010"] = _int(counties["population_2010"])
    units = _read_csv(REFERENCE_DIR / "ref_reporting_units.csv")
    unit_of = dict(zip(units["county_fips"], units["unit_fips"], strict=True))
    counties["unit_fips"] = counties["county_fips"].map(unit_of).fillna(counties["county_fips"])
    activations = _read_csv(REFERENCE_DIR / "ref_sc_activations.csv")
    activation = pd.to_datetime(activations.set_index("county_fips")["activation_date"])
    counties["activation_date"] = counties["county_fips"].map(activation)
    changes = _read_csv(REFERENCE_DIR / "ref_fips_changes.csv")
    to_2010 = dict(zip(changes["source_fips"], changes["county_fips"], strict=True))
    offenses = _read_csv(REFERENCE_DIR / "ref_ucr_offense_classes.csv")

    def mapped(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        out["county_fips"] = out["county_fips"].map(lambda c: to_2010.get(c, c))
        return out

    # --- identifications: the window of quarters ending with the latest period_end's quarter
    ids = mapped(_read_csv(RAW_DIR / "raw_sc_identifications.csv"))
    ids["period_start"] = pd.to_datetime(ids["period_start"])
    ids["period_end"] = pd.to_datetime(ids["period_end"])
    for c in ("submissions", "matches_total", "matches_level1", "matches_level2", "matches_level3"):
        ids[c] = _int(ids[c])
    ids["matches_level2_3"] = _int(ids["matches_level2_3"])
    latest = ids["period_end"].max()
    quarter_start = pd.Timestamp(latest.year, 3 * ((latest.month - 1) // 3) + 1, 1)
    window_end = quarter_start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    window_start = quarter_start - pd.DateOffset(months=3 * (window_quarters - 1))
    rows = ids[(ids["period_end"] >= window_start) & (ids["period_end"] <= window_end)].copy()
    rows = rows.merge(counties[["county_fips", "unit_fips", "activation_date"]], on="county_fips", how="inner")
    assert len(rows) == ((ids["period_end"] >= window_start) & (ids["period_end"] <= window_end)).sum()

    start = rows[["period_start", "activation_date"]].max(axis=1)  # NaT activation: period_start
    days = (rows["period_end"] - start).dt.days + 1
    rows["exposure_years"] = days.clip(lower=0) / 365.25

    has_split = rows[["matches_level1", "matches_level2", "matches_level3"]].notna().all(axis=1)
    l2_3 = rows["matches_level2_3"].fillna(rows["matches_level2"] + rows["matches_level3"])
    has_level = rows["matches_level1"].notna() & l2_3.notna()
    minor_definition = "level3" if has_level.any() and has_split[has_level].all() else "level2_3"
    rows["known"] = (rows["matches_level1"] + l2_3).where(has_level)
    rows["minor"] = (rows["matches_level3"] if minor_definition == "level3" else l2_3).where(has_level)
    minor_levels = {3} if minor_definition == "level3" else {2, 3}

    grouped = rows.groupby("unit_fips")
    ident = pd.DataFrame(
        {
            "submissions": grouped["submissions"].sum(),
            "matches_total": grouped["matches_total"].sum(),
            "matches_known_level": grouped["known"].sum(min_count=1),
            "matches_minor": grouped["minor"].sum(min_count=1),
            "exposure_years": grouped["exposure_years"].sum(),
        }
    )

    period_year = window_end.year

    # --- census: each member's preferred ACS vintage; unit share population-weighted (ACS population)
    census = mapped(_read_csv(RAW_DIR / "raw_census_foreign_born.csv"))
    census["end_year"] = census["acs_vintage"].str[-4:].astype(int)
    census["total_population"] = _int(census["total_population"])
    census["foreign_born_share"] = pd.to_numeric(census["foreign_born_share"])
    census = _preferred(census, "county_fips", "end_year", period_year)
    members = counties.merge(census, on="county_fips", how="left")
    members["pop_x_share"] = members["total_population"].astype(float) * members["foreign_born_share"]
    g = members.groupby("unit_fips")
    complete = g["foreign_born_share"].count() == g.size()
    census_unit = pd.DataFrame(
        {
            "census_population": g["total_population"].sum().where(complete),
            "foreign_born_share": (g["pop_x_share"].sum() / g["total_population"].sum().astype(float)).where(complete),
            "acs_vintage": g["acs_vintage"].min(),
        }
    )

    # --- UCR: offenses in the arrest total; each member's preferred year; unit coverage weighted by 2010 pop
    ucr = mapped(_read_csv(RAW_DIR / "raw_ucr_arrests.csv"))
    ucr["data_year"] = ucr["data_year"].astype(int)
    ucr["arrests"] = _int(ucr["arrests"])
    ucr["coverage_indicator"] = pd.to_numeric(ucr["coverage_indicator"])
    ucr["is_synthetic"] = ucr["is_synthetic"].fillna("false").str.lower() == "true"
    ucr = ucr.merge(offenses, on="offense_code", how="left", validate="many_to_one")
    assert ucr["in_arrest_total"].notna().all()
    in_total = ucr["in_arrest_total"].str.lower() == "true"
    level = ucr["ice_level_equivalent"].astype(int)
    ucr["a"] = ucr["arrests"].where(in_total, 0)
    ucr["a_minor"] = ucr["arrests"].where(in_total & level.isin(minor_levels), 0)
    cy = (
        ucr.groupby(["county_fips", "data_year"])
        .agg(
            a=("a", "sum"),
            a_minor=("a_minor", "sum"),
            coverage=("coverage_indicator", "max"),
            is_synthetic=("is_synthetic", "any"),
        )
        .reset_index()
    )
    cy = _preferred(cy, "county_fips", "data_year", period_year)
    members = counties.merge(cy, on="county_fips", how="left")
    members["pop_x_cov"] = members["population_2010"].astype(float) * members["coverage"]
    g = members.groupby("unit_fips")
    complete = g["data_year"].count() == g.size()
    ucr_unit = pd.DataFrame(
        {
            "ucr_arrests": g["a"].sum().where(complete),
            "ucr_minor_arrests": g["a_minor"].sum().where(complete),
            "coverage_indicator": (g["pop_x_cov"].sum() / g["population_2010"].sum().astype(float)).where(complete),
            "ucr_data_year": g["data_year"].min().where(complete),
            "ucr_is_synthetic": g["is_synthetic"].any(),
        }
    )

    unit_activation = counties.groupby("unit_fips")["activation_date"].min()
    inputs = pd.DataFrame(index=pd.Index(sorted(counties["unit_fips"].unique()), name="unit_fips"))
    inputs = inputs.join(ident).join(census_unit).join(ucr_unit)
    for c in ("submissions", "matches_total"):
        inputs[c] = inputs[c].fillna(0)
    inputs["exposure_years"] = inputs["exposure_years"].fillna(0.0)
    inputs["activation_date"] = unit_activation
    inputs["is_activated"] = ri.is_activated(unit_activation.reindex(inputs.index).to_numpy(), window_end)
    inputs["member_counties"] = counties.groupby("unit_fips")["county_fips"].agg(lambda s: " ".join(sorted(s)))
    return Assembled(
        reporting_period=_quarter_label(quarter_start),
        window_start=window_start,
        window_end=window_end,
        minor_definition=minor_definition,
        inputs=inputs.reset_index(),
    )


# ---------------------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _table(con: duckdb.DuckDBPyConnection, relation: str) -> pd.DataFrame:
    return con.sql(f"select * from {relation}").df()


@pytest.fixture(scope="module")
def marts(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {name: _table(con, f"marts.{name}") for name in REQUIRED_COLUMNS}


@pytest.fixture(scope="module")
def assembled() -> Assembled:
    return assemble_inputs()


@pytest.fixture(scope="module")
def reference(assembled: Assembled) -> dict[int, pd.DataFrame]:
    return {
        k: ri.score_period(assembled.inputs, k, min_expected=MIN_EXPECTED, min_ucr_coverage=MIN_UCR_COVERAGE).set_index(
            "unit_fips"
        )
        for k in (1, 2, 3)
    }


def _selected(df: pd.DataFrame, period: str) -> pd.DataFrame:
    out = df[df["reporting_period"] == period]
    return out.set_index("county_fips").sort_index()


# ---------------------------------------------------------------------------------------------------------
# Comparison helpers
# ---------------------------------------------------------------------------------------------------------


def _float(x: object) -> float:
    return math.nan if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def _close(got: object, want: object, tol: float, relative: bool) -> bool:
    g, w = _float(got), _float(want)
    if math.isnan(g) or math.isnan(w):
        return math.isnan(g) and math.isnan(w)
    bound = max(tol, tol * abs(w)) if relative else tol
    return abs(g - w) <= bound


def _mismatches(
    warehouse_df: pd.DataFrame, ref_df: pd.DataFrame, columns: dict[str, str], tol: float, relative: bool
) -> list[str]:
    """Per unit and column, where the warehouse differs from the reference (columns: warehouse -> reference)."""
    out = []
    for unit in ref_df.index:
        for wcol, rcol in columns.items():
            got, want = warehouse_df.at[unit, wcol], ref_df.at[unit, rcol]
            if not _close(got, want, tol, relative):
                out.append(f"{unit} {wcol}: warehouse {got!r} reference {want!r}")
    return out


def _fail_on(problems: list[str], what: str) -> None:
    if problems:
        shown = "\n".join(problems[:25])
        pytest.fail(f"{len(problems)} {what} differ(s) from the reference:\n{shown}", pytrace=False)


# ---------------------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------------------


def test_build_succeeds_with_every_test(dbt_build_result: DbtResult) -> None:
    if not dbt_build_result.ok:
        pytest.fail(dbt_build_result.failure_message(), pytrace=False)
    run_results = dbt_target_path(dbt_build_result.database) / "run_results.json"
    results = json.loads(run_results.read_text())["results"]
    bad = [
        (r["unique_id"], r["status"])
        for r in results
        if r["status"] not in ("success", "pass")
        and not (r["unique_id"].startswith("exposure.") and r["status"] == "no-op")
    ]
    assert not bad, bad
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"seed", "model", "test"} <= kinds  # data tests ran (and unit tests, when the project has them)
    models = {r["unique_id"].split(".")[-1] for r in results if r["unique_id"].startswith("model.")}
    assert set(REQUIRED_COLUMNS) <= models


@pytest.mark.parametrize("mart", list(REQUIRED_COLUMNS))
def test_mart_has_contract_columns(marts: dict[str, pd.DataFrame], mart: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS[mart] if c not in marts[mart].columns]
    assert not missing, f"{mart} lacks {missing}"


def test_ranking_has_each_statistics_z_and_eligibility(marts: dict[str, pd.DataFrame]) -> None:
    cols = set(marts["rpt_anomaly_ranking"].columns)
    for prefix in RANKING_STATISTIC_PREFIX.values():
        assert {f"{prefix}_z_score", f"{prefix}_is_eligible"} <= cols


@pytest.mark.parametrize("mart", list(GRAINS))
def test_mart_grain_is_unique(marts: dict[str, pd.DataFrame], mart: str) -> None:
    df = marts[mart]
    assert len(df) > 0
    assert df[GRAINS[mart]].notna().all().all()
    dup = df[df.duplicated(GRAINS[mart], keep=False)]
    assert dup.empty, dup[GRAINS[mart]].head()


def test_every_unit_in_every_statistic_mart(marts: dict[str, pd.DataFrame], assembled: Assembled) -> None:
    for mart in STATISTIC_MARTS.values():
        got = set(_selected(marts[mart], assembled.reporting_period).index)
        assert got == set(assembled.inputs["unit_fips"]), mart


# ---------------------------------------------------------------------------------------------------------
# Independent recomputation
# ---------------------------------------------------------------------------------------------------------


def test_selected_period_and_definition(marts: dict[str, pd.DataFrame], assembled: Assembled) -> None:
    df = marts["fct_minor_offense_share"]
    selected = df.loc[df["is_selected_period"], "reporting_period"].unique().tolist()
    assert selected == [assembled.reporting_period]
    sel = _selected(df, assembled.reporting_period)
    assert (sel["minor_definition"] == assembled.minor_definition).all()
    assert assembled.minor_definition == "level2_3"  # the default data publishes Levels 2 and 3 together
    fr = _selected(marts["fct_match_rate"], assembled.reporting_period)
    assert (pd.to_datetime(fr["window_start_date"]) == assembled.window_start).all()
    assert (pd.to_datetime(fr["window_end_date"]) == assembled.window_end).all()


def test_inputs_match_intermediate(con: duckdb.DuckDBPyConnection, assembled: Assembled) -> None:
    """The assembled inputs against ``intermediate.int_statistic_inputs`` (locates a difference early)."""
    wh = _selected(
        _table(con, "intermediate.int_statistic_inputs where window_quarters = 4").rename(
            columns={"unit_fips": "county_fips"}
        ),
        assembled.reporting_period,
    )
    ref = assembled.inputs.set_index("unit_fips")
    columns = {
        "submissions": "submissions",
        "matches_total": "matches_total",
        "matches_known_level": "matches_known_level",
        "matches_minor": "matches_minor",
        "exposure_years": "exposure_years",
        "census_population": "census_population",
        "foreign_born_share": "foreign_born_share",
        "ucr_arrests_total": "ucr_arrests",
        "ucr_arrests_minor": "ucr_minor_arrests",
        "ucr_coverage_indicator": "coverage_indicator",
        "ucr_data_year": "ucr_data_year",
    }
    problems = _mismatches(wh, ref, columns, 1e-12, relative=True)
    problems += [
        f"{u} is_activated: warehouse {wh.at[u, 'is_activated']} reference {ref.at[u, 'is_activated']}"
        for u in ref.index
        if bool(wh.at[u, "is_activated"]) != bool(ref.at[u, "is_activated"])
    ]
    problems += [
        f"{u} member_counties: warehouse {wh.at[u, 'member_counties']!r} reference {ref.at[u, 'member_counties']!r}"
        for u in ref.index
        if wh.at[u, "member_counties"] != ref.at[u, "member_counties"]
    ]
    _fail_on(problems, "input value")


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_statistic_matches_reference(
    marts: dict[str, pd.DataFrame], reference: dict[int, pd.DataFrame], assembled: Assembled, statistic: int
) -> None:
    wh = _selected(marts[STATISTIC_MARTS[statistic]], assembled.reporting_period)
    ref = reference[statistic]
    assert set(wh.index) == set(ref.index)
    problems = []
    for unit in ref.index:
        got_e, want_e = bool(wh.at[unit, "is_eligible"]), bool(ref.at[unit, "is_eligible"])
        got_r, want_r = wh.at[unit, "ineligible_reason"], ref.at[unit, "ineligible_reason"]
        got_r = None if pd.isna(got_r) else got_r
        want_r = None if pd.isna(want_r) else want_r
        if got_e != want_e or got_r != want_r:
            problems.append(f"{unit} eligibility: warehouse ({got_e}, {got_r}) reference ({want_e}, {want_r})")
    cols = {c: c for c in ("observed", "expected", "ratio", "z_score", "raw_z", "ratio_shrunk")}
    problems += _mismatches(wh, ref, cols, TOL, relative=True)
    cols = {c: c for c in ("p_value", "q_value", "p_value_exact")}
    problems += _mismatches(wh, ref, cols, TOL, relative=False)
    _fail_on(problems, f"statistic {statistic} value")


@pytest.mark.parametrize("statistic", [1, 2])
def test_sqrt_ratio_funnel_limits_match_reference(
    marts: dict[str, pd.DataFrame], reference: dict[int, pd.DataFrame], assembled: Assembled, statistic: int
) -> None:
    wh = _selected(marts[STATISTIC_MARTS[statistic]], assembled.reporting_period)
    ref = reference[statistic]
    elig = ref[ref["is_eligible"]].copy()
    tau2 = float(elig["tau2"].iloc[0])
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        lower, upper = ri.od_ratio_limits(elig["expected"], tau2, level)
        elig[f"ratio_lower_{suffix}"], elig[f"ratio_upper_{suffix}"] = lower, upper
    cols = {c: c for c in ("ratio_lower_95", "ratio_upper_95", "ratio_lower_998", "ratio_upper_998")}
    _fail_on(_mismatches(wh, elig, cols, TOL, relative=True), f"statistic {statistic} funnel limit")


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_tau2_and_phi_match_reference(
    marts: dict[str, pd.DataFrame], reference: dict[int, pd.DataFrame], assembled: Assembled, statistic: int
) -> None:
    wh = _selected(marts[STATISTIC_MARTS[statistic]], assembled.reporting_period)
    ref = reference[statistic]
    for col in ("tau2", "phi"):
        got = wh.loc[wh["is_eligible"], col].unique()
        assert len(got) == 1, (col, got)
        want = float(ref[col].iloc[0])
        assert _close(got[0], want, TOL, relative=True), (statistic, col, got[0], want)
    assert int(wh["n_eligible"].dropna().iloc[0]) == int(ref["is_eligible"].sum())


def _reference_ranking(reference: dict[int, pd.DataFrame], assembled: Assembled) -> pd.DataFrame:
    """The review list recomputed by reference_impl from the seeds: statistics 2 and 3 rest on the synthetic UCR
    placeholder (not ranked at the default rank_synthetic_inputs false), custody explanations from the custody
    seeds, the default custody_sites policy `separate`."""
    z = pd.DataFrame({k: reference[k]["z_score"] for k in (1, 2, 3)})
    q = pd.DataFrame({k: reference[k]["q_value"] for k in (1, 2, 3)})
    synthetic = assembled.inputs.set_index("unit_fips")["ucr_is_synthetic"].reindex(z.index).fillna(False)
    custody = ri.custody_context(
        _read_csv(REFERENCE_DIR / "ref_custody_facilities.csv").assign(
            capacity=lambda frame: pd.to_numeric(frame["capacity"])
        ),
        _read_csv(REFERENCE_DIR / "ref_ice_detention_adp.csv").assign(
            fiscal_year=lambda frame: frame["fiscal_year"].astype(int),
            average_daily_population=lambda frame: pd.to_numeric(frame["average_daily_population"]),
        ),
        _read_csv(REFERENCE_DIR / "ref_counties.csv").assign(
            population_2010=lambda frame: frame["population_2010"].astype(int)
        ),
        _read_csv(REFERENCE_DIR / "ref_reporting_units.csv"),
        assembled.window_end,
    )
    return ri.review_ranking(
        z,
        synthetic_by_stat={1: False, 2: synthetic, 3: synthetic},
        is_custody_explained=custody["is_custody_explained"].reindex(z.index).fillna(False),
        review_list_size=REVIEW_LIST_SIZE,
        q_by_stat=q,
    ).join(custody[["ice_detainee_adp", "ice_detainee_adp_per_10k", "has_state_intake_centre"]])


@pytest.fixture(scope="module")
def reference_ranking(reference: dict[int, pd.DataFrame], assembled: Assembled) -> pd.DataFrame:
    return _reference_ranking(reference, assembled)


def test_combination_matches_reference(
    marts: dict[str, pd.DataFrame], reference_ranking: pd.DataFrame, assembled: Assembled
) -> None:
    """combined_p, combined_score, the family z and p, and the custody figures of every unit, to 1e-9."""
    wh = _selected(marts["rpt_anomaly_ranking"], assembled.reporting_period)
    columns = {
        "combined_p": "combined_p",
        "combined_score": "combined_score",
        "match_family_z": "z_match",
        "match_family_p": "p_match",
        "minor_family_z": "z_minor",
        "minor_family_p": "p_minor",
        "ice_detainee_adp": "ice_detainee_adp",
        "ice_detainee_adp_per_10k": "ice_detainee_adp_per_10k",
    }
    _fail_on(_mismatches(wh, reference_ranking, columns, 1e-9, relative=True), "combination figure")


def test_ranking_and_review_list_match_reference(
    marts: dict[str, pd.DataFrame], reference_ranking: pd.DataFrame, assembled: Assembled
) -> None:
    """Every unit's rank, review rank, list membership, custody section, family and ranked statistics."""
    wh = _selected(marts["rpt_anomaly_ranking"], assembled.reporting_period)
    ref = reference_ranking.reindex(wh.index)
    problems = []
    for column in ("anomaly_rank", "review_rank"):
        got, want = wh[column].astype("Int64"), ref[column].astype("Int64")
        problems += [
            f"{unit} {column}: warehouse {got[unit]} reference {want[unit]}"
            for unit in wh.index[got.ne(want).fillna(got.isna() != want.isna())]
        ]
    for column in (
        "is_flagged",
        "is_custody_explained",
        "is_custody_explained_high",
        "is_significant",
        "has_state_intake_centre",
    ):
        differs = wh[column].astype(bool) != ref[column].astype(bool)
        problems += [
            f"{unit} {column}: warehouse {wh.at[unit, column]} reference {ref.at[unit, column]}"
            for unit in wh.index[differs]
        ]
    for column in ("driving_family", "ranked_statistics"):
        differs = wh[column].fillna("-") != ref[column].fillna("-")
        problems += [
            f"{unit} {column}: warehouse {wh.at[unit, column]} reference {ref.at[unit, column]}"
            for unit in wh.index[differs]
        ]
    _fail_on(problems, "ranking column")


def test_synthetic_statistics_never_ranked(marts: dict[str, pd.DataFrame], assembled: Assembled) -> None:
    """On the embedded data statistics 2 and 3 rest on the synthetic placeholder: the list is statistic 1's."""
    wh = _selected(marts["rpt_anomaly_ranking"], assembled.reporting_period)
    assert set(wh["ranked_statistics"].dropna()) == {"1"}
    ranked = wh.dropna(subset=["anomaly_rank"]).sort_values("anomaly_rank")
    stat1 = marts["fct_match_rate"]
    stat1 = _selected(stat1, assembled.reporting_period)
    by_p = stat1[stat1["is_eligible"]].sort_values(["p_value", "z_score"], ascending=[True, False])
    assert ranked.index.tolist()[:200] == by_p.index.tolist()[:200]
    assert not wh["uses_synthetic_inputs"].any()
    assert wh.loc[wh["crime_adjusted_is_eligible"], "shows_synthetic_statistics"].all()


# ---------------------------------------------------------------------------------------------------------
# Hand-checked spot units
# ---------------------------------------------------------------------------------------------------------


def test_spot_new_york_city(con: duckdb.DuckDBPyConnection, marts: dict[str, pd.DataFrame]) -> None:
    """NYC (unit 36085 = Bronx 36005, Kings 36047, New York 36061, Queens 36081, Richmond 36085).

    Numbers read off the seed CSVs with grep and added with ``bc`` / Python's ``csv`` module:
    - ACS 2006-2010 (latest vintage ending <= 2012) populations 1385108 + 2504700 + 1585873 + 2230722 + 468730
      = 8175133; shares .32366467 .37457007 .28406256 .4824315 .20872533, population-weighted
      (bc, scale=15) = .368310791610624.
    - identifications: one row, 36085 2012-05-15..2012-08-31 (activation 2012-05-15): S 119066, M 13576,
      L1 4793, L2_3 8783, so n = 13576, y = 8783; exposure 109 days (17 + 30 + 31 + 31) / 365.25.
    - UCR 2011, offenses with in_arrest_total summed over the five boroughs: A = 315639, of which Levels 2-3
      293593 (p0 = 0.9301543852312294); coverage 100.0 in every borough.
    """
    inputs = _table(con, "intermediate.int_statistic_inputs where window_quarters = 4")
    nyc = inputs[(inputs["unit_fips"] == "36085") & inputs["is_selected_period"]].iloc[0]
    assert nyc["member_counties"] == "36005 36047 36061 36081 36085"
    assert int(nyc["census_population"]) == 8175133
    assert nyc["foreign_born_share"] == pytest.approx(0.368310791610624, abs=1e-14)
    assert int(nyc["submissions"]) == 119066
    assert int(nyc["matches_total"]) == 13576
    assert int(nyc["matches_known_level"]) == 13576
    assert int(nyc["matches_minor"]) == 8783
    assert nyc["exposure_years"] == pytest.approx(109 / 365.25, rel=1e-14)
    assert int(nyc["ucr_arrests_total"]) == 315639
    assert int(nyc["ucr_arrests_minor"]) == 293593
    assert nyc["ucr_coverage_indicator"] == pytest.approx(100.0)
    stat1 = marts["fct_match_rate"].set_index("county_fips").loc["36085"]
    assert stat1["foreign_born_share"] == pytest.approx(0.368310791610624, abs=1e-14)
    # the boroughs are not units of their own
    for borough in ("36005", "36047", "36061", "36081"):
        assert borough not in set(marts["fct_match_rate"]["county_fips"])


def test_spot_scott_county_ky_statistic1(marts: dict[str, pd.DataFrame]) -> None:
    """Scott County KY (21209), a small county just above E = 5 on statistic 1.

    Seed rows (grep): identifications 21209 2012-03-20..2012-08-31 S 530, M 21; ACS 2006-2010 share
    0.025678495 (the latest vintage ending <= 2012). k1 = sum M / sum (S F) over the valid units, summed by a
    one-off script with Python's ``csv`` module only (units from ref_reporting_units, F population-weighted,
    units with S > 0 and F > 0: 2966 of them): 1087102 / 2957032.2360949568 = 0.36763278625451234.
    E = k1 * 530 * 0.025678495 = 5.003336031746459; ratio = 21 / E.
    """
    row = marts["fct_match_rate"].set_index("county_fips").loc["21209"]
    k1 = 1087102 / 2957032.2360949568
    expected = k1 * 530 * 0.025678495
    assert expected == pytest.approx(5.003336031746459, rel=1e-14)
    assert row["member_counties"] == "21209"
    assert row["observed"] == 21
    assert row["calibration_constant"] == pytest.approx(k1, rel=1e-9)
    assert row["expected"] == pytest.approx(expected, rel=1e-9)
    assert row["ratio"] == pytest.approx(21 / expected, rel=1e-9)
    assert bool(row["is_eligible"])
    assert pd.isna(row["ineligible_reason"])


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------


def _valid(df: pd.DataFrame) -> pd.Series:
    """Valid (calibration set): not ineligible, or ineligible only for size (E or n too small)."""
    size_reasons = {"expected_below_minimum", "too_few_known_level_matches"}
    return df["ineligible_reason"].isna() | df["ineligible_reason"].isin(size_reasons)


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_expected_total_equals_observed_total(
    marts: dict[str, pd.DataFrame], assembled: Assembled, statistic: int
) -> None:
    df = _selected(marts[STATISTIC_MARTS[statistic]], assembled.reporting_period)
    valid = df[_valid(df)]
    assert valid["expected"].notna().all()
    total_o, total_e = float(valid["observed"].sum()), float(valid["expected"].sum())
    if statistic == 3 and (valid["expected_share"] >= ri.PI_CAP).any():
        assert total_e <= total_o * (1 + 1e-12)  # the 0.999 cap can only lower E
    else:
        assert total_e == pytest.approx(total_o, rel=1e-9)


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_overdispersion_shrinks_z(marts: dict[str, pd.DataFrame], assembled: Assembled, statistic: int) -> None:
    df = _selected(marts[STATISTIC_MARTS[statistic]], assembled.reporting_period)
    elig = df[df["is_eligible"]]
    assert len(elig) > 0
    assert (elig["tau2"] > 0).all()  # real data is overdispersed
    assert (elig["z_score"].abs() <= elig["raw_z"].abs() + 1e-12).all()


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_no_score_below_min_expected(marts: dict[str, pd.DataFrame], statistic: int) -> None:
    df = marts[STATISTIC_MARTS[statistic]]
    small = df[df["expected"].isna() | (df["expected"] < MIN_EXPECTED)]
    assert small["z_score"].isna().all()
    assert (~small["is_eligible"]).all()
    ranking = marts["rpt_anomaly_ranking"].set_index(["county_fips", "reporting_period"])
    prefix = RANKING_STATISTIC_PREFIX[statistic]
    keys = list(zip(small["county_fips"], small["reporting_period"], strict=True))
    assert ranking.loc[keys, f"{prefix}_z_score"].isna().all()


@pytest.mark.parametrize("statistic", [1, 2])
def test_sqrt_ratio_limits_bracket_one(marts: dict[str, pd.DataFrame], statistic: int) -> None:
    df = marts[STATISTIC_MARTS[statistic]]
    elig = df[df["is_eligible"]]
    assert ((elig["ratio_lower_95"] < 1.0) & (elig["ratio_upper_95"] > 1.0)).all()


@pytest.mark.parametrize("statistic", [1, 2, 3])
def test_wider_limits_contain_narrower(marts: dict[str, pd.DataFrame], statistic: int) -> None:
    df = marts[STATISTIC_MARTS[statistic]]
    elig = df[df["is_eligible"]]
    assert elig[["ratio_lower_95", "ratio_upper_95", "ratio_lower_998", "ratio_upper_998"]].notna().all().all()
    assert (elig["ratio_lower_998"] <= elig["ratio_lower_95"]).all()
    assert (elig["ratio_upper_998"] >= elig["ratio_upper_95"]).all()
    assert (elig["ratio_lower_95"] <= elig["ratio_upper_95"]).all()


def test_review_list(marts: dict[str, pd.DataFrame], assembled: Assembled) -> None:
    df = _selected(marts["rpt_anomaly_ranking"], assembled.reporting_period)
    flagged = df[df["is_flagged"]]
    assert len(flagged) == REVIEW_LIST_SIZE
    assert not flagged["is_custody_explained"].any()
    assert sorted(flagged["review_rank"].astype(int)) == list(range(1, REVIEW_LIST_SIZE + 1))
    assert df.loc[df["ranked_statistics"].isna(), "anomaly_rank"].isna().all()
    assert flagged["flag_reasons"].str.len().gt(0).all()
    last_listed = flagged["anomaly_rank"].max()
    high = df[df["is_custody_explained"] & (df["anomaly_rank"] < last_listed)]
    assert set(high.index) == set(df.index[df["is_custody_explained_high"]])
    assert not any(
        code in reason for reason in df["flag_reasons"] for code in ("expected_below_minimum", "low_ucr_coverage")
    )
