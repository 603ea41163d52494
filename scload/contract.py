"""The raw contract (docs/CONTRACT.md "Inputs: the three raw tables") and its optional companion table, read from
their one definition.

The definition is the dbt source ``raw`` of ``models/staging/_raw__sources.yml``: the dbt macros read it through
``graph.sources`` (macros/inputs/raw_contract.sql), this module reads the same file with ``yaml.safe_load``, and
``tests/python/test_raw_contract.py`` proves that every other copy (the seeds' column types, CONTRACT.md's
tables, the loaders' and the scenario generator's columns) agrees with it.

Per table: the columns in contract order (name, ``data_type``, whether required, the column's rules), the key, and
the cross-column rules (a SQL ``check`` evaluated row by row, or the name of the ``test`` that checks a rule over
several rows). The loaders (scload.rawdir) parse and validate by it; the warehouse tests the same rules in
staging (tests/generic/raw_contract_rules.sql).

``CONTRACT`` holds the contract's three raw tables, the ones every raw_dir must have. ``COMPANIONS`` holds the
tables the definition marks ``optional`` (``raw_ucr_data_quality``, the UCR loader's data-quality warnings): defined,
parsed and checked the same way, but a raw_dir may leave them out (the warehouse then reads them as empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFINITION = REPO_ROOT / "models" / "staging" / "_raw__sources.yml"
SOURCE_NAME = "raw"

IDENTIFICATIONS = "raw_sc_identifications"
CENSUS = "raw_census_foreign_born"
UCR = "raw_ucr_arrests"
UCR_QUALITY = "raw_ucr_data_quality"

DATA_TYPES = ("varchar", "date", "bigint", "integer", "double", "boolean")
RULE_KINDS = ("county_code", "range", "accepted_values", "in_reference", "check")


class ContractError(ValueError):
    """The definition file is not a well-formed raw contract (a message names the table, column and problem)."""


@dataclass(frozen=True)
class ColumnRule:
    """A rule on one column's values, in words (``description``: "<column> is <description>") and of one kind:
    ``county_code`` (a 5-digit code of ref_counties after mapping through ref_fips_changes), ``range``
    (``min_value`` / ``max_value``, inclusive), ``accepted_values`` (``values``), ``in_reference`` (a value of
    ``reference_column`` in the reference seed ``reference_table``) or ``check`` (a SQL boolean on the raw column
    names; null passes)."""

    kind: str
    description: str
    min_value: float | None = None
    max_value: float | None = None
    values: tuple[str, ...] = ()
    reference_table: str | None = None
    reference_column: str | None = None
    check: str | None = None

    def text(self, column: str) -> str:
        """The rule as the messages state it: ``coverage_indicator is from 0 to 100``."""
        return f"{column} is {self.description}"


@dataclass(frozen=True)
class TableRule:
    """A rule across columns (or rows) of a table: its ``name``, the ``column`` it is reported under, its
    ``description`` (the rule in words), and either a ``check`` (a SQL boolean on the raw column names, evaluated
    row by row; null passes) or the ``test`` (a dbt test's name) that checks a rule over several rows."""

    name: str
    column: str
    description: str
    check: str | None = None
    test: str | None = None


@dataclass(frozen=True)
class Column:
    """A contract column: its name, the type its values must parse as, whether it is required and its rules."""

    name: str
    data_type: str
    required: bool
    rules: tuple[ColumnRule, ...] = ()
    description: str = ""

    def has_rule(self, kind: str) -> bool:
        return any(rule.kind == kind for rule in self.rules)

    @property
    def kind(self) -> str:
        """How a loader parses the column's text: ``county`` (a county code, mapped), ``date`` (ISO), ``count`` (a
        non-negative bigint: digits, thousands separators allowed), ``integer`` (a signed whole number),
        ``decimal``, ``boolean`` or ``text``."""
        if self.data_type == "varchar":
            return "county" if self.has_rule("county_code") else "text"
        if self.data_type == "bigint" and any(
            rule.kind == "range" and rule.min_value is not None and rule.min_value >= 0 for rule in self.rules
        ):
            return "count"
        return {"date": "date", "bigint": "integer", "integer": "integer", "double": "decimal"}.get(
            self.data_type, self.data_type
        )


@dataclass(frozen=True)
class Table:
    """A raw table of the contract: columns in contract order, the key (unique once county codes are mapped) and
    the cross-column rules; ``optional`` for a companion table that a raw_dir may leave out."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[TableRule, ...] = ()
    description: str = ""
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        """The column called ``name`` (KeyError when the table has none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def referenced_columns(self, expression: str) -> list[str]:
        """The table's columns that a SQL expression names, in contract order."""
        return [name for name in self.column_names if re.search(rf"\b{re.escape(name)}\b", expression)]


def parse_column_rule(where: str, entry: object) -> ColumnRule:
    """One entry of a column's ``meta.rules``."""
    if not isinstance(entry, dict) or not isinstance(entry.get("description"), str):
        raise ContractError(f"{where}: a rule is a mapping with a description, got {entry!r}")
    description = entry["description"]
    kinds = [
        kind
        for kind, present in (
            ("county_code", bool(entry.get("county_code"))),
            ("range", "min_value" in entry or "max_value" in entry),
            ("accepted_values", "accepted_values" in entry),
            ("in_reference", "in_reference" in entry),
            ("check", "check" in entry),
        )
        if present
    ]
    if len(kinds) != 1:
        raise ContractError(f"{where}: rule {description!r} must be of one kind of {', '.join(RULE_KINDS)}")
    kind = kinds[0]
    if kind == "range":
        return ColumnRule(kind, description, min_value=entry.get("min_value"), max_value=entry.get("max_value"))
    if kind == "accepted_values":
        return ColumnRule(kind, description, values=tuple(str(value) for value in entry["accepted_values"]))
    if kind == "in_reference":
        reference = entry["in_reference"]
        if not isinstance(reference, dict) or set(reference) != {"table", "column"}:
            raise ContractError(f"{where}: in_reference names a table and a column, got {reference!r}")
        return ColumnRule(
            kind, description, reference_table=str(reference["table"]), reference_column=str(reference["column"])
        )
    if kind == "check":
        return ColumnRule(kind, description, check=" ".join(str(entry["check"]).split()))
    return ColumnRule(kind, description)


def meta_of(entry: dict[str, object]) -> dict[str, object]:
    """A yml entry's ``config.meta`` (or plain ``meta``), as dbt merges them."""
    config = entry.get("config") or {}
    return {**(entry.get("meta") or {}), **((config.get("meta") if isinstance(config, dict) else None) or {})}


def parse_table(entry: dict[str, object]) -> Table:
    """One table of the ``raw`` source."""
    name = str(entry["name"])
    columns = []
    for column_entry in entry.get("columns") or []:
        where = f"{DEFINITION.name}: {name}.{column_entry.get('name')}"
        data_type = column_entry.get("data_type")
        if data_type not in DATA_TYPES:
            raise ContractError(f"{where}: data_type must be one of {', '.join(DATA_TYPES)}, got {data_type!r}")
        meta = meta_of(column_entry)
        if not isinstance(meta.get("required"), bool):
            raise ContractError(f"{where}: meta.required must be true or false")
        rules = tuple(parse_column_rule(where, rule) for rule in meta.get("rules") or [])
        description = " ".join(str(column_entry.get("description", "")).split())
        columns.append(Column(str(column_entry["name"]), str(data_type), meta["required"], rules, description))
    meta = meta_of(entry)
    names = [column.name for column in columns]
    key = tuple(str(column) for column in meta.get("key") or [])
    if not key or set(key) - set(names):
        raise ContractError(f"{DEFINITION.name}: {name}: meta.key must name columns of the table, got {key!r}")
    rules = []
    for rule in meta.get("rules") or []:
        has_check, has_test = "check" in rule, "test" in rule
        if has_check == has_test or not all(isinstance(rule.get(field), str) for field in ("name", "column")):
            raise ContractError(
                f"{DEFINITION.name}: {name}: a table rule has a name, a column, a description and a check or a "
                f"test, got {rule!r}"
            )
        check = " ".join(str(rule["check"]).split()) if has_check else None
        rules.append(
            TableRule(
                rule["name"], rule["column"], str(rule["description"]), check, rule.get("test") if has_test else None
            )
        )
    description = " ".join(str(entry.get("description", "")).split())
    optional = meta.get("optional", False)
    if not isinstance(optional, bool):
        raise ContractError(f"{DEFINITION.name}: {name}: meta.optional must be true or false, got {optional!r}")
    table = Table(name, tuple(columns), key, tuple(rules), description, optional)
    checks = [rule.check for rule in table.rules] + [rule.check for column in columns for rule in column.rules]
    for check in checks:
        if check is not None and not table.referenced_columns(check):
            raise ContractError(f"{DEFINITION.name}: {name}: the check {check!r} names none of the table's columns")
    return table


def load_tables(path: Path = DEFINITION) -> dict[str, Table]:
    """Every table of source ``raw`` in ``path`` (the contract's and the optional ones), by name, in the file's
    order."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = [source for source in document.get("sources") or [] if source.get("name") == SOURCE_NAME]
    if len(sources) != 1:
        raise ContractError(f"{path}: expected one source named {SOURCE_NAME!r}")
    return {str(entry["name"]): parse_table(entry) for entry in sources[0].get("tables") or []}


def load_contract(path: Path = DEFINITION) -> dict[str, Table]:
    """The contract's raw tables in ``path`` (those not marked ``optional``), by name, in the file's order."""
    return {name: table for name, table in load_tables(path).items() if not table.optional}


def load_companions(path: Path = DEFINITION) -> dict[str, Table]:
    """The optional companion tables in ``path``, by name, in the file's order."""
    return {name: table for name, table in load_tables(path).items() if table.optional}


CONTRACT: dict[str, Table] = load_contract()
COMPANIONS: dict[str, Table] = load_companions()
