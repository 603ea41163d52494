"""Command line: ``python -m scload {ice,acs,ucr} ... --out RAW_DIR`` (run from the repo root).

Each subcommand reads published source files as distributed, checks them, merges the rows into the raw table in
RAW_DIR (ucr: also its data-quality table) and prints what it read, dropped, mapped and wrote. A broken rule prints a
message naming the table, file, column, rule and example lines and exits with status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from scload import acs, ice, ucr
from scload.common import load_reference
from scload.errors import InputError
from scload.rawdir import CENSUS, IDENTIFICATIONS, UCR, iso_date, publish

PROGRAM = "python -m scload"
OUTPUT = """
writes (merging with what RAW_DIR already holds):
  RAW_DIR/{table}.csv with exactly the columns of docs/CONTRACT.md, in contract order (county_fips as
  5-character strings, ISO dates, empty field = null). Key: {key}.
  A reloaded key replaces the old row, a new key is added, nothing is duplicated. The file is replaced
  atomically, and only when every check passes (on the new rows and on the merged table); otherwise the
  problems are printed (table, file, column, rule, line numbers) and the exit status is 2. After writing it
  warns about counties with identifications but no census row, or no UCR row for any year.

every loader: county codes are mapped through seeds/reference/ref_fips_changes.csv and must then be counties of
seeds/reference/ref_counties.csv (ucr also takes the divided areas of ref_fips_splits.csv and no-county rows);
rows of Puerto Rico and the island areas are dropped (listed); a county code appearing twice in one input file is
an error; files may be UTF-8 (with or without BOM) or Latin-1, with CRLF or LF line ends, fields quoted or not,
column names in any case.
"""
ICE_HELP = """\
ICE Secure Communities "IDENT/IAFIS Interoperability Statistics" county tables -> raw_sc_identifications.

input layout (one file per report, CSV or tab-delimited, as published; e.g. White 2016's ICE columns):
  state,GEOid2,GEOid,abbrev,county,aor,activationdate,submissions,identmatch_lescl1,identmatch_lescl23,
  identmatch_total,removals...,P0010001
  GEOid2 = state+county FIPS as an integer (1001), activationdate = m/d/yyyy, counts with or without thousands
  separators ("2,743"). Used: GEOid2, activationdate, submissions, identmatch_total, identmatch_lescl1,
  identmatch_lescl23 (county for messages); the rest is ignored. Counts are cumulative from the county's
  activation to the report's as-of date. Rows without an activation date (not yet activated) are skipped.
  Multi-county jurisdictions are rows like others (New York City on 36085, Skagway-Hoonah-Angoon on 02105:
  ref_reporting_units makes them units downstream).

rows written:
  one file: one row per county, period_start = activation date, period_end = as-of date.
  several files (with their as-of dates): the earliest as above, then per later file the flow since the
  previous one (later minus earlier, per county), period_start = previous as-of + 1 day (or the activation date
  for a county activated after it), period_end = this as-of. A county whose cumulative submissions, matches or
  level counts go down is an error. matches_level1 = identmatch_lescl1, matches_level2_3 = identmatch_lescl23,
  matches_level2/3 and level_basis empty, source = "ICE IDENT/IAFIS statistics as of <date> (<file name>)".
"""
ACS_HELP = """\
ACS county nativity table -> raw_census_foreign_born.

input layout: table B05012 (B05012_001E total, B05012_003E foreign born, MOEs B05012_001M, B05012_003M) or
B05002 (B05002_001E total, B05002_013E foreign born, MOEs _001M, _013M), told apart by the columns present, as
  (a) the data.census.gov CSV export (e.g. ACSDT5Y2010.B05002-Data.csv): a header row of codes
      (GEO_ID,NAME,B05002_001E,B05002_001M,...) and a second header row of labels (Geography,Geographic Area
      Name,Estimate!!Total:,...), skipped; GEO_ID like 0500000US01001, NAME like "Autauga County, Alabama";
      annotation columns (..._001EA, ..._001MA), where present, take the place of their values;
  (b) the Census API's JSON array of arrays: [["NAME","B05012_001E",...,"state","county"],[...],...]
      (county = state + county, or GEO_ID when that column is there).
Rows for the nation, states or other geographies are dropped (counted), and so are Puerto Rico's municipios and
the island areas; later geography's 02158 and 46102 map to 02270 and 46113 (ref_fips_changes). A county whose
estimate is an annotation (-, N, (X), null, API -666666666 ...) is dropped (listed).

rows written: one per county: acs_vintage = --vintage, total_population = the total estimate,
foreign_born_share = foreign born / total, foreign_born_share_moe = its 90 % MOE by the Census Bureau's ratio
formula sqrt(MOE_x^2 - p^2 MOE_y^2) / y (the "+" form when the radicand is negative; a controlled total, MOE
"*****", counts as 0; other annotations (**, ***, -, N, (X), null) leave it empty), noncitizen_share empty.
"""
UCR_HELP = """\
ICPSR county-level UCR "Arrests, All Ages" file (series 57, part 1) -> raw_ucr_arrests + raw_ucr_data_quality.

input layout: the ICPSR *-Data.tsv as distributed (e.g. 33523-0001-Data.tsv for 2010, 35019-0001-Data.tsv for
2012; tab-delimited, fields quoted or not, names in any case) or the same as CSV, one row per county, the 56
variables STUDYNO, EDITION, PART, IDNO, FIPS_ST, FIPS_CTY, CPOPARST, AG_ARRST, JURFLAG, COVIND, GRNDTOT, P1TOT,
P1VLNT, P1PRPTY, MURDER ... RUNAWAY (the offenses, with the drug and gambling breakdowns COCSALE ... OTGAMBL).
FIPS_ST / FIPS_CTY are integers (padded here). Other columns are ignored; a missing one of these is an error.

county codes (each such row is printed with what was done and its arrests):
  FIPS_CTY 000, 777 (statewide agencies) or 999: no county, dropped with their arrests (GRNDTOT) reported;
  a code of ref_fips_changes (51560 -> 51005, 51780 -> 51083): combined with that county;
  a code of ref_fips_splits (02201, 02232, 02280, 30113): given to the only part that took its residents
  (02201 -> 02198), or to the reporting unit that covers the parts (02232 -> 02105), or else allocated among the
  parts by 2010 population (largest remainder per count; 02280, 30113);
  rows combined into one county: counts summed, coverage = COVIND weighted by CPOPARST (rounded to 4 decimals; a
  row with CPOPARST 0 weighs nothing; all 0: the plain mean);
  any other code that is not a 2010 county, and the same code twice, are errors.

sub-totals (checked, not loaded): P1VLNT = MURDER+RAPE+ROBBERY+AGASSLT, P1PRPTY = BURGLRY+LARCENY+MVTHEFT+ARSON,
  P1TOT = P1VLNT+P1PRPTY, DRUGTOT = DRGSALE+DRGPOSS, DRGSALE = COCSALE+MJSALE+SYNSALE+OTHSALE,
  DRGPOSS = COCPOSS+MJPOSS+SYNPOSS+OTHPOSS, GAMBLE = BOOKMKG+NUMBERS+OTGAMBL, GRNDTOT = all 30 offense codes as
  written (CURFEW, RUNAWAY and SUSPICN included). A gap of at most 2 arrests or 1 % is ICPSR's rounding of imputed
  cells; a larger one is a data-quality warning, never a rejection: printed (rows per rule, up to 5 lines) and
  written to RAW_DIR/raw_ucr_data_quality.csv (county_fips, data_year, rule, source_fips, total_code,
  total_value, parts_sum, gap, action; a reload of a data year replaces that year's rows), which the warehouse
  reads when it is there and the review packet shows in words (rpt_review_packet.ucr_data_quality_warnings).
  Undifferentiated drug arrests (DRUGTOT beyond DRGSALE+DRGPOSS) are counted: added to DRGSALE and DRGPOSS in
  proportion to the county's own split, all to DRGPOSS when both are 0. GAMBLE, DRGSALE and DRGPOSS are loaded as
  given: what they hold beyond their breakdowns is counted. What P1*, GRNDTOT hold beyond their parts is not.
errors: a count that is not a non-negative whole number, COVIND outside 0..100, a missing column.

rows written: one per county and offense code of seeds/reference/ref_ucr_offense_classes.csv (30), data_year =
--year, arrests as above, coverage_indicator = COVIND (combined as above), is_synthetic = false.
"""


def as_of_date(text: str) -> dt.date:
    """An argparse type: ``YYYY-MM-DD``."""
    date = iso_date(text)
    if date is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD")
    return date


def acs_vintage(text: str) -> str:
    """An argparse type: a 5-year ACS vintage ``YYYY-YYYY`` (end = start + 4)."""
    match = re.fullmatch(r"(\d{4})-(\d{4})", text)
    if not match or int(match.group(2)) - int(match.group(1)) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not a 5-year ACS vintage YYYY-YYYY such as 2006-2010")
    return text


def data_year(text: str) -> int:
    """An argparse type: a 4-digit year."""
    if not re.fullmatch(r"\d{4}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year YYYY")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The program's argument parser, with one subcommand per source."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Turn published source files into the raw tables of docs/CONTRACT.md, merged into RAW_DIR.",
        epilog="subcommands: ice (ICE IDENT/IAFIS statistics), acs (ACS nativity), ucr (ICPSR UCR county arrests); "
        f"'{PROGRAM} SUBCOMMAND --help' explains each input layout and what is written.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{ice,acs,ucr}")
    formatter = argparse.RawDescriptionHelpFormatter
    tables = {
        "ice": (IDENTIFICATIONS, "county_fips, period_start, period_end", ICE_HELP),
        "acs": (CENSUS, "county_fips, acs_vintage", ACS_HELP),
        "ucr": (UCR, "county_fips, data_year, offense_code", UCR_HELP),
    }
    parsers = {}
    for name, (table, key, text) in tables.items():
        parsers[name] = commands.add_parser(
            name,
            help=text.splitlines()[0],
            description=text,
            epilog=OUTPUT.format(table=table, key=key),
            formatter_class=formatter,
        )
    parsers["ice"].add_argument("files", nargs="+", type=Path, metavar="FILE", help="ICE county table(s)")
    parsers["ice"].add_argument(
        "--as-of",
        dest="as_of",
        action="append",
        type=as_of_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="the date each table is cumulative to, once per FILE, in the same order",
    )
    parsers["acs"].add_argument("file", type=Path, metavar="FILE", help="data.census.gov CSV export or API JSON")
    parsers["acs"].add_argument(
        "--vintage", required=True, type=acs_vintage, metavar="YYYY-YYYY", help="the 5-year ACS vintage"
    )
    parsers["ucr"].add_argument("file", type=Path, metavar="FILE", help="ICPSR *-Data.tsv (or CSV)")
    parsers["ucr"].add_argument("--year", required=True, type=data_year, metavar="YYYY", help="the UCR data year")
    for subparser in parsers.values():
        subparser.add_argument(
            "--out", required=True, type=Path, metavar="RAW_DIR", help="raw directory to merge into (created if absent)"
        )
    return parser


def run(argv: Sequence[str] | None = None) -> list[str]:
    """Parse ``argv``, load, merge and write; return the report lines. Raises ``InputError`` (nothing written)
    when a check fails; argparse exits with status 2 on bad arguments."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    reference = load_reference()
    if arguments.command == "ice":
        if len(arguments.as_of) != len(arguments.files):
            parser.error(f"ice: give one --as-of per FILE ({len(arguments.files)} files, {len(arguments.as_of)} dates)")
        load = ice.load(arguments.files, arguments.as_of, reference)
    elif arguments.command == "acs":
        load = acs.load(arguments.file, arguments.vintage, reference)
    else:
        load = ucr.load(arguments.file, arguments.year, reference)
    return publish(load, arguments.out, reference)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; print the report, or the problems (exit status 2)."""
    try:
        report = run(argv)
    except InputError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{PROGRAM}: cannot write the raw directory: {error}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
