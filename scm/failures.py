"""A failed run's checks in words: for each, the table, the column, the rule, how many rows break it and up to
five of them with the file and line they came from (staging checks keep their failing rows). Only this run's
results: the caller removes the previous run_results.json before dbt starts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

EXAMPLE_ROWS = 5


def describe_check(node: dict) -> str:
    """A failed dbt test in words: its rule (the generic test and its arguments, or the singular test's name and
    first comment line)."""
    metadata = node.get("test_metadata") or {}
    if metadata:
        arguments = {
            key: value for key, value in (metadata.get("kwargs") or {}).items() if key not in ("model", "null_passes")
        }
        detail = ", ".join(f"{key}={value}" for key, value in arguments.items() if key != "column_name")
        return f"{metadata.get('name')}" + (f" ({detail})" if detail else "")
    first_line = next((line for line in node.get("raw_code", "").splitlines() if line.startswith("--")), "")
    return node["name"] + (f": {first_line.lstrip('- ').strip()}" if first_line else "")


def report_failures(database: Path, target_dir: Path) -> None:
    """Print every failed check of this dbt run: the table, the column, the rule, how many rows break it and up
    to five of them with the file and line they came from (staging checks keep their failing rows). When dbt
    stopped before it ran anything (a bad var, an unreadable raw_dir), there are no results: say so."""
    try:
        results = json.loads((target_dir / "run_results.json").read_text())["results"]
        nodes = json.loads((target_dir / "manifest.json").read_text())["nodes"]
    except (OSError, ValueError, KeyError):
        print(
            "\ndbt stopped before it ran any model or check: its message above says why.",
            file=sys.stderr,
        )
        return
    failed = [result for result in results if result["status"] in ("fail", "error")]
    if not failed:
        return
    print(f"\n{len(failed)} check(s) or model(s) failed:", file=sys.stderr)
    for result in failed:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") != "test":
            print(f"\n- {node.get('name', result['unique_id'])}: {result.get('message')}", file=sys.stderr)
            continue
        table = (node.get("attached_node") or "").split(".")[-1] or ", ".join(
            node.get("depends_on", {}).get("nodes", [])
        )
        column = node.get("column_name") or (node.get("test_metadata") or {}).get("kwargs", {}).get("column_name")
        print(f"\n- table {table}" + (f", column {column}" if column else ""), file=sys.stderr)
        print(f"  rule: {describe_check(node)}", file=sys.stderr)
        if result["status"] == "error":
            print(f"  error: {result.get('message')}", file=sys.stderr)
            continue
        print(f"  rows breaking it: {result.get('failures')}", file=sys.stderr)
        relation = node.get("relation_name")
        if not relation or not database.exists():
            continue
        try:
            with duckdb.connect(str(database), read_only=True) as connection:
                cursor = connection.execute(f"select * from {relation} limit {EXAMPLE_ROWS}")
                names = [description[0] for description in cursor.description]
                rows = cursor.fetchall()
        except duckdb.Error:
            continue
        for row in rows:
            values = dict(zip(names, row, strict=True))
            where = ""
            if values.get("source_line_number") is not None:
                where = f"{values.pop('source_file', '')} line {values.pop('source_line_number')}: "
            unparsable = values.pop("unparsable_values", None)
            shown = ", ".join(f"{name}={value}" for name, value in values.items() if value is not None)
            if unparsable:
                shown = f"does not parse: {unparsable} | {shown}"
            print(f"    {where}{shown}", file=sys.stderr)
