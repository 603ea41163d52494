{#- One UCR data-quality warning (a row of stg_ucr__data_quality) in words a reviewer reads without ICPSR's variable
    names: "UCR 2010: the drug total (DRUGTOT) is 3,000 arrests above its sale and possession parts (3,400 against
    400), and the excess was counted as drug sale and possession arrests, in proportion to the county's own split".
    What was done comes from the loader's `outcome` (scload/ucr.py; models/staging/_raw__sources.yml says each).
    Reads the columns data_year, total_code, total_value, parts_sum and gap, and the outcome column named by
    `outcome`. Every sub-total and every outcome the contract accepts (raw_ucr_data_quality.total_code and
    .outcome) must have its words here: the run stops otherwise.

    arguments:
      place: SQL text expression said after the year, naming where the warning is (a member county, the file's
        row), or null for none.
      outcome: the column holding the loader's outcome (default `loader_outcome`, as stg_ucr__data_quality names
        it). -#}
{% macro ucr_data_quality_text(place='null', outcome='loader_outcome') -%}
    {#- Each sub-total: what it is, and what its parts are. -#}
    {%- set words = {
        'P1VLNT': ('the violent-crime total', 'the sum of murder, rape, robbery and aggravated assault'),
        'P1PRPTY': ('the property-crime total', 'the sum of burglary, larceny, motor vehicle theft and arson'),
        'P1TOT': ('the Part I total', 'the violent-crime and property-crime totals together'),
        'DRUGTOT': ('the drug total', 'its sale and possession parts'),
        'DRGSALE': ('the drug-sale total', 'the sale arrests by drug'),
        'DRGPOSS': ('the drug-possession total', 'the possession arrests by drug'),
        'GAMBLE': ('the gambling total', 'bookmaking, numbers and other gambling together'),
        'GRNDTOT': ('the grand total of arrests', 'the sum of the 30 offense counts'),
    } -%}
    {#- Each outcome: what became of the gap's arrests. -#}
    {%- set outcomes = {
        'drug_excess_split':
            "the excess was counted as drug sale and possession arrests, in proportion to the county''s own split",
        'drug_excess_to_possession':
            'the excess was counted as drug possession arrests (the county had no sale or possession arrests to '
            ~ 'split it by)',
        'total_loaded_with_excess': 'the total is used as given, so the excess is counted',
        'parts_beyond_loaded_total': 'the total is used as given, so the further arrests of its parts are not counted',
        'excess_not_loaded': 'the total is not used, so the excess is in no offense and not counted',
        'parts_loaded': 'the parts are used as given, so nothing was changed',
    } -%}
    {#- (Not inside a unit test, whose graph has no sources.) -#}
    {%- if execute and graph.get('sources') -%}
        {%- for column in raw_contract('raw_ucr_data_quality').columns if column.name in ('total_code', 'outcome') -%}
            {%- for rule in column.rules if rule.accepted_values is defined -%}
                {%- set missing = rule.accepted_values | reject('in', words if column.name == 'total_code' else outcomes)
                    | list -%}
                {%- if missing -%}
                    {{ exceptions.raise_compiler_error(
                        "ucr_data_quality_text: no words for the value(s) " ~ (missing | join(', '))
                        ~ " that raw_ucr_data_quality." ~ column.name ~ " accepts (models/staging/_raw__sources.yml)"
                    ) }}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    concat(
        'UCR ',
        cast(data_year as {{ dbt.type_string() }}),
        case when {{ place }} is not null then concat(', ', {{ place }}) else '' end,
        ': ',
        case total_code
            {%- for code, phrases in words.items() %}
                when '{{ code }}' then '{{ phrases[0] }}'
            {%- endfor %}
        end,
        ' (', total_code, ') is ',
        {{ format_count('abs(gap)') }},
        case when abs(gap) = 1 then ' arrest ' else ' arrests ' end,
        case when gap > 0 then 'above ' else 'below ' end,
        case total_code
            {%- for code, phrases in words.items() %}
                when '{{ code }}' then '{{ phrases[1] }}'
            {%- endfor %}
        end,
        ' (',
        {{ format_count('total_value') }},
        ' against ',
        {{ format_count('parts_sum') }},
        '), and ',
        case {{ outcome }}
            {%- for code, phrase in outcomes.items() %}
                when '{{ code }}' then '{{ phrase }}'
            {%- endfor %}
        end
    )
{%- endmacro %}
