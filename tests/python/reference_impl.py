"""Independent reference implementation of the monitoring method (docs/METHODS.md) in plain numpy/pandas.

Written from METHODS.md alone, separately from the dbt models (which do the same in SQL), so that the
end-to-end tests can compare the warehouse against a second implementation. No scipy: the normal CDF is
written with ``math.erfc`` and the Poisson tails with a hand-written regularised incomplete gamma function.

Conventions (all choices where METHODS.md leaves room are listed in ``score_period``'s docstring):

- ``y``, ``s``, ``target``: the variance-stabilised value, its standard error and its target.
- Missing inputs are ``NaN`` (``None``/``pd.NA`` in a DataFrame are converted to ``NaN``).
- Statistics are numbered 1, 2, 3 as in METHODS.md.
"""

from __future__ import annotations

import math
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
    """Correlation-adjusted Stouffer score per unit.

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
