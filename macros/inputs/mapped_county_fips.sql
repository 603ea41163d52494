{#- A county code as seen in a source, mapped to 2010 geography through ref_fips_changes (left join alias
    `fips_changes` on `source_fips`); codes with no change pass through. -#}
{% macro mapped_county_fips(source_column) -%}
    coalesce(fips_changes.county_fips, {{ source_column }})
{%- endmacro %}
