{#- Run at the start of every dbt command: a var the project does not declare (a misspelling) or a var of the wrong
    shape stops the run with a message naming the var and the nearest known one, or the shape it wants
    (CONTRACT.md "Knobs"). Renders to nothing when all is well. -#}
{% macro validate_vars() -%}
    {%- set problems = [] -%}
    {%- for name in (invocation_args_dict.get('vars') or {}) if name not in known_vars() -%}
        {%- do problems.append("unknown var '" ~ name ~ "'; did you mean " ~ nearest_name(name, known_vars()) ~ "?") -%}
    {%- endfor -%}
    {%- set period = var('reporting_period') -%}
    {%- if period is not none and not modules.re.fullmatch('[0-9]{4}Q[1-4]', period | string) -%}
        {%- do problems.append("reporting_period must be a quarter label YYYYQn (e.g. 2012Q3), got '" ~ period ~ "'") -%}
    {%- endif -%}
    {%- for name, minimum in [('window_quarters', 1), ('review_list_size', 1), ('min_expected', 0), ('min_ucr_coverage', 0)] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < minimum or (name in ['window_quarters', 'review_list_size'] and value != value | int) -%}
            {%- do problems.append(name ~ " must be a " ~ ('whole ' if name in ['window_quarters', 'review_list_size'] else '') ~ "number >= " ~ minimum ~ ", got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if var('min_ucr_coverage') is number and var('min_ucr_coverage') > 100 -%}
        {%- do problems.append("min_ucr_coverage is a coverage indicator from 0 to 100, got '" ~ var('min_ucr_coverage') ~ "'") -%}
    {%- endif -%}
    {%- if var('tau2_method') not in ['paule_mandel', 'dl_winsorized'] -%}
        {%- do problems.append("tau2_method must be 'paule_mandel' or 'dl_winsorized', got '" ~ var('tau2_method') ~ "'") -%}
    {%- endif -%}
    {%- set fdr = var('fdr_level') -%}
    {%- if fdr is not number or fdr <= 0 or fdr >= 1 -%}
        {%- do problems.append("fdr_level must be a number between 0 and 1 (exclusive), got '" ~ fdr ~ "'") -%}
    {%- endif -%}
    {%- if var('rank_synthetic_inputs') is not boolean -%}
        {%- do problems.append("rank_synthetic_inputs must be true or false, got '" ~ var('rank_synthetic_inputs') ~ "'") -%}
    {%- endif -%}
    {%- if var('custody_sites') not in ['separate', 'annotate'] -%}
        {%- do problems.append("custody_sites must be 'separate' or 'annotate', got '" ~ var('custody_sites') ~ "'") -%}
    {%- endif -%}
    {%- set adp_threshold = var('custody_adp_per_10k') -%}
    {%- if adp_threshold is not number or adp_threshold is boolean or adp_threshold < 0 -%}
        {%- do problems.append("custody_adp_per_10k must be a number >= 0 (ICE detainees a day per 10,000 residents), got '" ~ adp_threshold ~ "'") -%}
    {%- endif -%}
    {%- for name in ['rank_replicates', 'rank_seed'] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value is boolean or value != value | int or value < 0 -%}
            {%- do problems.append(name ~ " must be a whole number >= 0, got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set packet_units = var('packet_units') -%}
    {%- set malformed = packet_units is string or packet_units is mapping or packet_units is not iterable -%}
    {%- if not malformed -%}
        {%- for unit in packet_units if not modules.re.fullmatch('[0-9]{5}', unit | string) -%}
            {%- set malformed = true -%}
            {%- do problems.append("packet_units must be a list of 5-character unit codes such as ['48471'], got '" ~ unit ~ "' in it") -%}
        {%- endfor -%}
    {%- else -%}
        {%- do problems.append("packet_units must be a list of 5-character unit codes such as ['48471'], got '" ~ packet_units ~ "'") -%}
    {%- endif -%}
    {%- set raw_dir = var('raw_dir') -%}
    {%- if raw_dir and execute and count_files((raw_dir | string).rstrip('/') ~ '/*') == 0 -%}
        {%- do problems.append("raw_dir must be a directory holding the raw tables; '" ~ raw_dir ~ "' does not exist or is empty") -%}
    {%- endif -%}
    {#- Raised when the hook executes, not while dbt parses it: only then can raw_dir be looked at, and every
        problem is named at once. #}
    {%- if problems and execute -%}
        {{ exceptions.raise_compiler_error("Invalid dbt vars:\n  - " ~ (problems | join("\n  - "))) }}
    {%- endif -%}
{%- endmacro %}
