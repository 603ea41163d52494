{#- Empirical-Bayes shrunken ratio (Clayton & Kaldor 1987, Poisson–gamma moment estimates over the eligible
    units of a reporting period): m = ΣO/ΣE, s² = ΣE·(O/E − m)²/ΣE, v = max(0, s² − m/Ē), Ē = ΣE/I,
    ratio_shrunk = m + v/(v + m/E)·(O/E − m). ΣE·(O/E − m)² is expanded as ΣO²/E − 2mΣO + m²ΣE so that every
    sum is one window. Returns every column of `relation` plus `ratio_shrunk` (null when not eligible). -#}
{% macro poisson_gamma_shrinkage(relation) -%}
    {%- set window = 'over (partition by reporting_period)' -%}
    select
        sums.*,
        case
            when sums.is_eligible
                then sums.eb_mean
                + greatest(0.0, sums.eb_variance_total - sums.eb_mean / sums.eb_mean_expected)
                / (
                    greatest(0.0, sums.eb_variance_total - sums.eb_mean / sums.eb_mean_expected)
                    + sums.eb_mean / sums.expected
                )
                * (sums.ratio - sums.eb_mean)
        end as ratio_shrunk
    from (
        select
            moments.*,
            (moments.eb_sum_o2_over_e - 2 * moments.eb_mean * moments.eb_sum_o
                + moments.eb_mean * moments.eb_mean * moments.eb_sum_e) / moments.eb_sum_e as eb_variance_total,
            moments.eb_sum_e / moments.eb_count as eb_mean_expected
        from (
            select
                *,
                sum(case when is_eligible then observed end) {{ window }} as eb_sum_o,
                sum(case when is_eligible then expected end) {{ window }} as eb_sum_e,
                sum(case when is_eligible then observed * observed / expected end) {{ window }} as eb_sum_o2_over_e,
                count(case when is_eligible then 1 end) {{ window }} as eb_count,
                sum(case when is_eligible then observed end) {{ window }}
                / sum(case when is_eligible then expected end) {{ window }} as eb_mean
            from {{ relation }}
        ) as moments
    ) as sums
{%- endmacro %}
