-- Every period's review list holds exactly var review_list_size units (or every rankable unit, if fewer), each
-- ranked and eligible for at least one statistic; ranks are 1..N without gaps.
with

ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

per_period as (
    select
        reporting_period,
        count(case when is_flagged then 1 end) as n_flagged,
        count(anomaly_rank) as n_ranked,
        max(anomaly_rank) as max_rank,
        count(case when is_flagged and n_statistics_scored = 0 then 1 end) as n_flagged_unscored
    from ranking
    group by reporting_period
)

select *
from per_period
where
    n_flagged != least({{ var('review_list_size') }}, n_ranked)
    or max_rank != n_ranked
    or n_flagged_unscored > 0
