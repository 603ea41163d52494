{#- Why a statistic was not scored, in words a reviewer reads without the code names of `ineligible_reason`
    (METHODS.md "The review list"). `prefix` names the statistic's columns in the ranking relation
    (`<prefix>_ineligible_reason`, `<prefix>_expected`); the unit's `ucr_coverage_indicator` and
    `matches_known_level` give the figures. -#}
{% macro ineligible_reason_text(prefix) -%}
    case {{ prefix }}_ineligible_reason
        when 'not_activated' then 'Secure Communities was not yet active there'
        when 'no_submissions' then 'no fingerprint submissions in the window'
        when 'missing_census' then 'no census estimate of the foreign-born population'
        when 'zero_foreign_born_estimate' then 'the census estimates no foreign-born residents'
        when 'missing_ucr' then 'no UCR arrest data'
        when 'zero_ucr_arrests' then 'the UCR data show no arrests'
        when 'low_ucr_coverage'
            then concat(
                'UCR coverage too low (',
                {{ format_decimal('ucr_coverage_indicator', 0) }},
                ' of 100; {{ var("min_ucr_coverage") }} needed)'
            )
        when 'no_exposure' then 'no days active in the window'
        when 'no_known_level_matches' then 'no matches with a known ICE level'
        when 'zero_ucr_minor_share' then 'the UCR data show no less-serious arrests'
        when 'too_few_known_level_matches'
            then concat(
                'too few matches with a known ICE level (',
                {{ format_count('matches_known_level') }},
                '; 10 needed)'
            )
        when 'expected_below_minimum'
            then concat(
                'too small to score (about ',
                {{ format_amount(prefix ~ '_expected') }},
                ' expected; {{ var("min_expected") }} needed)'
            )
        else {{ prefix }}_ineligible_reason
    end
{%- endmacro %}
