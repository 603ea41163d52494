-- Which units are new on the review list of the selected period, and which dropped off since the previous quarter?
-- (recomputed in this build; `was_on_published_previous_list` says what analysts were actually told)
with

ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

selected as (
    select * from ranking
    where is_selected_period
),

previous as (
    select ranking.*
    from ranking
    inner join selected
        on
            ranking.county_fips = selected.county_fips
            and ranking.reporting_period = selected.previous_reporting_period
)

select
    case when selected.is_flagged then 'new on the list' else 'dropped off' end as list_change,
    selected.county_fips,
    selected.unit_name,
    selected.anomaly_rank,
    previous.anomaly_rank as previous_anomaly_rank,
    selected.was_on_published_previous_list,
    selected.flag_reasons,
    selected.analyst_notes
from selected
inner join previous
    on selected.county_fips = previous.county_fips
where selected.is_flagged != previous.is_flagged
order by list_change desc, coalesce(selected.anomaly_rank, previous.anomaly_rank) asc
