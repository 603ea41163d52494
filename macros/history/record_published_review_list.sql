{#- on-run-end: append the review list this run produced, and the scores behind it, to the history record, as a
    new version of its reporting period. Only after a `dbt build` (models and their tests) in which rpt_anomaly_ranking was
    built and nothing failed, errored or was skipped: a failed quarter leaves the record as it was. Earlier
    versions are never changed. -#}
{% macro record_published_review_list(results) -%}
    {%- if not execute or flags.WHICH != 'build' or not history_is_attached() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set ranking_built = results | selectattr('node.name', 'equalto', 'rpt_anomaly_ranking')
        | selectattr('status', 'equalto', 'success') | list -%}
    {%- set failed = results | rejectattr('status', 'in', ['success', 'pass', 'warn', 'no-op']) | list -%}
    {%- if not ranking_built or failed -%}
        {{ log("history: nothing recorded (" ~ ("no review list built" if not ranking_built else (failed | length) ~ " node(s) did not pass") ~ ")", info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- set ranking = adapter.get_relation(database=target.database, schema='marts', identifier='rpt_anomaly_ranking') -%}
    {%- set raw_source = var('raw_dir') or 'embedded seeds' -%}
    {%- set columns = history_columns() | map(attribute=0) | list -%}
    {%- set insert -%}
        insert into history.review_lists.published_scores ({{ columns | join(', ') }})
        select
            '{{ invocation_id }}' as run_id,
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as run_started_at,
            ranking.reporting_period,
            1 + (
                select count(distinct earlier.run_id)
                from history.review_lists.published_scores as earlier
                where earlier.reporting_period = ranking.reporting_period
            ) as version,
            ranking.county_fips,
            ranking.unit_name,
            ranking.member_counties,
            ranking.anomaly_rank,
            ranking.is_flagged,
            ranking.is_significant,
            ranking.combined_score,
            ranking.n_statistics_scored,
            ranking.review_rank,
            ranking.combined_p,
            ranking.driving_family,
            ranking.ranked_statistics,
            ranking.is_custody_explained_high,
            ranking.custody_explanation,
            ranking.match_rate_z_score,
            ranking.match_rate_ratio,
            ranking.match_rate_q_value,
            ranking.crime_adjusted_z_score,
            ranking.crime_adjusted_ratio,
            ranking.crime_adjusted_q_value,
            ranking.minor_share_z_score,
            ranking.minor_share_ratio,
            ranking.minor_share_q_value,
            ranking.uses_synthetic_inputs,
            ranking.flag_reasons,
            {{ var('window_quarters') }},
            {{ var('review_list_size') }},
            {{ var('min_expected') }},
            {{ var('min_ucr_coverage') }},
            '{{ var('tau2_method') }}',
            '{{ raw_source | replace("'", "''") }}',
            '{{ var('custody_sites') }}',
            {{ var('custody_adp_per_10k') }},
            {{ var('rank_synthetic_inputs') }}
        from {{ ranking }} as ranking
        where ranking.is_selected_period
    {%- endset -%}
    {%- do run_query(insert) -%}
    {{ log("history: recorded the review list of the selected period in history.review_lists.published_scores", info=true) }}
    {{ return('') }}
{%- endmacro %}
