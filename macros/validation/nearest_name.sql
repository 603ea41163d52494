{#- The name of `candidates` closest to `name` by edit distance (Levenshtein: insertions, deletions and
    substitutions), for a message such as "did you mean review_list_size?". -#}
{% macro nearest_name(name, candidates) -%}
    {%- set best = namespace(name=none, distance=none) -%}
    {%- for candidate in candidates -%}
        {%- set previous = namespace(row=range(candidate | length + 1) | list) -%}
        {%- for i in range(1, name | length + 1) -%}
            {%- set current = [i] -%}
            {%- for j in range(1, candidate | length + 1) -%}
                {%- set substitution = previous.row[j - 1] + (0 if name[i - 1] == candidate[j - 1] else 1) -%}
                {%- do current.append([previous.row[j] + 1, current[j - 1] + 1, substitution] | min) -%}
            {%- endfor -%}
            {%- set previous.row = current -%}
        {%- endfor -%}
        {%- if best.distance is none or previous.row[-1] < best.distance -%}
            {%- set best.name = candidate -%}
            {%- set best.distance = previous.row[-1] -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(best.name) }}
{%- endmacro %}
