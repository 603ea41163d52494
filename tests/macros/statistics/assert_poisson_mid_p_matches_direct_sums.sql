-- poisson_mid_p against P(X > O) + ½P(X = O) summed directly in Python (math.lgamma) for both branches.
with

known as (
    select
        v.observed,
        cast(v.expected as double) as expected,
        cast(v.mid_p as double) as mid_p
    from (
        values
        (0, 2.0, 0.9323323583816936),
        (5, 2.0, 0.034608312912162764),
        (3, 7.5, 0.9602989125553254),
        (40, 12.0, 1.0053089650482364e-10)
    ) as v (observed, expected, mid_p)
),

computed as (
    select
        *,
        {{ poisson_mid_p('observed', 'expected') }} as mid_p_computed
    from known
)

select *
from computed
where abs(mid_p_computed - mid_p) > 1e-12 * mid_p
