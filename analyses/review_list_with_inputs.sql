-- Why is each unit on the review list? The selected period's list with, per statistic, what was observed, what
-- was expected and the 99.8 % funnel limits at the unit's size. Compile with `dbt compile`, then run the SQL in
-- target/compiled/ against the warehouse (read-only).
with

ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

match_rate as (
    select * from {{ ref('fct_match_rate') }}
),

crime_adjusted as (
    select * from {{ ref('fct_crime_adjusted_matches') }}
),

minor_share as (
    select * from {{ ref('fct_minor_offense_share') }}
)

select
    ranking.anomaly_rank,
    ranking.county_fips,
    ranking.unit_name,
    ranking.combined_score,
    match_rate.submissions,
    match_rate.matches_total,
    match_rate.foreign_born_share,
    match_rate.expected as match_rate_expected,
    match_rate.ratio as match_rate_ratio,
    match_rate.ratio_upper_998 as match_rate_upper_998,
    crime_adjusted.ucr_arrests_total,
    crime_adjusted.ucr_coverage_indicator,
    crime_adjusted.expected as crime_adjusted_expected,
    crime_adjusted.ratio as crime_adjusted_ratio,
    crime_adjusted.ratio_upper_998 as crime_adjusted_upper_998,
    minor_share.observed as minor_matches,
    minor_share.matches_known_level,
    minor_share.expected_share as minor_expected_share,
    minor_share.ratio as minor_share_ratio,
    ranking.flag_reasons
from ranking
inner join match_rate
    on ranking.county_fips = match_rate.county_fips and ranking.reporting_period = match_rate.reporting_period
inner join crime_adjusted
    on ranking.county_fips = crime_adjusted.county_fips and ranking.reporting_period = crime_adjusted.reporting_period
inner join minor_share
    on ranking.county_fips = minor_share.county_fips and ranking.reporting_period = minor_share.reporting_period
where ranking.is_selected_period and ranking.is_flagged
order by ranking.anomaly_rank
