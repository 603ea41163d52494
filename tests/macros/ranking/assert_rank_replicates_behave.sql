-- rank_replicates and rank_intervals on literal units (METHODS.md "Step 2", part 6; "Checks that must hold"):
--   far_above: one unit with z = 12 among 40 units with z from −1.95 to 1.95 (statistic 1 only, noise scale 0.7):
--              it is ranked 1 in at least 99 % of 400 replicates;
--   narrowing: the same 40 units and one unit whose ratio is 2 with τ² = 0.01: at E = 20 its z is 2.7614 and its
--              noise scale s/sqrt(s² + τ²) 0.7454; at E = 2000 (the same ratio) 4.1165 and 0.1111. Its 90 % rank
--              interval is narrower at the larger E;
--   determinism: the same inputs and seed give the same ranks, drawn twice.
with

background as (
    {%- for i in range(40) %}
        select
            'unit_{{ "%02d" % i }}' as county_fips,
            {{ -1.95 + 0.1 * i }} as z
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

scenario_periods as (
    select 'far_above' as reporting_period
    union all
    select 'narrow_small' as reporting_period
    union all
    select 'narrow_large' as reporting_period
),

scenarios as (
    select
        background.county_fips,
        background.z,
        scenario_periods.reporting_period,
        0.7 as noise_scale
    from background
    cross join scenario_periods
    union all
    select
        'target' as county_fips,
        12.0 as z,
        'far_above' as reporting_period,
        0.7 as noise_scale
    union all
    select
        'target' as county_fips,
        2.761423749153968 as z,
        'narrow_small' as reporting_period,
        0.7453559924999299 as noise_scale
    union all
    select
        'target' as county_fips,
        4.116487478527066 as z,
        'narrow_large' as reporting_period,
        0.11111111111111112 as noise_scale
),

units as (
    select
        reporting_period,
        county_fips,
        cast(z as double) as match_rate_z_score,
        true as match_rate_is_ranked,
        cast(noise_scale as double) as match_rate_noise_scale,
        cast(null as double) as crime_adjusted_z_score,
        false as crime_adjusted_is_ranked,
        cast(null as double) as crime_adjusted_noise_scale,
        cast(null as double) as minor_share_z_score,
        false as minor_share_is_ranked,
        cast(null as double) as minor_share_noise_scale,
        0.0 as r_match_family,
        false as is_custody_explained
    from scenarios
),

replicates as (
    {{ rank_replicates('units', 400, 7, custody_sites='separate', review_list_size=5) }}
),

again as (
    {{ rank_replicates('units', 400, 7, custody_sites='separate', review_list_size=5) }}
),

intervals as (
    {{ rank_intervals('replicates') }}
),

target_unit as (
    select
        reporting_period,
        rank_upper_90 - rank_lower_90 as interval_width,
        (
            select avg(case when replicates.anomaly_rank = 1 then 1.0 else 0.0 end)
            from replicates
            where replicates.reporting_period = intervals.reporting_period and replicates.county_fips = 'target'
        ) as share_ranked_first
    from intervals
    where county_fips = 'target'
),

failures as (
    select 'far_above is ranked 1 in fewer than 99 % of replicates' as failure
    from target_unit
    where reporting_period = 'far_above' and share_ranked_first < 0.99
    union all
    select 'the interval does not narrow as E grows at the same ratio'
    from target_unit as smaller
    inner join target_unit as larger
        on smaller.reporting_period = 'narrow_small' and larger.reporting_period = 'narrow_large'
    where not larger.interval_width < smaller.interval_width
    union all
    select 'the same seed gave different ranks'
    from replicates
    inner join again
        on
            replicates.reporting_period = again.reporting_period
            and replicates.county_fips = again.county_fips
            and replicates.replicate = again.replicate
    where replicates.anomaly_rank != again.anomaly_rank
    union all
    select 'not 400 replicates per unit'
    from intervals
    where n_replicates != 400
)

select * from failures
