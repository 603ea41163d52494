"""Deterministic national synthetic scenarios in the raw contract (docs/CONTRACT.md "Inputs").

    python devtools/generate_scenarios.py --out /tmp/scenario --seed 1
    dbt build --vars '{raw_dir: /tmp/scenario}'

Every county of ``seeds/reference/ref_counties.csv`` (real 2010 populations, real ACS foreign-born shares from
``seeds/raw/raw_census_foreign_born.csv``) gets quarterly Secure Communities rows (``raw_sc_identifications``), ACS
rows (``raw_census_foreign_born``) and UCR arrests by offense (``raw_ucr_arrests``), drawn from a simple national
model with realistic between-county overdispersion. Into that background the generator plants anomalies of three
kinds (the ground truth a detection benchmark scores against) and decoys: tiny counties whose match rate is extreme
in some quarter by chance alone, which a sound ranking must not flag. It writes ``ground_truth.csv`` and
``scenario.json`` beside the tables.

The model, per reporting unit c (a county, or the counties one ICE row covers, ``ref_reporting_units``: the unit's
identification rows go on its unit code, its census and UCR rows on every member county) and quarter t:

- UCR arrests ~ Poisson(national rate of the offense (total arrests / total population of the repo's synthetic UCR
  seed) x population x county factor (lognormal, sd 0.3) x offense factor (lognormal, sd 0.2)) per county, data
  year and offense; coverage 100 for ~85 % of county-years, else uniform 40-100; ``is_synthetic`` true;
- submissions S ~ Poisson(population x 0.012 x booking factor x active fraction of t); bookings follow arrests, so
  the booking factor is the unit's UCR arrest factor x lognormal(sd 0.25) (about sd 0.4 in all);
- matches M ~ Poisson(S x 0.35 x F x random effect (lognormal, sd 0.35)), F the ACS foreign-born share of the
  vintage the warehouse uses for t; M <= S;
- about 20 % of M of unknown level (county-specific known share around 0.8); the known-level matches split
  Level 3 ~ Binomial(known, q_c), q_c around the unit's expected UCR level-3 share (logit sd 0.3), the rest into
  Level 1 / Level 2 by the unit's UCR proportion; all three levels given, ``matches_level2_3`` empty.

Activations (``--activations``): ``shifted`` (default) takes the real dates of ``ref_sc_activations`` and moves them
all by one offset so that ~85 % of units are active from the first quarter and the rest switch on during the
scenario; ``reference`` keeps the real dates. Either way a unit activating mid-quarter has a row from its activation
date, and no row precedes activation. Caution: the warehouse reads activation dates from the reference seed, not
from the raw files, and counts exposure (statistic 2) only from the reference date, so ``shifted`` data give rows
before a unit's reference activation zero or partial exposure. ``--activations reference --first-quarter 2012Q2``
(~80 % active from the first quarter) is consistent with the warehouse; the benchmarks and tests use it.

Planted anomalies (from ``start_quarter`` on, of multiplicative ``strength``; the unit keeps its own random
effects, so a unit with a low match rate may stay unremarkable even with its excess):

- ``excess_match_rate``: M x strength (statistics 1 and 2 high);
- ``excess_minor_share``: odds of Level 3 among known-level matches x strength, M unchanged (statistic 3 high);
- ``excess_matches_vs_crime``: S and M x strength, UCR unchanged (statistic 1 normal, statistic 2 high).

Decoys: tiny single-county units (population < 5,000) redrawn as perfectly average counties (bookings in proportion
to arrests, the national match rate, the UCR less-serious share; only Poisson noise), and of those the ones whose
most surprising quarter (smallest Poisson upper tail of its match count) is the most extreme: innocent by
construction, extreme by chance alone.

Same arguments, same bytes: every draw comes from ``numpy.random.default_rng(seed)`` in a fixed order (the output
directory is not part of any file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from scload.contract import CENSUS, CONTRACT, IDENTIFICATIONS, UCR  # noqa: E402

REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"
RAW_SEED_DIR = REPO_ROOT / "seeds" / "raw"

GENERATOR_VERSION = "1"
BOOKING_RATE = 0.012  # bookings (fingerprint submissions) per person and quarter
BOOKING_PER_ARREST_SD = 0.25  # bookings follow UCR arrests (county sd 0.3) x this: about 0.4 overall
MATCH_CONSTANT = 0.35  # national match rate = MATCH_CONSTANT x foreign-born share (2012 ICE data)
MATCH_RANDOM_EFFECT_SD = 0.35
KNOWN_LEVEL_SHARE = 0.8
KNOWN_LEVEL_SD = 0.05
MINOR_LOGIT_SD = 0.3
UCR_COUNTY_SD = 0.3
UCR_OFFENSE_SD = 0.2
UCR_FULL_COVERAGE_SHARE = 0.85
ACTIVE_FROM_START_SHARE = 0.85
MAX_MATCH_PROBABILITY = 0.95
FOREIGN_BORN_FLOOR = 0.001  # a county whose ACS estimate is zero still has a few matches, as real ones do
DECOY_MAX_POPULATION = 5000
SIZE_CLASSES = 5
ANOMALY_KINDS = ("excess_match_rate", "excess_minor_share", "excess_matches_vs_crime")
SOURCE_LABEL = "synthetic scenario (devtools/generate_scenarios.py)"
TABLES = (IDENTIFICATIONS, CENSUS, UCR)

# The raw contract's columns and types, from its one definition (models/staging/_raw__sources.yml, read by
# scload.contract): the order of the columns written, and the types of the Parquet output (CSV is text anyway).
IDENTIFICATION_COLUMNS = CONTRACT[IDENTIFICATIONS].column_names
CENSUS_COLUMNS = CONTRACT[CENSUS].column_names
UCR_COLUMNS = CONTRACT[UCR].column_names


# ---------------------------------------------------------------------------------------------------------
# Options and quarters


@dataclass(frozen=True)
class Options:
    """The generator's arguments (written to scenario.json)."""

    out: str
    seed: int
    quarters: int
    first_quarter: str
    format: str
    ucr_years: int | None
    anomalies: int
    decoys: int
    strength_min: float
    strength_max: float
    activations: str


def parse_quarter(label: str) -> tuple[int, int]:
    """'2010Q1' -> (2010, 1)."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", label)
    if not match:
        raise argparse.ArgumentTypeError(f"a quarter must look like YYYYQn (e.g. 2010Q1), got {label!r}")
    return int(match.group(1)), int(match.group(2))


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def quarter_sequence(first: str, count: int) -> list[tuple[str, dt.date, dt.date]]:
    """(label, first day, last day) of `count` consecutive quarters from `first`."""
    year, quarter = parse_quarter(first)
    out: list[tuple[str, dt.date, dt.date]] = []
    for _ in range(count):
        start = dt.date(year, 3 * quarter - 2, 1)
        next_year, next_quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        end = dt.date(next_year, 3 * next_quarter - 2, 1) - dt.timedelta(days=1)
        out.append((quarter_label(year, quarter), start, end))
        year, quarter = next_year, next_quarter
    return out


def ucr_year_list(quarters: list[tuple[str, dt.date, dt.date]], n_years: int | None) -> list[int]:
    """Default: the calendar years the quarters span plus the one before; else `n_years` ending with the last."""
    first_year, last_year = quarters[0][1].year, quarters[-1][1].year
    if n_years is None:
        return list(range(first_year - 1, last_year + 1))
    return list(range(last_year - n_years + 1, last_year + 1))


def log(message: str) -> None:
    print(f"[generate] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# Reference data


@dataclass(frozen=True)
class Reference:
    """The repo's seeds the scenario is built on."""

    counties: pd.DataFrame  # county_fips, population_2010 (sorted)
    unit_of: dict[str, str]  # county -> unit code
    census: pd.DataFrame  # the census seed as text, without counties that have no 2006-2010 estimate
    activations: dict[str, dt.date]
    offenses: pd.DataFrame  # offense_code, ice_level_equivalent, in_arrest_total (sorted)
    national_rates: np.ndarray  # arrests per person and year, by offense (same order as `offenses`)


def load_reference() -> Reference:
    counties = pd.read_csv(REFERENCE_DIR / "ref_counties.csv", dtype=str)
    counties["population_2010"] = counties["population_2010"].astype(np.int64)
    counties = counties[["county_fips", "population_2010"]].sort_values("county_fips").reset_index(drop=True)

    units = pd.read_csv(REFERENCE_DIR / "ref_reporting_units.csv", dtype=str)
    unit_of = {fips: fips for fips in counties["county_fips"]}
    unit_of.update(dict(zip(units["county_fips"], units["unit_fips"], strict=True)))

    census = pd.read_csv(RAW_SEED_DIR / "raw_census_foreign_born.csv", dtype=str, keep_default_na=False)
    census = census[census["county_fips"].isin(set(counties["county_fips"]))]
    with_first_vintage = set(census.loc[census["acs_vintage"] == "2006-2010", "county_fips"])
    # A county without the 2006-2010 estimate (51515, Bedford city VA) is left out entirely: missing_census.
    census = census[census["county_fips"].isin(with_first_vintage)]
    census = census[CENSUS_COLUMNS].sort_values(["county_fips", "acs_vintage"]).reset_index(drop=True)

    activation_rows = pd.read_csv(REFERENCE_DIR / "ref_sc_activations.csv", dtype=str)
    activations = {
        fips: dt.date.fromisoformat(day)
        for fips, day in zip(activation_rows["county_fips"], activation_rows["activation_date"], strict=True)
    }

    offenses = pd.read_csv(REFERENCE_DIR / "ref_ucr_offense_classes.csv", dtype=str)
    offenses["ice_level_equivalent"] = offenses["ice_level_equivalent"].astype(int)
    offenses["in_arrest_total"] = offenses["in_arrest_total"].str.lower() == "true"
    offenses = offenses.sort_values("offense_code").reset_index(drop=True)

    seed_ucr = pd.read_csv(RAW_SEED_DIR / "raw_ucr_arrests.csv", dtype={"county_fips": str})
    per_offense = seed_ucr.groupby("offense_code")["arrests"].sum()
    seed_population = counties.loc[counties["county_fips"].isin(set(seed_ucr["county_fips"])), "population_2010"]
    years = seed_ucr["data_year"].nunique()
    rates = per_offense.reindex(offenses["offense_code"]).fillna(0).to_numpy(float) / seed_population.sum() / years
    return Reference(counties, unit_of, census, activations, offenses, rates)


# ---------------------------------------------------------------------------------------------------------
# Units and their parameters


@dataclass
class Units:
    """One row per reporting unit (sorted by code); arrays aligned with `codes`."""

    codes: list[str]
    members: list[list[str]]
    population: np.ndarray
    share_by_vintage: dict[str, np.ndarray]  # foreign-born share for generation (NaN-free), per ACS vintage
    has_census: np.ndarray
    activation: list[dt.date | None]  # activation date used (shifted or real; None: never activated)
    size_class: np.ndarray  # 1 (smallest fifth) .. 5


def build_units(reference: Reference) -> tuple[list[str], list[list[str]], np.ndarray]:
    population_of = dict(zip(reference.counties["county_fips"], reference.counties["population_2010"], strict=True))
    members: dict[str, list[str]] = {}
    for county in reference.counties["county_fips"]:
        members.setdefault(reference.unit_of[county], []).append(county)
    codes = sorted(members)
    member_lists = [sorted(members[code]) for code in codes]
    population = np.array([sum(population_of[m] for m in ms) for ms in member_lists], dtype=np.int64)
    return codes, member_lists, population


def unit_shares(reference: Reference, codes: list[str], members: list[list[str]]) -> tuple[dict, np.ndarray]:
    """Population-weighted foreign-born share of each unit per vintage (as the warehouse computes it)."""
    census = reference.census.copy()
    census["population"] = census["total_population"].astype(float)
    census["share"] = census["foreign_born_share"].astype(float)
    shares: dict[str, np.ndarray] = {}
    has_census = np.ones(len(codes), dtype=bool)
    for vintage, rows in census.groupby("acs_vintage"):
        lookup = {
            fips: (pop, share) for fips, pop, share in zip(rows.county_fips, rows.population, rows.share, strict=True)
        }
        values = np.empty(len(codes))
        for i, ms in enumerate(members):
            found = [lookup[m] for m in ms if m in lookup]
            if len(found) < len(ms):
                has_census[i] = False
            values[i] = sum(p * s for p, s in found) / sum(p for p, _ in found) if found else np.nan
        shares[str(vintage)] = values
    all_values = np.concatenate(list(shares.values()))
    fallback = float(np.nanmedian(all_values))
    for vintage, values in shares.items():
        shares[vintage] = np.maximum(np.where(np.isnan(values), fallback, values), FOREIGN_BORN_FLOOR)
    return shares, has_census


def vintage_for_year(vintages: list[str], year: int) -> str:
    """The ACS vintage the warehouse uses for a period of `year`: latest end year <= year, else the earliest."""
    ends = sorted((int(v[-4:]), v) for v in vintages)
    eligible = [v for end, v in ends if end <= year]
    return eligible[-1] if eligible else ends[0][1]


def shifted_activations(
    reference: Reference, members: list[list[str]], scenario_start: dt.date, mode: str
) -> tuple[list[dt.date | None], int]:
    """Each unit's activation (its members' earliest real date), shifted by one offset in days so that
    ACTIVE_FROM_START_SHARE of the activated units are active on `scenario_start` (mode 'shifted'), or the real
    dates unchanged (mode 'reference', consistent with the warehouse's ref_sc_activations)."""
    real: list[dt.date | None] = []
    for ms in members:
        dates = [reference.activations[m] for m in ms if m in reference.activations]
        real.append(min(dates) if dates else None)
    if mode == "reference":
        return real, 0
    ordinals = np.sort(np.array([d.toordinal() for d in real if d is not None]))
    pivot = int(ordinals[int(np.floor(ACTIVE_FROM_START_SHARE * (len(ordinals) - 1)))])
    offset = scenario_start.toordinal() - pivot
    return [None if d is None else dt.date.fromordinal(d.toordinal() + offset) for d in real], offset


def size_classes(population: np.ndarray) -> np.ndarray:
    """Population quintile of each unit, 1 (smallest) to 5, by rank (ties by order)."""
    ranks = np.argsort(np.argsort(population, kind="stable"), kind="stable")
    return 1 + (ranks * SIZE_CLASSES) // len(population)


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------------
# Ground truth


@dataclass(frozen=True)
class Planted:
    """One ground-truth unit: an anomaly (kind, start quarter, strength) or a decoy (its most extreme quarter)."""

    unit_index: int
    kind: str
    start_index: int | None
    strength: float | None
    extreme_index: int | None = None


def choose_anomalies(
    rng: np.random.Generator,
    units: Units,
    options: Options,
    scenario_start: dt.date,
) -> tuple[list[Planted], np.ndarray]:
    """Anomalies spread evenly over size classes x kinds among units active from the first quarter, and the pool
    of tiny single-county units the decoys are later chosen from (disjoint from the anomalies)."""
    n_units = len(units.codes)
    active_from_start = np.array([a is not None and a <= scenario_start for a in units.activation])
    single = np.array([len(ms) == 1 for ms in units.members])
    base = active_from_start & units.has_census
    tiny = base & single & (units.population < DECOY_MAX_POPULATION)

    taken = np.zeros(n_units, dtype=bool)
    first_start = options.quarters // 4
    last_start = max(first_start, options.quarters - options.quarters // 4 - 1)
    anomalies: list[Planted] = []
    for i in range(options.anomalies):
        size_class = 1 + i % SIZE_CLASSES
        kind = ANOMALY_KINDS[(i // SIZE_CLASSES) % len(ANOMALY_KINDS)]
        pool = np.flatnonzero(base & ~taken & (units.size_class == size_class))
        if len(pool) == 0:
            pool = np.flatnonzero(base & ~taken)
        unit = int(rng.choice(pool))
        taken[unit] = True
        start = int(rng.integers(first_start, last_start + 1))
        strength = float(rng.uniform(options.strength_min, options.strength_max))
        anomalies.append(Planted(unit, kind, start, round(strength, 4)))
    return anomalies, np.flatnonzero(tiny & ~taken)


def poisson_upper_tail(observed: np.ndarray, mean: np.ndarray, terms: int = 80) -> np.ndarray:
    """P(X >= observed) for X ~ Poisson(mean), elementwise, summed upward from `observed` (exact enough for
    ranking how surprising small counts are)."""
    observed = observed.astype(float)
    safe_mean = np.maximum(mean, 1e-300)
    log_gamma = np.vectorize(math.lgamma)
    total = np.zeros_like(safe_mean)
    for step in range(terms):
        k = observed + step
        total += np.exp(k * np.log(safe_mean) - safe_mean - log_gamma(k + 1))
    return np.where(observed <= 0, 1.0, np.minimum(total, 1.0))


# ---------------------------------------------------------------------------------------------------------
# Tables


def ucr_tables(
    rng: np.random.Generator, reference: Reference, years: list[int]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """UCR arrests per county x year x offense, and each county's expected arrests by offense (per year)."""
    counties = reference.counties["county_fips"].tolist()
    population = reference.counties["population_2010"].to_numpy(float)
    n_counties, n_offenses = len(counties), len(reference.offenses)
    county_factor = rng.lognormal(0.0, UCR_COUNTY_SD, size=n_counties)
    offense_factor = rng.lognormal(0.0, UCR_OFFENSE_SD, size=(n_counties, n_offenses))
    expected = reference.national_rates[None, :] * population[:, None] * county_factor[:, None] * offense_factor
    frames: list[pd.DataFrame] = []
    for year in years:
        arrests = rng.poisson(expected)
        full = rng.random(n_counties) < UCR_FULL_COVERAGE_SHARE
        coverage = np.where(full, 100.0, np.round(rng.uniform(40.0, 100.0, size=n_counties), 2))
        frames.append(
            pd.DataFrame(
                {
                    "county_fips": np.repeat(counties, n_offenses),
                    "data_year": year,
                    "offense_code": np.tile(reference.offenses["offense_code"].to_numpy(), n_counties),
                    "arrests": arrests.reshape(-1).astype(np.int64),
                    "coverage_indicator": np.repeat(coverage, n_offenses),
                    "is_synthetic": "true",
                }
            )
        )
    table = pd.concat(frames, ignore_index=True).sort_values(["county_fips", "data_year", "offense_code"])
    return table.reset_index(drop=True)[UCR_COLUMNS], dict(zip(counties, expected, strict=True))


def identification_table(
    rng: np.random.Generator,
    reference: Reference,
    units: Units,
    quarters: list[tuple[str, dt.date, dt.date]],
    expected_arrests: dict[str, np.ndarray],
    anomalies: list[Planted],
    decoy_pool: np.ndarray,
    n_decoys: int,
) -> tuple[pd.DataFrame, list[Planted]]:
    """Quarterly rows of every active unit, and the decoys chosen from `decoy_pool`."""
    n_units, n_quarters = len(units.codes), len(quarters)
    offenses = reference.offenses
    counted = offenses["in_arrest_total"].to_numpy()
    level = offenses["ice_level_equivalent"].to_numpy()
    population = units.population.astype(float)

    # Each unit's expected UCR arrests: its arrest rate relative to the national one (bookings follow arrests), its
    # less-serious (Level 3) share, and Level 1 among Levels 1-2.
    unit_arrests = np.array([sum(expected_arrests[m] for m in ms) for ms in units.members])
    total = unit_arrests[:, counted].sum(axis=1)
    arrest_factor = total / (population * reference.national_rates[counted].sum())
    level3_share = unit_arrests[:, counted & (level == 3)].sum(axis=1) / total
    level1_share = unit_arrests[:, counted & (level == 1)].sum(axis=1) / unit_arrests[:, counted & (level < 3)].sum(
        axis=1
    )

    booking_factor = arrest_factor * rng.lognormal(0.0, BOOKING_PER_ARREST_SD, size=n_units)
    random_effect = rng.lognormal(0.0, MATCH_RANDOM_EFFECT_SD, size=n_units)
    known_share = np.clip(rng.normal(KNOWN_LEVEL_SHARE, KNOWN_LEVEL_SD, size=n_units), 0.5, 0.98)
    minor_logit = logit(np.clip(level3_share, 0.01, 0.99)) + rng.normal(0.0, MINOR_LOGIT_SD, size=n_units)

    vintages = sorted(units.share_by_vintage)
    starts: list[list[dt.date]] = []
    active_days = np.zeros((n_units, n_quarters), dtype=np.int64)
    share = np.zeros((n_units, n_quarters))
    submission_factor = np.ones((n_units, n_quarters))
    match_factor = np.ones((n_units, n_quarters))
    minor_odds = np.ones((n_units, n_quarters))
    for t, (_, q_start, q_end) in enumerate(quarters):
        starts.append([q_start if a is None or a <= q_start else a for a in units.activation])
        active_days[:, t] = [
            0 if a is None or a > q_end else (q_end - s).days + 1
            for a, s in zip(units.activation, starts[t], strict=True)
        ]
        share[:, t] = units.share_by_vintage[vintage_for_year(vintages, q_start.year)]
    days = np.array([(q_end - q_start).days + 1 for _, q_start, q_end in quarters], dtype=float)
    for anomaly in anomalies:
        if anomaly.start_index is None or anomaly.strength is None:
            continue
        later = slice(anomaly.start_index, None)
        if anomaly.kind == "excess_match_rate":
            match_factor[anomaly.unit_index, later] = anomaly.strength
        elif anomaly.kind == "excess_minor_share":
            minor_odds[anomaly.unit_index, later] = anomaly.strength
        else:  # excess_matches_vs_crime: more bookings at the same match rate, UCR unchanged
            submission_factor[anomaly.unit_index, later] = anomaly.strength

    mean_submissions = population[:, None] * BOOKING_RATE * booking_factor[:, None] * active_days / days
    submissions = rng.poisson(mean_submissions * submission_factor)
    probability = np.minimum(MATCH_CONSTANT * share * random_effect[:, None] * match_factor, MAX_MATCH_PROBABILITY)
    matches = np.minimum(rng.poisson(submissions * probability), submissions)

    # Decoys: tiny units redrawn as perfectly average counties (bookings in proportion to their UCR arrests,
    # the national match rate, the UCR less-serious share: no county effect, no excess, innocent), of which the
    # n_decoys whose most surprising quarter is the most extreme by Poisson chance alone.
    pool_submissions = rng.poisson(
        population[decoy_pool, None] * BOOKING_RATE * arrest_factor[decoy_pool, None] * active_days[decoy_pool] / days
    )
    national_mean = pool_submissions * MATCH_CONSTANT * share[decoy_pool]
    pool_matches = np.minimum(rng.poisson(national_mean), pool_submissions)
    tail = np.where(pool_submissions > 0, poisson_upper_tail(pool_matches, national_mean), 1.0)
    order = sorted(np.lexsort((decoy_pool, tail.min(axis=1)))[:n_decoys].tolist())
    if len(order) < n_decoys:
        log(f"only {len(decoy_pool)} tiny units available: {len(order)} decoys instead of {n_decoys}")
    extreme_quarter = tail.argmin(axis=1)
    decoys = [Planted(int(decoy_pool[i]), "decoy", None, None, int(extreme_quarter[i])) for i in order]
    chosen = decoy_pool[order]
    submissions[chosen] = pool_submissions[order]
    matches[chosen] = pool_matches[order]
    minor_logit[chosen] = logit(np.clip(level3_share[chosen], 0.01, 0.99))

    known = rng.binomial(matches, known_share[:, None])
    minor = rng.binomial(known, expit(minor_logit[:, None] + np.log(minor_odds)))
    level1 = rng.binomial(known - minor, level1_share[:, None])
    level2 = known - minor - level1

    frames: list[pd.DataFrame] = []
    for t, (label, _, q_end) in enumerate(quarters):
        active = np.flatnonzero(active_days[:, t] > 0)
        frames.append(
            pd.DataFrame(
                {
                    "county_fips": [units.codes[i] for i in active],
                    "period_start": [starts[t][i].isoformat() for i in active],
                    "period_end": q_end.isoformat(),
                    "submissions": submissions[active, t],
                    "matches_total": matches[active, t],
                    "matches_level1": level1[active, t],
                    "matches_level2": level2[active, t],
                    "matches_level3": minor[active, t],
                    "matches_level2_3": pd.array([None] * len(active), dtype="Int64"),
                    "level_basis": "charge",
                    "source": SOURCE_LABEL,
                }
            )
        )
        log(f"quarter {label}: {len(active)} active units, {int(submissions[:, t].sum()):,} submissions")
    table = pd.concat(frames, ignore_index=True).sort_values(["county_fips", "period_start"])
    return table.reset_index(drop=True)[IDENTIFICATION_COLUMNS], decoys


def ground_truth_table(
    units: Units, anomalies: list[Planted], decoys: list[Planted], quarters: list[tuple[str, dt.date, dt.date]]
) -> pd.DataFrame:
    def label(index: int | None) -> str:
        return quarters[index][0] if index is not None else ""

    rows = [
        {
            "county_fips": units.codes[p.unit_index],
            "kind": p.kind,
            "start_quarter": label(p.start_index),
            "strength": "" if p.strength is None else f"{p.strength:.4f}",
            "population": int(units.population[p.unit_index]),
            "size_class": int(units.size_class[p.unit_index]),
            "member_counties": " ".join(units.members[p.unit_index]),
            "extreme_quarter": label(p.extreme_index),
        }
        for p in [*anomalies, *decoys]
    ]
    columns = [
        "county_fips",
        "kind",
        "start_quarter",
        "strength",
        "population",
        "size_class",
        "member_counties",
        "extreme_quarter",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(["kind", "county_fips"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Writing


def write_table(frame: pd.DataFrame, path_stem: Path, table: str, file_format: str) -> Path:
    """`<stem>.csv` (text, empty for null) or `<stem>.parquet` (typed, through DuckDB's COPY)."""
    if file_format == "csv":
        path = path_stem.with_suffix(".csv")
        frame.to_csv(path, index=False, lineterminator="\n")
        return path
    path = path_stem.with_suffix(".parquet")
    types = {column.name: column.data_type for column in CONTRACT[table].columns}
    connection = duckdb.connect()
    try:
        connection.execute("set threads = 1")
        # Text tables (the census seed is copied as text) have "" for null.
        connection.register("frame", frame.astype(object).where(frame.notna() & (frame != ""), None))
        columns = ", ".join(f'cast("{name}" as {types[name]}) as "{name}"' for name in frame.columns)
        target = str(path).replace("'", "''")
        connection.execute(f"copy (select {columns} from frame) to '{target}' (format parquet)")
    finally:
        connection.close()
    return path


def generate(options: Options) -> dict[str, object]:
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(options.seed)
    quarters = quarter_sequence(options.first_quarter, options.quarters)
    years = ucr_year_list(quarters, options.ucr_years)
    scenario_start = quarters[0][1]
    log(f"{options.quarters} quarters {quarters[0][0]}..{quarters[-1][0]}, UCR years {years[0]}..{years[-1]}")

    reference = load_reference()
    codes, members, population = build_units(reference)
    shares, has_census = unit_shares(reference, codes, members)
    activation, offset = shifted_activations(reference, members, scenario_start, options.activations)
    units = Units(codes, members, population, shares, has_census, activation, size_classes(population))
    n_from_start = sum(a is not None and a <= scenario_start for a in activation)
    n_during = sum(a is not None and scenario_start < a <= quarters[-1][2] for a in activation)
    log(
        f"{len(codes)} reporting units over {len(reference.counties)} counties; activation shift {offset} days: "
        f"{n_from_start} active from the first quarter, {n_during} switch on during the scenario"
    )

    anomalies, decoy_pool = choose_anomalies(rng, units, options, scenario_start)
    ucr, expected_arrests = ucr_tables(rng, reference, years)
    log(f"UCR: {len(ucr):,} rows")
    identifications, decoys = identification_table(
        rng, reference, units, quarters, expected_arrests, anomalies, decoy_pool, options.decoys
    )
    log(f"identifications: {len(identifications):,} rows; planted {len(anomalies)} anomalies and {len(decoys)} decoys")

    frames = {
        "raw_sc_identifications": identifications,
        "raw_census_foreign_born": reference.census,
        "raw_ucr_arrests": ucr,
    }
    written: dict[str, str] = {}
    for table, frame in frames.items():
        path = write_table(frame, out / table, table, options.format)
        written[table] = path.name
        log(f"wrote {path} ({len(frame):,} rows)")
    truth = ground_truth_table(units, anomalies, decoys, quarters)
    truth.to_csv(out / "ground_truth.csv", index=False, lineterminator="\n")

    kinds = {kind: sum(a.kind == kind for a in anomalies) for kind in ANOMALY_KINDS}
    summary: dict[str, object] = {
        "generator": "devtools/generate_scenarios.py",
        "generator_version": GENERATOR_VERSION,
        # Without `out`, so that the same scenario written to two directories is byte-identical.
        "arguments": {key: value for key, value in asdict(options).items() if key != "out"},
        "seed": options.seed,
        "quarters": [q[0] for q in quarters],
        "ucr_years": years,
        "activation_shift_days": offset,
        "files": written,
        "counts": {
            "counties": len(reference.counties),
            "reporting_units": len(codes),
            "units_active_from_first_quarter": n_from_start,
            "units_activated_during_scenario": n_during,
            "identification_rows": len(identifications),
            "census_rows": len(reference.census),
            "ucr_rows": len(ucr),
            "anomalies": len(anomalies),
            "anomalies_by_kind": kinds,
            "decoys": len(decoys),
        },
        "model": {
            "booking_rate_per_person_quarter": BOOKING_RATE,
            "booking_per_arrest_sd": BOOKING_PER_ARREST_SD,
            "match_constant": MATCH_CONSTANT,
            "match_random_effect_sd": MATCH_RANDOM_EFFECT_SD,
            "known_level_share": KNOWN_LEVEL_SHARE,
            "minor_logit_sd": MINOR_LOGIT_SD,
            "ucr_county_sd": UCR_COUNTY_SD,
            "ucr_offense_sd": UCR_OFFENSE_SD,
            "ucr_full_coverage_share": UCR_FULL_COVERAGE_SHARE,
            "decoy_max_population": DECOY_MAX_POPULATION,
        },
    }
    (out / "scenario.json").write_text(json.dumps(summary, indent=2) + "\n")
    log(f"wrote {out / 'ground_truth.csv'} and {out / 'scenario.json'}")
    return summary


# ---------------------------------------------------------------------------------------------------------
# Command line


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def quarter_argument(text: str) -> str:
    parse_quarter(text)
    return text


def parse_arguments(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=(
            "Write a deterministic national synthetic scenario (raw_sc_identifications, raw_census_foreign_born, "
            "raw_ucr_arrests in the raw contract of docs/CONTRACT.md) with planted anomalies and decoys, plus "
            "ground_truth.csv and scenario.json, into a directory that `dbt build --vars '{raw_dir: DIR}'` reads."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", required=True, help="directory to write into (created if missing)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; same arguments give byte-identical files")
    parser.add_argument("--quarters", type=positive_int, default=8, help="number of consecutive quarters")
    parser.add_argument("--first-quarter", type=quarter_argument, default="2010Q1", help="first quarter, YYYYQn")
    parser.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="file format: <table>.csv or <table>.parquet"
    )
    parser.add_argument(
        "--ucr-years",
        type=positive_int,
        default=None,
        help="UCR data years, ending with the last calendar year of the scenario (default: %(default)s, meaning "
        "the calendar years the quarters span plus the one before)",
    )
    parser.add_argument(
        "--anomalies",
        type=non_negative_int,
        default=60,
        help="planted anomalies, a third of each kind (excess_match_rate, excess_minor_share, "
        "excess_matches_vs_crime), spread evenly over population quintiles",
    )
    parser.add_argument(
        "--decoys",
        type=non_negative_int,
        default=40,
        help=f"innocent tiny counties (population < {DECOY_MAX_POPULATION:,}) with an extreme match rate by chance",
    )
    parser.add_argument(
        "--strength-min", type=float, default=1.5, help="smallest multiplicative excess of a planted anomaly"
    )
    parser.add_argument(
        "--strength-max", type=float, default=3.0, help="largest multiplicative excess of a planted anomaly"
    )
    parser.add_argument(
        "--activations",
        choices=["shifted", "reference"],
        default="shifted",
        help="'shifted': the real activation dates moved by one offset so ~85%% of units are active from the first "
        "quarter (the warehouse still reads the unshifted dates from ref_sc_activations); 'reference': the real "
        "dates unchanged, consistent with the warehouse",
    )
    args = parser.parse_args(argv)
    if not 1.0 <= args.strength_min <= args.strength_max:
        parser.error("need 1 <= --strength-min <= --strength-max")
    return Options(
        out=str(Path(args.out).resolve()),
        seed=args.seed,
        quarters=args.quarters,
        first_quarter=args.first_quarter,
        format=args.format,
        ucr_years=args.ucr_years,
        anomalies=args.anomalies,
        decoys=args.decoys,
        strength_min=args.strength_min,
        strength_max=args.strength_max,
        activations=args.activations,
    )


def main(argv: Sequence[str] | None = None) -> int:
    generate(parse_arguments(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
