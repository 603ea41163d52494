"""A var of the wrong shape stops the run before anything is built, with a message naming the var and the shape it
wants (CONTRACT.md "Knobs"); a well-formed reporting_period that is not in the data fails the build's own test."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import background
import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt

from scm.dbt import project_vars


def dbt_build(tmp_path: Path, selector: str, dbt_vars: str) -> DbtResult:
    return run_dbt(tmp_path, ["build", "--select", selector, "--vars", dbt_vars, "--indirect-selection", "cautious"])


@pytest.fixture(scope="module")
def rejected() -> DbtResult:
    return background.result("rejected")


@background.job("rejected")
def run_with_bad_vars(work: Path) -> DbtResult:
    """One run with every kind of bad var at once: each must be named, none built (one dbt start-up for all)."""
    dbt_vars = (
        "{reporting_period: 2012-Q3, window_quarters: 0, review_list_size: -24, min_ucr_coverage: 180, fdr_level: 5,"
        f" review_list_sise: 30, custody_site: annotate, raw_dir: '{work / 'no_such_folder'}'}}"
    )
    return dbt_build(work, "int_reporting_periods", dbt_vars)


@pytest.mark.parametrize(
    "message",
    [
        "reporting_period must be a quarter label YYYYQn (e.g. 2012Q3), got '2012-Q3'",
        "window_quarters must be a whole number >= 1, got '0'",
        "review_list_size must be a whole number >= 1, got '-24'",
        "min_ucr_coverage is a coverage indicator from 0 to 100, got '180'",
        "fdr_level must be a number between 0 and 1 (exclusive), got '5'",
        "unknown var 'review_list_sise'; did you mean review_list_size?",
        "unknown var 'custody_site'; did you mean custody_sites?",
        "raw_dir must be a directory holding the raw tables",
    ],
)
def test_every_bad_var_is_named_and_nothing_is_built(rejected: DbtResult, message: str) -> None:
    assert rejected.returncode != 0, rejected.output
    assert message in rejected.output, rejected.output
    assert "START sql table model" not in rejected.output, rejected.output


@background.job("unknown_tau2_method")
def run_with_unknown_tau2_method(work: Path) -> DbtResult:
    return dbt_build(work, "int_reporting_periods", "{tau2_method: reml}")


@pytest.mark.background("unknown_tau2_method")
def test_unknown_tau2_method_stops_the_run() -> None:
    """Apart from the others: the models read tau2_method while dbt parses them, before the vars are checked."""
    result = background.result("unknown_tau2_method")
    assert result.returncode != 0, result.output
    assert "tau2_method must be 'paule_mandel' or 'dl_winsorized', got 'reml'" in result.output, result.output


@background.job("absent_period", priority=2)
def run_with_absent_period(work: Path) -> DbtResult:
    """The periods model and its test again, with the period, on a copy of the session's embedded build."""
    embedded = background.result("dbt_build_result")
    assert embedded.ok, "the session's embedded build failed (see its own test)"
    shutil.copy(embedded.database, work / "sc_monitoring.duckdb")
    return dbt_build(work, "int_reporting_periods assert_one_selected_reporting_period", "{reporting_period: 2011Q1}")


@pytest.mark.background("absent_period")
def test_reporting_period_absent_from_data_fails_the_build() -> None:
    """A well-formed period the data does not have fails the build's own test (plain dbt; `scm.py run` rejects
    it before the build). A period the data has, given explicitly, is the multi-quarter build of test_quarterly."""
    result = background.result("absent_period")
    output = result.output
    assert result.returncode != 0, output
    assert "assert_one_selected_reporting_period" in output, output


def test_the_known_vars_are_the_declared_vars() -> None:
    """macros/validation/known_vars.sql lists exactly the vars dbt_project.yml declares."""
    macro = (REPO_ROOT / "macros/validation/known_vars.sql").read_text()
    listed = re.findall(r"'([a-z0-9_]+)'", macro[macro.index("return(") :])
    assert sorted(listed) == sorted(project_vars())
