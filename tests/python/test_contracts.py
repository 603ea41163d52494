"""The marts' enforced contracts are what BI tools rely on: a mart whose column type drifts must fail its build,
naming the column, rather than publish a changed type."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dbt_helpers import REPO_ROOT, run_dbt

pytestmark = pytest.mark.e2e
PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses"]


def test_a_mart_whose_column_type_drifts_fails_its_contract(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("python"))
        else:
            shutil.copy(source, project / part)
    (project / "history").mkdir()
    mart = project / "models/marts/monitoring/dim_counties.sql"
    drifted = mart.read_text().replace(
        "county_units.population_2010,", "cast(county_units.population_2010 as double) as population_2010,"
    )
    assert drifted != mart.read_text()
    mart.write_text(drifted)

    result = run_dbt(
        tmp_path / "work",
        ["build", "--select", "+dim_counties", "--exclude", "resource_type:test", "--project-dir", str(project)],
    )
    assert result.returncode != 0, result.output
    assert "contract" in result.output and "population_2010" in result.output, result.output
    assert "data type mismatch" in result.output, result.output
