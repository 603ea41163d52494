"""Write the high-precision reference table of the standard normal upper tail, for the tests of the tail macro.

Writes ``seeds/reference_values/ref_normal_tail.csv``: one row per test point x with ``upper_tail`` = Φ(-x) =
1 - Φ(x), computed by mpmath at 50 significant digits and written with 20, for the tests of
``macros/statistics/normal_lower_tail.sql``
(``tests/macros/statistics/assert_normal_tail_matches_reference_table.sql``).

The points:

* a grid every 0.02 from 0 to 38.5 (``grid``);
* around every switch of the macro: erf/erfc at x = 0.46875·√2, Cody's second/third range at x = 4·√2, the exact
  zero beyond x = 38.5; and around the switches of the implementation it replaced (7.0710678 and 37), where the
  old errors were largest: the switch itself and 1, 2 and 8 representable doubles either side, then ±1e-9, ±1e-6,
  ±1e-3 (``switch ...``);
* just below and at a few multiples of 1/16, where the split of exp(-x²/2) changes (``sixteenth``);
* where Φ(-x) leaves the normal double range (x ≈ 37.519) and where it rounds to zero (x ≈ 38.49), and a few
  points beyond (``underflow``).

Each x is a double written as its shortest round-trip decimal, and Φ(-x) is computed at that exact double (not at
the decimal it is printed as: at x = 37 one ulp of x changes Φ(-x) by 2.6e-13 relative). Points
where Φ(-x) is below the smallest double (4.9e-324) are kept with their true value; the table loads them as 0.

Deterministic: the same mpmath version writes the same bytes. mpmath is a development tool only (``pip install
mpmath`` into the project's virtual environment); the warehouse never needs it, and it is not in requirements.txt.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "seeds" / "reference_values" / "ref_normal_tail.csv"

DIGITS_WORKING = 50
DIGITS_WRITTEN = 20
GRID_STEP = 0.02
GRID_END = 38.5

SQRT_HALF_SWITCH = 0.46875 * math.sqrt(2.0)  # erf/erfc switch of Cody's CALERF (y = x/√2 = 0.46875)
FOUR_SQRT_TWO = 4.0 * math.sqrt(2.0)  # second/third range switch of CALERF (y = 4)
SWITCHES: tuple[tuple[str, float], ...] = (
    ("switch erf/erfc x = 0.46875*sqrt(2)", SQRT_HALF_SWITCH),
    ("switch Cody ranges 2/3 x = 4*sqrt(2)", FOUR_SQRT_TWO),
    ("switch of the former macro x = 5*sqrt(2)", 5.0 * math.sqrt(2.0)),
    ("switch of the former macro x = 7.07106781186547", 7.07106781186547),
    ("former zero cutoff x = 37", 37.0),
    ("zero cutoff x = 38.5", 38.5),
)
SIXTEENTHS = (16, 37, 80, 113, 160, 320, 400, 591, 592)  # k: points k/16 and the double just below
UNDERFLOW_POINTS = (37.519, 37.52, 37.6, 38.4, 38.47, 38.48, 38.49, 38.6, 39.0, 40.0, 50.0)


def collect_points() -> list[tuple[float, str]]:
    """Every test point (x as a double, what it is), sorted by x, each x once (the first note wins)."""
    points: dict[float, str] = {}

    def add(x: float, note: str) -> None:
        points.setdefault(x, note)

    for step in range(round(GRID_END / GRID_STEP) + 1):
        add(round(step * GRID_STEP, 10), "grid")
    for note, switch in SWITCHES:
        add(switch, note)
        below = above = switch
        for ulps in range(1, 9):
            below = math.nextafter(below, 0.0)
            above = math.nextafter(above, math.inf)
            if ulps in (1, 2, 8):
                add(below, f"{note} -{ulps} ulp")
                add(above, f"{note} +{ulps} ulp")
        for offset in (1e-9, 1e-6, 1e-3):
            add(switch - offset, f"{note} -{offset:g}")
            add(switch + offset, f"{note} +{offset:g}")
    for k in SIXTEENTHS:
        add(k / 16.0, f"sixteenth {k}/16")
        add(math.nextafter(k / 16.0, 0.0), f"sixteenth {k}/16 -1 ulp")
    for x in UNDERFLOW_POINTS:
        add(x, "underflow")
    return sorted(points.items())


def upper_tail_text(x: float, mpmath_module: object) -> str:
    """Φ(-x) at the exact double x, as a decimal with DIGITS_WRITTEN significant digits (exponent form)."""
    mp = mpmath_module
    tail = mp.ncdf(-mp.mpf(x))  # mpf(x) is exact: a double converts without rounding
    if tail == 0:
        return "0"
    return mp.nstr(tail, DIGITS_WRITTEN, min_fixed=1, max_fixed=0, strip_zeros=False)


def write_table(output: Path) -> int:
    """Write the CSV; returns the number of rows."""
    try:
        import mpmath
    except ImportError:
        sys.exit(
            "error: mpmath is not installed. It is a development tool only: "
            "`.venv/bin/pip install mpmath` (do not add it to requirements.txt)."
        )
    mpmath.mp.dps = DIGITS_WORKING
    rows = collect_points()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["x", "upper_tail", "note"])
        for x, note in rows:
            writer.writerow([repr(x), upper_tail_text(x, mpmath), note])
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=(
            "Write seeds/reference_values/ref_normal_tail.csv: the standard normal upper tail Phi(-x) at test "
            "points 0 <= x <= 50 (a 0.02 grid to 38.5, points around every switch of the tail macro and near "
            "underflow), computed by mpmath at 50 digits. Needs mpmath (development only)."
        )
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"CSV file to write (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})",
    )
    args = parser.parse_args(argv)
    count = write_table(args.output)
    print(f"wrote {count} rows to {args.output}")


if __name__ == "__main__":
    main()
