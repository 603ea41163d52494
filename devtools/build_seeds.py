"""Build the project's CSV seeds from the shared reference data, deterministically.

Reads the public reference files under ``<shared>/data/reference/`` (see the PROVENANCE.md files there) and
writes:

* ``seeds/reference/``: ref_counties, ref_county_adjacency, ref_fips_changes, ref_fips_splits, ref_sc_activations,
  ref_reporting_units, ref_ucr_offense_classes (CONTRACT.md, "Reference tables"; ref_fips_splits is the project's
  own: the areas a source may report that were divided among several 2010 counties);
* ``seeds/raw/``: the embedded default raw tables raw_sc_identifications, raw_census_foreign_born and
  raw_ucr_arrests (CONTRACT.md, "Inputs"), and the optional companion raw_ucr_data_quality, empty.
  raw_ucr_arrests is SYNTHETIC: the ICPSR county-level UCR files may not be redistributed, so the seed is a
  labelled placeholder drawn from national 2011 arrest rates.

Output is byte-for-byte reproducible: rows sorted by key, fixed float formatting, UTF-8, LF line endings,
empty string for null, a fixed RNG seed. ``--check`` rebuilds into a temporary folder and compares with the
committed seeds.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from scload.contract import COMPANIONS, UCR_QUALITY  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_OUT = REPO_ROOT / "seeds"

# Census "2010 FIPS Codes for Counties" also lists Puerto Rico and the island areas (AS, GU, MP, UM, VI).
EXCLUDED_STATE_FIPS = frozenset({"60", "66", "69", "72", "74", "78"})
EXPECTED_COUNTY_COUNT = 3143  # 50 states + DC, 2010 geography

ICE_CUTOFF_DATE = "2012-08-31"
ICE_SOURCE_LABEL = (
    "ICE IDENT/IAFIS Interoperability Statistics, cumulative through 2012-08-31 (White 2016 replication data)"
)
ACTIVATION_SOURCE_DAY = "ICE IDENT/IAFIS Interoperability Statistics, thru 2012-08-31 (White 2016 replication data)"
ACTIVATION_SOURCE_MONTH = "ICE SC activation month by county (Stata file in elisaalonsoh-research/tfg-ei)"


@dataclass(frozen=True)
class FipsChange:
    """A county code seen in a source that is not on the 2010 county list, and the 2010 code it maps to."""

    source_fips: str
    county_fips: str
    effective_date: str
    note: str


# Hard-coded facts (Census Bureau "Substantial Changes to Counties and County Equivalent Entities"). Every
# target is a 2010-geography county; sources on later geography (e.g. ACS files after 2015) are mapped back.
FIPS_CHANGES: tuple[FipsChange, ...] = (
    FipsChange(
        "02158",
        "02270",
        "2015-07-01",
        "Wade Hampton Census Area AK renamed Kusilvak Census Area, new code 02158",
    ),
    FipsChange("12025", "12086", "1997-07-22", "Dade County FL renamed Miami-Dade County, new code 12086"),
    FipsChange("46102", "46113", "2015-05-01", "Shannon County SD renamed Oglala Lakota County, new code 46102"),
    FipsChange("51560", "51005", "2001-07-01", "Clifton Forge city VA merged into Alleghany County"),
    FipsChange("51780", "51083", "1995-06-30", "South Boston city VA merged into Halifax County"),
)


@dataclass(frozen=True)
class FipsSplit:
    """A county code seen in a source for an area that was divided among several 2010 counties: one part of it."""

    source_fips: str
    county_fips: str
    has_residents: bool  # whether the part took (nearly) all of the area's residents, or land with few or none
    effective_date: str
    note: str


# Hard-coded facts (Census Bureau "Substantial Changes to Counties and County Equivalent Entities"; dates and the
# residents of each part as in seeds/PROVENANCE.md). Older UCR county files still use these codes. A loader gives
# the area to the only part with residents, or to the reporting unit that covers all such parts, or allocates it
# among them by 2010 population.
POW_OK = "Prince of Wales-Outer Ketchikan Census Area AK (02201) divided in 2008: "
SHA = (
    "Skagway-Hoonah-Angoon Census Area AK (02232) divided: Skagway became a borough (02230), the rest Hoonah-Angoon CA"
)
WP = "Wrangell-Petersburg Census Area AK (02280) divided: Wrangell became a borough (02275), the rest Petersburg CA"
YNP = (
    "Yellowstone National Park (part) MT (30113), a county equivalent (52 residents in 1990), divided between "
    "Gallatin and Park counties"
)
FIPS_SPLITS: tuple[FipsSplit, ...] = (
    FipsSplit(
        "02201",
        "02130",
        False,
        "2008-05-19",
        POW_OK + "the Outer Ketchikan mainland (almost no residents) annexed by Ketchikan Gateway Borough",
    ),
    FipsSplit(
        "02201",
        "02198",
        True,
        "2008-06-01",
        POW_OK + "the rest, with its residents, renamed Prince of Wales-Hyder Census Area, new code 02198",
    ),
    FipsSplit(
        "02201",
        "02275",
        False,
        "2008-05-30",
        POW_OK + "the Meyers Chuck area (about 20 residents) went to the new Wrangell City and Borough",
    ),
    FipsSplit("02232", "02105", True, "2007-06-20", SHA),
    FipsSplit("02232", "02230", True, "2007-06-20", SHA),
    FipsSplit("02280", "02195", True, "2008-06-01", WP),
    FipsSplit("02280", "02275", True, "2008-05-30", WP),
    FipsSplit("30113", "30031", True, "1997-11-07", YNP),
    FipsSplit("30113", "30067", True, "1997-11-07", YNP),
)


@dataclass(frozen=True)
class ReportingUnitMember:
    unit_fips: str
    county_fips: str
    unit_name: str
    note: str


# ICE rows that cover several counties. NYC is documented in the source; for the others the row's 2010
# population (P0010001 in White's file) equals exactly the members' summed 2010 Census population, and the
# other members have no row of their own (a county without a jail booked by its neighbour's, or an
# independent city counted with its county).
POPULATION_NOTE = "ICE row on {unit} carries the summed 2010 population of {members}; the others have no row"
MULTI_COUNTY_UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("36085", "New York City", ("36005", "36047", "36061", "36081", "36085")),
    ("02105", "Hoonah-Angoon and Skagway, AK", ("02105", "02230")),
    ("46047", "Fall River and Shannon, SD", ("46047", "46113")),
    ("51059", "Fairfax County and Fairfax city, VA", ("51059", "51600")),
    ("51081", "Greensville County and Emporia city, VA", ("51081", "51595")),
    ("51683", "Prince William County, Manassas and Manassas Park, VA", ("51153", "51683", "51685")),
    ("51735", "York County and Poquoson city, VA", ("51199", "51735")),
    ("54033", "Harrison and Doddridge, WV", ("54017", "54033")),
)
NYC_NOTE = "ICE reports New York City as one jurisdiction, placed on 36085 (Richmond)"
REPORTING_UNITS: tuple[ReportingUnitMember, ...] = tuple(
    ReportingUnitMember(
        unit,
        member,
        name,
        NYC_NOTE if unit == "36085" else POPULATION_NOTE.format(unit=unit, members=" ".join(members)),
    )
    for unit, name, members in MULTI_COUNTY_UNITS
    for member in members
)


@dataclass(frozen=True)
class Offense:
    code: str
    name: str
    ucr_part: str
    ice_level_equivalent: int
    in_arrest_total: bool
    national_arrests_2011: float  # FBI estimate, approximate (see NATIONAL_ARRESTS_NOTE)


# National arrests, FBI "Crime in the United States 2011", Table 29 (estimated number of arrests, United
# States, 2011). APPROXIMATE: rounded to 3 significant figures and only the total (12,408,899) and drug abuse
# violations (1,531,251) were cross-checked against secondary citations of the table; they set the scale of
# the SYNTHETIC raw_ucr_arrests seed and nothing else. Drug abuse violations are split 18 % sale/manufacturing
# and 82 % possession (the 2011 national split, CIUS 2011 arrest table: 18.2 / 81.8). Runaways are 0: the UCR
# stopped collecting runaway arrests in 2010, so Table 29 of 2011 has no such row.
DRUG_ABUSE_ARRESTS_2011 = 1_531_251
DRUG_SALE_SHARE = 0.18
US_POPULATION_2011 = 311_591_917  # CIUS 2011 national population estimate

# ICE level equivalents are an assumption of the method, after the 2009 SC SOP (charge-based): Level 1 violent
# and major drug offenses, Level 2 minor drug and property offenses, Level 3 other offenses.
OFFENSES: tuple[Offense, ...] = (
    Offense("MURDER", "Murder and nonnegligent manslaughter", "I", 1, True, 12_400),
    Offense("RAPE", "Forcible rape", "I", 1, True, 18_200),
    Offense("ROBBERY", "Robbery", "I", 1, True, 113_000),
    Offense("AGASSLT", "Aggravated assault", "I", 1, True, 408_000),
    Offense("BURGLRY", "Burglary", "I", 2, True, 298_000),
    Offense("LARCENY", "Larceny-theft", "I", 2, True, 1_260_000),
    Offense("MVTHEFT", "Motor vehicle theft", "I", 2, True, 65_900),
    Offense("ARSON", "Arson", "I", 2, True, 11_400),
    Offense("OTHASLT", "Other assaults", "II", 3, True, 1_240_000),
    Offense("FRGYCNT", "Forgery and counterfeiting", "II", 2, True, 70_200),
    Offense("FRAUD", "Fraud", "II", 2, True, 168_000),
    Offense("EMBEZL", "Embezzlement", "II", 2, True, 15_400),
    Offense("STLNPRP", "Stolen property; buying, receiving, possessing", "II", 2, True, 92_700),
    Offense("VANDLSM", "Vandalism", "II", 2, True, 243_000),
    Offense("WEAPONS", "Weapons; carrying, possessing, etc.", "II", 3, True, 154_000),
    Offense("COMVICE", "Prostitution and commercialized vice", "II", 3, True, 56_600),
    Offense("SEXOFF", "Sex offenses (except forcible rape and prostitution)", "II", 3, True, 70_200),
    Offense(
        "DRGSALE",
        "Drug abuse violations: sale/manufacturing",
        "II",
        1,
        True,
        DRUG_ABUSE_ARRESTS_2011 * DRUG_SALE_SHARE,
    ),
    Offense(
        "DRGPOSS",
        "Drug abuse violations: possession",
        "II",
        2,
        True,
        DRUG_ABUSE_ARRESTS_2011 * (1 - DRUG_SALE_SHARE),
    ),
    Offense("GAMBLE", "Gambling", "II", 3, True, 8_600),
    Offense("OFAGFAM", "Offenses against the family and children", "II", 3, True, 111_000),
    Offense("DUI", "Driving under the influence", "II", 3, True, 1_220_000),
    Offense("LIQUOR", "Liquor laws", "II", 3, True, 442_000),
    Offense("DRUNK", "Drunkenness", "II", 3, True, 534_000),
    Offense("DISORDR", "Disorderly conduct", "II", 3, True, 582_000),
    Offense("VAGRANT", "Vagrancy", "II", 3, True, 27_300),
    Offense("ALLOTHR", "All other offenses (except traffic)", "II", 3, True, 3_720_000),
    Offense("SUSPICN", "Suspicion", "II", 3, False, 1_300),
    Offense("CURFEW", "Curfew and loitering law violations", "II", 3, False, 86_400),
    Offense("RUNAWAY", "Runaways", "II", 3, False, 0),
)

# Synthetic UCR generator parameters.
UCR_RNG_SEED = 20121116  # the date of the revised SC statistical monitoring document
UCR_DATA_YEAR = 2011
UCR_COUNTY_LOG_SD = 0.35
UCR_COUNTY_OFFENSE_LOG_SD = 0.25
UCR_FULL_COVERAGE_SHARE = 0.80
UCR_PARTIAL_COVERAGE_RANGE = (30.0, 100.0)

# Shared input files, relative to <shared>/data/reference/.
NATIONAL_COUNTY = "census_county_reference/national_county_2010.txt"
POPULATION_2000_2010 = "census_county_reference/co-est00int-tot_2000_2010.csv"
ADJACENCY_EDGES = "census_county_reference/county_adjacency_2010_edges.csv"
ICE_IDENT = "sc_ice_ident_iafis_2012/ice_ident_iafis_by_county_cumulative_thru_2012-08-31.csv"
ACTIVATION_MONTHS = "sc_activation_dates/sc_activation_month_by_county.csv"
FOREIGN_BORN_2010 = "foreign_born_county/foreign_born_share_acs2006_2010_opportunity_atlas.csv"
FOREIGN_BORN_2013 = "foreign_born_county/foreign_born_pct_acs2009_2013_county_facts.csv"


class BuildError(Exception):
    """Bad input: reported as one line, without a traceback."""


@dataclass(frozen=True)
class Seed:
    folder: str
    name: str
    frame: pd.DataFrame

    @property
    def relative_path(self) -> Path:
        return Path(self.folder) / f"{self.name}.csv"


# --------------------------------------------------------------------------------------------------- helpers


def format_float(value: float) -> str:
    """Shortest decimal that round-trips, at most 9 significant digits, never scientific notation."""
    if pd.isna(value):
        return ""
    return np.format_float_positional(float(value), precision=9, unique=True, fractional=False, trim="0")


def format_int(value: float) -> str:
    return "" if pd.isna(value) else str(int(value))


def read_csv(reference_dir: Path, relative: str, **kwargs: object) -> pd.DataFrame:
    """Read a shared file with every column as a string ('' for blanks)."""
    path = reference_dir / relative
    if not path.is_file():
        raise BuildError(f"missing input file: {path}")
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)  # type: ignore[call-overload]


def require(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def fips_map() -> dict[str, str]:
    return {change.source_fips: change.county_fips for change in FIPS_CHANGES}


def map_fips(codes: pd.Series) -> pd.Series:
    return codes.replace(fips_map())


def finish(frame: pd.DataFrame, columns: list[str], key: list[str], table: str) -> pd.DataFrame:
    """Select columns, check the key is unique, sort rows by the key."""
    frame = frame[columns]
    duplicated = frame.duplicated(key, keep=False)
    require(
        not duplicated.any(),
        f"{table}: duplicate key {key}, e.g. {frame[duplicated].head(2).to_dict('records')}",
    )
    return frame.sort_values(key, kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------------------- reference seeds


def build_ref_counties(reference_dir: Path) -> pd.DataFrame:
    counties = read_csv(
        reference_dir,
        NATIONAL_COUNTY,
        header=None,
        names=["state_abbrev", "state_fips", "county_code", "county_name", "class_code"],
    )
    counties = counties[~counties["state_fips"].isin(EXCLUDED_STATE_FIPS)].copy()
    counties["county_fips"] = counties["state_fips"] + counties["county_code"]

    population = read_csv(reference_dir, POPULATION_2000_2010, encoding="latin-1")
    population = population[population["SUMLEV"] == "50"]
    population = pd.DataFrame(
        {
            "county_fips": population["STATE"].str.zfill(2) + population["COUNTY"].str.zfill(3),
            "population_2010": population["CENSUS2010POP"],
        }
    )
    counties = counties.merge(population, on="county_fips", how="left", validate="one_to_one")

    missing = counties.loc[counties["population_2010"].fillna("") == "", "county_fips"].tolist()
    require(not missing, f"ref_counties: counties without a 2010 Census population: {missing[:10]}")
    require(
        counties["population_2010"].str.fullmatch(r"[1-9]\d*").all(),
        "ref_counties: population_2010 is not a positive integer everywhere",
    )
    require(
        len(counties) == EXPECTED_COUNTY_COUNT,
        f"ref_counties: expected {EXPECTED_COUNTY_COUNT} counties, found {len(counties)}",
    )
    columns = ["county_fips", "state_fips", "state_abbrev", "county_name", "population_2010"]
    return finish(counties, columns, ["county_fips"], "ref_counties")


def build_ref_county_adjacency(reference_dir: Path, county_set: set[str]) -> pd.DataFrame:
    edges = read_csv(reference_dir, ADJACENCY_EDGES)
    edges = edges.rename(columns={"county_fips5": "county_fips", "neighbor_fips5": "neighbor_fips"})
    edges = edges[edges["county_fips"] != edges["neighbor_fips"]]
    edges = edges[edges["county_fips"].isin(county_set) & edges["neighbor_fips"].isin(county_set)]
    edges = edges.drop_duplicates(["county_fips", "neighbor_fips"])

    pairs = set(zip(edges["county_fips"], edges["neighbor_fips"], strict=True))
    asymmetric = sorted(pair for pair in pairs if (pair[1], pair[0]) not in pairs)
    if asymmetric:
        print(f"  note: {len(asymmetric)} asymmetric adjacency pairs kept as in source, e.g. {asymmetric[:5]}")
    isolated = sorted(county_set - set(edges["county_fips"]))
    if isolated:
        print(f"  note: {len(isolated)} counties without neighbours (islands): {' '.join(isolated)}")
    return finish(edges, ["county_fips", "neighbor_fips"], ["county_fips", "neighbor_fips"], "ref_county_adjacency")


def build_ref_fips_changes(county_set: set[str]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(change) for change in FIPS_CHANGES])
    bad_targets = sorted(set(frame["county_fips"]) - county_set)
    require(not bad_targets, f"ref_fips_changes: targets not in ref_counties: {bad_targets}")
    in_list = sorted(set(frame["source_fips"]) & county_set)
    require(not in_list, f"ref_fips_changes: source codes that are themselves 2010 counties: {in_list}")
    columns = ["source_fips", "county_fips", "effective_date", "note"]
    return finish(frame, columns, ["source_fips"], "ref_fips_changes")


def build_ref_fips_splits(county_set: set[str]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(split) for split in FIPS_SPLITS])
    bad_targets = sorted(set(frame["county_fips"]) - county_set)
    require(not bad_targets, f"ref_fips_splits: parts not in ref_counties: {bad_targets}")
    in_list = sorted(set(frame["source_fips"]) & (county_set | set(fips_map())))
    require(not in_list, f"ref_fips_splits: source codes that are 2010 counties or in ref_fips_changes: {in_list}")
    settled = set(frame.loc[frame["has_residents"], "source_fips"])
    unsettled = sorted(set(frame["source_fips"]) - settled)
    require(not unsettled, f"ref_fips_splits: areas without a part that took their residents: {unsettled}")
    frame["has_residents"] = frame["has_residents"].map({True: "true", False: "false"})
    columns = ["source_fips", "county_fips", "has_residents", "effective_date", "note"]
    return finish(frame, columns, ["source_fips", "county_fips"], "ref_fips_splits")


def read_ice_activated(reference_dir: Path) -> pd.DataFrame:
    """ICE IDENT/IAFIS rows of activated counties, FIPS mapped to 2010 geography."""
    ice = read_csv(reference_dir, ICE_IDENT)
    ice = ice[ice["activation_date"] != ""].copy()
    ice["county_fips"] = map_fips(ice["fips5"])
    return ice


def build_ref_sc_activations(reference_dir: Path, county_set: set[str]) -> pd.DataFrame:
    ice = read_ice_activated(reference_dir)
    exact = pd.DataFrame(
        {
            "county_fips": ice["county_fips"],
            "activation_date": ice["activation_date"],
            "date_precision": "day",
            "source": ACTIVATION_SOURCE_DAY,
        }
    )

    months = read_csv(reference_dir, ACTIVATION_MONTHS)
    months["county_fips"] = map_fips(months["fips5"])
    months["activation_date"] = months["activation_year"] + "-" + months["activation_month"].str.zfill(2) + "-01"
    by_month = pd.DataFrame(
        {
            "county_fips": months["county_fips"],
            "activation_date": months["activation_date"],
            "date_precision": "month",
            "source": ACTIVATION_SOURCE_MONTH,
        }
    )

    both = exact.merge(by_month, on="county_fips", suffixes=("_day", "_month"))
    disagree = both[both["activation_date_day"].str[:7] != both["activation_date_month"].str[:7]]
    if len(disagree):
        print(f"  note: {len(disagree)} counties whose ICE date and activation month disagree (ICE date kept)")

    activations = pd.concat([exact, by_month[~by_month["county_fips"].isin(exact["county_fips"])]])
    outside = sorted(set(activations["county_fips"]) - county_set)
    if outside:
        print(f"  note: dropped {len(outside)} activation codes not in ref_counties: {' '.join(outside)}")
    activations = activations[activations["county_fips"].isin(county_set)]
    never = sorted(county_set - set(activations["county_fips"]))
    if never:
        print(f"  note: {len(never)} counties have no activation date in either source: {' '.join(never)}")
    columns = ["county_fips", "activation_date", "date_precision", "source"]
    return finish(activations, columns, ["county_fips"], "ref_sc_activations")


def build_ref_reporting_units(county_set: set[str]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(member) for member in REPORTING_UNITS])
    unknown = sorted(set(frame["county_fips"]) - county_set)
    require(not unknown, f"ref_reporting_units: members not in ref_counties: {unknown}")
    columns = ["unit_fips", "county_fips", "unit_name", "note"]
    return finish(frame, columns, ["unit_fips", "county_fips"], "ref_reporting_units")


def build_ref_ucr_offense_classes() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "offense_code": [offense.code for offense in OFFENSES],
            "offense_name": [offense.name for offense in OFFENSES],
            "ucr_part": [offense.ucr_part for offense in OFFENSES],
            "ice_level_equivalent": [str(offense.ice_level_equivalent) for offense in OFFENSES],
            "in_arrest_total": ["true" if offense.in_arrest_total else "false" for offense in OFFENSES],
        }
    )
    return finish(frame, list(frame.columns), ["offense_code"], "ref_ucr_offense_classes")


# ----------------------------------------------------------------------------------------------- raw seeds


def build_raw_sc_identifications(reference_dir: Path, counties: pd.DataFrame) -> pd.DataFrame:
    county_set = set(counties["county_fips"])
    ice = read_ice_activated(reference_dir)
    counts = ["submissions", "ident_matches_total", "ident_matches_level1", "ident_matches_level2_3"]
    for column in counts:
        bad = ice.loc[~ice[column].str.fullmatch(r"\d+"), "fips5"].tolist()
        require(not bad, f"raw_sc_identifications: {column} is not a non-negative integer for {bad[:5]}")
    values = ice[counts].astype("int64")
    over = ice.loc[values["ident_matches_total"] > values["submissions"], "fips5"].tolist()
    require(not over, f"raw_sc_identifications: matches_total > submissions for {over[:5]}")
    levels = values["ident_matches_level1"] + values["ident_matches_level2_3"]
    over_levels = ice.loc[levels > values["ident_matches_total"], "fips5"].tolist()
    require(not over_levels, f"raw_sc_identifications: level1 + level2_3 > matches_total for {over_levels[:5]}")

    outside = sorted(set(ice["county_fips"]) - county_set)
    if outside:
        print(f"  note: {len(outside)} ICE codes not in ref_counties (kept, staging tests them): {outside}")
    # White's census2010_pop is the population of the ICE jurisdiction; where it differs from the county's
    # own 2010 population the row covers more than one county (a multi-county reporting unit).
    population = ice["county_fips"].map(dict(zip(counties["county_fips"], counties["population_2010"], strict=True)))
    wider = ice[ice["census2010_pop"] != population]
    if len(wider):
        listed = ", ".join(
            f"{row.county_fips} {row.county_name} ({row.census2010_pop} vs {population[index]})"
            for index, row in wider.iterrows()
        )
        print(f"  note: {len(wider)} ICE rows whose population differs from the county's own: {listed}")
    zero = int((values["submissions"] == 0).sum())
    print(f"  note: {zero} activated counties report 0 submissions")

    frame = pd.DataFrame(
        {
            "county_fips": ice["county_fips"],
            "period_start": ice["activation_date"],
            "period_end": ICE_CUTOFF_DATE,
            "submissions": ice["submissions"],
            "matches_total": ice["ident_matches_total"],
            "matches_level1": ice["ident_matches_level1"],
            "matches_level2": "",
            "matches_level3": "",
            "matches_level2_3": ice["ident_matches_level2_3"],
            "level_basis": "",  # undocumented in the source (charge or conviction)
            "source": ICE_SOURCE_LABEL,
        }
    )
    require(
        bool((frame["period_start"] <= frame["period_end"]).all()),
        "raw_sc_identifications: activation after the 2012-08-31 cut-off",
    )
    key = ["county_fips", "period_start", "period_end"]
    return finish(frame, list(frame.columns), key, "raw_sc_identifications")


def build_raw_census_foreign_born(reference_dir: Path, counties: pd.DataFrame, county_set: set[str]) -> pd.DataFrame:
    population = dict(zip(counties["county_fips"], counties["population_2010"], strict=True))

    atlas = read_csv(reference_dir, FOREIGN_BORN_2010)
    atlas["county_fips"] = map_fips(atlas["fips5"])
    atlas = atlas[(atlas["foreign_share_acs2006_2010"] != "") & atlas["county_fips"].isin(county_set)]
    missing_2010 = sorted(county_set - set(atlas["county_fips"]))
    if missing_2010:
        print(f"  note: ACS 2006-2010 has no share for {len(missing_2010)} counties: {' '.join(missing_2010)}")
    vintage_2010 = pd.DataFrame(
        {
            "county_fips": atlas["county_fips"],
            "acs_vintage": "2006-2010",
            "total_population": atlas["county_fips"].map(population),
            "foreign_born_share": atlas["foreign_share_acs2006_2010"].astype(float).map(format_float),
        }
    )

    facts = read_csv(reference_dir, FOREIGN_BORN_2013)
    facts["county_fips"] = map_fips(facts["fips5"])
    facts = facts[(facts["foreign_born_pct_acs2009_2013"] != "") & facts["county_fips"].isin(county_set)]
    share_2013 = (facts["foreign_born_pct_acs2009_2013"].astype(float) / 100).round(4)
    vintage_2013 = pd.DataFrame(
        {
            "county_fips": facts["county_fips"],
            "acs_vintage": "2009-2013",
            "total_population": facts["census2010_pop"],
            "foreign_born_share": share_2013.map(format_float),
        }
    )

    frame = pd.concat([vintage_2010, vintage_2013])
    frame["foreign_born_share_moe"] = ""
    frame["noncitizen_share"] = ""
    shares = frame["foreign_born_share"].astype(float)
    require(bool(shares.between(0, 1).all()), "raw_census_foreign_born: foreign_born_share outside 0..1")
    require(
        bool(frame["total_population"].str.fullmatch(r"[1-9]\d*").all()),
        "raw_census_foreign_born: total_population missing or not > 0",
    )
    key = ["county_fips", "acs_vintage"]
    return finish(frame, list(frame.columns), key, "raw_census_foreign_born")


def build_raw_ucr_arrests(counties: pd.DataFrame) -> pd.DataFrame:
    """SYNTHETIC county x offense arrests for one year, drawn from national rates (see OFFENSES)."""
    counties = counties.sort_values("county_fips", kind="mergesort")
    population = counties["population_2010"].astype("int64").to_numpy()
    rate = np.array([offense.national_arrests_2011 for offense in OFFENSES]) / US_POPULATION_2011
    n_counties, n_offenses = len(counties), len(OFFENSES)

    rng = np.random.default_rng(UCR_RNG_SEED)
    # Lognormal multipliers with mean 1: mu = -sd^2 / 2 on the log scale.
    county_multiplier = rng.lognormal(-(UCR_COUNTY_LOG_SD**2) / 2, UCR_COUNTY_LOG_SD, size=n_counties)
    is_full_coverage = rng.random(n_counties) < UCR_FULL_COVERAGE_SHARE
    partial_coverage = np.round(rng.uniform(*UCR_PARTIAL_COVERAGE_RANGE, size=n_counties), 2)
    coverage = np.where(is_full_coverage, 100.0, partial_coverage)
    offense_multiplier = rng.lognormal(
        -(UCR_COUNTY_OFFENSE_LOG_SD**2) / 2, UCR_COUNTY_OFFENSE_LOG_SD, size=(n_counties, n_offenses)
    )
    expected = (
        rate[np.newaxis, :] * (population * county_multiplier * coverage / 100)[:, np.newaxis] * offense_multiplier
    )
    arrests = rng.poisson(expected)

    frame = pd.DataFrame(
        {
            "county_fips": np.repeat(counties["county_fips"].to_numpy(), n_offenses),
            "data_year": str(UCR_DATA_YEAR),
            "offense_code": np.tile([offense.code for offense in OFFENSES], n_counties),
            "arrests": arrests.reshape(-1).astype(str),
            "coverage_indicator": np.repeat([format_float(value) for value in coverage], n_offenses),
            "is_synthetic": "true",
        }
    )
    key = ["county_fips", "data_year", "offense_code"]
    return finish(frame, list(frame.columns), key, "raw_ucr_arrests")


def build_raw_ucr_data_quality() -> pd.DataFrame:
    """The optional companion of raw_ucr_arrests, EMPTY: the synthetic placeholder comes from no ICPSR file, so it
    has no sub-total warnings (the UCR loader writes the real ones into a raw_dir)."""
    return pd.DataFrame(columns=COMPANIONS[UCR_QUALITY].column_names)


# ---------------------------------------------------------------------------------------------------- main


def build_all(shared: Path) -> list[Seed]:
    reference_dir = shared / "data" / "reference"
    require(shared.is_dir(), f"shared folder not found: {shared} (use --shared PATH)")
    require(reference_dir.is_dir(), f"reference data folder not found: {reference_dir}")

    counties = build_ref_counties(reference_dir)
    county_set = set(counties["county_fips"])
    steps: list[tuple[str, str, Callable[[], pd.DataFrame]]] = [
        ("reference", "ref_counties", lambda: counties),
        ("reference", "ref_county_adjacency", lambda: build_ref_county_adjacency(reference_dir, county_set)),
        ("reference", "ref_fips_changes", lambda: build_ref_fips_changes(county_set)),
        ("reference", "ref_fips_splits", lambda: build_ref_fips_splits(county_set)),
        ("reference", "ref_sc_activations", lambda: build_ref_sc_activations(reference_dir, county_set)),
        ("reference", "ref_reporting_units", lambda: build_ref_reporting_units(county_set)),
        ("reference", "ref_ucr_offense_classes", build_ref_ucr_offense_classes),
        ("raw", "raw_sc_identifications", lambda: build_raw_sc_identifications(reference_dir, counties)),
        (
            "raw",
            "raw_census_foreign_born",
            lambda: build_raw_census_foreign_born(reference_dir, counties, county_set),
        ),
        ("raw", "raw_ucr_arrests", lambda: build_raw_ucr_arrests(counties)),
        ("raw", "raw_ucr_data_quality", build_raw_ucr_data_quality),
    ]
    seeds = []
    for folder, name, build in steps:
        print(f"building {folder}/{name}")
        seeds.append(Seed(folder, name, build()))
    return seeds


def write_seeds(seeds: list[Seed], out: Path) -> None:
    for seed in seeds:
        path = out / seed.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        seed.frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def check_seeds(seeds: list[Seed], committed: Path) -> list[Path]:
    """Rebuild into a temporary folder; return the committed seed files that differ or are missing."""
    with tempfile.TemporaryDirectory(prefix="build_seeds_check_") as tmp:
        write_seeds(seeds, Path(tmp))
        differing = []
        for seed in seeds:
            fresh, current = Path(tmp) / seed.relative_path, committed / seed.relative_path
            if not current.is_file() or not filecmp.cmp(fresh, current, shallow=False):
                differing.append(current)
        return differing


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_seeds.py",
        description=(
            "Build the dbt seeds (seeds/reference/ref_*.csv and seeds/raw/raw_*.csv) from the public "
            "reference files in <shared>/data/reference/. Deterministic: re-running reproduces the files "
            "byte for byte. raw_ucr_arrests is a SYNTHETIC placeholder (fixed RNG seed), not FBI data."
        ),
        epilog="Example: python devtools/build_seeds.py --check  (fails if the committed seeds are stale)",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"the shared folder that holds data/reference/ (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"seed folder to write into, or to compare with under --check (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; rebuild into a temporary folder and compare byte for byte with --out. "
        "Exit 1 and list the differing files if any.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        seeds = build_all(args.shared.resolve())
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    out = args.out.resolve()
    if args.check:
        differing = check_seeds(seeds, out)
        if differing:
            print(
                f"seeds are stale; rerun devtools/build_seeds.py. Differing ({len(differing)}):",
                file=sys.stderr,
            )
            for path in differing:
                print(f"  {path}", file=sys.stderr)
            return 1
        print(f"ok: {len(seeds)} seed files under {out} match a fresh build")
        return 0

    write_seeds(seeds, out)
    for seed in seeds:
        path = out / seed.relative_path
        print(f"wrote {path} ({len(seed.frame):,} rows, {path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
