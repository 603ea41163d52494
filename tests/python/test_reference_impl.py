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


# ---------------------------------------------------------------------------------------------------------
# Two families, the stronger one decides (METHODS.md "Combining the statistics")
# Values marked "mpmath" were computed once with mpmath at 50 digits and are written here as constants.
# ---------------------------------------------------------------------------------------------------------

P_AT_2_5 = 0.006209665325776135  # 1 - Phi(2.5), mpmath
SCORE_AT_40 = 349.43700645934584  # -log10(1 - Phi(40)), mpmath; 1 - Phi(40) = 3.7e-350 underflows
SCORE_AT_40_TWO_FAMILIES = 349.13597646368186  # -log10(m (2 - m)), m = 1 - Phi(40), mpmath


def _z(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """z_by_stat from {unit: (z_1, z_2, z_3)}; NaN = not eligible."""
    return pd.DataFrame.from_dict(rows, orient="index", columns=[1, 2, 3], dtype=float)


def test_log_normal_upper_tail_known_values() -> None:
    got = ri.log_normal_upper_tail([0.0, 2.5, 10.0, 20.0, 40.0, 1e4, -3.0, -40.0])
    want = [
        math.log(0.5),
        -5.0816482772786904984,  # mpmath
        -53.231285150512470578,  # mpmath
        -203.91715537109726394,  # mpmath
        -804.60844201375378817,  # mpmath
        -50000010.129278915181,  # mpmath
        -0.0013508099647481937988,  # mpmath: log Phi(3)
        0.0,  # log(1 - 3.7e-350)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    # both sides of the switch to the continued fraction agree with each other and with math.erfc
    near = ri.log_normal_upper_tail([19.999999, 20.0, 20.000001])
    assert np.all(np.diff(near) < 0)
    assert near[1] == pytest.approx(math.log(0.5 * math.erfc(20.0 / math.sqrt(2.0))), rel=1e-13)
    assert np.isnan(ri.log_normal_upper_tail([np.nan])[0])


def test_sidak_two_families_exact_for_tiny_m() -> None:
    m = 1e-12
    got = float(ri.sidak_combined_p(m, 2))
    exact = Decimal("1e-12") * (Decimal(2) - Decimal("1e-12"))  # 1.999999999999e-12
    assert exact == Decimal("1.999999999999E-12")
    assert abs(Decimal(got) - exact) / exact < Decimal("2.3e-16")  # within one ulp
    # the cancelling form 1 - (1 - m)^2 is wrong in the fifth digit: the reason for m (2 - m)
    naive = 1.0 - (1.0 - m) ** 2
    assert abs(Decimal(naive) - exact) / exact > Decimal("1e-5")
    assert float(ri.sidak_combined_p(0.3, 1)) == 0.3
    assert math.isnan(float(ri.sidak_combined_p(0.3, 0)))
    with pytest.raises(ValueError):
        ri.sidak_combined_p(0.3, 3)


def test_one_ranked_statistic_gives_its_own_p() -> None:
    z = _z({"01001": (2.5, np.nan, np.nan), "01003": (2.5, 4.0, 5.0), "01005": (np.nan, np.nan, 2.5)})
    scores = ri.two_family_scores(z, synthetic_by_stat={2: True, 3: True})
    unit = scores.loc["01001"]
    assert unit["combined_p"] == pytest.approx(P_AT_2_5, rel=1e-14)
    assert unit["combined_p"] == ri.one_sided_p([2.5])[0]
    assert unit["n_families"] == 1 and unit["ranked_statistics"] == "1" and unit["driving_family"] == "match"
    assert unit["combined_score"] == pytest.approx(-math.log10(P_AT_2_5), rel=1e-14)
    # statistics 2 and 3 are synthetic: 01003 is scored on statistic 1 alone, exactly like 01001
    assert scores.loc["01003", "combined_p"] == unit["combined_p"]
    assert scores.loc["01003", "ranked_statistics"] == "1"
    # a unit with only a synthetic statistic is not rankable
    assert scores.loc["01005", "n_families"] == 0
    assert pd.isna(scores.loc["01005", "anomaly_rank"]) and pd.isna(scores.loc["01005", "ranked_statistics"])
    assert pd.isna(scores.loc["01005", "combined_p"]) and pd.isna(scores.loc["01005", "driving_family"])
    # with the flag, 01005 is ranked on statistic 3 alone, with its own p
    flagged = ri.two_family_scores(z, synthetic_by_stat={2: True, 3: True}, rank_synthetic_inputs=True)
    assert flagged.loc["01005", "combined_p"] == ri.one_sided_p([2.5])[0]
    assert flagged.loc["01005", "driving_family"] == "minor" and flagged.loc["01005", "ranked_statistics"] == "3"


def test_two_families_give_m_times_two_minus_m() -> None:
    z = _z({"01001": (3.0, np.nan, 1.0), "01003": (40.0, np.nan, 0.0), "01005": (1.0, np.nan, 2.0)})
    scores = ri.two_family_scores(z)
    p3 = ri.one_sided_p([3.0])[0]
    assert scores.loc["01001", "combined_p"] == p3 * (2.0 - p3)
    assert scores.loc["01001", "ranked_statistics"] == "1,3"
    assert scores.loc["01005", "driving_family"] == "minor"
    p2 = ri.one_sided_p([2.0])[0]
    assert scores.loc["01005", "combined_p"] == p2 * (2.0 - p2)
    # where p underflows the score stays finite, from log p: log m + log(2 - m)
    assert scores.loc["01003", "combined_p"] == 0.0
    assert scores.loc["01003", "combined_score"] == pytest.approx(SCORE_AT_40_TWO_FAMILIES, rel=1e-14)
    single = ri.two_family_scores(_z({"01003": (40.0, np.nan, np.nan)}))
    assert single.loc["01003", "combined_score"] == pytest.approx(SCORE_AT_40, rel=1e-14)


def test_weaker_family_never_changes_combined_p() -> None:
    z = _z({"01001": (3.0, np.nan, -8.0), "01003": (3.0, np.nan, 0.0), "01005": (3.0, np.nan, 2.9)})
    scores = ri.two_family_scores(z)
    assert scores["n_families"].tolist() == [2, 2, 2]
    assert scores["driving_family"].tolist() == ["match"] * 3
    # a strongly negative z_3 gives the same combined_p as a z_3 of 0: only J counts
    assert scores.loc["01001", "combined_p"] == scores.loc["01003", "combined_p"] == scores.loc["01005", "combined_p"]
    # what J does: one family gives m, two give m (2 - m)
    alone = ri.two_family_scores(_z({"01001": (3.0, np.nan, np.nan)}))
    m = alone.loc["01001", "combined_p"]
    assert scores.loc["01001", "combined_p"] == m * (2.0 - m)


def test_match_family_stouffer_with_r12() -> None:
    rows = {
        "01001": (2.0, 1.5, np.nan),
        "01003": (1.0, 1.2, np.nan),
        "01005": (-0.5, -0.1, np.nan),
        "01007": (0.3, 0.6, np.nan),
        "01009": (1.0, np.nan, np.nan),  # statistic 2 not eligible: K_M = 1
    }
    z = _z(rows)
    both = z.dropna(subset=[1, 2])
    r12 = float(np.corrcoef(both[1], both[2])[0, 1])
    scores = ri.two_family_scores(z)
    assert scores["r_12"].iloc[0] == pytest.approx(r12, rel=1e-14)
    assert scores.loc["01001", "z_match"] == pytest.approx(3.5 / math.sqrt(2.0 + 2.0 * r12), rel=1e-14)
    assert scores.loc["01001", "k_match"] == 2 and scores.loc["01001", "ranked_statistics"] == "1,2"
    assert scores.loc["01009", "z_match"] == 1.0 and scores.loc["01009", "k_match"] == 1
    # fewer than 3 units eligible for both: r_12 = 0
    few = ri.two_family_scores(_z({k: rows[k] for k in ("01001", "01003", "01009")}))
    assert few["r_12"].iloc[0] == 0.0
    assert few.loc["01001", "z_match"] == pytest.approx(3.5 / math.sqrt(2.0), rel=1e-15)
    assert ri.match_family_correlation(_z({k: rows[k] for k in ("01001", "01003")})) == 0.0
    # r_12 over the units ranked for both: with statistic 2 synthetic there are none
    gated = ri.two_family_scores(z, synthetic_by_stat={2: True}, r12_units="ranked")
    assert gated["r_12"].iloc[0] == 0.0 and gated.loc["01001", "z_match"] == 2.0


def test_synthetic_statistic_never_changes_a_rank() -> None:
    rng = np.random.default_rng(3)
    units = [f"{i:05d}" for i in range(1001, 1031)]
    z = pd.DataFrame({1: rng.normal(0, 1.5, 30), 2: rng.normal(0, 1.5, 30), 3: rng.normal(0, 1.5, 30)}, index=units)
    z.iloc[::7, 0] = np.nan  # some units not eligible for statistic 1
    other = z.copy()
    other[2] = rng.normal(0, 3, 30)
    other[3] = -other[3] * 4.0
    synthetic = {2: True, 3: True}
    first = ri.two_family_scores(z, synthetic_by_stat=synthetic)
    second = ri.two_family_scores(other, synthetic_by_stat=synthetic)
    for column in ("anomaly_rank", "combined_p", "combined_score", "ranked_statistics"):
        pd.testing.assert_series_equal(first[column], second[column])
    assert set(first["ranked_statistics"].dropna()) == {"1"}
    assert first["anomaly_rank"].isna().sum() == z[1].isna().sum()
    # per unit: statistic 3 synthetic only for some units
    per_unit = pd.DataFrame({3: [i % 2 == 0 for i in range(30)]}, index=units)
    a = ri.two_family_scores(z, synthetic_by_stat=per_unit)
    assert not a.loc[per_unit[3], "is_ranked_3"].any() and a.loc[~per_unit[3], "is_ranked_3"].all()
    # the flag lets them in, and then they do change ranks
    let_in = ri.two_family_scores(z, synthetic_by_stat=synthetic, rank_synthetic_inputs=True)
    let_in_other = ri.two_family_scores(other, synthetic_by_stat=synthetic, rank_synthetic_inputs=True)
    assert not let_in["anomaly_rank"].equals(let_in_other["anomaly_rank"])
    assert not let_in["anomaly_rank"].equals(first["anomaly_rank"])


def test_anomaly_rank_ties() -> None:
    z = _z(
        {
            "01003": (3.0, np.nan, np.nan),
            "01001": (3.0, np.nan, np.nan),  # same combined_p and z as 01003: the code decides
            "04000": (39.0, np.nan, np.nan),  # combined_p underflows to 0 ...
            "05000": (45.0, np.nan, np.nan),  # ... for both: the larger z decides, before the code
            "06000": (2.0, np.nan, 2.0),  # equal family z: driving family match
            "07000": (np.nan, np.nan, np.nan),  # not rankable
            "08000": (-1.0, np.nan, np.nan),
        }
    )
    scores = ri.two_family_scores(z)
    assert scores.loc["04000", "combined_p"] == 0.0 and scores.loc["05000", "combined_p"] == 0.0
    assert scores.loc["05000", "combined_score"] > scores.loc["04000", "combined_score"] > 300
    order = scores.dropna(subset=["anomaly_rank"]).sort_values("anomaly_rank").index.tolist()
    assert order == ["05000", "04000", "01001", "01003", "06000", "08000"]
    assert sorted(scores["anomaly_rank"].dropna().tolist()) == [1, 2, 3, 4, 5, 6]
    assert scores.loc["06000", "driving_family"] == "match"
    assert pd.isna(scores.loc["07000", "anomaly_rank"])
    assert str(scores["anomaly_rank"].dtype) == "Int64"


# ---------------------------------------------------------------------------------------------------------
# Custody sites
# ---------------------------------------------------------------------------------------------------------


def test_federal_fiscal_year() -> None:
    assert ri.federal_fiscal_year("2012-09-30") == 2012
    for day in pd.date_range("2012-10-01", "2012-12-31", freq="D"):
        assert ri.federal_fiscal_year(day) == 2013
    assert ri.federal_fiscal_year("2012-01-01") == 2012
    assert ri.quarter_last_day("2012Q3") == pd.Timestamp("2012-09-30")
    assert ri.quarter_last_day("2012Q4") == pd.Timestamp("2012-12-31")
    assert ri.quarter_last_day("2012Q1") == pd.Timestamp("2012-03-31")
    assert ri.federal_fiscal_year(ri.quarter_last_day("2012Q4")) == 2013
    with pytest.raises(ValueError):
        ri.quarter_last_day("2012-Q3")


def _custody_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    counties = pd.DataFrame(
        {
            "county_fips": ["01001", "01003", "36005", "36085", "02100"],
            "population_2010": [50_000, 200_000, 1_000_000, 500_000, 1_000],
        }
    )
    units = pd.DataFrame({"unit_fips": ["36085", "36085"], "county_fips": ["36005", "36085"]})
    facilities = pd.DataFrame(
        {
            "facility_id": ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"],
            "facility_name": [f"Facility {i}" for i in range(1, 10)],
            "county_fips": ["01001", "01001", "36005", "01003", "01003", "01003", "36085", "02100", "99999"],
            "facility_kind": [
                "ice_detention",
                "ice_detention",
                "ice_detention",  # in the Bronx: counts for the NYC unit 36085
                "state_intake",
                "state_prison",
                "state_prison",
                "state_prison",
                "federal_prison",
                "ice_detention",  # county not in ref_counties: dropped
            ],
            "capacity": [100, 50, 400, np.nan, 1000, np.nan, np.nan, 2000, 10],
        }
    )
    adp = pd.DataFrame(
        {
            "facility_id": ["F1", "F2", "F3", "F1", "F9"],
            "fiscal_year": [2012, 2012, 2012, 2013, 2012],
            "average_daily_population": [3.0, 2.5, 120.0, 1.0, 100.0],
        }
    )
    return facilities, adp, counties, units


def test_custody_context_hand_example() -> None:
    facilities, adp, counties, units = _custody_inputs()
    fy12 = ri.custody_context(facilities, adp, counties, units, "2012-09-30")
    assert fy12.index.tolist() == ["01001", "01003", "02100", "36085"]
    assert (fy12["fiscal_year"] == 2012).all()
    assert fy12.loc["36085", "population_2010"] == 1_500_000
    # 01001: 3.0 + 2.5 = 5.5 a day, 10,000 * 5.5 / 50,000 = 1.1 per 10k >= 1.0: explained
    assert fy12.loc["01001", "ice_detainee_adp"] == 5.5
    assert fy12.loc["01001", "ice_detainee_adp_per_10k"] == pytest.approx(1.1, rel=1e-15)
    # 36085: 120 a day over 1.5 million = 0.8 per 10k: below the default threshold
    assert fy12.loc["36085", "ice_detainee_adp_per_10k"] == pytest.approx(0.8, rel=1e-15)
    # 01003: no ICE site (0, not null, in FY09-FY18), but a state intake centre; prison capacity known 1000
    assert fy12.loc["01003", "ice_detainee_adp"] == 0.0 and fy12.loc["01003", "ice_detainee_adp_per_10k"] == 0.0
    assert fy12.loc["01003", "state_prison_capacity_per_10k"] == pytest.approx(50.0, rel=1e-15)
    assert np.isnan(fy12.loc["36085", "state_prison_capacity_per_10k"])  # prisons, capacity unknown
    assert fy12.loc["02100", "state_prison_capacity_per_10k"] == 0.0  # federal prisons do not count
    assert fy12["has_state_intake_centre"].tolist() == [False, True, False, False]
    assert fy12["is_custody_explained"].tolist() == [True, True, False, False]
    lower = ri.custody_context(facilities, adp, counties, units, "2012-09-30", custody_adp_per_10k=0.5)
    assert lower["is_custody_explained"].tolist() == [True, True, False, True]
    # the day after FY2012 ends: FY2013, 01001 has 1.0 a day (0.2 per 10k), 36085 none
    fy13 = ri.custody_context(facilities, adp, counties, units, "2012-10-01")
    assert (fy13["fiscal_year"] == 2013).all()
    assert fy13.loc["01001", "ice_detainee_adp"] == 1.0 and fy13.loc["36085", "ice_detainee_adp"] == 0.0
    assert fy13["is_custody_explained"].tolist() == [False, True, False, False]
    # outside FY09-FY18 the ADP is unknown (null), the intake centre still explains
    for day in ("2008-09-30", "2019-10-01"):
        out = ri.custody_context(facilities, adp, counties, units, day)
        assert out["ice_detainee_adp"].isna().all() and out["ice_detainee_adp_per_10k"].isna().all()
        assert out["is_custody_explained"].tolist() == [False, True, False, False]


def test_custody_policy_separate_and_annotate() -> None:
    units = ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
    rank = pd.Series(pd.array([1, 2, 3, 4, 5, 6, 7, 8, pd.NA], dtype="Int64"), index=units)
    explained = pd.Series([False, True, False, False, True, False, False, True, True], index=units)

    separate = ri.apply_custody_policy(rank, explained, "separate", review_list_size=3)
    # exactly N flagged, none of them explained
    assert separate.index[separate["is_flagged"]].tolist() == ["A", "C", "D"]
    assert not (separate["is_flagged"] & explained).any()
    assert separate["review_rank"].tolist()[:7] == [1, pd.NA, 2, 3, pd.NA, 4, 5]
    assert separate["review_rank"].isna().tolist() == [False, True, False, False, True, False, False, True, True]
    # explained units ranked above the last flagged unit (D, anomaly rank 4) are marked: B, not E or H
    assert separate.index[separate["is_custody_explained_high"]].tolist() == ["B"]

    # fewer unexplained units than N: all flagged; the last flagged is G (7): B and E marked, H (8) not
    long_list = ri.apply_custody_policy(rank, explained, "separate", review_list_size=10)
    assert long_list.index[long_list["is_flagged"]].tolist() == ["A", "C", "D", "F", "G"]
    assert long_list.index[long_list["is_custody_explained_high"]].tolist() == ["B", "E"]
    empty = ri.apply_custody_policy(rank, explained, "separate", review_list_size=0)
    assert not empty["is_flagged"].any() and not empty["is_custody_explained_high"].any()

    # annotate: the plain top N, explained units marked on it
    annotate = ri.apply_custody_policy(rank, explained, "annotate", review_list_size=3)
    assert annotate.index[annotate["is_flagged"]].tolist() == ["A", "B", "C"]
    assert annotate.index[annotate["is_custody_explained_high"]].tolist() == ["B"]
    pd.testing.assert_series_equal(annotate["review_rank"], rank, check_names=False)
    plain = ri.apply_custody_policy(rank, None, "separate", review_list_size=3)
    assert annotate["is_flagged"].tolist() == plain["is_flagged"].tolist()
    with pytest.raises(ValueError):
        ri.apply_custody_policy(rank, explained, "hide", review_list_size=3)  # type: ignore[arg-type]


def test_review_ranking_end_to_end_small() -> None:
    z = _z(
        {
            "01001": (4.0, np.nan, np.nan),
            "01003": (3.5, np.nan, 1.0),
            "01005": (3.0, np.nan, np.nan),
            "01007": (2.5, np.nan, -2.0),
            "01009": (np.nan, np.nan, 5.0),  # statistic 3 synthetic: not rankable
        }
    )
    q = _z(
        {
            "01001": (0.001, np.nan, np.nan),
            "01003": (0.2, np.nan, 0.01),
            "01005": (0.2, np.nan, np.nan),
            "01007": (0.3, np.nan, 0.9),
            "01009": (np.nan, np.nan, 0.0001),
        }
    )
    explained = pd.Series({"01001": True})
    out = ri.review_ranking(
        z,
        synthetic_by_stat={3: pd.Series({"01009": True})},
        is_custody_explained=explained,
        review_list_size=2,
        q_by_stat=q,
    )
    assert out["anomaly_rank"].tolist()[:4] == [1, 2, 3, 4] and pd.isna(out.loc["01009", "anomaly_rank"])
    assert out.index[out["is_flagged"]].tolist() == ["01003", "01005"]
    assert out.index[out["is_custody_explained_high"]].tolist() == ["01001"]
    # q < 0.05 on a ranked statistic; 01009's q is on a statistic that is not ranked
    assert out["is_significant"].tolist() == [True, True, False, False, False]
    annotate = ri.review_ranking(
        z,
        synthetic_by_stat={3: pd.Series({"01009": True})},
        is_custody_explained=explained,
        custody_sites="annotate",
        review_list_size=2,
    )
    assert annotate.index[annotate["is_flagged"]].tolist() == ["01001", "01003"]
    assert annotate.index[annotate["is_custody_explained_high"]].tolist() == ["01001"]
    assert "is_significant" not in annotate.columns
    # without the synthetic flag 01009 (z_3 = 5) enters and tops the list
    open_list = ri.review_ranking(z, is_custody_explained=explained, review_list_size=2)
    assert open_list.loc["01009", "anomaly_rank"] == 1
