"""The raw contract has one home: the dbt source ``raw`` of models/staging/_raw__sources.yml, which also defines the
optional companion table raw_ucr_data_quality (the UCR loader's data-quality warnings). Every copy derives from it,
and this file proves it: the columns, types and rules the dbt macros read (asked of dbt itself, through
``dbt compile --inline``), the seeds' column_types and CSV headers, the loaders' tables (scload), the scenario
generator's output, the staging tests that check the rules, and CONTRACT.md's tables of the three (the companion is
not in CONTRACT.md, the project's fixed contract, copied unchanged). Then the warehouse and the
loaders, given the same damaged raw files, reject the same rows for the same rules."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import background
import duckdb
import pandas as pd
import pytest
import yaml
from dbt_helpers import REPO_ROOT, run_dbt

from scload import ucr
from scload.common import load_reference
from scload.contract import (
    CENSUS,
    COMPANIONS,
    CONTRACT,
    IDENTIFICATIONS,
    RULE_KINDS,
    UCR,
    UCR_QUALITY,
    Table,
    load_companions,
    load_contract,
)
from scload.errors import InputError
from scload.rawdir import ROW_SET_RULES, RULE_KEY, SPECS, read_existing, validate

# The contract's three raw tables, and with them the optional companion table.
TABLES = [IDENTIFICATIONS, CENSUS, UCR]
ALL_TABLES = [*TABLES, UCR_QUALITY]
DEFINED = {**CONTRACT, **COMPANIONS}
DEFINITION = REPO_ROOT / "models/staging/_raw__sources.yml"
SEEDS_YML = REPO_ROOT / "seeds/raw/_raw__seeds.yml"
CONTRACT_MD = REPO_ROOT / "docs/CONTRACT.md"
GENERATOR = REPO_ROOT / "devtools/generate_scenarios.py"
# CONTRACT.md writes types for people; each stands for these contract types.
DOCUMENTED_TYPES = {
    "string(5)": {"varchar"},
    "string": {"varchar"},
    "date": {"date"},
    "integer": {"bigint", "integer"},
    "double": {"double"},
    "boolean": {"boolean"},
}
PERCENT_NOTE = " (looks like a percentage)"


def contract_triples(table: Table) -> list[list[object]]:
    return [[column.name, column.required, column.data_type] for column in table.columns]


# --- what dbt reads ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dbt_view() -> dict[str, object]:
    """What the dbt macros make of the definition, asked of dbt: per table the columns of raw_table_columns, the
    definition raw_contract returns and the reader SQL of raw_table; and dbt's manifest (compiled in the
    background when the tests are collected)."""
    return background.result("dbt_view")


@background.job("dbt_view")
def compile_contract_view(work: Path) -> dict[str, object]:
    inline = (
        "{%- set out = {} -%}{%- for name in " + json.dumps(ALL_TABLES) + " -%}"
        "{%- do out.update({name: {'columns': raw_table_columns(name), 'definition': raw_contract(name), "
        "'reader': raw_table(name) | string}}) -%}{%- endfor -%}{{ tojson(out) }}"
    )
    result = run_dbt(work, ["--quiet", "compile", "--inline", inline], timeout=600)
    assert result.returncode == 0, result.output
    compiled = result.output[result.output.index("{") : result.output.rindex("}") + 1]
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return {"tables": json.loads(compiled), "manifest": manifest}


@pytest.mark.parametrize("table", ALL_TABLES)
def test_dbt_macros_read_the_definition(dbt_view: dict[str, object], table: str) -> None:
    seen = dbt_view["tables"][table]  # type: ignore[index]
    assert seen["columns"] == contract_triples(DEFINED[table])
    assert tuple(seen["definition"]["key"]) == DEFINED[table].key
    assert [rule["name"] for rule in seen["definition"]["rules"]] == [rule.name for rule in DEFINED[table].rules]
    assert seen["definition"]["optional"] is DEFINED[table].optional
    # The reader selects exactly the contract's columns, in contract order, then the file and line.
    selected = re.findall(r"\bas (\w+),", seen["reader"])
    assert selected == [*DEFINED[table].column_names, "source_file"]


def depends_on(node: dict) -> list[str]:
    """The nodes a manifest node depends on (none for a seed)."""
    return node.get("depends_on", {}).get("nodes", [])


def staging_model(manifest: dict, table: str) -> dict:
    """The one model that reads raw table ``table`` (names the source ``raw.<table>``)."""
    source = f"source.sc_monitoring.raw.{table}"
    readers = [node for node in manifest["nodes"].values() if source in depends_on(node)]
    assert len(readers) == 1, [node["unique_id"] for node in readers]
    assert readers[0]["resource_type"] == "model" and readers[0]["name"].startswith("stg_")
    return readers[0]


@pytest.mark.parametrize("table", ALL_TABLES)
def test_staging_tests_every_rule_of_the_definition(dbt_view: dict[str, object], table: str) -> None:
    """The table's staging model carries raw_contract_rules for it (with a relation for every reference table
    its rules name), documents a column for every contract column, and every rule the definition leaves to a
    named test has that test, on the staging model."""
    manifest = dbt_view["manifest"]
    model = staging_model(manifest, table)
    tests = [node for node in manifest["nodes"].values() if model["unique_id"] in depends_on(node)]
    generic = [
        node
        for node in tests
        if (node.get("test_metadata") or {}).get("name") == "raw_contract_rules"
        and node["test_metadata"]["kwargs"].get("table") == table
    ]
    assert len(generic) == 1, [node["name"] for node in tests]
    references = generic[0]["test_metadata"]["kwargs"].get("references") or {}
    named = {rule.reference_table for column in DEFINED[table].columns for rule in column.rules}
    assert set(references) == named - {None}
    documented = {column.get("meta", {}).get("raw_column", name) for name, column in model["columns"].items()}
    assert set(DEFINED[table].column_names) <= documented
    parse_check = [node for node in tests if "unparsable_values is null" in json.dumps(node.get("test_metadata"))]
    assert parse_check, "the staging model keeps the check that every value parses as its type"
    names = {node["name"] for node in tests}
    for rule in DEFINED[table].rules:
        assert (rule.check is None) == (rule.test is not None)
        if rule.test is not None:
            assert rule.test in names, f"rule {rule.name}: no test {rule.test} on {model['name']}"


# --- the other copies -----------------------------------------------------------------------------------------


def test_the_definition_is_the_one_scload_reads() -> None:
    assert load_contract(DEFINITION) == CONTRACT
    assert load_companions(DEFINITION) == COMPANIONS
    # The contract's three raw tables are unchanged by the companion: it is marked optional, they are not.
    assert list(CONTRACT) == TABLES
    assert list(COMPANIONS) == [UCR_QUALITY]
    assert not any(table.optional for table in CONTRACT.values())
    assert all(table.optional for table in COMPANIONS.values())
    for table in DEFINED.values():
        assert all(rule.kind in RULE_KINDS for column in table.columns for rule in column.rules)


def test_the_ucr_loader_writes_the_companion_table_as_defined() -> None:
    """The loader's quality columns are the definition's, and the sub-totals it checks are the ones the definition
    accepts (the warehouse has words for each of them: macro ucr_data_quality_text stops the run otherwise)."""
    table = COMPANIONS[UCR_QUALITY]
    assert table.column_names == ucr.QUALITY_COLUMNS
    (accepted,) = [rule.values for rule in table.column("total_code").rules if rule.kind == "accepted_values"]
    assert list(accepted) == [*ucr.SUBTOTALS, ucr.GRAND_TOTAL]


@pytest.mark.parametrize("table", ALL_TABLES)
def test_seed_column_types_and_headers_are_the_contract(table: str) -> None:
    seeds = {seed["name"]: seed for seed in yaml.safe_load(SEEDS_YML.read_text())["seeds"]}
    expected = {column.name: column.data_type for column in DEFINED[table].columns}
    column_types = seeds[table]["config"]["column_types"]
    assert list(column_types.items()) == list(expected.items())
    assert [column["name"] for column in seeds[table]["columns"]] == DEFINED[table].column_names
    header = (REPO_ROOT / "seeds/raw" / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == DEFINED[table].column_names


@pytest.mark.parametrize("table", ALL_TABLES)
def test_loaders_write_and_check_the_contract(table: str) -> None:
    spec = SPECS[table]
    assert spec.table is DEFINED[table]
    assert spec.column_names == DEFINED[table].column_names
    for rule in DEFINED[table].rules:
        assert rule.check is not None or rule.name in ROW_SET_RULES, f"the loaders do not check rule {rule.name}"


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_generator_writes_the_contract(tmp_path: Path, file_format: str) -> None:
    out = tmp_path / "scenario"
    arguments = ["--seed", "2", "--quarters", "1", "--anomalies", "3", "--decoys", "1", "--format", file_format]
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for table in TABLES:
        if file_format == "csv":
            header = (out / f"{table}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
            assert header.split(",") == CONTRACT[table].column_names
            continue
        with duckdb.connect() as connection:
            described = connection.execute(f"describe select * from read_parquet('{out / f'{table}.parquet'}')")
            columns = [(name, kind.lower()) for name, kind, *_ in described.fetchall()]
        expected = [(column.name, column.data_type) for column in CONTRACT[table].columns]
        assert columns == expected


def contract_md_tables() -> dict[str, dict[str, object]]:
    """CONTRACT.md's "Inputs" section: per raw table its key and its table's rows (column, type, rule)."""
    text = CONTRACT_MD.read_text(encoding="utf-8")
    inputs = text[text.index("## Inputs") : text.index("## Reference tables")]
    tables: dict[str, dict[str, object]] = {}
    for block in re.split(r"^### ", inputs, flags=re.MULTILINE)[1:]:
        name = re.match(r"`(\w+)`", block).group(1)  # type: ignore[union-attr]
        key = re.search(r"Key: \(([^)]*)\)", block).group(1)  # type: ignore[union-attr]
        rows = [
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in block.splitlines()
            if line.startswith("| `")
        ]
        tables[name] = {"key": re.findall(r"`(\w+)`", key), "rows": rows}
    return tables


@pytest.mark.parametrize("table", TABLES)
def test_contract_md_lists_the_same_columns_types_and_key(table: str) -> None:
    """The three raw tables as docs/CONTRACT.md (a copy of the project's fixed contract) writes them; the optional
    companion raw_ucr_data_quality is the loader's and is documented in _raw__sources.yml only."""
    documented = contract_md_tables()[table]
    assert tuple(documented["key"]) == DEFINED[table].key  # type: ignore[arg-type]
    rows = documented["rows"]
    assert [row[0].strip("`") for row in rows] == DEFINED[table].column_names  # type: ignore[union-attr]
    for (_, written_type, rule), column in zip(rows, DEFINED[table].columns, strict=True):  # type: ignore[misc]
        assert column.data_type in DOCUMENTED_TYPES[written_type], (column.name, written_type)
        assert (written_type == "string(5)") == column.has_rule("county_code"), column.name
        assert rule.startswith("required") == column.required, (column.name, rule)
        assert rule.startswith(("required", "nullable")), (column.name, rule)


# --- the same rows rejected by both ---------------------------------------------------------------------------


def damaged_raw_dir(path: Path) -> Path:
    """The embedded raw tables with rows that parse but break one rule each (line = data row + 2). The appended
    rows give a county again under its retired code: Miami-Dade (12086) as 12025 with the same interval (the key
    repeats once codes are mapped, and the intervals overlap), Kusilvak (02270) as 02158 with an interval inside
    its own (they overlap), Shannon (46113) as 46102 with the same ACS vintage. And a data-quality table (the
    optional companion, written by hand) with one valid row, then rows that break its rules."""
    path.mkdir()
    read = {
        table: pd.read_csv(REPO_ROOT / f"seeds/raw/{table}.csv", dtype=str, keep_default_na=False) for table in TABLES
    }
    ids = read[IDENTIFICATIONS]
    ids.loc[3, "matches_total"] = str(int(ids.loc[3, "submissions"]) + 5)  # line 5
    ids.loc[4, "period_start"] = "2012-09-30"  # line 6
    ids.loc[5, "level_basis"] = "arrest"  # line 7
    ids.loc[7, "matches_level2"] = "0"  # line 9: levels 2 and 3 both split and combined
    ids.loc[8, "matches_level1"] = str(int(ids.loc[8, "matches_total"]) + 1)  # line 10
    dade = ids[ids["county_fips"] == "12086"].assign(county_fips="12025")  # the same key, once mapped
    wade_hampton = ids[ids["county_fips"] == "02270"].assign(county_fips="02158", period_start="2012-06-01")
    read[IDENTIFICATIONS] = pd.concat([ids, dade, wade_hampton], ignore_index=True)
    census = read[CENSUS]
    census.loc[2, "foreign_born_share"] = "1.5"  # line 4
    census.loc[5, "acs_vintage"] = "2006-2011"  # line 7
    census.loc[6, "noncitizen_share"] = "0.9"  # line 8
    census.loc[7, "total_population"] = "0"  # line 9
    census.loc[8, "foreign_born_share_moe"] = "2"  # line 10
    shannon = census[(census["county_fips"] == "46113") & (census["acs_vintage"] == "2006-2010")]
    read[CENSUS] = pd.concat([census, shannon.assign(county_fips="46102")], ignore_index=True)
    ucr = read[UCR]
    ucr.loc[1, "offense_code"] = "HOMICIDE"  # line 3
    ucr.loc[40, "coverage_indicator"] = "100.5"  # line 42: also a second coverage in its county-year
    ucr.loc[100, "data_year"] = "999"  # line 102
    for table, frame in read.items():
        frame.to_csv(path / f"{table}.csv", index=False)
    drug, grand = "DRUGTOT = DRGSALE + DRGPOSS", "GRNDTOT = sum of the 30 offense codes"
    counted = "counted: 40 undifferentiated drug arrests added to DRGSALE (+10) and DRGPOSS (+30)"
    not_counted = "not counted: GRNDTOT is not loaded; its 30 arrests beyond the 30 offense counts are in no offense"
    quality = [
        ["01001", "2011", drug, "01001", "DRUGTOT", "100", "60", "40", "drug_excess_split", counted],  # line 2: valid
        ["01003", "2011", drug, "01003", "DRUGTOT", "100", "60", "30", "drug_excess_split", counted],  # 3: not 100 - 60
        ["01005", "2011", drug, "01005", "DRUGTOTAL", "100", "60", "40", "total_loaded_with_excess", counted],  # 4
        ["01007", "2011", drug, "01007", "DRUGTOT", "60", "100", "-40", "dropped", "warning only: ..."],  # 5
        ["01009", "999", grand, "01009", "GRNDTOT", "130", "100", "30", "excess_not_loaded", not_counted],  # 6
        ["12086", "2011", grand, "12086", "GRNDTOT", "130", "100", "30", "excess_not_loaded", not_counted],  # 7 and 8:
        ["12025", "2011", grand, "12086", "GRNDTOT", "130", "100", "30", "excess_not_loaded", not_counted],  # one key
        ["01011", "2011", grand, "01011", "GRNDTOT", "130", "100", "30", "parts_loaded", not_counted],  # 9
    ]
    # line 4: no such sub-total; 5: no such outcome; 6: not a 4-digit year; 7 and 8: the same key once 12025 is
    # mapped; 9: the total holds more than its parts, but the outcome is one of a total holding less
    pd.DataFrame(quality, columns=COMPANIONS[UCR_QUALITY].column_names).to_csv(path / f"{UCR_QUALITY}.csv", index=False)
    return path


OUTCOME_RULE = (
    "outcome agrees with the gap: an outcome of excess arrests exactly where the total holds more than its parts, a "
    "drug outcome exactly where DRUGTOT does"
)


def loader_breaks(raw_dir: Path) -> set[tuple[str, str, int, int | None]]:
    """(table, rule, rows breaking it, a line) for every example of every rule the loaders find broken."""
    reference = load_reference()
    found = set()
    for table in ALL_TABLES:
        rows, _ = read_existing(raw_dir, SPECS[table], reference)
        with pytest.raises(InputError) as caught:
            validate(rows, SPECS[table], reference)
        for violation in caught.value.violations:
            for example in violation.examples:
                found.add((table, violation.rule.removesuffix(PERCENT_NOTE), violation.count, example.line))
    return found


def warehouse_breaks(database: Path, target: Path) -> set[tuple[str, str, int, int | None]]:
    """The same, from the staging tests the warehouse ran: raw_contract_rules (a rule per row) and the tests the
    definition names for its other rules (their description is the rule); up to five example lines a rule."""
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    readers = {staging_model(manifest, table)["unique_id"]: table for table in ALL_TABLES}
    by_test = {
        rule.test: (table, rule.description) for table in ALL_TABLES for rule in DEFINED[table].rules if rule.test
    }
    found = set()
    with duckdb.connect(str(database), read_only=True) as connection:
        for result in results:
            node = manifest["nodes"][result["unique_id"]]
            if node["resource_type"] != "test" or result["status"] != "fail":
                continue
            if (node.get("test_metadata") or {}).get("name") == "raw_contract_rules":
                table = readers[node["attached_node"]]
                breaks = connection.execute(f"select rule, source_line_number from {node['relation_name']}").fetchall()
                counts = pd.Series([rule for rule, _ in breaks]).value_counts()
                firsts: dict[str, list[int]] = {}
                for rule, line in sorted(breaks, key=lambda pair: pair[1]):
                    firsts.setdefault(rule, []).append(line)
                for rule, lines in firsts.items():
                    found |= {(table, rule, int(counts[rule]), line) for line in lines[:5]}
            elif node["name"] in by_test:
                table, rule = by_test[node["name"]]
                lines = connection.execute(f"select source_line_number from {node['relation_name']}").fetchall()
                ordered = sorted(line for (line,) in lines)
                found |= {(table, rule, len(ordered), line) for line in ordered[:5]}
    return found


@pytest.fixture(scope="module")
def damaged() -> tuple[Path, Path, Path]:
    """A damaged raw directory and the staging build on it (the staging models, their inputs and their tests;
    built in the background when the tests are collected)."""
    return background.result("damaged")


@background.job("damaged")
def build_damaged(work: Path) -> tuple[Path, Path, Path]:
    raw_dir = damaged_raw_dir(work / "raw")
    selected = ["+stg_ice__identifications", "+stg_census__foreign_born", "+stg_ucr__arrests", "+int_county_code_map"]
    selected += ["+stg_reference__ucr_offense_classes", "+stg_ucr__data_quality"]
    arguments = ["build", "--vars", json.dumps({"raw_dir": str(raw_dir)}), "--select", *selected]
    result = run_dbt(work / "dbt", [*arguments, "--indirect-selection", "cautious"], timeout=900)
    assert result.returncode != 0, "the build on damaged raw files must fail"
    assert "Compilation Error" not in result.output, result.output
    return raw_dir, result.database, result.target_path


@pytest.mark.e2e
def test_warehouse_and_loaders_reject_the_same_rows_for_the_same_rules(damaged: tuple[Path, Path, Path]) -> None:
    raw_dir, database, target = damaged
    from_loaders = loader_breaks(raw_dir)
    from_warehouse = warehouse_breaks(database, target)
    assert from_warehouse == from_loaders
    rules = {rule for _, rule, _, _ in from_loaders}
    # Every kind of rule was exercised: column rules, row checks, the key after mapping, rules over several rows.
    assert {
        "matches_total <= submissions",
        "level_basis is charge or conviction",
        "foreign_born_share is a share from 0 to 1",
        "acs_vintage is YYYY-YYYY, a 5-year span",
        "offense_code is a code of ref_ucr_offense_classes",
        "data_year is a year of 4 digits",
        "intervals of one county do not overlap",
        "one coverage_indicator per county and data_year (the same on every offense row)",
    } <= rules
    assert any(rule.startswith("the key identifies one row") for rule in rules)
    # The optional companion table's rules too, on the lines written for them (the key: both rows).
    quality = {(rule, line) for table, rule, _, line in from_loaders if table == UCR_QUALITY}
    assert quality == {
        ("gap = total_value - parts_sum", 3),
        ("total_code is one of the sub-totals the loader checks", 4),
        ("outcome is one of the loader's six outcomes", 5),
        (OUTCOME_RULE, 9),
        ("data_year is a year of 4 digits", 6),
        (RULE_KEY, 7),
        (RULE_KEY, 8),
    }
