{%- set window_quarters = var('window_quarters') | int -%}

with

identifications as (
    select * from {{ ref('stg_ice__identifications') }}
),

quarters as (
    select distinct {{ quarter_start('period_end_date') }} as quarter_start_date
    from identifications
),

periods as (
    select
        {{ quarter_label('quarter_start_date') }} as reporting_period,
        {{ quarter_label(add_months('quarter_start_date', -3)) }} as previous_reporting_period,
        year(quarter_start_date) as period_year,
        quarter_start_date,
        {{ add_days(add_months('quarter_start_date', 3), -1) }} as quarter_end_date,
        {{ add_months('quarter_start_date', -3 * (window_quarters - 1)) }} as window_start_date,
        {{ window_quarters }} as window_quarters
    from quarters
),

final as (
    select
        *,
        reporting_period = coalesce(
            {{ "'" ~ var('reporting_period') ~ "'" if var('reporting_period') else 'null' }},
            max(reporting_period) over ()
        ) as is_selected_period
    from periods
)

select * from final
