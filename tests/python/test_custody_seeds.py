"""The committed custody-site seeds (ref_custody_facilities, ref_ice_detention_adp): keys, counties, ADP totals
and the facilities METHODS.md and the shared PROVENANCE.md name.

Reads only the committed seeds: the builder (devtools/build_custody_seeds.py) needs ../shared, which a clone of the
product does not have; ``python devtools/build_custody_seeds.py --check`` is the developers' check that the seeds
match their sources.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"

# ADP summed per fiscal year over the seed, computed once from the ICE list (FY09 ADP ... FY18 ADP) by
# devtools/build_custody_seeds.py: placed = source total of the ice_detention rows - the unplaceable rows (the nine
# ICE detention facilities in Guam, Puerto Rico, the Northern Mariana Islands and the Virgin Islands).
#   FY    ice_detention rows   unplaceable   placed
#   2009      31,261.00            74.00    31,187.00
#   2010      30,437.00            60.00    30,377.00
#   2011      33,032.29            52.27    32,980.02
#   2012      33,944.05            53.31    33,890.74
#   2013      33,486.77            27.57    33,459.20
#   2014      32,920.20            23.17    32,897.03
#   2015      28,064.02            19.76    28,044.26
#   2016      33,893.10            13.40    33,879.70
#   2017      37,594.83            24.84    37,569.99
#   2018      38,712.68            18.00    38,694.68
PLACED_ADP_BY_FISCAL_YEAR = {
    2009: 31_187.00,
    2010: 30_377.00,
    2011: 32_980.02,
    2012: 33_890.74,
    2013: 33_459.20,
    2014: 32_897.03,
    2015: 28_044.26,
    2016: 33_879.70,
    2017: 37_569.99,
    2018: 38_694.68,
}
FISCAL_YEARS = set(PLACED_ADP_BY_FISCAL_YEAR)


def read_seed(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def facilities() -> pd.DataFrame:
    return read_seed("ref_custody_facilities")


@pytest.fixture(scope="module")
def adp() -> pd.DataFrame:
    frame = read_seed("ref_ice_detention_adp")
    frame["fiscal_year"] = frame["fiscal_year"].astype(int)
    frame["average_daily_population"] = frame["average_daily_population"].astype(float)
    return frame


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return read_seed("ref_counties")


def test_each_facility_appears_once_on_a_2010_county_of_its_state(
    facilities: pd.DataFrame, counties: pd.DataFrame
) -> None:
    assert facilities["facility_id"].is_unique
    state_of = dict(zip(counties["county_fips"], counties["state_abbrev"], strict=True))
    outside = facilities.loc[~facilities["county_fips"].isin(state_of), "facility_id"].tolist()
    assert outside == []
    wrong_state = facilities[facilities["county_fips"].map(state_of) != facilities["state_abbrev"]]
    assert wrong_state["facility_id"].tolist() == []


def test_adp_is_never_negative_and_covers_each_ice_facility_every_year(
    facilities: pd.DataFrame, adp: pd.DataFrame
) -> None:
    assert (adp["average_daily_population"] >= 0).all()
    assert not adp.duplicated(["facility_id", "fiscal_year"]).any()
    ice_ids = set(facilities.loc[facilities["facility_kind"] == "ice_detention", "facility_id"])
    assert set(adp["facility_id"]) == ice_ids
    years_per_facility = adp.groupby("facility_id")["fiscal_year"].apply(set)
    assert (years_per_facility == FISCAL_YEARS).all()


def test_adp_sums_per_fiscal_year_match_the_source_totals(adp: pd.DataFrame) -> None:
    totals = adp.groupby("fiscal_year")["average_daily_population"].sum().round(2).to_dict()
    assert totals == pytest.approx(PLACED_ADP_BY_FISCAL_YEAR, abs=0.005)


@pytest.mark.parametrize(
    ("facility_id", "name", "county_fips", "ice_type", "fiscal_year", "expected_adp"),
    [
        ("SHERBMN", "SHERBURNE COUNTY JAIL", "27141", "USMS IGA", 2012, 129.43),  # Sherburne MN
        ("ALLEGNY", "ALLEGANY COUNTY JAIL", "36003", "IGSA", 2012, 9.92),  # Allegany NY
        ("BAKERFL", "BAKER COUNTY SHERIFF'S OFFICE", "12003", "IGSA", 2012, 247.37),  # Baker FL, in Macclenny
    ],
)
def test_the_named_ice_detention_sites_and_their_fy2012_adp(
    facilities: pd.DataFrame,
    adp: pd.DataFrame,
    facility_id: str,
    name: str,
    county_fips: str,
    ice_type: str,
    fiscal_year: int,
    expected_adp: float,
) -> None:
    facility = facilities.set_index("facility_id").loc[facility_id]
    assert (facility["facility_name"], facility["county_fips"]) == (name, county_fips)
    assert (facility["facility_kind"], facility["ice_type"]) == ("ice_detention", ice_type)
    value = adp.set_index(["facility_id", "fiscal_year"]).at[(facility_id, fiscal_year), "average_daily_population"]
    assert value == pytest.approx(expected_adp, abs=0.005)


@pytest.mark.parametrize(
    ("facility_id", "name", "county_fips", "listed_county"),
    [
        ("NOBLEMN", "NOBLES COUNTY JAIL", "27105", "NICOLLET"),
        ("ALBCONY", "ALBANY COUNTY JAIL", "36001", "KINGS"),
        ("OTRPCNM", "OTERO COUNTY PROCESSING CENTER", "35035", "DONA ANA"),
        ("CALHOMI", "CALHOUN COUNTY CORRECTIONAL CENTER", "26025", "BRANCH"),
    ],
)
def test_a_facility_named_after_its_county_goes_there_not_to_the_county_column(
    facilities: pd.DataFrame, facility_id: str, name: str, county_fips: str, listed_county: str
) -> None:
    facility = facilities.set_index("facility_id").loc[facility_id]
    assert facility["facility_name"] == name
    assert (facility["county_fips"], facility["placement"]) == (county_fips, "named_county")
    assert facility["listed_county"] == listed_county


@pytest.mark.parametrize(
    ("county_fips", "intake_name"),
    [
        ("48471", "BYRD DIAGNOSTIC INTAKE FACILITY"),  # Walker TX (Huntsville)
        ("13035", "GA DIAGNOSTIC & CLASSIFICATION STATE PRISON"),  # Butts GA (Jackson)
        ("39129", "CORRECTIONAL RECEPTION CENTER"),  # Pickaway OH (Orient)
    ],
)
def test_the_named_state_intake_centres(facilities: pd.DataFrame, county_fips: str, intake_name: str) -> None:
    intake = facilities[(facilities["facility_kind"] == "state_intake") & (facilities["county_fips"] == county_fips)]
    assert intake["facility_name"].tolist() == [intake_name]


def test_intake_centres_exclude_juvenile_treatment_and_booking_centres(facilities: pd.DataFrame) -> None:
    intake_names = facilities.loc[facilities["facility_kind"] == "state_intake", "facility_name"]
    assert intake_names.str.contains("RECEPTION|DIAGNOSTIC|INTAKE|CLASSIFICATION").all()
    assert not intake_names.str.contains("JUVENILE|YOUTH|BOYS|GIRLS|TREATMENT|REHABILITATION|BOOKING").any()
