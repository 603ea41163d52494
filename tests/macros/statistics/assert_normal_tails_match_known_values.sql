-- normal_upper_tail against values of Φ = 0.5·erfc(−x/√2) (Python math.erfc; at −37.5 mpmath, because
-- math.erfc(37.5/√2) inherits the rounding of 37.5/√2, 1.4e-13 relative), across the centre and deep into both
-- tails, where 1 − Φ would cancel; −38.6 is beyond the macro's zero cutoff (Φ(−38.6) = 3e-326 rounds to 0).
-- The full check against 50-digit values is assert_normal_tail_matches_reference_table.
with

known as (
    select
        cast(v.x as double) as x,
        cast(v.lower_tail as double) as lower_tail
    from (
        values
        (0.0, 0.5),
        (1.959963984540054, 0.975),
        (-3.090232306167813, 0.001),
        (-1.5, 0.06680720126885807),
        (-8.0, 6.220960574271819e-16),
        (-10.0, 7.619853024160593e-24),
        (-37.5, 4.605353009581955e-308),
        (-38.6, 0.0)
    ) as v (x, lower_tail)
),

computed as (
    select
        x,
        lower_tail,
        1.0 - {{ normal_upper_tail('x') }} as cdf,
        {{ normal_upper_tail('-x') }} as upper_tail_of_minus_x
    from known
)

select *
from computed
where
    abs(cdf - lower_tail) > 1e-14 + 1e-12 * lower_tail
    or abs(upper_tail_of_minus_x - lower_tail) > 1e-13 * lower_tail + 1e-300
