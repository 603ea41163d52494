-- How firm each unit's rank is under sampling noise alone (METHODS.md "Step 2", part 6), for the selected period:
-- var rank_replicates replicates of the whole ranking, seeded by var rank_seed (macros rank_replicates and
-- rank_intervals). Empty when rank_replicates is 0 (no replicate, so no row).
{%- set n_replicates = var('rank_replicates') | int %}

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
),

rankable_units as (
    -- Each ranked statistic's z moves by s/sqrt(s² + τ²) times a standard normal when y is drawn from N(y, s²).
    select
        ranking.county_fips,
        ranking.reporting_period,
        ranking.r_match_family,
        ranking.is_custody_explained,
        ranking.match_rate_z_score,
        ranking.match_rate_is_ranked,
        match_rate.sampling_standard_error / match_rate.score_standard_error as match_rate_noise_scale,
        ranking.crime_adjusted_z_score,
        ranking.crime_adjusted_is_ranked,
        crime_adjusted.sampling_standard_error / crime_adjusted.score_standard_error as crime_adjusted_noise_scale,
        ranking.minor_share_z_score,
        ranking.minor_share_is_ranked,
        minor_share.sampling_standard_error / minor_share.score_standard_error as minor_share_noise_scale
    from ranking
    inner join match_rate
        on ranking.county_fips = match_rate.county_fips and ranking.reporting_period = match_rate.reporting_period
    inner join crime_adjusted
        on
            ranking.county_fips = crime_adjusted.county_fips
            and ranking.reporting_period = crime_adjusted.reporting_period
    inner join minor_share
        on ranking.county_fips = minor_share.county_fips and ranking.reporting_period = minor_share.reporting_period
    where ranking.is_selected_period and ranking.anomaly_rank is not null
),

replicates as (
    {{ rank_replicates('rankable_units', n_replicates, var('rank_seed')) }}
),

intervals as (
    {{ rank_intervals('replicates') }}
),

final as (
    select
        county_fips,
        reporting_period,
        n_replicates,
        {{ var('rank_seed') }} as rank_seed,
        rank_median,
        rank_lower_90,
        rank_upper_90,
        share_of_replicates_on_list
    from intervals
)

select * from final
