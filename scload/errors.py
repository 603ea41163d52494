"""The one error type of the loaders and its one formatter.

A check that fails records a ``Violation``: the raw table being loaded, the file(s), the column, the rule, how many
rows break it and up to five example rows with their line numbers (1-based, header lines counted, as a text
editor shows them). ``Problems`` collects the violations of one validation stage and raises them together as an
``InputError``, whose message is what the command line prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

MAX_EXAMPLES = 5
FILE_COLUMN = "_file"
LINE_COLUMN = "_line"


@dataclass(frozen=True)
class Example:
    """One offending row (or header): its file, its line (None when the whole file is at fault) and what is wrong."""

    file: str
    line: int | None
    detail: str


@dataclass(frozen=True)
class Violation:
    """One broken rule: table, file(s), column, rule, number of rows breaking it, examples and a hint to fix it."""

    table: str
    files: tuple[str, ...]
    column: str
    rule: str
    count: int
    examples: tuple[Example, ...]
    hint: str = ""


def format_violation(violation: Violation) -> str:
    """The message a person reads: table, file, column, rule, count, up to five examples with line numbers."""
    one_file = len(violation.files) == 1
    files = f"file {violation.files[0]}" if one_file else "files " + ", ".join(violation.files)
    whole_file = all(example.line is None for example in violation.examples)
    rows = (
        "the file breaks"
        if whole_file
        else ("1 row breaks" if violation.count == 1 else f"{violation.count} rows break")
    )
    lines = [
        f"{violation.table}: {files}, column {violation.column}",
        f"  rule: {violation.rule}",
        f"  {rows} it" + (":" if violation.examples else ""),
    ]
    for example in violation.examples:
        where = "" if one_file else f"{example.file} "
        where += "(whole file)" if example.line is None else f"line {example.line}"
        lines.append(f"    {where}: {example.detail}")
    if violation.count > len(violation.examples):
        lines.append(f"    ... and {violation.count - len(violation.examples)} more")
    if violation.hint:
        lines.append(f"  fix: {violation.hint}")
    return "\n".join(lines)


class InputError(Exception):
    """Input that breaks a rule; nothing has been written. ``str()`` is the full message for a person."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(self.message())

    def message(self) -> str:
        """Every violation, formatted by ``format_violation``, after one line saying nothing was written."""
        count = len(self.violations)
        head = f"input rejected ({count} problem{'s' if count != 1 else ''}); nothing was written."
        return "\n\n".join([head, *(format_violation(violation) for violation in self.violations)])


@dataclass
class Problems:
    """Collects the violations of one table while a stage validates; ``raise_if_any`` raises them together."""

    table: str
    violations: list[Violation] = field(default_factory=list)

    def add_rows(
        self,
        column: str,
        rule: str,
        rows: pd.DataFrame,
        describe: Callable[[pd.Series], str],
        hint: str = "",
    ) -> None:
        """Record that ``rows`` (carrying ``_file`` and ``_line``) break ``rule`` in ``column``; no-op when empty.
        ``describe`` turns one row into the example text."""
        if rows.empty:
            return
        ordered = rows.sort_values([FILE_COLUMN, LINE_COLUMN], kind="stable")
        examples = tuple(
            Example(str(row[FILE_COLUMN]), int(row[LINE_COLUMN]), describe(row))
            for _, row in ordered.head(MAX_EXAMPLES).iterrows()
        )
        files = tuple(dict.fromkeys(str(name) for name in rows[FILE_COLUMN]))
        self.violations.append(Violation(self.table, files, column, rule, len(rows), examples, hint))

    def add_where(
        self,
        column: str,
        rule: str,
        rows: pd.DataFrame,
        where: pd.Series,
        describe: Callable[[pd.Series], str],
        hint: str = "",
    ) -> None:
        """``add_rows`` for the rows of ``rows`` where the boolean ``where`` holds, selected only when some do (a
        clean column, the common case, copies nothing)."""
        if where.any():
            self.add_rows(column, rule, rows[where], describe, hint)

    def add_examples(self, column: str, rule: str, examples: list[Example], count: int, hint: str = "") -> None:
        """Record a violation whose examples were built by the caller (a whole-file problem, or pairs of rows)."""
        files = tuple(dict.fromkeys(example.file for example in examples))
        self.violations.append(Violation(self.table, files, column, rule, count, tuple(examples[:MAX_EXAMPLES]), hint))

    def raise_if_any(self) -> None:
        """Raise ``InputError`` with everything collected so far, if anything was."""
        if self.violations:
            raise InputError(list(self.violations))
