"""Build the review packet's demographic and state-agreement reference seeds, deterministically.

Reads two shared files (see the PROVENANCE.md of their folders under ``<shared>/data/reference/``) and the
committed ``seeds/reference/ref_counties.csv`` and ``ref_fips_changes.csv``; writes to ``seeds/reference/``:

* ``ref_county_covariates.csv``: one row per county of ref_counties (2010 geography) with the 2010 Hispanic,
  Black and White shares and population density of the Opportunity Atlas county covariates
  (``foreign_born_county/opportunity_atlas_cty_covariates.csv``; METHODS.md, review packet part 4). The file's
  codes are mapped to 2010 geography through ref_fips_changes (46102 -> 46113); Puerto Rico and the empty
  placeholder row 02158 (Kusilvak, whose 2010 code 02270 has its own row) are dropped; a county without a row
  (51515 Bedford city) gets empty values and a note. No shared file has a county non-citizen share, so there is
  no such column.
* ``ref_state_agreements.csv``: one row per state of ``sc_ice_ident_iafis_2012/white2016_stateMOAdates.csv``
  (39 states and Puerto Rico): the dates ICE and the state's identification bureau signed the state's Secure
  Communities Memorandum of Agreement, read from mm/dd/yy as 20yy.

Output is byte-for-byte reproducible: rows sorted by key, values as the shortest decimal with at most 9
significant digits (never scientific notation), UTF-8, LF line endings, empty field for null. ``--check``
rebuilds into a temporary folder and compares with the committed files.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_OUT = REPO_ROOT / "seeds" / "reference"
COUNTY_SEEDS = REPO_ROOT / "seeds" / "reference"

COVARIATES_CSV = "ref_county_covariates.csv"
AGREEMENTS_CSV = "ref_state_agreements.csv"

# Shared input files, relative to <shared>/data/reference/.
ATLAS_FILE = "foreign_born_county/opportunity_atlas_cty_covariates.csv"
MOA_FILE = "sc_ice_ident_iafis_2012/white2016_stateMOAdates.csv"

MOA_SOURCE = (
    "Secure Communities state Memorandum of Agreement signature dates (White 2016 replication data, stateMOAdates.csv)"
)

# Seed column <- Atlas column. Definitions (checked against 2010 Census counts; seeds/PROVENANCE.md): Hispanic or
# Latino of any race, non-Hispanic White alone, non-Hispanic Black, each over the total population; residents per
# square mile.
ATLAS_COLUMNS = {
    "hispanic_share_2010": "share_hisp2010",
    "black_share_2010": "share_black2010",
    "white_share_2010": "share_white2010",
    "population_density_2010": "popdensity2010",
}
SHARE_COLUMNS = ("hispanic_share_2010", "black_share_2010", "white_share_2010")
COVARIATE_COLUMNS = ["county_fips", *ATLAS_COLUMNS, "source_fips", "note"]
# The three groups do not overlap (Hispanic; non-Hispanic White alone; non-Hispanic Black): their sum is at most 1
# on every row of the file, up to the file's 8 significant digits.
SHARE_SUM_TOLERANCE = 1e-6

PUERTO_RICO_STATE = "72"
# Kusilvak's post-2015 code: an empty placeholder in the Atlas file beside its 2010 code 02270, which has values.
EMPTY_PLACEHOLDERS = frozenset({"02158"})
# Bedford city VA (51515, 2010 geography) joined Bedford County (51019) in 2013. The Atlas file has no 51515 row,
# and its 51019 density (99.46 per sq mi) fits the merged county (74,898 residents on 759.9 sq mi of land = 98.6)
# rather than 2010's Bedford County alone (68,676 on 753.0 = 91.2; Census QuickFacts POP060210).
BEDFORD_CITY, BEDFORD_COUNTY = "51515", "51019"
NOTE_BEDFORD_CITY = "no row in the Atlas file: Bedford city joined Bedford County (51019) in 2013"
NOTE_BEDFORD_COUNTY = (
    "the Atlas row appears to cover the post-2013 county, which includes the former Bedford city (51515)"
)

MOA_COLUMNS = ["state_abbrev", "ice_signature_date", "state_signature_date", "source"]
MOA_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{2})$")
# Secure Communities began in 2008 and the file's statistics run to 2012-08-31: every agreement lies between.
MOA_YEARS = range(2008, 2013)
TERRITORIES = frozenset({"PR"})  # in the MOA file, not in ref_counties


class BuildError(Exception):
    """Bad input: reported as one line, without a traceback."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def format_value(value: float) -> str:
    """Shortest decimal that round-trips, at most 9 significant digits, never scientific notation; '' for null."""
    if pd.isna(value):
        return ""
    return np.format_float_positional(float(value), precision=9, unique=True, fractional=False, trim="0")


def read_csv(path: Path) -> pd.DataFrame:
    """Every column as a string, '' for blanks."""
    require(path.is_file(), f"missing input file: {path}")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class CovariatesBuild:
    seed: pd.DataFrame
    dropped: pd.DataFrame  # Atlas rows left out, with the reason
    mapped: pd.DataFrame  # Atlas rows whose code was mapped to a 2010 code


@dataclass(frozen=True)
class Outputs:
    covariates: CovariatesBuild
    agreements: pd.DataFrame
    files: dict[str, str]  # file name -> its text


# ------------------------------------------------------------------------------------------------ covariates


def read_atlas(reference_dir: Path) -> pd.DataFrame:
    atlas = read_csv(reference_dir / ATLAS_FILE)
    missing = sorted({"state", "county", *ATLAS_COLUMNS.values()} - set(atlas.columns))
    require(not missing, f"{ATLAS_FILE}: columns missing: {missing}")
    atlas["source_fips"] = atlas["state"].str.zfill(2) + atlas["county"].str.zfill(3)
    require(atlas["source_fips"].str.fullmatch(r"\d{5}").all(), f"{ATLAS_FILE}: a state/county code is not numeric")
    require(atlas["source_fips"].is_unique, f"{ATLAS_FILE}: a county code appears twice")
    for seed_column, atlas_column in ATLAS_COLUMNS.items():
        values = pd.to_numeric(atlas[atlas_column].replace("", None), errors="coerce")
        bad = atlas.loc[values.isna() & (atlas[atlas_column] != ""), atlas_column]
        require(bad.empty, f"{ATLAS_FILE}: {atlas_column} is not a number: {bad.head(3).tolist()}")
        atlas[seed_column] = values
    return atlas


def build_covariates(atlas: pd.DataFrame, counties: pd.DataFrame, changes: dict[str, str]) -> CovariatesBuild:
    county_set = set(counties["county_fips"])
    values = list(ATLAS_COLUMNS)
    atlas = atlas.copy()
    atlas["county_fips"] = atlas["source_fips"].map(lambda code: changes.get(code, code))
    atlas["reason"] = ""
    atlas.loc[atlas["source_fips"].str[:2] == PUERTO_RICO_STATE, "reason"] = "Puerto Rico (outside ref_counties)"
    placeholder = atlas["source_fips"].isin(EMPTY_PLACEHOLDERS)
    require(
        bool(atlas.loc[placeholder, values].isna().all(axis=None)),
        f"Atlas placeholder rows {sorted(EMPTY_PLACEHOLDERS)} now carry values: decide which row to keep",
    )
    atlas.loc[placeholder, "reason"] = "empty placeholder: its 2010 code has a row with values"

    kept = atlas[atlas["reason"] == ""]
    outside = kept[~kept["county_fips"].isin(county_set)]
    require(outside.empty, f"Atlas codes not on the 2010 county list: {outside['source_fips'].tolist()}")
    twice = kept[kept["county_fips"].duplicated(keep=False)]
    require(twice.empty, f"two Atlas rows map to one 2010 county: {twice['source_fips'].tolist()}")

    shares = kept[list(SHARE_COLUMNS)]
    require(bool(((shares >= 0) & (shares <= 1)).where(shares.notna(), True).all(axis=None)), "a share outside 0..1")
    require(bool((shares.sum(axis=1) <= 1 + SHARE_SUM_TOLERANCE).all()), "Hispanic + Black + White shares exceed 1")
    require(bool((kept["population_density_2010"].dropna() >= 0).all()), "a negative population density")

    seed = counties[["county_fips"]].merge(kept[["county_fips", "source_fips", *values]], on="county_fips", how="left")
    seed["source_fips"] = seed["source_fips"].fillna("")
    require(
        set(seed.loc[seed["source_fips"] == "", "county_fips"]) == {BEDFORD_CITY},
        "counties without an Atlas row changed (expected only 51515 Bedford city): "
        f"{seed.loc[seed['source_fips'] == '', 'county_fips'].tolist()}",
    )
    seed["note"] = [note_for(row) for row in seed.itertuples(index=False)]
    for column in values:
        seed[column] = seed[column].map(format_value)
    seed = seed[COVARIATE_COLUMNS].sort_values("county_fips", kind="mergesort").reset_index(drop=True)
    require(len(seed) == len(counties) and seed["county_fips"].is_unique, "ref_county_covariates: not one row a county")

    mapped = kept[kept["source_fips"] != kept["county_fips"]][["source_fips", "county_fips"]]
    dropped = atlas[atlas["reason"] != ""][["source_fips", "reason"]]
    return CovariatesBuild(seed, dropped, mapped)


def note_for(row: tuple) -> str:
    """What a reader must know about one county's row: its source code if mapped, and any empty value."""
    if row.county_fips == BEDFORD_CITY:
        return NOTE_BEDFORD_CITY
    parts = []
    if row.source_fips != row.county_fips:
        parts.append(f"from the Atlas row {row.source_fips} (code mapped through ref_fips_changes)")
    if row.county_fips == BEDFORD_COUNTY:
        parts.append(NOTE_BEDFORD_COUNTY)
    blank = [ATLAS_COLUMNS[column] for column in ATLAS_COLUMNS if pd.isna(getattr(row, column))]
    if blank:
        parts.append(f"{', '.join(blank)} empty in the Atlas file")
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------------ agreements


def moa_date(text: str, state: str, column: str) -> str:
    """mm/dd/yy -> ISO, century 20 (checked: every year must fall in 2008-2012)."""
    match = MOA_DATE.match(text.strip())
    require(match is not None, f"{MOA_FILE}: {state} {column} {text!r} is not mm/dd/yy")
    assert match is not None
    month, day, year = int(match[1]), int(match[2]), 2000 + int(match[3])
    require(year in MOA_YEARS, f"{MOA_FILE}: {state} {column} {text!r} falls outside 2008-2012")
    try:
        return pd.Timestamp(year=year, month=month, day=day).strftime("%Y-%m-%d")
    except ValueError as error:
        raise BuildError(f"{MOA_FILE}: {state} {column} {text!r} is not a date ({error})") from None


def build_agreements(reference_dir: Path, states: set[str]) -> pd.DataFrame:
    moa = read_csv(reference_dir / MOA_FILE)
    require(
        list(moa.columns) == ["State", "ICEsignature", "administratorsignature"],
        f"{MOA_FILE}: unexpected columns {list(moa.columns)}",
    )
    moa["State"] = moa["State"].str.strip()
    require(moa["State"].is_unique, f"{MOA_FILE}: a state appears twice")
    unknown = sorted(set(moa["State"]) - states - TERRITORIES)
    require(not unknown, f"{MOA_FILE}: unknown state codes {unknown}")
    frame = pd.DataFrame(
        {
            "state_abbrev": moa["State"],
            "ice_signature_date": [
                moa_date(t, s, "ICEsignature") for t, s in zip(moa["ICEsignature"], moa["State"], strict=True)
            ],
            "state_signature_date": [
                moa_date(t, s, "administratorsignature")
                for t, s in zip(moa["administratorsignature"], moa["State"], strict=True)
            ],
            "source": MOA_SOURCE,
        }
    )
    return frame[MOA_COLUMNS].sort_values("state_abbrev", kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ run


def build_all(shared: Path) -> Outputs:
    reference_dir = shared / "data" / "reference"
    require(shared.is_dir(), f"shared folder not found: {shared} (use --shared PATH)")
    require(reference_dir.is_dir(), f"reference data folder not found: {reference_dir}")
    counties = read_csv(COUNTY_SEEDS / "ref_counties.csv")
    changes_frame = read_csv(COUNTY_SEEDS / "ref_fips_changes.csv")
    changes = dict(zip(changes_frame["source_fips"], changes_frame["county_fips"], strict=True))

    print(f"reading {ATLAS_FILE}")
    covariates = build_covariates(read_atlas(reference_dir), counties, changes)
    print(f"reading {MOA_FILE}")
    agreements = build_agreements(reference_dir, set(counties["state_abbrev"]))
    files = {
        COVARIATES_CSV: covariates.seed.to_csv(index=False, lineterminator="\n"),
        AGREEMENTS_CSV: agreements.to_csv(index=False, lineterminator="\n"),
    }
    return Outputs(covariates, agreements, files)


def write_outputs(files: dict[str, str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")


def check_outputs(files: dict[str, str], committed: Path) -> list[Path]:
    """Rebuild into a temporary folder; return the committed files that differ or are missing."""
    with tempfile.TemporaryDirectory(prefix="build_reference_covariates_check_") as tmp:
        write_outputs(files, Path(tmp))
        return [
            committed / name
            for name in files
            if not (committed / name).is_file() or not filecmp.cmp(Path(tmp) / name, committed / name, shallow=False)
        ]


def print_summary(outputs: Outputs) -> None:
    build = outputs.covariates
    seed = build.seed
    print(f"ref_county_covariates: {len(seed):,} counties")
    for reason, count in build.dropped.groupby("reason").size().items():
        print(f"  Atlas rows dropped, {reason}: {count}")
    for row in build.mapped.itertuples():
        print(f"  Atlas code {row.source_fips} mapped to {row.county_fips}")
    for column in ATLAS_COLUMNS:
        empty = seed.loc[seed[column] == "", "county_fips"].tolist()
        print(f"  {column}: {len(seed) - len(empty):,} values, empty for {' '.join(empty) or 'none'}")
    agreements = outputs.agreements
    print(
        f"ref_state_agreements: {len(agreements)} states; ICE signatures {agreements['ice_signature_date'].min()}"
        f" .. {agreements['ice_signature_date'].max()}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_reference_covariates.py",
        description=(
            "Build seeds/reference/ref_county_covariates.csv (2010 Hispanic, Black and White shares and population "
            "density per county, Opportunity Atlas) and ref_state_agreements.csv (state Secure Communities MOA "
            "signature dates, White 2016) from <shared>/data/reference/ and the committed ref_counties and "
            "ref_fips_changes seeds. Deterministic: re-running reproduces the files byte for byte. Developers only "
            "(a clone of the product has no ../shared)."
        ),
        epilog="Example: python devtools/build_reference_covariates.py --check  (exit 1 if the seeds are stale)",
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
        help=f"folder to write the two seeds into, or to compare with under --check (default: {DEFAULT_OUT})",
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
    print_summary(outputs)

    out = args.out.resolve()
    if args.check:
        differing = check_outputs(outputs.files, out)
        if differing:
            print(
                "reference covariate seeds are stale; rerun devtools/build_reference_covariates.py. "
                f"Differing ({len(differing)}):",
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
