{#- The table function that reads raw table `name` from directory `raw_dir`: `<name>.parquet`, a folder
    `<name>/` of Parquet files (read recursively, columns matched by name), or `<name>.csv` (every column read as
    text; staging casts it). Looks at the directory when dbt executes; when none is there, stops the run with a
    message naming the directory and what was expected, or, for an `optional` table, returns an empty text (the
    caller reads the table as empty). Engine-specific (DuckDB table functions). -#}
{% macro raw_file_reader(name, raw_dir, optional=false) -%}
    {{ return(adapter.dispatch('raw_file_reader', 'sc_monitoring')(name, raw_dir, optional)) }}
{%- endmacro %}

{% macro duckdb__raw_file_reader(name, raw_dir, optional=false) -%}
    {%- set base = raw_dir.rstrip('/') ~ '/' ~ name -%}
    {%- if not execute -%}
        {{ return("read_csv('" ~ base ~ ".csv')") }}
    {%- elif count_files(raw_dir.rstrip('/') ~ '/*') == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var raw_dir: '" ~ raw_dir ~ "' does not exist or is empty (it must be a directory holding "
            ~ "raw_sc_identifications, raw_census_foreign_born and raw_ucr_arrests as .csv, .parquet or a folder of .parquet files)"
        ) }}
    {%- elif count_files(base ~ '.parquet') > 0 -%}
        {{ return("read_parquet('" ~ base ~ ".parquet')") }}
    {%- elif count_files(base ~ '/**/*.parquet') > 0 -%}
        {{ return("read_parquet('" ~ base ~ "/**/*.parquet', union_by_name = true)") }}
    {%- elif count_files(base ~ '.csv') > 0 -%}
        {{ return("read_csv('" ~ base ~ ".csv', header = true, all_varchar = true)") }}
    {%- elif optional -%}
        {{ return('') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "raw table " ~ name ~ " not found in raw_dir '" ~ raw_dir ~ "': expected " ~ name ~ ".csv, "
            ~ name ~ ".parquet or a folder " ~ name ~ "/ of Parquet files"
        ) }}
    {%- endif -%}
{%- endmacro %}
