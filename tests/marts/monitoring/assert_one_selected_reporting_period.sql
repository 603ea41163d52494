-- Exactly one period is the one the run reports on; when var reporting_period names a quarter, it must be in the
-- data (a period with no identification rows cannot be scored).
with

periods as (
    select * from {{ ref('int_reporting_periods') }}
)

select
    count(case when is_selected_period then 1 end) as n_selected,
    {{ "'" ~ var('reporting_period') ~ "'" if var('reporting_period') else 'null' }} as requested_period
from periods
having count(case when is_selected_period then 1 end) != 1
