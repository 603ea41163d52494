{#- The properties every statistic mart must hold on every row (METHODS.md "Scores" and "Checks that must hold"),
    applied to each mart in one line. Returns the rows that break one, with `broken_rule` saying which:
    eligible exactly when there is no reason; scored (z, q) exactly when eligible; ratio = observed/expected;
    funnel limits nest; the overdispersion adjustment never enlarges |z|; no score below min_expected; a statistic
    is ranked exactly when it is eligible and, unless var rank_synthetic_inputs, does not rest on synthetic
    inputs. -#}
{% test statistic_score_invariants(model) %}

    with checked as (
        select
            *,
            case
                when is_eligible != (ineligible_reason is null)
                    then 'is_eligible must be true exactly when ineligible_reason is null'
                when (z_score is not null) != is_eligible or (q_value is not null) != is_eligible
                    then 'z_score and q_value must be present exactly when is_eligible'
                when expected is not null and abs(ratio * expected - observed) > 1e-9 * greatest(observed, 1)
                    then 'ratio must equal observed / expected'
                when
                    is_eligible and not (
                        ratio_lower_998 <= ratio_lower_95
                        and ratio_lower_95 < ratio_upper_95
                        and ratio_upper_95 <= ratio_upper_998
                    )
                    then 'funnel limits must nest: lower 99.8 <= lower 95 < upper 95 <= upper 99.8'
                when is_eligible and abs(z_score) > abs(raw_z) + 1e-12
                    then 'the overdispersion-adjusted |z_score| must not exceed |raw_z|'
                when is_eligible and expected < {{ var('min_expected') }}
                    then 'no unit with expected below var min_expected may be scored'
                when
                    is_ranked != (
                        is_eligible
                        and {{ 'true' if var('rank_synthetic_inputs') else 'not uses_synthetic_inputs' }}
                    )
                    then 'is_ranked must be is_eligible and not resting on synthetic inputs (unless rank_synthetic_inputs)'
            end as broken_rule
        from {{ model }}
    )

    select *
    from checked
    where broken_rule is not null

{% endtest %}
