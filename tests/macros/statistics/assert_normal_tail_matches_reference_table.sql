-- normal_upper_tail and normal_lower_tail against ref_normal_tail: Φ(−x) computed by mpmath at 50 digits at 2,018
-- points 0 <= x <= 50 (a 0.02 grid to 38.5, every switch of the macro and of the one it replaced, multiples of 1/16,
-- the underflow region; devtools/build_normal_tail_table.py). A row is returned, and the test fails, where
--   * the relative error of normal_upper_tail(x) exceeds 1e-15 (where Φ(−x) is a normal double, x < 37.52), or the
--     absolute error exceeds two smallest subnormals, 9.9e-324 (where it is subnormal or zero);
--   * normal_lower_tail(x) or normal_lower_tail(−x) is not normal_upper_tail(x) to the bit (Φ(−|x|), even in x);
--   * symmetry: normal_upper_tail(−x) differs from 1 − Φ(−x) by more than 1e-15 · Φ(−x) plus the rounding of
--     the two differences from 1 (2.3e-16), or normal_upper_tail(x) + normal_upper_tail(−x) is not 1 to that
--     rounding.
-- Measured on this table (DuckDB 1.5.0, max(relative_error) of `checked` below through `dbt show`): 7.3e-16
-- (3.3 ulp), at x = 35.62; over 135,000 further points of [0, 37.5] the maximum was 8.7e-16, at x = 3.3275.
-- The tolerance 1e-15 is just above both.
-- The Hart/West 2005 and continued-fraction macro this replaced had 2.9e-9, at x = 7.071067811865468 (just below
-- its switch at 7.07106781186547), and returned 0 beyond x = 37.
with

reference as (
    select
        x,
        upper_tail,
        note
    from {{ ref('ref_normal_tail') }}
),

computed as (
    select
        x,
        note,
        upper_tail,
        {{ normal_upper_tail('x') }} as upper_tail_computed,
        {{ normal_upper_tail('-x') }} as upper_tail_at_minus_x,
        {{ normal_lower_tail('x') }} as lower_tail_computed,
        {{ normal_lower_tail('-x') }} as lower_tail_at_minus_x
    from reference
),

checked as (
    select
        *,
        abs(upper_tail_computed - upper_tail) / nullif(upper_tail, 0.0) as relative_error,
        case
            when upper_tail >= 2.2250738585072014e-308
                then abs(upper_tail_computed - upper_tail) > 1e-15 * upper_tail
            else abs(upper_tail_computed - upper_tail) > 9.9e-324
        end as is_inaccurate,
        lower_tail_computed != upper_tail_computed or lower_tail_at_minus_x != upper_tail_computed as is_not_even,
        abs(upper_tail_at_minus_x - (1.0 - upper_tail)) > 1e-15 * upper_tail + 2.3e-16
        or abs(upper_tail_computed + upper_tail_at_minus_x - 1.0) > 2.3e-16 as is_not_symmetric
    from computed
)

select *
from checked
where is_inaccurate or is_not_even or is_not_symmetric
