"""The review list as the operator's `run` prints it: the list, then the high scores that a custody site explains,
with the reasons in words and a legend for someone who has never seen a z-score."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb


def print_review_list(database: Path) -> None:
    """Print the selected period's review list and, beside it, the high scores that a custody site explains."""
    columns = (
        "review_rank, anomaly_rank, county_fips, unit_name, combined_score, driving_family, is_significant,"
        " previous_review_rank, is_new_on_list, n_earlier_quarters_flagged, flag_reasons, analyst_notes"
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        period, ranked, shown, policy = connection.execute(
            """
            select any_value(reporting_period),
                   string_agg(distinct ranked_statistics, ', ' order by ranked_statistics),
                   bool_or(shows_synthetic_statistics and not uses_synthetic_inputs),
                   any_value(case when is_flagged and is_custody_explained then 'annotate' end)
            from marts.rpt_anomaly_ranking where is_selected_period
            """
        ).fetchone()
        listed = connection.execute(
            f"select {columns} from marts.rpt_anomaly_ranking where is_selected_period and is_flagged"
            " order by review_rank"
        ).fetchall()
        explained = connection.execute(
            f"select {columns} from marts.rpt_anomaly_ranking"
            " where is_selected_period and is_custody_explained_high and not is_flagged order by anomaly_rank"
        ).fetchall()
    if not listed:
        print("The review list is empty: no unit could be ranked in the selected period.")
        return
    wrap = textwrap.TextWrapper(width=118, initial_indent=" " * 8, subsequent_indent=" " * 8, break_on_hyphens=False)
    statistics = "statistic 1 only" if ranked == "1" else f"statistics {ranked}"
    print(f"\nReview list for {period}: {len(listed)} units, ranked on {statistics} (database {database})")
    if shown:
        print(
            "Statistics 2 and 3 rest on the synthetic UCR placeholder (no county UCR file may be redistributed):"
            " they are shown in the marts but never decide the list."
        )
    columns = f"{'list':>4}  {'rank':>4}  {'unit':5}  {'name':36}  {'score':>6}  {'family':6}  {'q<FDR':5}"
    print(f"\n{columns}  {'prev':>4}  new")
    for review_rank, rank, fips, name, score, family, significant, previous, is_new, _, reasons, notes in listed:
        print(
            f"{review_rank:>4}  {rank:>4}  {fips:5}  {name[:36]:36}  {score:6.2f}  {family:6}"
            f"  {'yes' if significant else '':5}  {previous if previous is not None else '-':>4}"
            f"  {'new' if is_new else ''}"
        )
        print(wrap.fill(reasons))
        if notes:
            print(wrap.fill(f"Analyst notes: {notes}"))
    if explained:
        print(
            f"\nHigh scores with a known custody explanation ({len(explained)} units ranked above the list's last unit,"
            " listed apart and not on the list):"
        )
        print(f"{'':4}  {'rank':>4}  {'unit':5}  {'name':36}  {'score':>6}")
        for _, rank, fips, name, score, *_rest, reasons, notes in explained:
            print(f"{'':4}  {rank:>4}  {fips:5}  {name[:36]:36}  {score:6.2f}")
            print(wrap.fill(reasons))
            if notes:
                print(wrap.fill(f"Analyst notes: {notes}"))
    print(
        "\nlist: place on the review list; rank: place among all units; score: -log10 of the combined chance of"
        " a result this far above expectation (2 = 1 in 100, 6 = 1 in a million); family: match = how many"
        " arrestees matched immigration records, minor = what they were held for; q<FDR: beyond chance after"
        " allowing for the number of counties tested; prev: list place in the previous quarter; new: not on"
        " that list."
    )
    if policy:
        print("custody_sites = annotate: units with a custody explanation stay on the list, marked in their reasons.")
