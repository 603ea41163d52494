"""The marts' enforced contracts are what BI tools rely on: a mart whose column type drifts must fail its build,
naming the column, rather than publish a changed type. And every model of the project, at every layer, states its
grain, documents every column it builds and tests its primary key (read from the session build's manifest and
database)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import background
import duckdb
import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt

pytestmark = pytest.mark.e2e
PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses"]


@background.job("drifted_mart")
def build_a_drifted_mart(work: Path) -> DbtResult:
    """A copy of the project whose dim_counties casts population_2010 to double, built up to that mart."""
    project = work / "project"
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

    return run_dbt(
        work / "work",
        ["build", "--select", "+dim_counties", "--exclude", "resource_type:test", "--project-dir", str(project)],
    )


@pytest.mark.background("drifted_mart")
def test_a_mart_whose_column_type_drifts_fails_its_contract() -> None:
    result = background.result("drifted_mart")
    assert result.returncode != 0, result.output
    assert "contract" in result.output and "population_2010" in result.output, result.output
    assert "data type mismatch" in result.output, result.output


KEY_TESTS = {"unique", "unique_combination"}


def test_every_model_documents_its_grain_and_columns_and_tests_its_key(warehouse: Path) -> None:
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    keyed = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in KEY_TESTS
    }
    problems = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for key, node in sorted(models.items()):
            name = node["name"]
            if len(node["description"].strip()) < 40:
                problems.append(f"{name}: no description of its grain")
            if key not in keyed:
                problems.append(f"{name}: no unique or unique_combination test on its key")
            built = {
                column
                for (column,) in connection.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                    [node["schema"], node["alias"]],
                ).fetchall()
            }
            documented = {column for column, spec in node["columns"].items() if spec["description"].strip()}
            if not built:
                problems.append(f"{name}: not in the database")
            if missing := sorted(built - documented):
                problems.append(f"{name}: columns without a description: {missing}")
    assert len(models) > 30
    assert not problems, "\n".join(problems)
