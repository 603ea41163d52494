"""The committed review-packet context seeds (ref_county_covariates, ref_state_agreements): one row per county and
per state, shares within 0..1 that add up to at most 1, and values checked by hand against the source files.

Reads only the committed seeds: the builder (devtools/build_reference_covariates.py) needs ../shared, which a clone
of the product does not have; ``python devtools/build_reference_covariates.py --check`` is the developers' check
that the seeds match their sources.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"
SHARES = ["hispanic_share_2010", "black_share_2010", "white_share_2010"]
# Hispanic (any race), non-Hispanic White alone and non-Hispanic Black do not overlap; the file has 8 significant
# digits (largest sum over its rows 0.99999999).
SHARE_SUM_TOLERANCE = 1e-6

# Read by hand from opportunity_atlas_cty_covariates.csv (share_hisp2010, share_black2010, share_white2010,
# popdensity2010), rows state 6 county 37, state 48 county 471, state 27 county 141.
HAND_CHECKED = {
    "06037": (0.4774496, 0.089270525, 0.27787256, 2427.7913),  # Los Angeles County CA
    "48471": (0.16782835, 0.22851121, 0.58459204, 86.538857),  # Walker County TX
    "27141": (0.021932451, 0.024576548, 0.92637205, 204.42345),  # Sherburne County MN
}
# Read by hand from white2016_stateMOAdates.csv: "CA",05/08/09,04/10/09 and "TX",10/26/09,10/14/09.
HAND_CHECKED_AGREEMENTS = {
    "CA": ("2009-05-08", "2009-04-10"),
    "TX": ("2009-10-26", "2009-10-14"),
}
STATES_WITHOUT_AGREEMENT = {"AK", "AR", "DC", "MA", "ME", "MN", "ND", "NH", "NJ", "PA", "VT", "WA"}


def read_seed(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return read_seed("ref_counties")


@pytest.fixture(scope="module")
def covariates() -> pd.DataFrame:
    frame = read_seed("ref_county_covariates")
    for column in [*SHARES, "population_density_2010"]:
        frame[column] = pd.to_numeric(frame[column].replace("", None))
    return frame.set_index("county_fips", drop=False)


@pytest.fixture(scope="module")
def agreements() -> pd.DataFrame:
    return read_seed("ref_state_agreements").set_index("state_abbrev", drop=False)


def test_every_county_once(covariates: pd.DataFrame, counties: pd.DataFrame) -> None:
    assert covariates["county_fips"].is_unique
    assert sorted(covariates["county_fips"]) == sorted(counties["county_fips"])
    assert len(covariates) == 3143


def test_shares_within_zero_and_one(covariates: pd.DataFrame) -> None:
    shares = covariates[SHARES].dropna()
    assert ((shares >= 0) & (shares <= 1)).all(axis=None)
    assert (covariates["population_density_2010"].dropna() >= 0).all()


def test_shares_add_up_to_at_most_one(covariates: pd.DataFrame) -> None:
    total = covariates[SHARES].sum(axis=1, min_count=3).dropna()
    assert (total <= 1 + SHARE_SUM_TOLERANCE).all(), total[total > 1 + SHARE_SUM_TOLERANCE]
    # The groups are most of the population almost everywhere: a column mix-up (e.g. a 0-100 percent) would show.
    assert total.median() > 0.9


def test_only_the_known_values_are_empty(covariates: pd.DataFrame) -> None:
    empty = covariates[covariates[[*SHARES, "population_density_2010"]].isna().any(axis=1)]
    assert set(empty["county_fips"]) == {"51515", "46113"}
    assert covariates.loc["51515", SHARES].isna().all()  # Bedford city: no row in the Atlas file
    assert covariates.loc["46113", SHARES].notna().all()  # Shannon: from the Atlas row 46102, density blank there
    assert covariates.loc["46113", "source_fips"] == "46102"
    assert covariates.loc["51515", "note"] != ""


def test_source_code_differs_only_where_mapped(covariates: pd.DataFrame) -> None:
    differing = covariates[(covariates["source_fips"] != covariates["county_fips"]) & (covariates["source_fips"] != "")]
    assert differing["county_fips"].tolist() == ["46113"]


@pytest.mark.parametrize("county_fips", sorted(HAND_CHECKED))
def test_hand_checked_values(covariates: pd.DataFrame, county_fips: str) -> None:
    row = covariates.loc[county_fips]
    actual = (*row[SHARES], row["population_density_2010"])
    assert actual == pytest.approx(HAND_CHECKED[county_fips], rel=1e-9)


def test_forty_state_agreements(agreements: pd.DataFrame, counties: pd.DataFrame) -> None:
    assert len(agreements) == 40
    assert agreements["state_abbrev"].is_unique
    assert set(agreements["state_abbrev"]) - set(counties["state_abbrev"]) == {"PR"}
    assert set(counties["state_abbrev"]) - set(agreements["state_abbrev"]) == STATES_WITHOUT_AGREEMENT


def test_agreement_dates_are_iso_in_2009_to_2011(agreements: pd.DataFrame) -> None:
    for column in ("ice_signature_date", "state_signature_date"):
        dates = pd.to_datetime(agreements[column], format="%Y-%m-%d")
        assert dates.dt.year.between(2009, 2011).all(), column


@pytest.mark.parametrize("state", sorted(HAND_CHECKED_AGREEMENTS))
def test_hand_checked_agreement_dates(agreements: pd.DataFrame, state: str) -> None:
    row = agreements.loc[state]
    assert (row["ice_signature_date"], row["state_signature_date"]) == HAND_CHECKED_AGREEMENTS[state]
