"""Build the custody-site reference seeds from the shared ICE and HIFLD files, deterministically.

Reads ``<shared>/data/reference/detention_and_prisons/`` (see the PROVENANCE.md there), the committed
``seeds/reference/ref_counties.csv`` and ``ref_fips_changes.csv``, and two small committed tables in
``devtools/data/`` (hand placements with their evidence, and a note on every facility whose name and the ICE
list's County column disagree). Writes to ``seeds/reference/``:

* ``ref_custody_facilities.csv``: one row per facility (ICE detention sites, state intake centres, state and
  federal prisons) on its 2010-geography county (METHODS.md, "Custody sites");
* ``ref_ice_detention_adp.csv``: ICE detainees' average daily population per placed ICE facility and fiscal year;
* ``ref_custody_facilities.md``: the generated build report (a dbt docs block): counts, every name/County
  disagreement, every hand placement, every unplaceable facility and every HIFLD code mapped to 2010 geography.

facility_id is ICE's DETLOC code for ICE rows (unique among the rows kept; only the redacted ORR rows repeat one)
and ``HIFLD-`` + FACILITYID for HIFLD rows, so the two sources can never collide. ``--check`` rebuilds into a
temporary folder and compares byte for byte with the committed files.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from devtools.build_seeds import BuildError, finish, format_float, format_int, read_csv, require

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_OUT = REPO_ROOT / "seeds" / "reference"
COUNTY_SEEDS = REPO_ROOT / "seeds" / "reference"
HAND_PLACEMENTS = REPO_ROOT / "devtools" / "data" / "custody_hand_placements.csv"
NAME_RULE_NOTES = REPO_ROOT / "devtools" / "data" / "custody_name_rule_notes.csv"

FACILITIES_CSV = "ref_custody_facilities.csv"
ADP_CSV = "ref_ice_detention_adp.csv"
REPORT_MD = "ref_custody_facilities.md"
REPORT_DOC_NAME = "ref_custody_facilities_build_report"

# Shared input files, relative to <shared>/data/reference/.
ICE_LIST = "detention_and_prisons/ice_facility_list_report_2017-11-06.csv.gz"
HIFLD_PRISONS = "detention_and_prisons/hifld_prison_boundaries_facilities.csv.gz"
ICE_HEADER_LINE = 9  # 7 title rows and a group-header row come first

ICE_SOURCE = "ICE ERO Facility List Report, 2017-11-06"
HIFLD_SOURCE = "HIFLD Prison Boundaries, 2024-09-16"

FISCAL_YEARS = tuple(range(2009, 2019))  # FY09 ... FY18 ADP columns of the ICE list
EXPLANATION_YEARS = tuple(range(2009, 2015))  # FY09-FY14: a facility with ADP here must be placed or explained

# METHODS.md, "Custody sites": which ICE rows are detention sites.
ICE_DETENTION_TYPES = frozenset({"IGSA", "USMS IGA", "SPC", "CDF", "BOP"})
ICE_EXCLUDED_TYPE_DETAILED = frozenset({"HOLD", "HOSPITAL", "STAGING"})
# Hotels appear by name only (all are Type "Other" / Type Detailed "Other" in the 2017 list).
HOTEL_NAME = re.compile(r"\b(?:HOTEL|MOTEL|INN|SUITES|ECONOLODGE)\b|\bBEST WESTERN\b")

# HIFLD facilities kept, and the intake rule on the NAME of TYPE STATE facilities.
HIFLD_KINDS = {"STATE": "state_prison", "FEDERAL": "federal_prison"}
INTAKE_WORDS = re.compile(r"RECEPTION|DIAGNOSTIC|INTAKE|CLASSIFICATION")
NOT_INTAKE_WORDS = re.compile(r"JUVENILE|YOUTH|BOYS|GIRLS|TREATMENT|REHABILITATION|BOOKING")
HIFLD_MISSING = "-999"

# Later-geography codes that ref_fips_changes (built for the ACS and ICE files) does not carry: Census Bureau
# "Substantial Changes to Counties", 2019: Valdez-Cordova Census Area AK (02261) split into Chugach (02063) and
# Copper River (02066). Connecticut's 2022 planning regions (091xx) do not nest in its counties: facilities there
# are placed by town in the hand placements table.
LATER_GEOGRAPHY = {
    "02063": ("02261", "Chugach Census Area AK, split from Valdez-Cordova (02261) in 2019"),
    "02066": ("02261", "Copper River Census Area AK, split from Valdez-Cordova (02261) in 2019"),
}

# Bedford city VA (2010 geography) joined Bedford County in 2013: HIFLD cannot tell a facility of the former city.
BEDFORD_CITY, BEDFORD_COUNTY = "51515", "51019"

# County names: trailing words dropped before comparing (longest first), and abbreviations spelt out.
COUNTY_SUFFIX = re.compile(r" (?:CITY AND BOROUGH|CENSUS AREA|COUNTY|PARISH|BOROUGH|MUNICIPALITY)$")
# A facility "named after its county": a county name right before one of these words.
COUNTY_WORD = re.compile(r"\b(?:COUNTY|CO|CNTY|PARISH|BOROUGH)\b")

# Words kept in capitals when a facility name is put in title case for the sentences reviewers read.
ACRONYMS = frozenset(
    {
        "ICE",
        "INS",
        "USMS",
        "CDF",
        "SPC",
        "BOP",
        "DOC",
        "FCI",
        "FDC",
        "FMC",
        "FPC",
        "FCC",
        "MCC",
        "MDC",
        "USP",
        "CCA",
        "GEO",
        "LLC",
        "ICF",
        "CI",
        "SCI",
        "CRC",
        "DC",
        "II",
        "III",
        "IV",
        "VI",
        "VII",
        "VIII",
        "IX",
        "XI",
        "US",
        "USA",
        "MCF",
    }
)
SMALL_WORDS = frozenset({"AND", "OF", "FOR", "THE", "AT", "IN", "ON"})
STATE_CODES_AT_START = re.compile(r"^[A-Z]{2}$")

FACILITY_COLUMNS = [
    "facility_id",
    "facility_name",
    "facility_display_name",
    "county_fips",
    "facility_kind",
    "source",
    "capacity",
    "first_use_date",
    "last_use_date",
    "state_abbrev",
    "city",
    "listed_county",
    "listed_county_fips",
    "placement",
    "ice_type",
    "ice_type_detailed",
    "hifld_type",
    "hifld_status",
]
FACILITY_KINDS = ("ice_detention", "state_intake", "state_prison", "federal_prison")
PLACEMENTS = ("named_county", "county_column", "hand_placement", "hifld_countyfips")


@dataclass(frozen=True)
class Counties:
    """The 2010 county list, with the normalised name used to match a listed county name."""

    by_state_key: dict[tuple[str, str], str]  # (state_abbrev, county_key) -> county_fips
    names: dict[str, str]  # county_fips -> county_name
    state_of: dict[str, str]  # county_fips -> state_abbrev

    @property
    def fips(self) -> set[str]:
        return set(self.names)

    @property
    def states(self) -> set[str]:
        return set(self.state_of.values())

    def name(self, county_fips: str) -> str:
        return self.names[county_fips]


@dataclass(frozen=True)
class CustodyBuild:
    """Everything the seeds and the report are made of."""

    facilities: pd.DataFrame
    adp: pd.DataFrame
    ice: pd.DataFrame  # every ICE row, with is_ice_detention and, for detention rows, the placement columns
    hifld: pd.DataFrame  # every open STATE / FEDERAL HIFLD row, with kind and placement columns
    hand: pd.DataFrame
    notes: pd.DataFrame
    counties: Counties

    @property
    def ice_detention_rows(self) -> pd.DataFrame:
        return self.ice[self.ice["is_ice_detention"]]


# ------------------------------------------------------------------------------------------------ helpers


def plain_words(text: str) -> str:
    """Upper case, '&' as AND, punctuation as spaces, single spaces."""
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", text.upper().replace("&", " AND ")).split())


def county_key(name: str) -> str:
    """Normalise a county name: plain words, suffix words dropped, SAINT/FT, no spaces ('DE KALB' = 'DEKALB')."""
    text = COUNTY_SUFFIX.sub("", plain_words(name))
    text = re.sub(r"^SAINT ", "ST ", text)
    text = re.sub(r"^FT ", "FORT ", text)
    return text.replace(" ", "")


def load_counties(seed_dir: Path) -> Counties:
    frame = read_csv(seed_dir, "ref_counties.csv")
    frame["county_key"] = frame["county_name"].map(county_key)
    clashes = frame[frame.duplicated(["state_abbrev", "county_key"], keep=False)]
    require(clashes.empty, f"county names clash after normalisation: {clashes['county_name'].tolist()}")
    keys = zip(frame["state_abbrev"], frame["county_key"], strict=True)
    return Counties(
        dict(zip(keys, frame["county_fips"], strict=True)),
        dict(zip(frame["county_fips"], frame["county_name"], strict=True)),
        dict(zip(frame["county_fips"], frame["state_abbrev"], strict=True)),
    )


def load_fips_changes(seed_dir: Path, counties: Counties) -> dict[str, tuple[str, str]]:
    """Source code -> (2010 code, note): ref_fips_changes plus LATER_GEOGRAPHY."""
    changes = read_csv(seed_dir, "ref_fips_changes.csv")
    mapping = {row.source_fips: (row.county_fips, row.note) for row in changes.itertuples()}
    mapping.update(LATER_GEOGRAPHY)
    bad = sorted(target for target, _ in mapping.values() if target not in counties.fips)
    require(not bad, f"FIPS change targets not in ref_counties: {bad}")
    return mapping


def parse_number(values: pd.Series) -> pd.Series:
    """ICE numbers carry thousands separators ('1,490.78'); anything else ('AS NEEDED', '') is null."""
    return pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")


def iso_date(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values.where(values != ""), format="%m/%d/%Y")
    return parsed.dt.strftime("%Y-%m-%d").fillna("")


def adp_column(year: int) -> str:
    return f"FY{year % 100:02d} ADP"


def read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    require(path.is_file(), f"missing committed table: {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require(list(frame.columns) == columns, f"{path.name}: expected columns {columns}, found {list(frame.columns)}")
    require(not frame["facility_id"].duplicated().any(), f"{path.name}: a facility_id appears twice")
    return frame


# ------------------------------------------------------------------------------------------------ ICE list


def read_ice(reference_dir: Path) -> pd.DataFrame:
    ice = read_csv(reference_dir, ICE_LIST, sep="|", skiprows=ICE_HEADER_LINE - 1)
    for column in ("Name", "City", "County", "State"):
        ice[column] = ice[column].str.strip()
    for year in FISCAL_YEARS:
        column = adp_column(year)
        values = parse_number(ice[column])
        require(values.notna().all(), f"ICE list: {column} is not a number everywhere")
        require(bool((values >= 0).all()), f"ICE list: negative {column}")
        ice[column] = values
    ice["is_hotel"] = ice["Name"].str.contains(HOTEL_NAME)
    ice["is_ice_detention"] = (
        ice["Type"].isin(ICE_DETENTION_TYPES)
        & ~ice["Type Detailed"].isin(ICE_EXCLUDED_TYPE_DETAILED)
        & ~ice["is_hotel"]
    )
    detention_ids = ice.loc[ice["is_ice_detention"], "DETLOC"]
    require(detention_ids.is_unique, "ICE list: DETLOC repeats among detention rows")
    return ice


def named_county(name: str, state: str, counties: Counties) -> str | None:
    """The county a facility is named after ('NOBLES COUNTY JAIL'), if its state has one: longest name wins."""
    text = plain_words(name)
    for match in COUNTY_WORD.finditer(text):
        words = text[: match.start()].split()
        for start in range(len(words)):
            county_fips = counties.by_state_key.get((state, county_key(" ".join(words[start:]))))
            if county_fips:
                return county_fips
    return None


def place_ice(ice: pd.DataFrame, counties: Counties, hand: pd.DataFrame) -> pd.DataFrame:
    """Name rule, then the County column, then a hand placement; rows outside the 50 states + DC are unplaceable."""
    detention = ice[ice["is_ice_detention"]].copy()
    in_states = detention["State"].isin(counties.states)
    detention["name_fips"] = [
        named_county(name, state, counties) if inside else None
        for name, state, inside in zip(detention["Name"], detention["State"], in_states, strict=True)
    ]
    detention["column_fips"] = [
        counties.by_state_key.get((state, county_key(county))) if inside else None
        for county, state, inside in zip(detention["County"], detention["State"], in_states, strict=True)
    ]
    hand_fips = detention["DETLOC"].map(dict(zip(hand["facility_id"], hand["county_fips"], strict=True)))
    detention["county_fips"] = detention["name_fips"].fillna(detention["column_fips"]).fillna(hand_fips)
    detention["placement"] = "hand_placement"
    detention.loc[detention["column_fips"].notna(), "placement"] = "county_column"
    detention.loc[detention["name_fips"].notna(), "placement"] = "named_county"
    detention.loc[~in_states, "placement"] = ""
    detention["unplaceable_reason"] = ""
    detention.loc[~in_states, "unplaceable_reason"] = (
        "State " + detention["State"] + " is outside the 50 states and DC of ref_counties"
    )

    unplaced = detention[in_states & detention["county_fips"].isna()]
    require(
        unplaced.empty,
        "ICE facilities placed by neither the name nor the County column; add them to "
        f"{HAND_PLACEMENTS.name}: "
        + "; ".join(f"{r.DETLOC} {r.Name}, {r.City} {r.State} (County {r.County!r})" for r in unplaced.itertuples()),
    )
    return detention


def display_name(name: str, state: str) -> str:
    """The source's upper-case name in title case for sentences ("SHERBURNE COUNTY JAIL" -> "Sherburne County
    Jail"), keeping acronyms (ICE, USMS, FCI, Roman numerals ...) and a leading state code ("GA DIAGNOSTIC ..."),
    small words in lower case."""
    words = []
    for position, word in enumerate(name.split()):
        if word in ACRONYMS or (position == 0 and word == state and STATE_CODES_AT_START.match(word)):
            words.append(word)
        elif position > 0 and word in SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def ice_facilities(detention: pd.DataFrame) -> pd.DataFrame:
    placed = detention[detention["county_fips"].notna()]
    return pd.DataFrame(
        {
            "facility_id": placed["DETLOC"],
            "facility_name": placed["Name"],
            "facility_display_name": [
                display_name(name, state) for name, state in zip(placed["Name"], placed["State"], strict=True)
            ],
            "county_fips": placed["county_fips"],
            "facility_kind": "ice_detention",
            "source": ICE_SOURCE,
            "capacity": parse_number(placed["Capacity"]).map(format_int),
            "first_use_date": iso_date(placed["Date of First Use"]),
            "last_use_date": iso_date(placed["Date of Last Use"]),
            "state_abbrev": placed["State"],
            "city": placed["City"],
            "listed_county": placed["County"],
            "listed_county_fips": "",
            "placement": placed["placement"],
            "ice_type": placed["Type"],
            "ice_type_detailed": placed["Type Detailed"],
            "hifld_type": "",
            "hifld_status": "",
        }
    )


def build_adp(detention: pd.DataFrame) -> pd.DataFrame:
    placed = detention[detention["county_fips"].notna()]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "facility_id": placed["DETLOC"],
                    "fiscal_year": str(year),
                    "average_daily_population": placed[adp_column(year)].map(format_float),
                }
            )
            for year in FISCAL_YEARS
        ]
    )
    return finish(frame, list(frame.columns), ["facility_id", "fiscal_year"], "ref_ice_detention_adp")


# ------------------------------------------------------------------------------------------------- HIFLD


def read_hifld(reference_dir: Path, counties: Counties) -> pd.DataFrame:
    """Open (STATUS not CLOSED) STATE and FEDERAL facilities, with their kind; territories flagged."""
    hifld = read_csv(reference_dir, HIFLD_PRISONS)
    require(hifld["FACILITYID"].is_unique, "HIFLD: FACILITYID repeats")
    capacity = pd.to_numeric(hifld["CAPACITY"], errors="coerce")
    require(
        bool(((capacity >= 0) | (hifld["CAPACITY"] == HIFLD_MISSING)).all()),
        "HIFLD: CAPACITY is neither a count nor -999",
    )
    kept = hifld[hifld["TYPE"].isin(HIFLD_KINDS) & (hifld["STATUS"] != "CLOSED")].copy()
    kept["facility_id"] = "HIFLD-" + kept["FACILITYID"]
    kept["facility_kind"] = kept["TYPE"].map(HIFLD_KINDS)
    is_intake = kept["NAME"].str.contains(INTAKE_WORDS) & ~kept["NAME"].str.contains(NOT_INTAKE_WORDS)
    kept.loc[(kept["TYPE"] == "STATE") & is_intake, "facility_kind"] = "state_intake"
    kept["capacity"] = kept["CAPACITY"].where(kept["CAPACITY"] != HIFLD_MISSING, "")
    kept["in_states"] = kept["STATE"].isin(counties.states)
    return kept


def place_hifld(
    hifld: pd.DataFrame, counties: Counties, fips_changes: dict[str, tuple[str, str]], hand: pd.DataFrame
) -> pd.DataFrame:
    """COUNTYFIPS as given when a 2010 county, else through the FIPS changes, else a hand placement (by town)."""
    hifld = hifld.copy()
    code = hifld["COUNTYFIPS"]
    mapped = code.map({source: target for source, (target, _) in fips_changes.items()})
    hand_fips = hifld["facility_id"].map(dict(zip(hand["facility_id"], hand["county_fips"], strict=True)))
    hifld["county_fips"] = code.where(code.isin(counties.fips)).fillna(mapped).fillna(hand_fips)
    hifld["placement"] = "hand_placement"
    hifld.loc[code.isin(counties.fips) | mapped.notna(), "placement"] = "hifld_countyfips"
    unplaced = hifld[hifld["in_states"] & hifld["county_fips"].isna()]
    require(
        unplaced.empty,
        f"HIFLD codes that are not 2010 counties and have no mapping; add the facilities to {HAND_PLACEMENTS.name}: "
        + "; ".join(f"{r.facility_id} {r.NAME}, {r.CITY} {r.STATE} ({r.COUNTYFIPS})" for r in unplaced.itertuples()),
    )
    return hifld


def hifld_facilities(hifld: pd.DataFrame) -> pd.DataFrame:
    placed = hifld[hifld["in_states"]]
    return pd.DataFrame(
        {
            "facility_id": placed["facility_id"],
            "facility_name": placed["NAME"],
            "facility_display_name": [
                display_name(name, state) for name, state in zip(placed["NAME"], placed["STATE"], strict=True)
            ],
            "county_fips": placed["county_fips"],
            "facility_kind": placed["facility_kind"],
            "source": HIFLD_SOURCE,
            "capacity": placed["capacity"],
            "first_use_date": "",
            "last_use_date": "",
            "state_abbrev": placed["STATE"],
            "city": placed["CITY"],
            "listed_county": placed["COUNTY"],
            "listed_county_fips": placed["COUNTYFIPS"],
            "placement": placed["placement"],
            "ice_type": "",
            "ice_type_detailed": "",
            "hifld_type": placed["TYPE"],
            "hifld_status": placed["STATUS"],
        }
    )


# -------------------------------------------------------------------------------------------- validation


def check_hand_placements(hand: pd.DataFrame, facilities: pd.DataFrame, counties: Counties) -> None:
    """Every hand placement is used, on a 2010 county of the facility's own state."""
    outside = sorted(set(hand["county_fips"]) - counties.fips)
    require(not outside, f"{HAND_PLACEMENTS.name}: counties not in ref_counties: {outside}")
    used = facilities[facilities["placement"] == "hand_placement"]
    stale = sorted(set(hand["facility_id"]) - set(used["facility_id"]))
    require(not stale, f"{HAND_PLACEMENTS.name}: rows for facilities the rules already place, or unknown: {stale}")
    wrong_state = [
        row.facility_id for row in used.itertuples() if counties.state_of[str(row.county_fips)] != row.state_abbrev
    ]
    require(not wrong_state, f"{HAND_PLACEMENTS.name}: county in another state than the facility: {wrong_state}")


def disagreements(detention: pd.DataFrame) -> pd.DataFrame:
    """Facilities named after a county whose County column gives another county, or none."""
    named = detention[detention["name_fips"].notna()]
    return named[named["name_fips"] != named["column_fips"]]


def check_notes(notes: pd.DataFrame, detention: pd.DataFrame) -> None:
    disagreeing = set(disagreements(detention)["DETLOC"])
    missing = sorted(disagreeing - set(notes["facility_id"]))
    stale = sorted(set(notes["facility_id"]) - disagreeing)
    require(not missing, f"{NAME_RULE_NOTES.name}: name/County disagreements without a note: {missing}")
    require(not stale, f"{NAME_RULE_NOTES.name}: notes for facilities without a disagreement: {stale}")


# ------------------------------------------------------------------------------------------------ report


def md_table(header: list[str], rows: list[list[str]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def adp_figure(value: float) -> str:
    return f"{value:,.2f}"


def fy_label(year: int) -> str:
    return f"FY{year % 100:02d}"


def fiscal_year_totals(detention: pd.DataFrame) -> pd.DataFrame:
    """ADP summed over all ICE detention rows, the unplaceable ones, and the placed ones (the seed)."""
    unplaceable = detention["county_fips"].isna()
    rows = []
    for year in FISCAL_YEARS:
        values = detention[adp_column(year)]
        rows.append(
            {
                "fiscal_year": year,
                "source_total": round(float(values.sum()), 2),
                "unplaceable": round(float(values[unplaceable].sum()), 2),
                "placed": round(float(values[~unplaceable].sum()), 2),
            }
        )
    return pd.DataFrame(rows)


def section_counts(build: CustodyBuild) -> str:
    facilities = build.facilities
    counts = facilities.groupby(["facility_kind", "placement"]).size()
    rows = [
        [kind, placement, f"{counts.get((kind, placement), 0):,}"]
        for kind in FACILITY_KINDS
        for placement in PLACEMENTS
        if counts.get((kind, placement), 0)
    ]
    by_kind = facilities["facility_kind"].value_counts()
    totals = ", ".join(f"{kind} {by_kind.get(kind, 0):,}" for kind in FACILITY_KINDS)
    return f"## Facilities by kind and placement\n\n{len(facilities):,} facilities: {totals}.\n\n" + md_table(
        ["facility_kind", "placement", "facilities"], rows
    )


def section_ice_rows(build: CustodyBuild) -> str:
    ice = build.ice
    fy12 = adp_column(2012)
    grouped = ice.groupby(["Type", "Type Detailed", "is_ice_detention"], sort=True)
    rows = [
        [
            ice_type,
            detailed,
            "ice_detention" if is_detention else "excluded",
            f"{len(group):,}",
            f"{int(group['is_hotel'].sum())}",
            adp_figure(float(group[fy12].sum())),
        ]
        for (ice_type, detailed, is_detention), group in grouped
    ]
    hotels = ice[ice["is_hotel"]]
    redacted = ice[ice["County"] == "Redacted"]
    redacted_types = ", ".join(sorted(set(redacted["Type"])))
    with_adp = int((redacted[[adp_column(year) for year in EXPLANATION_YEARS]].max(axis=1) > 0).sum())
    other = ice[(ice["Type Detailed"] == "Other") & ~ice["is_hotel"]]
    return (
        "## ICE list rows by Type\n\n"
        f"{len(ice):,} rows. `ice_detention` = Type IGSA (Type Detailed IGSA, DIGSA, JUVENILE, FAMILY), USMS IGA, "
        "SPC, CDF (CDF, USMS CDF) or BOP, and not a hotel; ORR, MIRP and Type Other (Type Detailed HOLD, HOSPITAL, "
        "STAGING and Other) are excluded.\n\n"
        + md_table(["Type", "Type Detailed", "kind", "rows", "hotels", "FY12 ADP"], rows)
        + "\n\n"
        f"Hotels ({len(hotels)} rows, found by name) are all Type Other / Type Detailed Other: "
        + ", ".join(f"{r.DETLOC} {r.Name}" for r in hotels.itertuples())
        + f". The other {len(other)} Type Detailed Other rows (state prisons, county and city jails, police "
        "departments and former INS sites with no ICE agreement type; excluded with Type Other, their summed ADP "
        "in FY09-FY14 is "
        + ", ".join(
            f"{fy_label(year)} {adp_figure(float(other[adp_column(year)].sum()))}" for year in EXPLANATION_YEARS
        )
        + "): "
        + ", ".join(f"{r.DETLOC} {r.Name} ({r.City}, {r.State})" for r in other.itertuples())
        + ".\n\n"
        f"Redacted rows: {len(redacted)} rows have DETLOC, Name, County and State `Redacted`; all are Type "
        f"{redacted_types} (excluded by the kind rule, so no redacted row is an ICE detention site to place). "
        f"{with_adp} of them have ADP > 0 in FY09-FY14; their summed ADP is "
        + ", ".join(
            f"{fy_label(year)} {adp_figure(float(redacted[adp_column(year)].sum()))}" for year in EXPLANATION_YEARS
        )
        + "."
    )


DISAGREEMENT_HEADER = [
    "facility_id",
    "name",
    "city",
    "County column",
    "County column gives",
    "placed on",
    "max ADP FY09-14",
    "note",
]


def section_disagreements(build: CustodyBuild) -> str:
    counties = build.counties
    notes = dict(zip(build.notes["facility_id"], build.notes["note"], strict=True))
    disagreeing = disagreements(build.ice_detention_rows)
    rows = [
        [
            row.DETLOC,
            row.Name,
            f"{row.City}, {row.State}",
            row.County,
            f"{row.column_fips} {counties.name(row.column_fips)}" if pd.notna(row.column_fips) else "no county",
            f"{row.name_fips} {counties.name(row.name_fips)}",
            adp_figure(max(getattr(row, f"fy{year}") for year in EXPLANATION_YEARS)),
            notes[row.DETLOC],
        ]
        for row in disagreeing.rename(columns={adp_column(y): f"fy{y}" for y in FISCAL_YEARS}).itertuples()
    ]
    return (
        "## Facility name and County column disagree\n\n"
        f"{len(rows)} ICE detention facilities are named after a county of their state that the list's `County` "
        "column does not give (a different county, or a name that matches no county). The name rule places them; "
        f"the note (from `devtools/data/{NAME_RULE_NOTES.name}`) says which side the City and address support.\n\n"
        + md_table(DISAGREEMENT_HEADER, rows)
    )


def section_unmatched_columns(build: CustodyBuild) -> str:
    detention = build.ice_detention_rows
    unmatched = detention[detention["column_fips"].isna() & (detention["unplaceable_reason"] == "")]
    rows = [[row.DETLOC, row.Name, row.State, row.County, row.placement] for row in unmatched.itertuples()]
    return (
        "## County column values that match no 2010 county\n\n"
        "Normalisation: upper case, `&` as AND, punctuation dropped, a trailing County, Parish, Borough, City and "
        "Borough, Census Area or Municipality dropped, a leading SAINT written ST and FT written FORT, spaces "
        "dropped (DE KALB = DEKALB); Virginia's and other independent cities keep CITY (PORTSMOUTH CITY). "
        f"{len(rows)} placed facilities' County values match no county of their state:\n\n"
        + md_table(["facility_id", "name", "state", "County column", "placed by"], rows)
    )


def section_hand_placements(build: CustodyBuild) -> str:
    counties = build.counties
    facilities = build.facilities.set_index("facility_id")
    rows = [
        [
            row.facility_id,
            str(facilities.at[row.facility_id, "facility_name"]),
            f"{facilities.at[row.facility_id, 'city']}, {facilities.at[row.facility_id, 'state_abbrev']}",
            f"{row.county_fips} {counties.name(row.county_fips)}",
            row.evidence,
        ]
        for row in build.hand.sort_values("facility_id").itertuples()
    ]
    return (
        "## Hand placements\n\n"
        f"{len(rows)} facilities placed by `devtools/data/{HAND_PLACEMENTS.name}`: ICE rows that neither the name "
        "nor the County column places, and HIFLD facilities in Connecticut, whose 2022 planning-region codes do "
        "not nest in its counties (placed by town).\n\n"
        + md_table(["facility_id", "name", "city", "county", "evidence"], rows)
    )


def section_unplaceable(build: CustodyBuild) -> str:
    detention = build.ice_detention_rows
    unplaceable = detention[detention["unplaceable_reason"] != ""]
    header = ["facility_id", "name", "city", "type", *(fy_label(year) for year in EXPLANATION_YEARS), "reason"]
    rows = [
        [
            row["DETLOC"],
            row["Name"],
            f"{row['City']}, {row['State']}",
            row["Type"],
            *(adp_figure(row[adp_column(year)]) for year in EXPLANATION_YEARS),
            row["unplaceable_reason"],
        ]
        for _, row in unplaceable.iterrows()
    ]
    with_adp = int((unplaceable[[adp_column(year) for year in EXPLANATION_YEARS]].max(axis=1) > 0).sum())
    return (
        "## Unplaceable ICE detention facilities\n\n"
        f"{len(rows)} ICE detention facilities are not in the seed ({with_adp} with ADP > 0 in FY09-FY14). Every "
        "other ICE detention facility is placed.\n\n" + md_table(header, rows)
    )


def section_fiscal_years(build: CustodyBuild) -> str:
    totals = fiscal_year_totals(build.ice_detention_rows)
    rows = [
        [fy_label(row.fiscal_year), adp_figure(row.source_total), adp_figure(row.unplaceable), adp_figure(row.placed)]
        for row in totals.itertuples()
    ]
    return (
        "## ADP by fiscal year\n\n"
        "ICE detainees' average daily population summed over the ICE detention rows of the list, the unplaceable "
        "ones, and the placed ones (= `ref_ice_detention_adp`).\n\n"
        + md_table(["fiscal year", "ice_detention rows", "unplaceable", "placed (seed)"], rows)
    )


def section_hifld_codes(build: CustodyBuild, fips_changes: dict[str, tuple[str, str]]) -> str:
    hifld = build.hifld
    counties = build.counties
    odd = hifld[~hifld["COUNTYFIPS"].isin(counties.fips)]
    rows = []
    for (code, listed, state), group in odd.groupby(["COUNTYFIPS", "COUNTY", "STATE"], sort=True):
        if not group["in_states"].iloc[0]:
            outcome = "dropped: outside the 50 states and DC"
        elif code in fips_changes:
            target, note = fips_changes[code]
            outcome = f"mapped to {target} {counties.name(target)} ({note})"
        else:
            placed = ", ".join(sorted(f"{r.facility_id} → {r.county_fips}" for r in group.itertuples()))
            outcome = f"hand placement by town: {placed}"
        rows.append([code, f"{listed}, {state}", str(len(group)), outcome])
    known = ", ".join(f"{source} → {target}" for source, (target, _) in sorted(fips_changes.items()))
    in_scope = hifld[hifld["in_states"]]
    on_bedford = in_scope[in_scope["COUNTYFIPS"] == BEDFORD_COUNTY]
    bedford_list = "; ".join(f"{r.facility_id} {r.NAME}, {r.CITY}" for r in on_bedford.itertuples()) or "none"
    return (
        "## HIFLD county codes mapped to 2010 geography\n\n"
        f"HIFLD codes are current (2020-era) geography. Of {len(hifld):,} open STATE and FEDERAL facilities, "
        f"{len(in_scope):,} are in the 50 states and DC and {len(hifld) - len(in_scope)} in the territories. Every "
        "code was checked against `ref_counties`; those that are not 2010 counties:\n\n"
        + md_table(["COUNTYFIPS", "HIFLD county", "facilities", "outcome"], rows)
        + "\n\n"
        f"Known code changes applied when present (`ref_fips_changes` and the script's LATER_GEOGRAPHY): {known}. "
        "Two 2010 counties no longer exist: 02261 Valdez-Cordova AK (split in 2019, mapped back above when a "
        f"facility carries 02063 or 02066) and {BEDFORD_CITY} Bedford city VA, part of Bedford County "
        f"{BEDFORD_COUNTY} since 2013, where HIFLD puts a facility of the former city: open STATE and FEDERAL "
        f"facilities on {BEDFORD_COUNTY}: {bedford_list} (a facility in the former city would need a hand "
        "placement)."
    )


def section_intake(build: CustodyBuild) -> str:
    intake = build.facilities[build.facilities["facility_kind"] == "state_intake"]
    counties = build.counties
    rows = [
        [
            row.facility_id,
            row.facility_name,
            f"{row.city}, {row.state_abbrev}",
            f"{row.county_fips} {counties.name(row.county_fips)}",
            row.capacity,
        ]
        for row in intake.itertuples()
    ]
    excluded = build.hifld[
        (build.hifld["TYPE"] == "STATE")
        & build.hifld["NAME"].str.contains(INTAKE_WORDS)
        & build.hifld["NAME"].str.contains(NOT_INTAKE_WORDS)
    ]
    return (
        "## State intake centres\n\n"
        "Open HIFLD TYPE STATE facilities whose name says RECEPTION, DIAGNOSTIC, INTAKE or CLASSIFICATION and not "
        f"JUVENILE, YOUTH, BOYS, GIRLS, TREATMENT, REHABILITATION or BOOKING ({len(rows)}):\n\n"
        + md_table(["facility_id", "name", "city", "county", "capacity"], rows)
        + "\n\nExcluded by the second list (kept as `state_prison`): "
        + "; ".join(f"{r.facility_id} {r.NAME}" for r in excluded.itertuples())
        + "."
    )


def render_report(build: CustodyBuild, fips_changes: dict[str, tuple[str, str]]) -> str:
    body = "\n\n".join(
        [
            "# Custody-site seeds: build report",
            (
                "Generated by `devtools/build_custody_seeds.py` (do not edit; rerun it, `--check` verifies). "
                f"Sources: {ICE_SOURCE}; {HIFLD_SOURCE}. Rules: METHODS.md, 'Custody sites'. A BOP facility can "
                "appear twice (`ice_detention` from the ICE list and `federal_prison` from HIFLD): the two rows "
                "describe different facts."
            ),
            section_counts(build),
            section_ice_rows(build),
            section_disagreements(build),
            section_unmatched_columns(build),
            section_hand_placements(build),
            section_unplaceable(build),
            section_fiscal_years(build),
            section_hifld_codes(build, fips_changes),
            section_intake(build),
        ]
    )
    require(not re.search(r"\{[{%#]", body), "report text would be read as Jinja by dbt")
    return f"{{% docs {REPORT_DOC_NAME} %}}\n\n{body}\n\n{{% enddocs %}}\n"


# -------------------------------------------------------------------------------------------------- main


@dataclass(frozen=True)
class Outputs:
    build: CustodyBuild
    files: dict[str, str]  # file name under the output folder -> its text


def build_all(shared: Path) -> Outputs:
    reference_dir = shared / "data" / "reference"
    require(shared.is_dir(), f"shared folder not found: {shared} (use --shared PATH)")
    require(reference_dir.is_dir(), f"reference data folder not found: {reference_dir}")

    counties = load_counties(COUNTY_SEEDS)
    fips_changes = load_fips_changes(COUNTY_SEEDS, counties)
    hand = read_table(HAND_PLACEMENTS, ["facility_id", "county_fips", "evidence"])
    notes = read_table(NAME_RULE_NOTES, ["facility_id", "note"])

    print("reading the ICE facility list")
    ice = read_ice(reference_dir)
    detention = place_ice(ice, counties, hand)
    check_notes(notes, detention)
    ice = ice.join(detention[["name_fips", "column_fips", "county_fips", "placement", "unplaceable_reason"]])

    print("reading HIFLD prison boundaries")
    hifld = place_hifld(read_hifld(reference_dir, counties), counties, fips_changes, hand)

    facilities = pd.concat([ice_facilities(detention), hifld_facilities(hifld)])
    facilities = finish(facilities, FACILITY_COLUMNS, ["facility_id"], "ref_custody_facilities")
    require(facilities["county_fips"].isin(counties.fips).all(), "ref_custody_facilities: county not in ref_counties")
    check_hand_placements(hand, facilities, counties)

    build = CustodyBuild(facilities, build_adp(detention), ice, hifld, hand, notes, counties)
    files = {
        FACILITIES_CSV: build.facilities.to_csv(index=False, lineterminator="\n"),
        ADP_CSV: build.adp.to_csv(index=False, lineterminator="\n"),
        REPORT_MD: render_report(build, fips_changes),
    }
    return Outputs(build, files)


def write_outputs(files: dict[str, str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")


def check_outputs(files: dict[str, str], committed: Path) -> list[Path]:
    """Rebuild into a temporary folder; return the committed files that differ or are missing."""
    with tempfile.TemporaryDirectory(prefix="build_custody_seeds_check_") as tmp:
        write_outputs(files, Path(tmp))
        return [
            committed / name
            for name in files
            if not (committed / name).is_file() or not filecmp.cmp(Path(tmp) / name, committed / name, shallow=False)
        ]


def print_summary(build: CustodyBuild) -> None:
    facilities = build.facilities
    print("facilities by kind and placement:")
    for (kind, placement), count in facilities.groupby(["facility_kind", "placement"]).size().items():
        print(f"  {kind:<15} {placement:<17} {count:>5,}")
    detention = build.ice_detention_rows
    print(f"name/County disagreements: {len(disagreements(detention))}")
    print(f"hand placements: {len(build.hand)}")
    unplaceable = detention[detention["unplaceable_reason"] != ""]
    print(f"unplaceable ICE detention facilities: {len(unplaceable)} ({' '.join(unplaceable['DETLOC'])})")
    print("ADP by fiscal year (ice_detention rows / unplaceable / placed):")
    for row in fiscal_year_totals(detention).itertuples():
        print(f"  FY{row.fiscal_year}: {row.source_total:>10,.2f} {row.unplaceable:>8,.2f} {row.placed:>10,.2f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_custody_seeds.py",
        description=(
            "Build seeds/reference/ref_custody_facilities.csv, ref_ice_detention_adp.csv and the build report "
            "ref_custody_facilities.md from the ICE facility list (2017) and HIFLD prison boundaries in "
            "<shared>/data/reference/detention_and_prisons/, the committed ref_counties and ref_fips_changes "
            "seeds, and the hand placements and name notes in devtools/data/. Deterministic: re-running "
            "reproduces the files byte for byte. Developers only (a clone of the product has no ../shared)."
        ),
        epilog="Example: python devtools/build_custody_seeds.py --check  (fails if the committed files are stale)",
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
        help=f"folder to write the three files into, or to compare with under --check (default: {DEFAULT_OUT})",
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
        outputs = build_all(args.shared.resolve())
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_summary(outputs.build)

    out = args.out.resolve()
    if args.check:
        differing = check_outputs(outputs.files, out)
        if differing:
            print(
                f"custody seeds are stale; rerun devtools/build_custody_seeds.py. Differing ({len(differing)}):",
                file=sys.stderr,
            )
            for path in differing:
                print(f"  {path}", file=sys.stderr)
            return 1
        print(f"ok: {len(outputs.files)} files under {out} match a fresh build")
        return 0

    write_outputs(outputs.files, out)
    for name in outputs.files:
        path = out / name
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
