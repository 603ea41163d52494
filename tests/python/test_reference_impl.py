"""Tests of the independent Python reference implementation against published reference values.

The reference values are the repo's seeds in ``seeds/reference_values/`` (FunnelPlotR 0.6.0, metafor 3.8.1,
R ``p.adjust``); see the README there. Run with ``pytest tests/python``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import reference_impl as ri

REF_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference_values"

TOL = 1e-8  # tau^2, z, phi
TOL_BH = 1e-9


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF_DIR / name)


def _half_ulp_of_print(text: str) -> float:
    """Half a unit in the last printed decimal place of a number written as ``text``."""
    exponent = Decimal(text.strip()).as_tuple().exponent
    assert isinstance(exponent, int)
    return 0.5 * 10.0**exponent


# ---------------------------------------------------------------------------------------------------------
# Paule-Mandel (metafor 3.8.1)
# ---------------------------------------------------------------------------------------------------------


def test_paule_mandel_sqrt_ratio() -> None:
    d = _read("ref_sr_sqrt_paule_mandel.csv")
    y, s, target = ri.sqrt_ratio_transform(d["numerator"], d["denominator"])
    assert target == 1.0
    tau2 = ri.paule_mandel_tau2(y - target, s)
    assert tau2 == pytest.approx(0.005706195752, abs=TOL)
    np.testing.assert_allclose(ri.od_z(y, s, target, tau2), d["z_pm"], rtol=0, atol=TOL)


def test_paule_mandel_arcsine_share() -> None:
    d = _read("ref_pr_arcsine_paule_mandel.csv")
    pooled = d["numerator"].sum() / d["denominator"].sum()
    y, s, target = ri.arcsine_share_transform(d["numerator"], d["denominator"], pooled)
    assert target == 0.0
    tau2 = ri.paule_mandel_tau2(y - target, s)
    assert tau2 == pytest.approx(0.00413495582688, abs=TOL)
    np.testing.assert_allclose(ri.od_z(y, s, target, tau2), d["z_pm"], rtol=0, atol=TOL)


def test_paule_mandel_root_solves_q() -> None:
    d = _read("ref_sr_sqrt_paule_mandel.csv")
    y, s, target = ri.sqrt_ratio_transform(d["numerator"], d["denominator"])
    r = y - target
    tau2 = ri.paule_mandel_tau2(r, s)
    w = 1.0 / (s**2 + tau2)
    q = np.sum(w * r**2) - np.sum(w * r) ** 2 / np.sum(w)  # METHODS.md's form of Q
    assert q == pytest.approx(len(r) - 1, rel=1e-12)


def test_paule_mandel_zero_when_no_excess_dispersion() -> None:
    s = np.full(5, 0.1)
    r = np.array([0.01, -0.02, 0.0, 0.015, -0.005])  # Q(0) far below I - 1
    assert ri.paule_mandel_tau2(r, s) == 0.0
    assert ri.paule_mandel_tau2(np.array([0.3]), np.array([0.1])) == 0.0


# ---------------------------------------------------------------------------------------------------------
# NHS/CQC convention (FunnelPlotR 0.6.0)
# ---------------------------------------------------------------------------------------------------------


def test_dl_winsorized_ratio_cqc() -> None:
    d = _read("ref_sr_cqc.csv")
    y, s, target = ri.sqrt_ratio_transform(d["numerator"], d["denominator"])
    np.testing.assert_allclose(y, d["Y"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(s, d["s"], rtol=0, atol=1e-12)
    np.testing.assert_allclose((y - target) / s, d["Uzscore"], rtol=0, atol=1e-10)
    phi, tau2, zw = ri.dl_winsorized(y, s, target)
    assert phi == pytest.approx(2.54276841442, abs=TOL)
    assert tau2 == pytest.approx(0.00307704338098, abs=TOL)
    np.testing.assert_allclose(zw, d["Wuzscore"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ri.od_z(y, s, target, tau2), d["ODzscore"], rtol=0, atol=TOL)


def test_dl_winsorized_proportion() -> None:
    d = _read("ref_pr.csv")
    pooled = d["numerator"].sum() / d["denominator"].sum()
    assert pooled == pytest.approx(0.4548633185, abs=1e-10)
    y, s, target = ri.arcsine_share_transform(d["numerator"], d["denominator"], pooled)
    # FunnelPlotR reports Y = asin(sqrt(p)) and the target asin(sqrt(pooled)); ours is their difference.
    np.testing.assert_allclose(y, d["Y"] - d["target_transformed"], rtol=0, atol=1e-12)
    phi, tau2, zw = ri.dl_winsorized(y, s, target)
    assert phi == pytest.approx(1.87797056924, abs=TOL)
    assert tau2 == pytest.approx(0.00170454463283, abs=TOL)
    np.testing.assert_allclose(zw, d["Wuzscore"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ri.od_z(y, s, target, tau2), d["ODzscore"], rtol=0, atol=TOL)


def test_od_z_shrinks_towards_zero() -> None:
    d = _read("ref_sr_cqc.csv")
    y, s, target = ri.sqrt_ratio_transform(d["numerator"], d["denominator"])
    raw = (y - target) / s
    for tau2 in (ri.paule_mandel_tau2(y - target, s), ri.dl_winsorized(y, s, target)[1]):
        assert tau2 > 0
        assert np.all(np.abs(ri.od_z(y, s, target, tau2)) <= np.abs(raw))


# ---------------------------------------------------------------------------------------------------------
# Funnel limits
# ---------------------------------------------------------------------------------------------------------


def test_exact_poisson_limits() -> None:
    d = pd.read_csv(REF_DIR / "funnel_exact_limits.csv", dtype=str)
    for _, row in d.iterrows():
        e = float(row["expected"])
        lo95, hi95 = ri.exact_poisson_ratio_limits(e, 0.95)
        lo998, hi998 = ri.exact_poisson_ratio_limits(e, 0.998)
        for got, col in ((lo95, "lower_95"), (hi95, "upper_95"), (lo998, "lower_998"), (hi998, "upper_998")):
            assert abs(got - float(row[col])) <= _half_ulp_of_print(row[col]) + 1e-12, (e, col)


def test_overdispersed_limits_ratio_scale() -> None:
    d = pd.read_csv(REF_DIR / "funnel_od_limits.csv", dtype=str)
    for _, row in d.iterrows():
        lo, hi = ri.od_ratio_limits(float(row["expected"]), float(row["tau2"]), float(row["level"]) / 100.0)
        assert abs(float(lo) - float(row["lower"])) <= _half_ulp_of_print(row["lower"]) + 1e-12
        assert abs(float(hi) - float(row["upper"])) <= _half_ulp_of_print(row["upper"]) + 1e-12
        lo0, hi0 = ri.od_ratio_limits(float(row["expected"]), 0.0, float(row["level"]) / 100.0)
        assert lo <= lo0 and hi >= hi0  # wider with tau^2


# ---------------------------------------------------------------------------------------------------------
# p-values, q-values
# ---------------------------------------------------------------------------------------------------------


def test_bh_matches_r_p_adjust() -> None:
    d = _read("bh_ref.csv")
    np.testing.assert_allclose(ri.bh_q(d["p_value"]), d["q_value_r"], rtol=0, atol=TOL_BH)


def test_bh_order_and_missing() -> None:
    d = _read("bh_ref.csv")
    perm = np.random.default_rng(7).permutation(len(d))
    p = d["p_value"].to_numpy()[perm]
    np.testing.assert_allclose(ri.bh_q(p), d["q_value_r"].to_numpy()[perm], rtol=0, atol=TOL_BH)
    with_nan = np.concatenate([[np.nan], d["p_value"].to_numpy(), [np.nan]])
    q = ri.bh_q(with_nan)
    assert np.isnan(q[0]) and np.isnan(q[-1])
    np.testing.assert_allclose(q[1:-1], d["q_value_r"], rtol=0, atol=TOL_BH)


def test_one_sided_p() -> None:
    np.testing.assert_allclose(ri.one_sided_p([0.0, 1.959963984540054, -1.959963984540054]), [0.5, 0.025, 0.975])
    assert ri.one_sided_p([10.0])[0] == pytest.approx(7.61985302416047e-24, rel=1e-12)  # no 1 - Phi cancellation
    assert ri.normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-14)


def test_poisson_mid_p_against_direct_sum() -> None:
    for o, e in ((0, 2.5), (3, 3.0), (7, 4.2), (12, 19.5), (40, 18.0), (1, 0.3)):
        pmf = [math.exp(k * math.log(e) - e - math.lgamma(k + 1)) for k in range(400)]
        direct = sum(pmf[o + 1 :]) + 0.5 * pmf[o]
        assert ri.poisson_mid_p(o, e)[0] == pytest.approx(direct, rel=1e-12, abs=1e-300)


# ---------------------------------------------------------------------------------------------------------
# Shrinkage
# ---------------------------------------------------------------------------------------------------------


def test_ratio_shrunk() -> None:
    d = _read("ref_sr_cqc.csv")
    o = d["numerator"].to_numpy(float)
    e = d["denominator"].to_numpy(float)
    shrunk = ri.ratio_shrunk(o, e)
    m = o.sum() / e.sum()
    ratio = o / e
    v = max(0.0, np.sum(e * (ratio - m) ** 2) / e.sum() - m / e.mean())
    assert v > 0
    np.testing.assert_allclose(shrunk, m + v / (v + m / e) * (ratio - m), rtol=1e-14)
    # shrinks towards m, more for small E
    assert np.all(np.abs(shrunk - m) <= np.abs(ratio - m) + 1e-15)
    weight = (shrunk - m) / (ratio - m)
    assert np.all(np.diff(weight[np.argsort(e)]) >= -1e-12)


# ---------------------------------------------------------------------------------------------------------
# score_period and the review list on synthetic inputs
# ---------------------------------------------------------------------------------------------------------


def _synthetic_period(seed: int = 11, units: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    s = rng.integers(50, 20000, units).astype(float)
    f = rng.uniform(0.01, 0.35, units)
    a = rng.integers(100, 50000, units).astype(float)
    t = rng.uniform(0.5, 1.0, units)
    m = rng.poisson(0.4 * s * f * rng.lognormal(0, 0.3, units)).astype(float)
    n = np.floor(m * rng.uniform(0.3, 0.6, units))
    p0 = rng.uniform(0.3, 0.7, units)
    y = rng.binomial(n.astype(int), np.minimum(0.99, p0 * rng.uniform(0.8, 1.3, units))).astype(float)
    df = pd.DataFrame(
        {
            "unit_fips": [f"{i:05d}" for i in range(1001, 1001 + units)],
            "submissions": s,
            "matches_total": m,
            "matches_known_level": n,
            "matches_minor": y,
            "exposure_years": t,
            "foreign_born_share": f,
            "ucr_arrests": a,
            "ucr_minor_arrests": np.round(a * p0),
            "coverage_indicator": rng.uniform(60, 100, units),
        }
    )
    # special cases
    df.loc[0, ["submissions", "matches_total"]] = [0, 0]
    df.loc[1, "foreign_born_share"] = np.nan
    df.loc[2, "foreign_born_share"] = 0.0
    df.loc[3, ["ucr_arrests", "ucr_minor_arrests"]] = [np.nan, np.nan]
    df.loc[4, "coverage_indicator"] = 50.0
    df.loc[5, ["submissions", "matches_total", "matches_known_level", "matches_minor"]] = [40, 1, 1, 0]
    df.loc[5, "coverage_indicator"] = 95.0
    df.loc[6, ["matches_known_level", "matches_minor"]] = [0, 0]
    df.loc[7, ["matches_total", "matches_known_level", "matches_minor"]] = [0, 0, 0]  # zero matches: valid
    df.loc[8, "coverage_indicator"] = 95.0
    # unit-level activation (the warehouse's rule: not_activated only matters when there are no submissions)
    df["is_activated"] = True
    df.loc[9, ["submissions", "matches_total", "is_activated"]] = [0, 0, False]
    df.loc[10, ["ucr_arrests", "ucr_minor_arrests", "coverage_indicator"]] = [0, 0, 95.0]
    df.loc[11, ["exposure_years", "coverage_indicator"]] = [0.0, 95.0]
    df.loc[12, ["ucr_minor_arrests", "coverage_indicator"]] = [0, 95.0]
    df.loc[12, ["matches_known_level", "matches_minor"]] = [50, 10]
    df.loc[13, "is_activated"] = False  # has submissions: activation flag is irrelevant
    # several failures at once: the first in the warehouse's order wins
    df.loc[14, ["foreign_born_share", "ucr_arrests", "ucr_minor_arrests"]] = [np.nan, np.nan, np.nan]
    df.loc[15, ["ucr_arrests", "ucr_minor_arrests", "coverage_indicator"]] = [np.nan, np.nan, 50.0]
    df.loc[16, ["coverage_indicator", "exposure_years"]] = [50.0, 0.0]
    df.loc[17, ["matches_known_level", "matches_minor"]] = [0, 0]
    df.loc[17, ["ucr_arrests", "ucr_minor_arrests"]] = [np.nan, np.nan]
    return df


ANY = "any"  # reason not checked for this statistic
# row -> expected ineligible_reason for statistics 1, 2, 3 (None = valid)
EXPECTED_REASONS: dict[int, tuple[str | None, str | None, str | None]] = {
    0: ("no_submissions", "no_submissions", "no_submissions"),
    1: ("missing_census", "missing_census", ANY),
    2: ("zero_foreign_born_estimate", "zero_foreign_born_estimate", ANY),
    3: (ANY, "missing_ucr", "missing_ucr"),
    4: (ANY, "low_ucr_coverage", "low_ucr_coverage"),
    5: ("expected_below_minimum", ANY, "too_few_known_level_matches"),  # n = 1, E < 5: n < 10 checked first
    6: (ANY, ANY, "no_known_level_matches"),
    9: ("not_activated", "not_activated", "not_activated"),
    10: (ANY, "zero_ucr_arrests", "zero_ucr_arrests"),
    11: (ANY, "no_exposure", ANY),
    12: (ANY, ANY, "zero_ucr_minor_share"),
    14: ("missing_census", "missing_census", "missing_ucr"),
    15: (ANY, "missing_ucr", "missing_ucr"),
    16: (ANY, "low_ucr_coverage", "low_ucr_coverage"),
    17: (ANY, "missing_ucr", "no_known_level_matches"),
}


@pytest.mark.parametrize("statistic", [1, 2, 3])
@pytest.mark.parametrize("method", ["paule_mandel", "dl_winsorized"])
def test_score_period_invariants(statistic: int, method: ri.Tau2Method) -> None:
    df = _synthetic_period()
    out = ri.score_period(df, statistic, min_expected=5, min_ucr_coverage=80, tau2_method=method)
    assert len(out) == len(df)
    valid = out["is_valid"].to_numpy()
    # calibration: sum E = sum O over valid units (statistic 3 only when no pi hits the cap)
    if statistic != 3 or not (out["pi"] >= ri.PI_CAP).any():
        assert out.loc[valid, "expected"].sum() == pytest.approx(out.loc[valid, "observed"].sum(), rel=1e-12)
    for row, reasons in EXPECTED_REASONS.items():
        want = reasons[statistic - 1]
        if want != ANY:
            got = out.loc[row, "ineligible_reason"]
            assert (None if pd.isna(got) else got) == want, (row, statistic)
    if statistic != 3:
        assert bool(out.loc[7, "is_valid"])  # a unit with no matches is valid
    assert str(out.loc[13, "ineligible_reason"]) not in ("not_activated", "no_submissions")
    elig = out[out["is_eligible"]]
    assert elig["ineligible_reason"].isna().all()
    assert (out.loc[~out["is_eligible"], "ineligible_reason"].notna()).all()
    assert (elig["expected"] >= 5).all()
    if statistic == 3:
        assert (df.loc[elig.index, "matches_known_level"] >= 10).all()
    assert out.loc[~out["is_eligible"], ["z_score", "p_value", "q_value"]].isna().all().all()
    assert elig[["z_score", "p_value", "q_value"]].notna().all().all()
    tau2 = float(elig["tau2"].iloc[0])
    if tau2 > 0:
        assert (elig["z_score"].abs() <= elig["raw_z"].abs() + 1e-15).all()
    np.testing.assert_allclose(elig["q_value"], ri.bh_q(elig["p_value"]))
    small = out["is_valid"] & (out["expected"] < 20)
    assert out.loc[small, "p_value_exact"].notna().all()


def test_score_period_statistic3_pi_and_reasons() -> None:
    df = _synthetic_period()
    out = ri.score_period(df, 3, min_expected=5, min_ucr_coverage=80)
    p0 = df["ucr_minor_arrests"] / df["ucr_arrests"]
    valid = out["is_valid"]
    k3 = df.loc[valid, "matches_minor"].sum() / (df.loc[valid, "matches_known_level"] * p0[valid]).sum()
    np.testing.assert_allclose(out.loc[valid, "pi"], np.minimum(k3 * p0[valid], 0.999))
    np.testing.assert_allclose(out.loc[valid, "expected"], df.loc[valid, "matches_known_level"] * out["pi"][valid])
    reasons = set(out["ineligible_reason"].dropna())
    assert reasons <= {
        "not_activated",
        "no_submissions",
        "no_known_level_matches",
        "missing_ucr",
        "zero_ucr_arrests",
        "low_ucr_coverage",
        "zero_ucr_minor_share",
        "expected_below_minimum",
        "too_few_known_level_matches",
    }
    # the n < 10 rule applies to valid units before the E >= min_expected rule
    few = valid & (df["matches_known_level"] < 10)
    assert few.any()
    assert (out.loc[few, "ineligible_reason"] == "too_few_known_level_matches").all()


def test_is_activated() -> None:
    got = ri.is_activated(["2011-01-01", None, "2012-10-01", "2012-09-30"], "2012-09-30")
    assert got.tolist() == [True, False, False, True]


def test_score_period_matches_direct_computation() -> None:
    df = _synthetic_period()
    out = ri.score_period(df, 1, min_expected=5, min_ucr_coverage=80)
    valid = out["is_valid"]
    k1 = (
        df.loc[valid, "matches_total"].sum()
        / (df.loc[valid, "submissions"] * df.loc[valid, "foreign_born_share"]).sum()
    )
    assert out["calibration_constant"].iloc[0] == pytest.approx(k1, rel=1e-14)
    elig = out["is_eligible"]
    o = df.loc[elig, "matches_total"].to_numpy(float)
    e = k1 * (df.loc[elig, "submissions"] * df.loc[elig, "foreign_born_share"]).to_numpy()
    y, s, target = ri.sqrt_ratio_transform(o, e)
    tau2 = ri.paule_mandel_tau2(y - target, s)
    np.testing.assert_allclose(out.loc[elig, "z_score"], ri.od_z(y, s, target, tau2), rtol=1e-12)
    assert out.loc[elig, "phi"].iloc[0] == pytest.approx(np.mean(((y - target) / s) ** 2), rel=1e-12)


def test_combined_scores_and_ranking() -> None:
    z = pd.DataFrame(
        {
            1: [2.0, 1.0, -0.5, 0.3, np.nan, np.nan],
            2: [1.8, 1.2, -0.4, 0.1, 0.7, np.nan],
            3: [0.5, np.nan, 1.0, -1.0, 2.0, np.nan],
        },
        index=["01001", "01003", "01005", "01007", "01009", "01011"],
    )
    r = z.corr(method="pearson", min_periods=2)  # pairwise complete, as METHODS.md
    got = ri.combined_scores(z)
    for unit, row in z.iterrows():
        present = [k for k in z.columns if not np.isnan(row[k])]
        if not present:
            assert np.isnan(got[unit])
            continue
        var = len(present) + 2 * sum(r.loc[a, b] for i, a in enumerate(present) for b in present[i + 1 :])
        assert got[unit] == pytest.approx(row[present].sum() / math.sqrt(var), rel=1e-12)
    ranking = ri.anomaly_ranking(got, review_list_size=2)
    assert pd.isna(ranking.loc["01011", "anomaly_rank"])
    assert str(ranking["anomaly_rank"].dtype) == "Int64"
    by_score = ranking.dropna(subset=["anomaly_rank"]).sort_values("combined_score", ascending=False)
    assert by_score["anomaly_rank"].tolist() == list(range(1, len(by_score) + 1))
    assert ranking["is_flagged"].sum() == 2
    assert ranking.loc["01001", "anomaly_rank"] == 1


def test_ranking_ties_broken_by_code() -> None:
    combined = pd.Series([1.0, 2.0, 1.0, np.nan], index=["02000", "01000", "01500", "00100"])
    ranking = ri.anomaly_ranking(combined, review_list_size=24)
    assert ranking["anomaly_rank"].tolist()[:3] == [3, 1, 2]
    assert pd.isna(ranking.loc["00100", "anomaly_rank"])
