"""Figures as people read them, one place for the report, the packets and the dashboard: counts with thousands
separators, p- and q-values that never show as 0, ratios and shares with sensible digits, dates, and a dash
instead of None/NaN."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

MISSING = "–"


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


def count(value: object) -> str:
    """1234567 -> '1,234,567'."""
    return MISSING if is_missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def amount(value: object) -> str:
    """One decimal below 10, whole numbers with separators from 10 (expected counts, detainees a day)."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.1f}" if abs(number) < 9.95 else f"{round(number):,}"


def ratio(value: object) -> str:
    """An observed/expected ratio: '4.66×', '21.0×'."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.2f}×" if number < 9.995 else f"{number:.1f}×"


def probability(value: object) -> str:
    """A p- or q-value: '< 0.001' below a thousandth (never '0'), three decimals otherwise."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    return "< 0.001" if number < 0.001 else f"{number:.3f}"


def share(value: object, digits: int = 1) -> str:
    """A share of 0..1 as a percentage: 0.2345 -> '23.5 %'."""
    return MISSING if is_missing(value) else f"{100 * float(value):.{digits}f} %"  # type: ignore[arg-type]


def decimal(value: object, digits: int = 2) -> str:
    return MISSING if is_missing(value) else f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def day(value: object) -> str:
    """A date as YYYY-MM-DD."""
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime | date | pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)[:10]


def yes_no(value: object) -> str:
    return MISSING if is_missing(value) else ("yes" if bool(value) else "no")


def sentence(value: object) -> str:
    """A text with its first letter in capitals (and nothing else changed)."""
    words = text(value)
    return words[:1].upper() + words[1:]


def text(value: object) -> str:
    return MISSING if is_missing(value) else str(value)


# Why a statistic was not scored (ineligible_reason), in words.
NOT_SCORED_WORDS = {
    "expected_below_minimum": "too few expected to score",
    "zero_foreign_born_estimate": "no foreign-born residents in the estimate",
    "no_submissions": "no fingerprint submissions",
    "too_few_known_level_matches": "too few matches with a known ICE level",
    "no_known_level_matches": "no match with a known ICE level",
    "low_ucr_coverage": "UCR coverage too low",
    "not_activated": "Secure Communities not yet active",
}


def not_scored_words(reason: object) -> str:
    """An ineligible_reason code in words ('–' when there is none)."""
    if is_missing(reason):
        return MISSING
    return NOT_SCORED_WORDS.get(str(reason), str(reason).replace("_", " "))
