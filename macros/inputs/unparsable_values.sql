{#- The values of a raw row that do not parse as their contract type, as text (`submissions=12a; period_end=31/8`),
    or null when every value parses: text in a count, a malformed date, a share written as "12 %". Staging tests
    that it is null, so the run stops on the row and names the column and the value. -#}
{% macro unparsable_values(table, relation='source') -%}
    nullif(
        concat_ws(
            '; ',
            {%- for name, required, data_type in raw_table_columns(table) if data_type != 'varchar' %}
                case
                    when {{ relation }}.{{ name }} is not null and {{ parse_raw(table, name, relation) }} is null
                        then concat('{{ name }}=', cast({{ relation }}.{{ name }} as {{ dbt.type_string() }}))
                end{% if not loop.last %},{% endif %}
            {%- endfor %}
        ),
        ''
    )
{%- endmacro %}
