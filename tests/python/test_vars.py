"""A var of the wrong shape stops the run before anything is built, with a message naming the var and the shape it
wants (CONTRACT.md "Knobs"); a well-formed reporting_period that is not in the data fails the build's own test."""

from __future__ import annotations

import re
from pathlib import Path

from dbt_helpers import REPO_ROOT, DbtResult, run_dbt

from scm.dbt import project_vars


def dbt_build(tmp_path: Path, selector: str, dbt_vars: str) -> DbtResult:
    return run_dbt(tmp_path, ["build", "--select", selector, "--vars", dbt_vars, "--indirect-selection", "cautious"])


def test_malformed_vars_stop_the_run_with_every_problem_named(tmp_path: Path) -> None:
    dbt_vars = (
        "{reporting_period: 2012-Q3, window_quarters: 0, review_list_size: -24, min_ucr_coverage: 180, fdr_level: 5}"
    )
    result = dbt_build(tmp_path, "int_reporting_periods", dbt_vars)
    output = result.output
    assert result.returncode != 0, output
    for message in [
        "reporting_period must be a quarter label YYYYQn (e.g. 2012Q3), got '2012-Q3'",
        "window_quarters must be a whole number >= 1, got '0'",
        "review_list_size must be a whole number >= 1, got '-24'",
        "min_ucr_coverage is a coverage indicator from 0 to 100, got '180'",
        "fdr_level must be a number between 0 and 1 (exclusive), got '5'",
    ]:
        assert message in output, output
    assert "START sql table model" not in output, output


def test_unknown_tau2_method_stops_the_run(tmp_path: Path) -> None:
    result = dbt_build(tmp_path, "int_reporting_periods", "{tau2_method: reml}")
    output = result.output
    assert result.returncode != 0, output
    assert "tau2_method must be 'paule_mandel' or 'dl_winsorized', got 'reml'" in output, output


def test_reporting_period_absent_from_data_fails_the_build(tmp_path: Path) -> None:
    result = dbt_build(
        tmp_path, "+int_reporting_periods assert_one_selected_reporting_period", "{reporting_period: 2011Q1}"
    )
    output = result.output
    assert result.returncode != 0, output
    assert "assert_one_selected_reporting_period" in output, output


def test_reporting_period_present_in_data_builds(tmp_path: Path) -> None:
    result = dbt_build(
        tmp_path, "+int_reporting_periods assert_one_selected_reporting_period", "{reporting_period: 2012Q3}"
    )
    assert result.returncode == 0, result.output


def test_missing_raw_dir_stops_the_run(tmp_path: Path) -> None:
    result = dbt_build(tmp_path, "int_reporting_periods", f"{{raw_dir: {tmp_path / 'no_such_folder'}}}")
    assert result.returncode != 0, result.output
    assert "raw_dir must be a directory holding the raw tables" in result.output, result.output


def test_unknown_var_stops_plain_dbt_naming_the_nearest(tmp_path: Path) -> None:
    result = dbt_build(tmp_path, "int_reporting_periods", "{review_list_sise: 30, custody_site: annotate}")
    assert result.returncode != 0, result.output
    assert "unknown var 'review_list_sise'; did you mean review_list_size?" in result.output, result.output
    assert "unknown var 'custody_site'; did you mean custody_sites?" in result.output, result.output


def test_the_known_vars_are_the_declared_vars() -> None:
    """macros/validation/known_vars.sql lists exactly the vars dbt_project.yml declares."""
    macro = (REPO_ROOT / "macros/validation/known_vars.sql").read_text()
    listed = re.findall(r"'([a-z0-9_]+)'", macro[macro.index("return(") :])
    assert sorted(listed) == sorted(project_vars())
