-- poisson_ratio_significance against the 300 labels of PHEindicatormethods 2.1.0's test fixture (exact Poisson
-- limits for O < 10, Byar's approximation otherwise, at 99.8 % and 95 %).
with

reference as (
    select * from {{ ref('phe_ratio_inputs') }}
),

labelled as (
    select
        obs,
        expected,
        significance,
        {{ poisson_ratio_significance('obs', 'expected') }} as computed_significance
    from reference
)

select *
from labelled
where computed_significance is distinct from significance
