{#- flag_reasons (METHODS.md "The review list"): plain words a reviewer can read without a statistics course.
    In order: which family drove the rank; each ranked statistic with its counts and strength (statistic_sentence);
    the statistics not scored and why (not_ranked_text); those shown but not ranked because they rest on synthetic
    inputs; then only the caveats that apply to this unit: synthetic
    inputs that are ranked, UCR coverage below 90, matches without an ICE level, counts that cover another span
    than the window, and a known custody site. The technical figures (z, q, τ²) stay in their own columns. -#}
{% macro flag_reasons() -%}
    {%- set statistics = monitoring_statistics() -%}
    {%- set date_text = 'cast({} as ' ~ dbt.type_string() ~ ')' -%}
    concat_ws(
        ' ',
        case driving_family
            when 'match'
                then concat(
                    'Ranked on how many arrestees matched immigration records (',
                    case
                        when match_rate_is_ranked and crime_adjusted_is_ranked then 'statistics 1 and 2'
                        when match_rate_is_ranked then 'statistic 1'
                        else 'statistic 2'
                    end,
                    ').'
                )
            when 'minor' then 'Ranked on what the matched arrestees were held for (statistic 3).'
            else 'Not ranked: no statistic could be scored.'
        end,
        {%- for statistic in statistics %}
            {{ statistic_sentence(statistic) }},
        {%- endfor %}
        case
            when {% for statistic in statistics %}not {{ statistic.prefix }}_is_eligible{% if not loop.last %} or {% endif %}{% endfor %}
                then concat(
                    'Not scored: ',
                    concat_ws(
                        '; ',
                        {%- for statistic in statistics %}
                            {{ not_ranked_text(statistic) }}{% if not loop.last %},{% endif %}
                        {%- endfor %}
                    ),
                    '.'
                )
        end,
        {%- set shown_only = [] %}
        {%- for statistic in statistics %}
            {%- do shown_only.append('(' ~ statistic.prefix ~ '_is_eligible and not ' ~ statistic.prefix ~ '_is_ranked)') %}
        {%- endfor %}
        {%- set n_shown_only %}({% for shown in shown_only %}case when {{ shown }} then 1 else 0 end{% if not loop.last %} + {% endif %}{% endfor %}){% endset %}
        case
            when {{ n_shown_only }} > 0
                then concat(
                    'Not ranked: ',
                    case when {{ n_shown_only }} > 1 then 'statistics ' else 'statistic ' end,
                    concat_ws(
                        ' and ',
                        {%- for statistic in statistics %}
                            case when {{ shown_only[loop.index0] }} then '{{ statistic.number }}' end{% if not loop.last %},{% endif %}
                        {%- endfor %}
                    ),
                    case
                        when {{ n_shown_only }} > 1 then ' rest on the synthetic UCR placeholder and are'
                        else ' rests on the synthetic UCR placeholder and is'
                    end,
                    ' shown for demonstration only (',
                    concat_ws(
                        ' and ',
                        {%- for statistic in statistics %}
                            case when {{ shown_only[loop.index0] }} then {{ format_ratio(statistic.prefix ~ '_ratio') }} end
                            {%- if not loop.last %},{% endif %}
                        {%- endfor %}
                    ),
                    ' times expected).'
                )
        end,
        case
            when
                (crime_adjusted_is_ranked and crime_adjusted_uses_synthetic_inputs)
                or (minor_share_is_ranked and minor_share_uses_synthetic_inputs)
                then 'Statistics 2 and 3 rest on the synthetic UCR placeholder, not FBI data: a demonstration, not findings.'
        end,
        case
            when (crime_adjusted_is_ranked or minor_share_is_ranked) and ucr_coverage_indicator < 90
                then concat(
                    'UCR coverage is only ',
                    {{ format_decimal('ucr_coverage_indicator', 0) }},
                    ' of 100: part of the arrest counts are imputed.'
                )
        end,
        case
            when minor_share_is_eligible and matches_unknown_level >= 0.01 * matches_total
                then concat(
                    {{ format_decimal('100.0 * matches_unknown_level / matches_total', 0) }},
                    ' % of the matches have no ICE level and are left out of statistic 3.'
                )
        end,
        case
            when counts_start_date != window_start_date or counts_end_date != window_end_date
                then concat(
                    'The counts cover ',
                    {{ date_text.format('counts_start_date') }},
                    ' to ',
                    {{ date_text.format('counts_end_date') }},
                    ', not the window ',
                    {{ date_text.format('window_start_date') }},
                    ' to ',
                    {{ date_text.format('window_end_date') }},
                    '.'
                )
        end,
        case when custody_explanation is not null then concat('Known custody site: ', custody_explanation, '.') end
    )
{%- endmacro %}
