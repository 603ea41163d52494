"""Independent reference implementation of the monitoring method (docs/METHODS.md) in plain numpy/pandas.

Written from METHODS.md alone, separately from the dbt models (which do the same in SQL), so that the
end-to-end tests can compare the warehouse against a second implementation. No scipy: the normal CDF is
written with ``math.erfc`` and the Poisson tails with a hand-written regularised incomplete gamma function.

Contents: one statistic in one period (``score_period``; its docstring lists the choices made where
METHODS.md leaves room); the combination into a rank by the two-family rule with synthetic gating
(``two_family_scores``), the custody-site context (``custody_context``) and the review-list policy
(``apply_custody_policy``), together in ``review_ranking``: their docstrings list their choices.
``combined_scores`` and ``anomaly_ranking`` are the former rule (signed correlation-adjusted Stouffer over all
three statistics, ranked by descending score), which METHODS.md no longer uses; they are kept because
``test_end_to_end.py`` still calls them.

Conventions:

- ``y``, ``s``, ``target``: the variance-stabilised value, its standard error and its target.
- Missing inputs are ``NaN`` (``None``/``pd.NA`` in a DataFrame are converted to ``NaN``).
- Statistics are numbered 1, 2, 3 as in METHODS.md; a per-statistic table has the ints 1, 2, 3 as columns and
  one row per unit (index = unit code), NaN where the unit is not eligible.
- Everything about ranking is for one reporting period: call once per period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Tau2Method = Literal["paule_mandel", "dl_winsorized"]

SQRT2 = math.sqrt(2.0)
PI_CAP = 0.999  # statistic 3: pi = min(k3 * p0, 0.999)
MIN_KNOWN_LEVEL_MATCHES = 10  # statistic 3 needs n >= 10 to be scored
EXACT_P_BELOW_EXPECTED = 20.0  # p_value_exact reported for E < 20

# Canonical input column names of ``score_period`` and the aliases it accepts.
INPUT_COLUMNS: tuple[str, ...] = (
    "unit_fips",
    "submissions",  # S
    "matches_total",  # M
    "matches_known_level",  # n
    "matches_minor",  # y
    "exposure_years",  # T
    "foreign_born_share",  # F
    "ucr_arrests",  # A
    "ucr_minor_arrests",  # p0 = ucr_minor_arrests / A
    "coverage_indicator",  # C
)
# Optional input: whether the unit was activated by the end of the window (activation date not null and not
# after the window end; see ``is_activated``). Absent means every unit counts as activated.
ACTIVATION_COLUMN = "is_activated"
INPUT_ALIASES: dict[str, str] = {
    "county_fips": "unit_fips",
    "n": "matches_known_level",
    "known_level_matches": "matches_known_level",
    "y": "matches_minor",
    "minor_matches": "matches_minor",
    "coverage": "coverage_indicator",
    "ucr_coverage": "coverage_indicator",
}


# ---------------------------------------------------------------------------------------------------------
# Normal distribution
# ---------------------------------------------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """Return the standard normal CDF Phi(x) = 0.5 * erfc(-x / sqrt(2)); NaN stays NaN."""
    if math.isnan(x):
        return math.nan
    return 0.5 * math.erfc(-x / SQRT2)


def normal_quantile(p: float) -> float:
    """Inverse of ``normal_cdf`` by bisection to machine precision (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"normal_quantile needs 0 < p < 1, got {p}")
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if normal_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def one_sided_p(z: ArrayLike) -> FloatArray:
    """One-sided (excess) p-value 1 - Phi(z), computed as Phi(-z) = 0.5 * erfc(z / sqrt(2)) for accuracy."""
    zz = np.asarray(z, dtype=float)
    return np.vectorize(lambda v: normal_cdf(-v), otypes=[float])(zz) if zz.size else zz.copy()


# ---------------------------------------------------------------------------------------------------------
# Transforms
# ---------------------------------------------------------------------------------------------------------


def sqrt_ratio_transform(observed: ArrayLike, expected: ArrayLike) -> tuple[FloatArray, FloatArray, float]:
    """Square-root transform of a ratio O/E (statistics 1 and 2).

    Returns ``(y, s, target)`` with y = sqrt(O/E), s = 1 / (2 sqrt(E)), target = 1.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    return np.sqrt(o / e), 1.0 / (2.0 * np.sqrt(e)), 1.0


def arcsine_share_transform(observed: ArrayLike, n: ArrayLike, pi: ArrayLike) -> tuple[FloatArray, FloatArray, float]:
    """Arcsine-square-root transform of a share O/n against its expected share pi (statistic 3).

    Returns ``(y, s, target)`` with y = asin(sqrt(O/n)) - asin(sqrt(pi)), s = 1 / (2 sqrt(n)), target = 0.
    ``pi`` may be a scalar (e.g. a pooled proportion) or one value per unit.
    """
    o = np.asarray(observed, dtype=float)
    nn = np.asarray(n, dtype=float)
    p = np.asarray(pi, dtype=float)
    y = np.arcsin(np.sqrt(o / nn)) - np.arcsin(np.sqrt(p))
    return np.asarray(y, dtype=float), 1.0 / (2.0 * np.sqrt(nn)), 0.0


# ---------------------------------------------------------------------------------------------------------
# Between-unit variance
# ---------------------------------------------------------------------------------------------------------


def _pm_q(r: FloatArray, s2: FloatArray, tau2: float) -> float:
    """Generalised Q statistic: sum w (r - mu_w)^2 with w = 1/(s^2 + tau^2), mu_w the weighted mean.

    Algebraically equal to sum w r^2 - (sum w r)^2 / sum w (METHODS.md), written centred for accuracy.
    """
    w = 1.0 / (s2 + tau2)
    mu = float(np.sum(w * r) / np.sum(w))
    return float(np.sum(w * (r - mu) ** 2))


def paule_mandel_tau2(r: ArrayLike, s: ArrayLike) -> float:
    """Paule-Mandel between-unit variance tau^2.

    ``r`` = y - target, ``s`` the standard errors. tau^2 = 0 when Q(0) <= I - 1, else the root of
    Q(tau^2) = I - 1 (Q decreases in tau^2), found by bisection on [0, 10 var_samp(r) + max s^2] until the
    bracket is within 1e-15 relative (or cannot shrink any more in double precision).
    """
    rr = np.asarray(r, dtype=float)
    s2 = np.asarray(s, dtype=float) ** 2
    i = rr.size
    if i < 2:
        return 0.0
    target = float(i - 1)
    if _pm_q(rr, s2, 0.0) <= target:
        return 0.0
    lo = 0.0
    hi = 10.0 * float(np.var(rr, ddof=1)) + float(np.max(s2))
    while _pm_q(rr, s2, hi) > target:  # cannot happen in theory (Q(hi) <= (I-1)/10); kept as a guard
        lo, hi = hi, 2.0 * hi
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi) or hi - lo <= 1e-15 * hi:
            break
        if _pm_q(rr, s2, mid) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def winsorise(z: ArrayLike, lower: float = 0.1, upper: float = 0.9) -> FloatArray:
    """Clip z at its ``lower`` and ``upper`` quantiles (linear interpolation: R type 7, quantile_cont)."""
    zz = np.asarray(z, dtype=float)
    if zz.size == 0:
        return zz.copy()
    lo, hi = np.quantile(zz, [lower, upper], method="linear")
    return np.clip(zz, lo, hi)


def dl_winsorized(y: ArrayLike, s: ArrayLike, target: float | ArrayLike) -> tuple[float, float, FloatArray]:
    """NHS/CQC (FunnelPlotR) DerSimonian-Laird estimate from z winsorised at the 10th and 90th percentiles.

    Raw z = (y - target)/s, winsorised at its 10th/90th percentiles; phi = mean of winsorised z^2;
    tau^2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w)) with w = 1/s^2.
    Returns ``(phi, tau2, z_winsorised)``.
    """
    yy = np.asarray(y, dtype=float)
    ss = np.asarray(s, dtype=float)
    i = yy.size
    if i == 0:
        return math.nan, math.nan, yy.copy()
    zw = winsorise((yy - np.asarray(target, dtype=float)) / ss)
    phi = float(np.mean(zw**2))
    w = 1.0 / ss**2
    denom = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    if i < 2 or denom <= 0.0:
        return phi, 0.0, zw
    tau2 = max(0.0, (i * phi - (i - 1)) / denom)
    return phi, tau2, zw


def od_z(y: ArrayLike, s: ArrayLike, target: float | ArrayLike, tau2: float) -> FloatArray:
    """Overdispersion-adjusted z = (y - target) / sqrt(s^2 + tau^2)."""
    yy = np.asarray(y, dtype=float)
    ss = np.asarray(s, dtype=float)
    return (yy - np.asarray(target, dtype=float)) / np.sqrt(ss**2 + tau2)


# ---------------------------------------------------------------------------------------------------------
# Multiplicity
# ---------------------------------------------------------------------------------------------------------


def bh_q(p: ArrayLike) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values, as R ``p.adjust(p, method = "BH")``.

    q_(i) = min over j >= i of min(1, m / j * p_(j)) for the sorted p; NaN entries are ignored (m counts the
    non-missing p-values, as R does with NA) and stay NaN.
    """
    pp = np.asarray(p, dtype=float)
    out = np.full(pp.shape, np.nan)
    ok = ~np.isnan(pp)
    vals = pp[ok]
    m = vals.size
    if m == 0:
        return out
    order = np.argsort(-vals, kind="stable")  # decreasing p
    ranks = np.arange(m, 0, -1, dtype=float)  # m, m-1, ..., 1
    q_sorted = np.minimum(1.0, np.minimum.accumulate(m / ranks * vals[order]))
    q = np.empty(m)
    q[order] = q_sorted
    out[ok] = q
    return out


# ---------------------------------------------------------------------------------------------------------
# Poisson
# ---------------------------------------------------------------------------------------------------------


def _reg_lower_gamma(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) (series for x < a + 1, Lentz continued fraction else)."""
    if x <= 0.0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = 1.0 / a
        total = term
        k = a
        for _ in range(100000):
            k += 1.0
            term *= x / k
            total += term
            if abs(term) < abs(total) * 1e-17:
                break
        return min(1.0, total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-17:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def poisson_pmf(k: int, mu: float) -> float:
    """P(X = k) for X ~ Poisson(mu)."""
    if mu <= 0.0:
        return 1.0 if k == 0 else 0.0
    return math.exp(k * math.log(mu) - mu - math.lgamma(k + 1.0))


def poisson_upper_tail(k: int, mu: float) -> float:
    """P(X > k) for X ~ Poisson(mu), as P(k + 1, mu) (regularised lower incomplete gamma)."""
    if k < 0:
        return 1.0
    return _reg_lower_gamma(k + 1.0, mu)


def poisson_mid_p(observed: ArrayLike, expected: ArrayLike) -> FloatArray:
    """Exact Poisson mid-p for an excess: P(X > O) + 0.5 P(X = O), X ~ Poisson(E). NaN where undefined."""
    o = np.atleast_1d(np.asarray(observed, dtype=float))
    e = np.atleast_1d(np.asarray(expected, dtype=float))
    o, e = np.broadcast_arrays(o, e)
    out = np.full(o.shape, np.nan)
    for idx in np.ndindex(o.shape):
        ov, ev = o[idx], e[idx]
        if math.isnan(ov) or math.isnan(ev) or ev < 0.0 or ov < 0.0:
            continue
        k = round(ov)
        out[idx] = poisson_upper_tail(k, ev) + 0.5 * poisson_pmf(k, ev)
    return out


def _gamma_quantile(p: float, a: float) -> float:
    """Return x with P(a, x) = p (gamma shape a, scale 1), by bisection to machine precision."""
    lo, hi = 0.0, max(1.0, a)
    while _reg_lower_gamma(a, hi) < p:
        lo, hi = hi, 2.0 * hi
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _reg_lower_gamma(a, mid) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def exact_poisson_ratio_limits(expected: float, level: float) -> tuple[float, float]:
    """Exact Poisson funnel limits for O/E at target 1 (FunnelPlotR's convention).

    lower = qgamma((1 - level)/2, E) / E and upper = qgamma((1 + level)/2, E + 1) / E, i.e.
    qchisq(alpha/2, 2E) / (2E) and qchisq(1 - alpha/2, 2E + 2) / (2E). ``level`` as a fraction (0.95, 0.998).
    """
    alpha = 1.0 - level
    lower = _gamma_quantile(alpha / 2.0, expected) / expected
    upper = _gamma_quantile(1.0 - alpha / 2.0, expected + 1.0) / expected
    return lower, upper


def od_ratio_limits(expected: ArrayLike, tau2: float, level: float) -> tuple[FloatArray, FloatArray]:
    """Overdispersed funnel limits on the ratio scale (statistics 1-2), back-transformed from the sqrt scale.

    (1 -/+ z sqrt(s^2 + tau^2))^2 with s = 1/(2 sqrt(E)), z = Phi^-1((1 + level)/2); the lower limit is
    floored at 0 before squaring (a limit below zero on the square-root scale means a ratio of 0).
    """
    e = np.asarray(expected, dtype=float)
    z = normal_quantile(0.5 + level / 2.0)
    half = z * np.sqrt(1.0 / (4.0 * e) + tau2)
    return np.maximum(0.0, 1.0 - half) ** 2, (1.0 + half) ** 2


# ---------------------------------------------------------------------------------------------------------
# Shrinkage
# ---------------------------------------------------------------------------------------------------------


def ratio_shrunk(observed: ArrayLike, expected: ArrayLike) -> FloatArray:
    """Poisson-gamma empirical-Bayes shrunken ratio, moment estimates over the given (eligible) units.

    m = sum O / sum E, s^2 = sum E (ratio - m)^2 / sum E, v = max(0, s^2 - m / Ebar), Ebar = sum E / I;
    ratio_shrunk = m + v / (v + m / E) * (ratio - m). When m = 0 (no events at all) the ratio is returned.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    if o.size == 0:
        return o.copy()
    ratio = o / e
    m = float(np.sum(o) / np.sum(e))
    if m <= 0.0:
        return ratio
    s2 = float(np.sum(e * (ratio - m) ** 2) / np.sum(e))
    ebar = float(np.sum(e) / e.size)
    v = max(0.0, s2 - m / ebar)
    return m + v / (v + m / e) * (ratio - m)


# ---------------------------------------------------------------------------------------------------------
# One statistic, one period
# ---------------------------------------------------------------------------------------------------------


def _col(df: pd.DataFrame, name: str) -> FloatArray:
    """Column as float64 with NaN for missing values."""
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _normalise_inputs(df: pd.DataFrame) -> pd.DataFrame:
    """Rename accepted aliases to the canonical names and check that every input column is present."""
    out = df.rename(columns={k: v for k, v in INPUT_ALIASES.items() if k in df.columns and v not in df.columns})
    missing = [c for c in INPUT_COLUMNS if c not in out.columns]
    if missing:
        raise KeyError(f"score_period: missing input columns {missing}")
    return out


def _first_reason(n: int, checks: list[tuple[str, NDArray[np.bool_]]]) -> NDArray[np.object_]:
    """First failing check per unit (checks in order); None where every check passes."""
    reason = np.full(n, None, dtype=object)
    unset = np.ones(n, dtype=bool)
    for label, failed in checks:
        hit = unset & failed
        reason[hit] = label
        unset &= ~hit
    return reason


def _not_positive(x: FloatArray) -> NDArray[np.bool_]:
    return np.isnan(x) | (x <= 0.0)


def is_activated(activation_date: ArrayLike, window_end: ArrayLike) -> NDArray[np.bool_]:
    """True where a unit was activated by the end of the window: activation date not null and <= window end."""
    act = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(activation_date, dtype=object))))
    end = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(window_end, dtype=object))))
    if len(end) == 1 and len(act) != 1:
        end = pd.Series(np.repeat(end.to_numpy(), len(act)))
    return (act.notna() & (act <= end)).to_numpy(dtype=bool)


def score_period(
    df: pd.DataFrame,
    statistic: int,
    min_expected: float = 5.0,
    min_ucr_coverage: float = 80.0,
    tau2_method: Tau2Method = "paule_mandel",
) -> pd.DataFrame:
    """Score one statistic for one reporting period (METHODS.md), one output row per input unit.

    Input columns (``INPUT_COLUMNS``, aliases in ``INPUT_ALIASES``): ``unit_fips``, ``submissions`` S,
    ``matches_total`` M, ``matches_known_level`` n, ``matches_minor`` y, ``exposure_years`` T,
    ``foreign_born_share`` F, ``ucr_arrests`` A, ``ucr_minor_arrests`` (p0 = minor / A),
    ``coverage_indicator`` C.

    Optional input column ``is_activated`` (bool; see ``is_activated``); absent means activated.

    Validity (calibration set): S > 0 and every input of the statistic present and positive.
    Ineligible reasons, first failing check wins, in this order (the rules the warehouse chose):

    - unit level, all statistics: ``not_activated`` (S missing or 0 and the unit not activated by the end of
      the window), ``no_submissions`` (S missing or 0, activated);
    - statistic 1: ``missing_census`` (F missing), ``zero_foreign_born_estimate`` (F <= 0);
    - statistic 2: ``missing_census``, ``zero_foreign_born_estimate``, ``missing_ucr`` (A missing),
      ``zero_ucr_arrests`` (A = 0), ``low_ucr_coverage`` (C missing or < ``min_ucr_coverage``),
      ``no_exposure`` (T missing or <= 0);
    - statistic 3: ``no_known_level_matches`` (n missing or 0), ``missing_ucr``, ``zero_ucr_arrests``,
      ``low_ucr_coverage``, ``zero_ucr_minor_share`` (p0 missing or <= 0);
    - then, for valid units (which are the calibration set): statistic 3 ``too_few_known_level_matches``
      (n < 10), then ``expected_below_minimum`` (E < ``min_expected``).

    Choices where METHODS.md is silent: ``expected``/``ratio`` are only computed for valid units (they
    are defined by the calibration over valid units); ``observed`` is always M (statistics 1-2) or y
    (statistic 3);
    ``ratio_shrunk`` uses the eligible units for its moments and is given for eligible units only;
    ``p_value_exact`` (Poisson mid-p) is given for valid units with E < 20; ``phi`` is the mean raw z^2 for
    Paule-Mandel and the mean winsorised z^2 for ``dl_winsorized``.

    Output columns: unit_fips, statistic, is_valid, calibration_constant, p0, pi (statistic 3), observed,
    expected, ratio, is_eligible, ineligible_reason, y_transformed, se, target, raw_z, phi, tau2, z_score,
    p_value, q_value, p_value_exact, ratio_shrunk.
    """
    if statistic not in (1, 2, 3):
        raise ValueError(f"statistic must be 1, 2 or 3, got {statistic}")
    if tau2_method not in ("paule_mandel", "dl_winsorized"):
        raise ValueError(f"tau2_method must be paule_mandel or dl_winsorized, got {tau2_method}")
    d = _normalise_inputs(df).reset_index(drop=True)
    units = d.shape[0]
    s_sub = _col(d, "submissions")
    m_tot = _col(d, "matches_total")
    n_known = _col(d, "matches_known_level")
    y_minor = _col(d, "matches_minor")
    t_exp = _col(d, "exposure_years")
    f_share = _col(d, "foreign_born_share")
    a_arr = _col(d, "ucr_arrests")
    a_minor = _col(d, "ucr_minor_arrests")
    c_cov = _col(d, "coverage_indicator")
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = np.where(_not_positive(a_arr), np.nan, a_minor / a_arr)
    low_cov = np.isnan(c_cov) | (c_cov < min_ucr_coverage)
    no_sub = _not_positive(s_sub)

    if ACTIVATION_COLUMN in d.columns:
        activated = d[ACTIVATION_COLUMN].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        activated = np.ones(units, dtype=bool)
    ucr_checks: list[tuple[str, NDArray[np.bool_]]] = [
        ("missing_ucr", np.isnan(a_arr)),
        ("zero_ucr_arrests", a_arr <= 0.0),
        ("low_ucr_coverage", low_cov),
    ]
    checks: list[tuple[str, NDArray[np.bool_]]] = [
        ("not_activated", no_sub & ~activated),
        ("no_submissions", no_sub),
    ]
    if statistic in (1, 2):
        checks += [("missing_census", np.isnan(f_share)), ("zero_foreign_born_estimate", f_share <= 0.0)]
    if statistic == 2:
        checks += [*ucr_checks, ("no_exposure", _not_positive(t_exp))]
    if statistic == 3:
        checks += [
            ("no_known_level_matches", _not_positive(n_known) | np.isnan(y_minor)),
            *ucr_checks,
            ("zero_ucr_minor_share", _not_positive(p0)),
        ]
    reason = _first_reason(units, checks)
    valid = np.array([r is None for r in reason], dtype=bool)

    observed = y_minor.copy() if statistic == 3 else m_tot.copy()
    expected = np.full(units, np.nan)
    pi = np.full(units, np.nan)
    if statistic == 1:
        base = s_sub * f_share
    elif statistic == 2:
        base = a_arr * t_exp * f_share
    else:
        base = n_known * p0
    k = float(np.sum(observed[valid]) / np.sum(base[valid])) if valid.any() else math.nan
    if statistic == 3:
        pi[valid] = np.minimum(k * p0[valid], PI_CAP)
        expected[valid] = n_known[valid] * pi[valid]
    else:
        expected[valid] = k * base[valid]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(valid, observed / expected, np.nan)

    few = valid & (n_known < MIN_KNOWN_LEVEL_MATCHES) if statistic == 3 else np.zeros(units, dtype=bool)
    reason[few] = "too_few_known_level_matches"
    below = valid & ~few & (expected < min_expected)
    reason[below] = "expected_below_minimum"
    eligible = np.array([r is None for r in reason], dtype=bool)

    yt = np.full(units, np.nan)
    se = np.full(units, np.nan)
    raw_z = np.full(units, np.nan)
    z_score = np.full(units, np.nan)
    p_value = np.full(units, np.nan)
    q_value = np.full(units, np.nan)
    shrunk = np.full(units, np.nan)
    target = 0.0 if statistic == 3 else 1.0
    phi = math.nan
    tau2 = math.nan
    if eligible.any():
        if statistic == 3:
            ye, sse, target = arcsine_share_transform(observed[eligible], n_known[eligible], pi[eligible])
        else:
            ye, sse, target = sqrt_ratio_transform(observed[eligible], expected[eligible])
        ze = (ye - target) / sse
        if tau2_method == "paule_mandel":
            phi = float(np.mean(ze**2))
            tau2 = paule_mandel_tau2(ye - target, sse)
        else:
            phi, tau2, _ = dl_winsorized(ye, sse, target)
        zs = od_z(ye, sse, target, tau2)
        pv = one_sided_p(zs)
        yt[eligible], se[eligible], raw_z[eligible] = ye, sse, ze
        z_score[eligible], p_value[eligible], q_value[eligible] = zs, pv, bh_q(pv)
        shrunk[eligible] = ratio_shrunk(observed[eligible], expected[eligible])

    exact = np.full(units, np.nan)
    small = valid & (expected < EXACT_P_BELOW_EXPECTED) & (expected > 0.0)
    if small.any():
        exact[small] = poisson_mid_p(observed[small], expected[small])

    return pd.DataFrame(
        {
            "unit_fips": d["unit_fips"].astype(str).to_numpy(),
            "statistic": statistic,
            "is_valid": valid,
            "calibration_constant": k,
            "p0": p0 if statistic == 3 else np.nan,
            "pi": pi,
            "observed": observed,
            "expected": expected,
            "ratio": ratio,
            "is_eligible": eligible,
            "ineligible_reason": pd.array(reason, dtype="string"),
            "y_transformed": yt,
            "se": se,
            "target": target,
            "raw_z": raw_z,
            "phi": phi,
            "tau2": tau2,
            "z_score": z_score,
            "p_value": p_value,
            "q_value": q_value,
            "p_value_exact": exact,
            "ratio_shrunk": shrunk,
        }
    )


# ---------------------------------------------------------------------------------------------------------
# Review list
# ---------------------------------------------------------------------------------------------------------


def _pearson(a: FloatArray, b: FloatArray) -> float:
    """Pearson correlation over the rows where both are present; 0 when undefined (< 2 rows or no spread)."""
    both = ~np.isnan(a) & ~np.isnan(b)
    if both.sum() < 2:
        return 0.0
    x = a[both] - a[both].mean()
    yv = b[both] - b[both].mean()
    den = math.sqrt(float(np.sum(x * x)) * float(np.sum(yv * yv)))
    return float(np.sum(x * yv)) / den if den > 0.0 else 0.0


def statistic_correlations(z_by_stat: pd.DataFrame) -> pd.DataFrame:
    """Pairwise Pearson r_kl of the z-scores over units eligible (non-NaN) for both statistics."""
    cols = list(z_by_stat.columns)
    mats = {c: z_by_stat[c].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    out = pd.DataFrame(np.eye(len(cols)), index=cols, columns=cols)
    for i, ci in enumerate(cols):
        for cj in cols[i + 1 :]:
            r = _pearson(mats[ci], mats[cj])
            out.loc[ci, cj] = r
            out.loc[cj, ci] = r
    return out


def combined_scores(z_by_stat: pd.DataFrame) -> pd.Series:
    """Correlation-adjusted Stouffer score per unit: the FORMER combination rule, superseded in METHODS.md by
    the two families (``two_family_scores``); kept for ``test_end_to_end.py``, which still calls it.

    ``z_by_stat``: one row per unit (index = unit code), one column per statistic, NaN where the unit is not
    eligible. combined = sum z_k / sqrt(K + 2 sum_{k<l} r_kl) over the K statistics the unit is eligible for,
    r_kl the Pearson correlation of z_k and z_l over units eligible for both (0 when that is undefined).
    NaN when K = 0 (or, degenerately, when the variance term is not positive).
    """
    cols = list(z_by_stat.columns)
    z = z_by_stat.to_numpy(dtype=float, na_value=np.nan)
    r = statistic_correlations(z_by_stat).to_numpy(dtype=float)
    out = np.full(z.shape[0], np.nan)
    for u in range(z.shape[0]):
        present = [k for k in range(len(cols)) if not math.isnan(z[u, k])]
        if not present:
            continue
        var = float(len(present))
        for a_i, k in enumerate(present):
            for ell in present[a_i + 1 :]:
                var += 2.0 * r[k, ell]
        if var > 0.0:
            out[u] = float(np.sum(z[u, present])) / math.sqrt(var)
    return pd.Series(out, index=z_by_stat.index, name="combined_score")


def anomaly_ranking(combined: pd.Series, review_list_size: int = 24) -> pd.DataFrame:
    """Rank units by descending combined score (ties by unit code ascending); NaN scores are not ranked.

    The FORMER ranking (with ``combined_scores``), without synthetic gating or custody policy; superseded by
    ``two_family_scores`` / ``review_ranking``; kept for ``test_end_to_end.py``, which still calls it.

    Returns ``combined_score``, ``anomaly_rank`` (nullable Int64, 1 = most anomalous) and ``is_flagged``
    (rank <= ``review_list_size``), indexed like ``combined``.
    """
    frame = pd.DataFrame({"unit": combined.index.astype(str), "combined_score": combined.to_numpy(dtype=float)})
    rankable = frame[~frame["combined_score"].isna()].sort_values(
        ["combined_score", "unit"], ascending=[False, True], kind="stable"
    )
    rank = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    rank.loc[rankable.index] = np.arange(1, len(rankable) + 1)
    out = pd.DataFrame(
        {
            "combined_score": frame["combined_score"].to_numpy(),
            "anomaly_rank": pd.array(rank.to_numpy(), dtype="Int64"),
            "is_flagged": (rank <= review_list_size).fillna(False).to_numpy(dtype=bool),
        },
        index=combined.index,
    )
    return out


# ---------------------------------------------------------------------------------------------------------
# The normal tail on the log scale
# ---------------------------------------------------------------------------------------------------------

LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
LN10 = math.log(10.0)
# From |z| = 20 on, the tail is taken from Laplace's continued fraction for the Mills ratio instead of math.erfc:
# erfc(|z|/sqrt 2) inherits the rounding of |z|/sqrt 2 (z^2/2 ulps, 2e-14 relative at 20) and underflows
# past 38.5; the fraction, 80 levels deep, is exact to rounding for |z| >= 20 and never underflows on the log
# scale.
MILLS_FRACTION_FROM = 20.0
MILLS_FRACTION_DEPTH = 80


def _mills_ratio(z: float) -> float:
    """(1 - Phi(z)) / phi(z) for z >= MILLS_FRACTION_FROM: 1 / (z + 1/(z + 2/(z + 3/(z + ...)))), evaluated
    backwards from MILLS_FRACTION_DEPTH levels."""
    tail = z
    for level in range(MILLS_FRACTION_DEPTH, 0, -1):
        tail = z + level / tail
    return 1.0 / tail


def _log_upper_tail_scalar(z: float) -> float:
    if math.isnan(z):
        return math.nan
    if z >= MILLS_FRACTION_FROM:
        return -0.5 * z * z - LOG_SQRT_2PI + math.log(_mills_ratio(z))
    if z > 0.0:
        return math.log(0.5 * math.erfc(z / SQRT2))
    if z > -MILLS_FRACTION_FROM:
        return math.log1p(-0.5 * math.erfc(-z / SQRT2))
    return math.log1p(-math.exp(_log_upper_tail_scalar(-z)))


def log_normal_upper_tail(z: ArrayLike) -> FloatArray:
    """Natural log of the one-sided p-value, log(1 - Phi(z)) = log Phi(-z), finite for every finite z.

    Phi(-z) itself underflows to 0 beyond z = 38.5; its log does not: for z >= 20 it is
    -z^2/2 - log sqrt(2 pi) + log R(z) with R the Mills ratio (Laplace's continued fraction); for 0 < z < 20
    log(erfc(z / sqrt 2) / 2); for z <= 0 log1p(-Phi(z)), so that values near log 1 = 0 keep their digits.
    NaN stays NaN. Relative accuracy about 1e-14 or better over the whole line.
    """
    zz = np.asarray(z, dtype=float)
    return np.vectorize(_log_upper_tail_scalar, otypes=[float])(zz) if zz.size else zz.copy()


# ---------------------------------------------------------------------------------------------------------
# Combination: two families, the stronger one decides (METHODS.md)
# ---------------------------------------------------------------------------------------------------------

STATISTICS: tuple[int, ...] = (1, 2, 3)
MATCH_FAMILY: tuple[int, ...] = (1, 2)  # statistics 1 and 2 share their numerator: one family
MINOR_FAMILY: tuple[int, ...] = (3,)
MIN_UNITS_FOR_CORRELATION = 3  # r_12 = 0 when fewer units are eligible for both statistics 1 and 2
R12Units = Literal["eligible", "ranked"]
CustodySites = Literal["separate", "annotate"]


def _statistic_frame(
    values: pd.DataFrame | Mapping[int, object] | None, index: pd.Index, default: bool
) -> pd.DataFrame:
    """Per-unit, per-statistic booleans (columns 1, 2, 3) from a DataFrame, a mapping statistic -> scalar or
    per-unit values, or None (``default`` everywhere); missing entries are ``default``."""
    out = pd.DataFrame(default, index=index, columns=list(STATISTICS), dtype=bool)
    if values is None:
        return out
    items = values.items() if isinstance(values, (pd.DataFrame, pd.Series, Mapping)) else ()
    for statistic, column in items:
        k = int(statistic)
        if k not in STATISTICS:
            raise ValueError(f"statistic must be 1, 2 or 3, got {statistic!r}")
        if isinstance(column, pd.Series):
            series = column.reindex(index)
        elif np.ndim(column) == 0:
            series = pd.Series(column, index=index)
        else:
            series = pd.Series(np.asarray(column), index=index)
        out[k] = series.astype("boolean").fillna(default).to_numpy(dtype=bool)
    return out


def _z_frame(z_by_stat: pd.DataFrame) -> pd.DataFrame:
    """z-scores as floats with columns exactly 1, 2, 3 (a missing column is all NaN = not eligible)."""
    renamed = z_by_stat.rename(columns=int)
    unknown = [c for c in renamed.columns if c not in STATISTICS]
    if unknown:
        raise ValueError(f"z_by_stat columns must be statistics 1, 2, 3; got {unknown}")
    return renamed.reindex(columns=list(STATISTICS)).apply(pd.to_numeric, errors="coerce").astype(float)


def ranked_statistics_mask(
    z_by_stat: pd.DataFrame,
    synthetic_by_stat: pd.DataFrame | Mapping[int, object] | None = None,
    rank_synthetic_inputs: bool = False,
) -> pd.DataFrame:
    """Which statistics enter the combination, per unit: eligible (z not NaN) and, unless
    ``rank_synthetic_inputs``, not resting on synthetic inputs (METHODS.md "Synthetic inputs never decide the
    list").

    ``synthetic_by_stat``: True where a statistic's inputs include a synthetic placeholder, as a DataFrame like
    ``z_by_stat`` or a mapping ``{statistic: bool or per-unit values}`` (e.g. ``{2: True, 3: True}`` on the
    embedded data, whose UCR rows are all synthetic); None = nothing synthetic. Returns booleans, columns 1-3.
    """
    z = _z_frame(z_by_stat)
    synthetic = _statistic_frame(synthetic_by_stat, z.index, default=False)
    eligible = z.notna()
    return eligible & (~synthetic | rank_synthetic_inputs)


def match_family_correlation(z_by_stat: pd.DataFrame, units: ArrayLike | None = None) -> float:
    """r_12: Pearson correlation of z_1 and z_2 over the units eligible for both (z not NaN), in one period.

    ``units``: optional boolean mask restricting the units further (``two_family_scores`` passes "ranked for
    both" when asked to). 0 when fewer than 3 such units, and when either z has no spread there (undefined).
    """
    z = _z_frame(z_by_stat)
    z1 = z[1].to_numpy(dtype=float)
    z2 = z[2].to_numpy(dtype=float)
    both = ~np.isnan(z1) & ~np.isnan(z2)
    if units is not None:
        both &= np.asarray(units, dtype=bool)
    if both.sum() < MIN_UNITS_FOR_CORRELATION:
        return 0.0
    d1 = z1[both] - z1[both].mean()
    d2 = z2[both] - z2[both].mean()
    spread = math.sqrt(float(np.sum(d1 * d1)) * float(np.sum(d2 * d2)))
    return float(np.sum(d1 * d2)) / spread if spread > 0.0 else 0.0


def sidak_combined_p(m: ArrayLike, n_families: ArrayLike) -> FloatArray:
    """Sidak's combined p for the smaller family p ``m`` and J = ``n_families``: 1 - (1 - m)^J, computed as m
    (J = 1) and m * (2 - m) (J = 2), never as 1 - (1 - m)^2, which cancels for small m. NaN where J = 0."""
    mm = np.asarray(m, dtype=float)
    jj = np.asarray(n_families)
    if np.any((jj < 0) | (jj > 2)):
        raise ValueError("n_families must be 0, 1 or 2")
    return np.where(jj == 1, mm, np.where(jj == 2, mm * (2.0 - mm), np.nan))


def two_family_scores(
    z_by_stat: pd.DataFrame,
    synthetic_by_stat: pd.DataFrame | Mapping[int, object] | None = None,
    rank_synthetic_inputs: bool = False,
    r12_units: R12Units = "eligible",
) -> pd.DataFrame:
    """The two-family combination and ``anomaly_rank`` of METHODS.md, for one reporting period.

    ``z_by_stat``: one row per unit (index = unit code, ``county_fips``), columns the statistics 1, 2, 3
    (ints; a missing column counts as not eligible), the overdispersion-adjusted ``z_score``, NaN where the
    unit is not eligible. ``synthetic_by_stat`` and ``rank_synthetic_inputs``: see ``ranked_statistics_mask``.

    Rules (METHODS.md), over the statistics a unit is eligible for and that are ranked:
    match family z_M = (sum of z_k, k in {1, 2}) / sqrt(K_M + 2 r_12 [both]), K_M in {1, 2}; minor family
    z_m = z_3; p_j = 1 - Phi(z_j) (``one_sided_p``); J = number of families (0, 1, 2); m = min p_j;
    ``combined_p`` = m (J = 1) or m (2 - m) (J = 2); ``combined_score`` = -log10(combined_p) from log p;
    ``driving_family`` = the family with the smaller p (ties: ``match``); ``anomaly_rank`` over units with
    J >= 1: ascending combined_p, ties by the larger driving-family z, then the unit code ascending.

    Choices where METHODS.md leaves room:

    - r_12 is one number per period, over the units eligible for both statistics 1 and 2 whether or not they
      are ranked (METHODS.md: "over the units eligible for both"); ``r12_units="ranked"`` takes the units
      ranked for both instead. It only matters for units with both statistics ranked.
    - Which family has the smaller p is decided on z (p_j is strictly decreasing in z_j), so the order is
      exact even where both p round to the same double or underflow to 0; equal z: ``match``. m is the
      smaller of the two p as doubles.
    - ``combined_score`` = -(log m + [J = 2] log(2 - m)) / ln 10, with log m = ``log_normal_upper_tail`` of
      the driving family's z: finite where m underflows (log(2 - m) is then log 2).
    - The rank sorts on ``combined_p`` as a double, as METHODS.md says: units whose combined_p underflows to
      0 (z above about 38.5) tie there and are ordered by their driving z.
    - ``ranked_statistics``: the statistics that entered the combination (eligible and ranked), ascending,
      joined by commas without spaces (``"1"``, ``"1,3"``, ``"1,2,3"``); None when none did (J = 0). A
      ranked statistic enters even when its family does not drive.
    - Degenerate r_12 = -1 with both match statistics ranked (K_M + 2 r_12 = 0): z_M is undefined (NaN) and
      the match family is left out of J; not reached by real data.
    - Units with J = 0 keep NaN p, z and score, ``driving_family`` None and ``anomaly_rank`` NA.

    Output, indexed like ``z_by_stat``: ``is_ranked_1`` .. ``is_ranked_3``, ``ranked_statistics``,
    ``k_match`` (K_M, 0-2), ``r_12``, ``z_match``, ``z_minor``, ``p_match``, ``p_minor``, ``n_families`` (J),
    ``driving_family``, ``driving_z``, ``combined_p``, ``log_combined_p`` (natural log), ``combined_score``,
    ``anomaly_rank`` (nullable Int64, 1 = most anomalous).
    """
    if r12_units not in ("eligible", "ranked"):
        raise ValueError(f"r12_units must be eligible or ranked, got {r12_units}")
    z = _z_frame(z_by_stat)
    ranked = ranked_statistics_mask(z, synthetic_by_stat, rank_synthetic_inputs)
    units = len(z)
    r12 = match_family_correlation(z, (ranked[1] & ranked[2]).to_numpy() if r12_units == "ranked" else None)

    zr = z.where(ranked)  # z of the ranked statistics, NaN elsewhere
    in_match = ranked[list(MATCH_FAMILY)].to_numpy(dtype=bool)
    k_match = in_match.sum(axis=1)
    match_sum = np.nansum(zr[list(MATCH_FAMILY)].to_numpy(dtype=float), axis=1)
    variance = k_match + 2.0 * r12 * (k_match == 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_match = np.where((k_match > 0) & (variance > 0.0), match_sum / np.sqrt(variance), np.nan)
    z_minor = zr[MINOR_FAMILY[0]].to_numpy(dtype=float)
    has_match = ~np.isnan(z_match)
    has_minor = ~np.isnan(z_minor)
    n_families = has_match.astype(int) + has_minor.astype(int)

    p_match = one_sided_p(z_match)
    p_minor = one_sided_p(z_minor)
    minor_drives = has_minor & (~has_match | (z_minor > z_match))
    driving_z = np.where(minor_drives, z_minor, z_match)
    driving_family = np.where(minor_drives, "minor", np.where(has_match, "match", None)).astype(object)
    with np.errstate(invalid="ignore"):
        m = np.where(n_families > 0, np.fmin(p_match, p_minor), np.nan)
    combined_p = sidak_combined_p(m, n_families)
    log_m = log_normal_upper_tail(driving_z)
    with np.errstate(invalid="ignore"):
        log_combined_p = np.where(n_families == 2, log_m + np.log(2.0 - m), log_m)
    log_combined_p = np.where(n_families > 0, log_combined_p, np.nan)
    combined_score = -log_combined_p / LN10

    ranked_text = np.full(units, None, dtype=object)
    flags = ranked.to_numpy(dtype=bool)
    for u in range(units):
        entered = [str(k) for i, k in enumerate(STATISTICS) if flags[u, i]]
        if n_families[u] > 0 and entered:
            ranked_text[u] = ",".join(entered)

    order = pd.DataFrame(
        {
            "combined_p": combined_p,
            "driving_z": driving_z,
            "unit": z.index.astype(str),
            "position": np.arange(units),
        }
    )
    order = order[n_families > 0].sort_values(
        ["combined_p", "driving_z", "unit"], ascending=[True, False, True], kind="stable"
    )
    rank = np.full(units, pd.NA, dtype=object)
    rank[order["position"].to_numpy()] = np.arange(1, len(order) + 1)

    return pd.DataFrame(
        {
            "is_ranked_1": flags[:, 0],
            "is_ranked_2": flags[:, 1],
            "is_ranked_3": flags[:, 2],
            "ranked_statistics": pd.array(ranked_text, dtype="string"),
            "k_match": k_match,
            "r_12": r12,
            "z_match": z_match,
            "z_minor": z_minor,
            "p_match": p_match,
            "p_minor": p_minor,
            "n_families": n_families,
            "driving_family": pd.array(driving_family, dtype="string"),
            "driving_z": np.where(n_families > 0, driving_z, np.nan),
            "combined_p": combined_p,
            "log_combined_p": log_combined_p,
            "combined_score": combined_score,
            "anomaly_rank": pd.array(rank, dtype="Int64"),
        },
        index=z.index,
    )


# ---------------------------------------------------------------------------------------------------------
# Custody sites (METHODS.md "Custody sites")
# ---------------------------------------------------------------------------------------------------------

ICE_ADP_FISCAL_YEARS = (2009, 2018)  # the years ref_ice_detention_adp covers (FY09-FY18)
DEFAULT_CUSTODY_ADP_PER_10K = 1.0


def federal_fiscal_year(day: object) -> int:
    """The US federal fiscal year containing ``day``: FY n runs from 1 October of n - 1 to 30 September of n."""
    stamp = pd.Timestamp(day)
    return stamp.year + 1 if stamp.month >= 10 else stamp.year


def quarter_last_day(reporting_period: str) -> pd.Timestamp:
    """Last day of a ``YYYYQn`` quarter label (``2012Q3`` -> 2012-09-30)."""
    text = str(reporting_period)
    if len(text) != 6 or not text[:4].isdigit() or text[4] != "Q" or text[5] not in "1234":
        raise ValueError(f"reporting_period must look like 2012Q3, got {reporting_period!r}")
    first_of_next = pd.Timestamp(year=int(text[:4]), month=3 * int(text[5]), day=1) + pd.offsets.MonthBegin(1)
    return first_of_next - pd.Timedelta(days=1)


def unit_of_county(counties: pd.DataFrame, reporting_units: pd.DataFrame | None) -> pd.Series:
    """county_fips -> unit_fips for every county of ``counties``: the unit of ``reporting_units`` where the
    county is a member, the county itself otherwise (METHODS.md "The unit")."""
    codes = counties["county_fips"].astype(str)
    unit = pd.Series(codes.to_numpy(), index=codes.to_numpy(), name="unit_fips")
    if reporting_units is not None and len(reporting_units):
        members = reporting_units.astype({"unit_fips": str, "county_fips": str})
        mapped = members.set_index("county_fips")["unit_fips"]
        unit.loc[unit.index.intersection(mapped.index)] = mapped.reindex(unit.index).dropna()
    return unit


def custody_context(
    facilities: pd.DataFrame,
    ice_adp: pd.DataFrame,
    counties: pd.DataFrame,
    reporting_units: pd.DataFrame | None,
    period_end: object,
    custody_adp_per_10k: float = DEFAULT_CUSTODY_ADP_PER_10K,
    adp_fiscal_years: tuple[int, int] = ICE_ADP_FISCAL_YEARS,
) -> pd.DataFrame:
    """Custody-site figures per reporting unit for one period (METHODS.md "Custody sites").

    Inputs are the seeds as DataFrames: ``facilities`` = ref_custody_facilities (``facility_id``,
    ``county_fips``, ``facility_kind``, ``capacity``; other columns ignored), ``ice_adp`` =
    ref_ice_detention_adp (``facility_id``, ``fiscal_year``, ``average_daily_population``), ``counties`` =
    ref_counties (``county_fips``, ``population_2010``), ``reporting_units`` = ref_reporting_units
    (``unit_fips``, ``county_fips``; None or empty = every county its own unit). ``period_end``: the period's
    last day (``quarter_last_day`` of a ``YYYYQn`` label).

    Output, one row per unit (index ``unit_fips``): ``fiscal_year`` (of ``period_end``), ``population_2010``
    (members summed), ``ice_detainee_adp`` = summed ADP of the unit's ``ice_detention`` facilities in that
    fiscal year (0 for a unit without any when the year is within ``adp_fiscal_years``, NaN outside),
    ``ice_detainee_adp_per_10k`` = 10,000 ADP / population_2010, ``has_state_intake_centre``,
    ``state_prison_capacity_per_10k`` (context only), ``is_custody_explained`` =
    ``ice_detainee_adp_per_10k >= custody_adp_per_10k`` or ``has_state_intake_centre``.

    Choices where METHODS.md leaves room:

    - A facility counts for the fiscal year whose ADP row it has; ``first_use_date``/``last_use_date`` are
      not consulted (the ADP table already says when a site held detainees). A facility without an ADP row
      for the year, or with a null ADP, adds 0.
    - The years "the list covers" are ``adp_fiscal_years`` (default FY2009-FY2018 as METHODS.md states),
      not whatever years happen to be in ``ice_adp``.
    - ``state_prison_capacity_per_10k`` sums the known ``capacity`` of ``state_prison`` facilities only (not
      ``state_intake`` or ``federal_prison``); 0 for a unit with no state prison, NaN when it has state
      prisons but no known capacity.
    - Facilities whose county is not in ``counties`` are dropped; a unit's population is the sum over its
      members in ``counties``; per-10k figures are NaN where that population is missing or not positive.
    - ``is_custody_explained`` is False (never NA) where the ADP figure is NaN and there is no intake centre.
    """
    fiscal_year = federal_fiscal_year(period_end)
    unit = unit_of_county(counties, reporting_units)
    population = pd.to_numeric(counties["population_2010"], errors="coerce").to_numpy(dtype=float)
    unit_population = pd.Series(population, index=unit.to_numpy()).groupby(level=0).sum(min_count=1)
    out = pd.DataFrame(index=pd.Index(sorted(unit_population.index), name="unit_fips"))
    out["fiscal_year"] = fiscal_year
    out["population_2010"] = unit_population.reindex(out.index)
    per_10k_base = out["population_2010"].where(out["population_2010"] > 0.0)

    sites = facilities.astype({"facility_id": str, "county_fips": str})
    sites = sites[sites["county_fips"].isin(unit.index)].copy()
    sites["unit_fips"] = unit.reindex(sites["county_fips"]).to_numpy()

    ice_sites = sites[sites["facility_kind"] == "ice_detention"][["facility_id", "unit_fips"]]
    low, high = adp_fiscal_years
    if low <= fiscal_year <= high:
        adp = ice_adp.astype({"facility_id": str})
        adp = adp[pd.to_numeric(adp["fiscal_year"], errors="coerce") == fiscal_year]
        adp_value = pd.to_numeric(adp["average_daily_population"], errors="coerce").fillna(0.0)
        by_facility = adp_value.groupby(adp["facility_id"].to_numpy()).sum()
        joined = ice_sites.assign(adp=by_facility.reindex(ice_sites["facility_id"]).fillna(0.0).to_numpy())
        out["ice_detainee_adp"] = joined.groupby("unit_fips")["adp"].sum().reindex(out.index).fillna(0.0)
    else:
        out["ice_detainee_adp"] = np.nan
    out["ice_detainee_adp_per_10k"] = 10_000.0 * out["ice_detainee_adp"] / per_10k_base

    intake_units = set(sites.loc[sites["facility_kind"] == "state_intake", "unit_fips"])
    out["has_state_intake_centre"] = out.index.isin(list(intake_units))

    prisons = sites[sites["facility_kind"] == "state_prison"]
    capacity = pd.to_numeric(prisons["capacity"], errors="coerce")
    prison_capacity = capacity.groupby(prisons["unit_fips"].to_numpy()).sum(min_count=1)
    has_prison = out.index.isin(list(set(prisons["unit_fips"])))
    capacity_by_unit = prison_capacity.reindex(out.index).where(has_prison, 0.0)
    out["state_prison_capacity_per_10k"] = 10_000.0 * capacity_by_unit / per_10k_base

    explained_by_adp = (out["ice_detainee_adp_per_10k"] >= custody_adp_per_10k).fillna(False)
    out["is_custody_explained"] = explained_by_adp.to_numpy(dtype=bool) | out["has_state_intake_centre"]
    return out


def _unit_flags(values: pd.Series | ArrayLike | None, index: pd.Index) -> pd.Series:
    """Booleans on ``index``: a Series is aligned on its labels, anything else taken in order; missing = False."""
    if values is None:
        return pd.Series(False, index=index)
    series = values.reindex(index) if isinstance(values, pd.Series) else pd.Series(np.asarray(values), index=index)
    return series.astype("boolean").fillna(False).astype(bool)


def apply_custody_policy(
    anomaly_rank: pd.Series,
    is_custody_explained: pd.Series | ArrayLike | None,
    custody_sites: CustodySites = "separate",
    review_list_size: int = 24,
) -> pd.DataFrame:
    """The review list under the ``custody_sites`` policy (METHODS.md "Custody sites", review list policy).

    ``anomaly_rank``: nullable ranks (NA = not rankable), index = unit. ``is_custody_explained``: booleans on
    the same units (a Series aligned on its index, else in order; missing = False; None = no unit explained).

    - ``separate``: ``review_rank`` = 1, 2, ... over the rankable units without an explanation, in
      ``anomaly_rank`` order; ``is_flagged`` = review_rank <= ``review_list_size``; explained units keep
      their anomaly_rank, get ``review_rank`` NA, and ``is_custody_explained_high`` where their anomaly_rank
      is smaller (better) than that of the last flagged unit.
    - ``annotate``: ``review_rank`` = ``anomaly_rank``; ``is_flagged`` = anomaly_rank <= ``review_list_size``;
      ``is_custody_explained_high`` = flagged and explained.

    Choices: when nothing is flagged (size 0, or no unexplained rankable unit) no unit is marked
    ``is_custody_explained_high``; when fewer unexplained units than ``review_list_size`` exist, all are
    flagged and "the last flagged unit" is the lowest-ranked of them.

    Returns ``review_rank`` (Int64), ``is_flagged``, ``is_custody_explained_high`` (bool), indexed like
    ``anomaly_rank``.
    """
    if custody_sites not in ("separate", "annotate"):
        raise ValueError(f"custody_sites must be separate or annotate, got {custody_sites}")
    if review_list_size < 0:
        raise ValueError(f"review_list_size must be >= 0, got {review_list_size}")
    rank = pd.array(anomaly_rank, dtype="Int64")
    rankable = ~np.asarray(pd.isna(rank), dtype=bool)
    rank_values = np.where(rankable, rank.to_numpy(dtype=float, na_value=np.nan), np.inf)
    explained = _unit_flags(is_custody_explained, anomaly_rank.index).to_numpy(dtype=bool)
    review_rank = np.full(len(rank), pd.NA, dtype=object)
    if custody_sites == "annotate":
        review_rank[rankable] = rank_values[rankable].astype(int)
        flagged = rankable & (rank_values <= review_list_size)
        high = flagged & explained
    else:
        candidates = np.flatnonzero(rankable & ~explained)
        candidates = candidates[np.argsort(rank_values[candidates], kind="stable")]
        review_rank[candidates] = np.arange(1, len(candidates) + 1)
        flagged = np.zeros(len(rank), dtype=bool)
        flagged[candidates[:review_list_size]] = True
        if flagged.any():
            last_flagged = float(rank_values[flagged].max())
            high = rankable & explained & (rank_values < last_flagged)
        else:
            high = np.zeros(len(rank), dtype=bool)
    return pd.DataFrame(
        {
            "review_rank": pd.array(review_rank, dtype="Int64"),
            "is_flagged": flagged,
            "is_custody_explained_high": high,
        },
        index=anomaly_rank.index,
    )


def review_ranking(
    z_by_stat: pd.DataFrame,
    *,
    synthetic_by_stat: pd.DataFrame | Mapping[int, object] | None = None,
    rank_synthetic_inputs: bool = False,
    is_custody_explained: pd.Series | ArrayLike | None = None,
    custody_sites: CustodySites = "separate",
    review_list_size: int = 24,
    q_by_stat: pd.DataFrame | None = None,
    fdr_level: float = 0.05,
    r12_units: R12Units = "eligible",
) -> pd.DataFrame:
    """``rpt_anomaly_ranking`` for one period, recomputed: ``two_family_scores`` then ``apply_custody_policy``.

    ``is_custody_explained``: e.g. ``custody_context(...)["is_custody_explained"]`` (reindexed to the units;
    missing = False). ``q_by_stat``: optional q-values like ``z_by_stat``; when given, ``is_significant`` =
    any ranked statistic with q < ``fdr_level`` (METHODS.md "The review list").

    Output: the columns of ``two_family_scores``, ``is_custody_explained``, ``review_rank``, ``is_flagged``,
    ``is_custody_explained_high`` and, with ``q_by_stat``, ``is_significant``; indexed like ``z_by_stat``.
    """
    scores = two_family_scores(z_by_stat, synthetic_by_stat, rank_synthetic_inputs, r12_units)
    explained = _unit_flags(is_custody_explained, scores.index)
    scores["is_custody_explained"] = explained.to_numpy(dtype=bool)
    policy = apply_custody_policy(scores["anomaly_rank"], explained, custody_sites, review_list_size)
    scores = scores.join(policy)
    if q_by_stat is not None:
        q = _z_frame(q_by_stat).reindex(scores.index)
        ranked = scores[["is_ranked_1", "is_ranked_2", "is_ranked_3"]].to_numpy(dtype=bool)
        below = (q.to_numpy(dtype=float) < fdr_level) & ranked
        scores["is_significant"] = below.any(axis=1)
    return scores
