-- benjamini_hochberg against R p.adjust(method = "BH") on the 15 p-values of Benjamini & Hochberg (1995),
-- ties included.
with

reference as (
    select
        *,
        'example' as reporting_period,
        cast(row_number() over (order by p_value) as varchar) as county_fips
    from {{ ref('bh_ref') }}
),

adjusted as (
    {{ benjamini_hochberg('reference') }}
)

select
    p_value,
    q_value,
    q_value_r
from adjusted
where abs(q_value - q_value_r) > 1e-10 or q_value is null
