{#- Every rule of raw table `table` that the contract's one definition (macro raw_contract;
    models/staging/_raw__sources.yml) states row by row, checked on the staging model of that table: required
    values, each column's rules (county_code, min_value/max_value, accepted_values, in_reference, check), the
    table's rules that have a `check`, and the key (unique once county codes are mapped, int_county_code_map).
    The table's rules that name a `test` are checked by that test.

    Fails on every broken rule of every row, returning the row as the contract names its columns (its key first,
    then `column_name`, `rule` in words and the offending `value`, then the other columns), with the
    `source_file` and `source_line_number` it came from, and the staging model's `unparsable_values` (a value
    that does not parse is reported by the parse check, not as missing). A staging column stands for the
    contract column of the same name, or for the one its yml entry names in `meta: {raw_column: ...}`
    (`period_start_date` for `period_start`). `references` binds each reference table an `in_reference` rule
    names to the relation holding it, e.g. `{ref_ucr_offense_classes: ref('stg_reference__ucr_offense_classes')}`.
    A contract column named like one of the test's own columns (`rule` of raw_ucr_data_quality) is returned as
    `raw_<name>`.
-#}
{% test raw_contract_rules(model, table, references={}) %}
    {%- set contract = raw_contract(table) -%}
    {%- set county_code_map = ref('int_county_code_map') -%}
    {%- set staged = raw_contract_staged_columns(model, contract) -%}
    {#- The name each contract column is returned under: its own, unless the test's columns already use it. -#}
    {%- set returned = {} -%}
    {%- for column in contract.columns -%}
        {%- do returned.update({
            column.name: 'raw_' ~ column.name if column.name in ['column_name', 'rule', 'value'] else column.name
        }) -%}
    {%- endfor -%}
    {%- set checks = [] -%}
    {%- for column in contract.columns -%}
        {%- set name = column.name -%}
        {%- if column.required -%}
            {#- A value that is there but does not parse is null here too: the parse check reports it. -#}
            {%- do checks.append((
                name, name ~ ' is required',
                name ~ " is null and coalesce('; ' || unparsable_values, '') not like '%; " ~ name ~ "=%'"
            )) -%}
        {%- endif -%}
        {%- for rule in column.rules -%}
            {%- set text = name ~ ' is ' ~ rule.description -%}
            {%- if rule.county_code -%}
                {%- do checks.append((
                    name, text, name ~ ' not in (select source_county_fips from county_code_map)'
                )) -%}
            {%- elif rule.accepted_values is defined -%}
                {%- set quoted = [] -%}
                {%- for value in rule.accepted_values -%}
                    {%- do quoted.append("'" ~ (value | replace("'", "''")) ~ "'") -%}
                {%- endfor -%}
                {%- do checks.append((name, text, name ~ ' not in (' ~ (quoted | join(', ')) ~ ')')) -%}
            {%- elif rule.in_reference is defined -%}
                {%- if rule.in_reference.table not in references -%}
                    {{ exceptions.raise_compiler_error(
                        "raw_contract_rules on " ~ model ~ ": the rule '" ~ text ~ "' needs the relation of "
                        ~ rule.in_reference.table ~ ": add it to the test's argument references"
                    ) }}
                {%- endif -%}
                {%- do checks.append((
                    name, text,
                    name ~ ' not in (select ' ~ rule.in_reference.column ~ ' from '
                    ~ references[rule.in_reference.table] ~ ' where ' ~ rule.in_reference.column ~ ' is not null)'
                )) -%}
            {%- elif rule.check is defined -%}
                {%- do checks.append((name, text, 'not coalesce((' ~ rule.check ~ '), true)')) -%}
            {%- elif rule.min_value is defined or rule.max_value is defined -%}
                {%- set bounds = [] -%}
                {%- if rule.min_value is defined -%}
                    {%- do bounds.append(name ~ ' < ' ~ rule.min_value) -%}
                {%- endif -%}
                {%- if rule.max_value is defined -%}
                    {%- do bounds.append(name ~ ' > ' ~ rule.max_value) -%}
                {%- endif -%}
                {%- do checks.append((name, text, bounds | join(' or '))) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error(
                    "raw_contract_rules: the rule '" ~ text ~ "' of " ~ table ~ " is of no kind this test knows"
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set table_checks = [] -%}
    {%- for rule in contract.rules if rule.check is defined -%}
        {%- do table_checks.append((rule.column, rule.description, 'not coalesce((' ~ rule.check ~ '), true)')) -%}
    {%- endfor -%}

    with

    contract_rows as (
        select
            {%- for column in contract.columns %}
                {{ staged[column.name] }} as {{ column.name }},
            {%- endfor %}
            unparsable_values,
            source_file,
            source_line_number
        from {{ model }}
    ),

    county_code_map as (
        select * from {{ county_code_map }}
    ),

    keyed as (
        -- The key holds for the 2010 counties the codes stand for: 46102 and 46113 are one county.
        select
            contract_rows.*,
            count(*) over (
                partition by
                    coalesce(county_code_map.county_fips, contract_rows.county_fips)
                    {%- for name in contract.key if name != 'county_fips' %},
                    contract_rows.{{ name }}
                    {%- endfor %}
            ) as n_rows_with_key
        from contract_rows
        left join county_code_map
            on contract_rows.county_fips = county_code_map.source_county_fips
        where
            true
            {%- for name in contract.key %}
                and contract_rows.{{ name }} is not null
            {%- endfor %}
    ),

    broken as (
        {%- for column_name, rule, condition in checks %}
            select
                '{{ column_name }}' as column_name,
                '{{ rule | replace("'", "''") }}' as rule,
                cast(contract_rows.{{ column_name }} as {{ dbt.type_string() }}) as value,
                {%- for column in contract.columns %}
                    contract_rows.{{ column.name }} as {{ returned[column.name] }},
                {%- endfor %}
                contract_rows.unparsable_values,
                contract_rows.source_file,
                contract_rows.source_line_number
            from contract_rows
            where {{ condition }}
            union all
        {%- endfor %}
        {%- for column_name, rule, condition in table_checks %}
            select
                '{{ column_name }}' as column_name,
                '{{ rule | replace("'", "''") }}' as rule,
                cast(null as {{ dbt.type_string() }}) as value,
                {%- for column in contract.columns %}
                    contract_rows.{{ column.name }} as {{ returned[column.name] }},
                {%- endfor %}
                contract_rows.unparsable_values,
                contract_rows.source_file,
                contract_rows.source_line_number
            from contract_rows
            where {{ condition }}
            union all
        {%- endfor %}
        select
            '{{ contract.key | join(", ") }}' as column_name,
            'the key identifies one row (duplicate key; county codes mapped through ref_fips_changes)' as rule,
            cast(null as {{ dbt.type_string() }}) as value,
            {%- for column in contract.columns %}
                keyed.{{ column.name }} as {{ returned[column.name] }},
            {%- endfor %}
            keyed.unparsable_values,
            keyed.source_file,
            keyed.source_line_number
        from keyed
        where n_rows_with_key > 1
    ),

    final as (
        -- The row's key first (which row), then the broken rule, then the rest of the row.
        select
            {%- for name in contract.key %}
                {{ returned[name] }},
            {%- endfor %}
            column_name,
            rule,
            value,
            {%- for column in contract.columns if column.name not in contract.key %}
                {{ returned[column.name] }},
            {%- endfor %}
            unparsable_values,
            source_file,
            source_line_number
        from broken
    )

    select * from final
    order by source_file, source_line_number, column_name

{% endtest %}
