"""Small source files in the real published layouts, for the loader tests (written into each test's tmp_path).

- ICE "IDENT/IAFIS Interoperability Statistics" county tables (the columns of White 2016's ICE subset): two
  snapshots, as of 2012-03-31 and 2012-08-31, of Autauga and Baldwin AL, Barbour AL (never activated), Kusilvak AK
  (code 02158, activated 2012-04-10, between the snapshots; maps to 02270), Los Angeles CA and Doña Ana NM.
- ACS B05012 / B05002 as the data.census.gov CSV export (two header rows) and as the Census API's JSON array.
- ICPSR UCR county-level arrests (series 57), tab-delimited, with sub-totals computed from their parts.

Also puts the repo root on ``sys.path`` so that ``scload`` imports when pytest is run as ``pytest tests/python``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

ICE_HEADER = [
    "state",
    "GEOid2",
    "GEOid",
    "abbrev",
    "county",
    "aor",
    "activationdate",
    "submissions",
    "identmatch_lescl1",
    "identmatch_lescl23",
    "identmatch_total",
    "removals_convictedcriminalsl1",
    "removals_convictedcriminalsl2",
    "removals_convictedcriminalsl3",
    "removals_icefugitives12",
    "priorremovalsandreturns13",
    "ewisvisaviolatorsandoverstays1",
    "removals_total",
    "P0010001",
]
REMOVALS = ["0", "1", "2", "0", "0", "1", "4"]
NOT_ACTIVATED = [""] * 12


def ice_row(
    state: str, geoid2: int, abbrev: str, county: str, aor: str, counts: list[str], population: int
) -> list[str]:
    """One row of the ICE table; ``counts`` = activationdate, submissions, lescl1, lescl23, total, or empty for a
    county not yet activated (then every ICE field is blank, as in the published table)."""
    geoid = f"0500000US{geoid2:05d}"
    if not counts:
        return [state, str(geoid2), geoid, "", county, "", *NOT_ACTIVATED, str(population)]
    return [state, str(geoid2), geoid, abbrev, county, aor, *counts, *REMOVALS, str(population)]


def ice_snapshot_march() -> list[list[str]]:
    """The ICE table as of 2012-03-31 (header first): lines 2-7 are 1001, 1003, 1005 (not activated), 2158 (not
    activated), 6037, 35013 (Doña Ana)."""
    return [
        list(ICE_HEADER),
        ice_row("Alabama", 1001, "AL", "Autauga", "NOL", ["4/26/2011", "2,500", "1", "9", "10"], 54571),
        ice_row("Alabama", 1003, "AL", "Baldwin", "NOL", ["4/26/2011", "12,000", "50", "250", "300"], 182265),
        ice_row("Alabama", 1005, "AL", "Barbour", "NOL", [], 27457),
        ice_row("Alaska", 2158, "AK", "Kusilvak", "SEA", [], 7459),
        ice_row(
            "California",
            6037,
            "CA",
            "Los Angeles",
            "LOS",
            ["8/27/2009", "1,234,567", "20,000", "80,000", "100,000"],
            9818605,
        ),
        ice_row("New Mexico", 35013, "NM", "Doña Ana", "ELP", ["6/24/2009", "15,321", "400", "1,100", "1,500"], 209233),
    ]


def ice_snapshot_august() -> list[list[str]]:
    """The ICE table as of 2012-08-31, same rows; Kusilvak (2158) activated 2012-04-10."""
    return [
        list(ICE_HEADER),
        ice_row("Alabama", 1001, "AL", "Autauga", "NOL", ["4/26/2011", "2,743", "1", "10", "11"], 54571),
        ice_row("Alabama", 1003, "AL", "Baldwin", "NOL", ["4/26/2011", "13,156", "51", "273", "324"], 182265),
        ice_row("Alabama", 1005, "AL", "Barbour", "NOL", [], 27457),
        ice_row("Alaska", 2158, "AK", "Kusilvak", "SEA", ["4/10/2012", "150", "0", "3", "3"], 7459),
        ice_row(
            "California",
            6037,
            "CA",
            "Los Angeles",
            "LOS",
            ["8/27/2009", "1,300,000", "21,000", "85,000", "106,000"],
            9818605,
        ),
        ice_row("New Mexico", 35013, "NM", "Doña Ana", "ELP", ["6/24/2009", "16,000", "420", "1,180", "1,600"], 209233),
    ]


def write_records(
    path: Path,
    records: list[list[str]],
    encoding: str = "utf-8",
    line_end: str = "\n",
    bom: bool = False,
    delimiter: str = ",",
) -> Path:
    """Write ``records`` as delimited text (fields quoted only when needed, e.g. ``"2,743"``) in ``encoding``, with
    ``line_end`` and optionally a UTF-8 BOM; returns ``path``."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(records)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes(codecs.BOM_UTF8 + data if bom else data)
    return path


ACS_B05012_HEADER = [
    "GEO_ID",
    "NAME",
    "B05012_001E",
    "B05012_001M",
    "B05012_002E",
    "B05012_002M",
    "B05012_003E",
    "B05012_003M",
    "",
]
ACS_B05012_LABELS = [
    "Geography",
    "Geographic Area Name",
    "Estimate!!Total:",
    "Margin of Error!!Total:",
    "Estimate!!Total:!!Native",
    "Margin of Error!!Total:!!Native",
    "Estimate!!Total:!!Foreign-Born",
    "Margin of Error!!Total:!!Foreign-Born",
    "",
]


def acs_counties() -> list[tuple[str, str, str, str, str, str]]:
    """(county code, name, total, total MOE, foreign born, foreign born MOE) of the ACS fixtures. Autauga and
    Los Angeles have a controlled total (MOE *****), Baldwin a total MOE of 100 (ratio formula), Doña Ana a small
    foreign-born MOE (negative radicand: the proportion's "+" form)."""
    return [
        ("01001", "Autauga County, Alabama", "54571", "*****", "1095", "239"),
        ("01003", "Baldwin County, Alabama", "182265", "100", "6540", "612"),
        ("06037", "Los Angeles County, California", "9818605", "*****", "3485000", "12000"),
        ("35013", "Doña Ana County, New Mexico", "2000", "100", "1000", "10"),
    ]


def acs_export_records() -> list[list[str]]:
    """The data.census.gov CSV export of B05012 (with its trailing empty column): codes, labels, the nation
    (line 3), a state (line 4), then the four counties (lines 5-8)."""
    rows = [
        ["0100000US", "United States", "309349689", "*****", "269393835", "115047", "39955854", "115047", ""],
        ["0400000US01", "Alabama", "4779736", "*****", "4618132", "5030", "161604", "5030", ""],
    ]
    for code, name, total, total_moe, foreign, foreign_moe in acs_counties():
        native = str(int(total) - int(foreign))
        rows.append([f"0500000US{code}", name, total, total_moe, native, foreign_moe, foreign, foreign_moe, ""])
    return [list(ACS_B05012_HEADER), list(ACS_B05012_LABELS), *rows]


def acs_api_json(table: str = "B05012") -> str:
    """The Census API's JSON answer for ``get=NAME,<table>_001E,..&for=county:*``: one array per line, header
    first; the controlled MOE as -555555555; Los Angeles's total as a JSON number."""
    foreign_code = "003" if table == "B05012" else "013"
    header = ["NAME", f"{table}_001E", f"{table}_001M", f"{table}_{foreign_code}E", f"{table}_{foreign_code}M"]
    lines = [json.dumps([*header, "state", "county"], ensure_ascii=False)]
    for code, name, total, total_moe, foreign, foreign_moe in acs_counties():
        moe = "-555555555" if total_moe == "*****" else total_moe
        total_value: str | int = int(total) if code == "06037" else total
        row = [name, total_value, moe, foreign, foreign_moe, code[:2], code[2:]]
        lines.append(json.dumps(row, ensure_ascii=False))
    return "[" + ",\n".join(lines) + "]\n"


UCR_COLUMNS = [
    "STUDYNO",
    "EDITION",
    "PART",
    "IDNO",
    "FIPS_ST",
    "FIPS_CTY",
    "CPOPARST",
    "AG_ARRST",
    "JURFLAG",
    "COVIND",
    "GRNDTOT",
    "P1TOT",
    "P1VLNT",
    "P1PRPTY",
    "MURDER",
    "RAPE",
    "ROBBERY",
    "AGASSLT",
    "BURGLRY",
    "LARCENY",
    "MVTHEFT",
    "ARSON",
    "OTHASLT",
    "FRGYCNT",
    "FRAUD",
    "EMBEZL",
    "STLNPRP",
    "VANDLSM",
    "WEAPONS",
    "COMVICE",
    "SEXOFF",
    "DRUGTOT",
    "DRGSALE",
    "COCSALE",
    "MJSALE",
    "SYNSALE",
    "OTHSALE",
    "DRGPOSS",
    "COCPOSS",
    "MJPOSS",
    "SYNPOSS",
    "OTHPOSS",
    "GAMBLE",
    "BOOKMKG",
    "NUMBERS",
    "OTGAMBL",
    "OFAGFAM",
    "DUI",
    "LIQUOR",
    "DRUNK",
    "DISORDR",
    "VAGRANT",
    "ALLOTHR",
    "SUSPICN",
    "CURFEW",
    "RUNAWAY",
]
UCR_LEAVES = [
    "MURDER",
    "RAPE",
    "ROBBERY",
    "AGASSLT",
    "BURGLRY",
    "LARCENY",
    "MVTHEFT",
    "ARSON",
    "OTHASLT",
    "FRGYCNT",
    "FRAUD",
    "EMBEZL",
    "STLNPRP",
    "VANDLSM",
    "WEAPONS",
    "COMVICE",
    "SEXOFF",
    "COCSALE",
    "MJSALE",
    "SYNSALE",
    "OTHSALE",
    "COCPOSS",
    "MJPOSS",
    "SYNPOSS",
    "OTHPOSS",
    "BOOKMKG",
    "NUMBERS",
    "OTGAMBL",
    "OFAGFAM",
    "DUI",
    "LIQUOR",
    "DRUNK",
    "DISORDR",
    "VAGRANT",
    "ALLOTHR",
    "SUSPICN",
    "CURFEW",
    "RUNAWAY",
]


def ucr_offenses(base: int) -> dict[str, int]:
    """Leaf offense counts of one county: ``base`` + the offense's position (MURDER = base, RAPE = base + 1, ...)."""
    return {name: base + index for index, name in enumerate(UCR_LEAVES)}


def ucr_totals(leaves: dict[str, int], suspicion_in_total: bool = False) -> dict[str, int]:
    """The leaves plus the sub-totals of the ICPSR file; GRNDTOT excludes CURFEW, RUNAWAY and (unless
    ``suspicion_in_total``) SUSPICN."""
    counts = dict(leaves)
    counts["DRGSALE"] = sum(leaves[name] for name in ("COCSALE", "MJSALE", "SYNSALE", "OTHSALE"))
    counts["DRGPOSS"] = sum(leaves[name] for name in ("COCPOSS", "MJPOSS", "SYNPOSS", "OTHPOSS"))
    counts["DRUGTOT"] = counts["DRGSALE"] + counts["DRGPOSS"]
    counts["GAMBLE"] = sum(leaves[name] for name in ("BOOKMKG", "NUMBERS", "OTGAMBL"))
    counts["P1VLNT"] = sum(leaves[name] for name in ("MURDER", "RAPE", "ROBBERY", "AGASSLT"))
    counts["P1PRPTY"] = sum(leaves[name] for name in ("BURGLRY", "LARCENY", "MVTHEFT", "ARSON"))
    counts["P1TOT"] = counts["P1VLNT"] + counts["P1PRPTY"]
    parts = [name for name in UCR_LEAVES if name not in {"CURFEW", "RUNAWAY", "SUSPICN"}]
    parts = [name for name in parts if not name.startswith(("COC", "MJ", "SYN", "OTHS", "OTHP"))]
    parts = [name for name in parts if name not in {"BOOKMKG", "NUMBERS", "OTGAMBL"}]
    counts["GRNDTOT"] = sum(leaves[name] for name in parts) + counts["DRUGTOT"] + counts["GAMBLE"]
    counts["GRNDTOT"] += leaves["SUSPICN"] if suspicion_in_total else 0
    return counts


def ucr_record(idno: int, fips_st: int, fips_cty: int, covind: str, counts: dict[str, int | str]) -> list[str]:
    """One ICPSR row in UCR_COLUMNS order (STUDYNO 34582, EDITION 1, PART 1)."""
    header = {"STUDYNO": "34582", "EDITION": "1", "PART": "1", "IDNO": str(idno), "FIPS_ST": str(fips_st)}
    header |= {"FIPS_CTY": str(fips_cty), "CPOPARST": "50000", "AG_ARRST": "3", "JURFLAG": "0", "COVIND": covind}
    return [header[name] if name in header else str(counts[name]) for name in UCR_COLUMNS]


UCR_COUNTIES = [(1, 1, "100", 1), (1, 3, "87.5", 10), (6, 37, "99.99", 100), (35, 13, "62.25", 20)]


def ucr_records(suspicion_in_total: bool = False) -> list[list[str]]:
    """The ICPSR table (header first): Alabama's statewide agencies (FIPS_CTY 999, line 2), then 01001, 01003,
    06037, 35013 (lines 3-6), then Alabama's state row (FIPS_CTY 0, line 7). County leaf counts start at 1, 10,
    100, 20."""
    rows = [ucr_record(1, 1, 999, "100", ucr_totals(ucr_offenses(5), suspicion_in_total))]
    for idno, (fips_st, fips_cty, covind, base) in enumerate(UCR_COUNTIES, start=2):
        rows.append(ucr_record(idno, fips_st, fips_cty, covind, ucr_totals(ucr_offenses(base), suspicion_in_total)))
    rows.append(ucr_record(9, 1, 0, "98", ucr_totals(ucr_offenses(7), suspicion_in_total)))
    return [list(UCR_COLUMNS), *rows]


def directory_contents(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (relative name → bytes); empty when ``path`` does not exist."""
    if not path.exists():
        return {}
    return {str(file.relative_to(path)): file.read_bytes() for file in sorted(path.rglob("*")) if file.is_file()}
