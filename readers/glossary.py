"""The glossary: the words of the review list, the packets and the dashboard, in plain language, for someone who
has never seen a z-score. One text for the dashboard's glossary page and the packets."""

from __future__ import annotations

TERMS: tuple[tuple[str, str], ...] = (
    (
        "Unit",
        (
            "A county, or the counties one ICE report covers together (New York City's five boroughs are one "
            "unit). Its code is the county code ICE reports it on."
        ),
    ),
    (
        "Observed",
        (
            "What the data count for the unit: IDENT matches (arrestees whose fingerprints matched an immigration"
            " record), or, for statistic 3, the matches held for less-serious offenses."
        ),
    ),
    (
        "Expected",
        (
            "How many there would be if the unit followed the national relationship: for statistic 1, its "
            "fingerprint submissions times its foreign-born share times one national constant; for statistic 2, "
            "its UCR arrests times its years active times its foreign-born share; for statistic 3, its matches of"
            " known level times its UCR share of less-serious arrests. The constants are set so that, nationally,"
            " expected equals observed."
        ),
    ),
    (
        "Ratio",
        (
            "Observed divided by expected: 1 is what the national relationship predicts, 2 is twice as many. A "
            "ratio alone says nothing about chance: a small county reaches 3 by luck, a large one never does."
        ),
    ),
    (
        "Limits (funnel)",
        (
            "The range of ratios that innocent units of the same size reach: 95 % of them stay inside the dashed "
            "lines, 99.8 % inside the solid ones. The range is wide for small units and narrows for large ones, "
            "but never to nothing: real counties differ more than chance alone would make them (the between-"
            "county spread)."
        ),
    ),
    (
        "z-score",
        (
            "How far the unit is above (or below) expectation, in units of the spread that innocent units of its "
            "size show. About 2 or more is unusual, 3 or more rare. Technical: the overdispersion-adjusted z of "
            "Spiegelhalter (2005), with the between-county variance τ² by Paule–Mandel."
        ),
    ),
    (
        "p and q",
        (
            "p: the chance that an innocent unit of this size would be this far above expectation. q: the same "
            "after allowing for the number of counties looked at (Benjamini–Hochberg): 'far beyond chance' means "
            "q < 0.001, 'beyond chance' q < 0.05, 'within what chance allows' otherwise."
        ),
    ),
    (
        "Score",
        ("−log10 of the combined chance: 2 means one in a hundred, 6 one in a million. The list is ordered by it."),
    ),
    (
        "The two families",
        (
            "Statistics 1 and 2 both count the unit's matches (against its population and against its crime): the"
            " match family. Statistic 3 asks what the matched were arrested for: the minor family. The stronger "
            "family decides the rank; one family's shortfall never hides the other's excess."
        ),
    ),
    (
        "Synthetic inputs",
        (
            "County UCR files may not be redistributed, so the embedded data carry a labelled placeholder "
            "instead. Statistics that rest on it are shown and plotted, stamped 'synthetic', and never decide the"
            " list."
        ),
    ),
    (
        "Custody sites",
        (
            "A county jail that holds immigration detainees for ICE, or a state prison's intake centre, "
            "fingerprints people whom the immigration database already knows, so its statistics run high without "
            "any police bias. Such units are listed in their own section beside the review list, never hidden, "
            "and the list itself holds the next units instead."
        ),
    ),
    (
        "Review list",
        (
            "The top units (24 by default) sent on for closer review (step 2). Being on it selects a county for a"
            " closer look; it proves nothing."
        ),
    ),
    (
        "Rank interval",
        (
            "How firm the rank is: the ranking redrawn 1,000 times with the sampling noise of the counts; the 90 "
            "% interval is the range of ranks the unit took in 90 % of the redraws, and 'on the list in N %' how "
            "often it stayed on the list."
        ),
    ),
    (
        "Sensitivity",
        (
            "The unit's place under other reasonable choices: a one-quarter window, another way to measure the "
            "between-county spread, a higher minimum expected count, the other census vintage, custody sites kept"
            " on the list. 'On the list under 4 of 5' means the finding does not hang on one choice."
        ),
    ),
    (
        "Neighbours",
        (
            "The adjacent units' pooled ratio, and how far the unit stands out from its own area (local z): a "
            "whole region can be high for reasons no single county explains."
        ),
    ),
)


def glossary_markdown() -> str:
    """The glossary as Markdown (the dashboard's glossary page)."""
    return "\n\n".join(f"**{term}.** {text}" for term, text in TERMS)
