-- The review packet (METHODS.md "Step 2: the review packet"): for every unit on the review list, every unit with a
-- known custody explanation ranked above its last unit, and the units of var packet_units, per reporting period,
-- every figure the data allow of the seven parts: over time, seasonality, adjacent units, demographics and
-- context, data-system changes (with the UCR file's data-quality warnings), how firm the rank is, and
-- sensitivity. The statistics are those of the marts; this model only assembles and compares them.
{%- set statistics = monitoring_statistics() %}
{%- set requested = var('packet_units') | map('string') | list %}
{%- set requested_units = ("'" ~ requested | join("', '") ~ "'") if requested else 'null' %}
{%- set alternatives = [
    'window_1_quarter', 'tau2_dl_winsorized', 'min_expected_10', 'other_acs_vintage', 'custody_annotate'
] %}

with

ranking as (
    select * from {{ ref('rpt_anomaly_ranking') }}
),

match_rate as (
    select * from {{ ref('fct_match_rate') }}
),

crime_adjusted as (
    select * from {{ ref('fct_crime_adjusted_matches') }}
),

minor_share as (
    select * from {{ ref('fct_minor_offense_share') }}
),

inputs as (
    select * from {{ ref('fct_unit_inputs') }}
),

quarters as (
    select * from {{ ref('fct_unit_quarter_statistics') }}
),

neighbours as (
    select * from {{ ref('dim_unit_neighbours') }}
),

stability as (
    select * from {{ ref('fct_rank_stability') }}
),

sensitivity as (
    select * from {{ ref('fct_sensitivity_ranks') }}
),

covariates as (
    select * from {{ ref('int_unit_covariates') }}
),

ucr_data_quality as (
    select * from {{ ref('int_ucr_unit_data_quality') }}
),

packet_units as (
    select
        county_fips,
        reporting_period,
        case
            when is_flagged then 'on the review list'
            when is_custody_explained_high then 'high score with a known custody explanation'
            else 'added on request (var packet_units)'
        end as packet_reason
    from ranking
    where
        is_flagged
        or is_custody_explained_high
        or county_fips in ({{ requested_units }})
),

windows as (
    -- The quarters of each period's window, as quarter labels, to split "now" from "before".
    select distinct
        reporting_period,
        {{ quarter_label('window_start_date') }} as first_window_quarter
    from match_rate
),

unit_quarters as (
    -- The single quarters of each packet unit up to the period, marked when they fall in the period's window.
    select
        packet_units.county_fips,
        packet_units.reporting_period,
        quarters.quarter,
        quarters.statistic,
        quarters.observed,
        quarters.expected,
        quarters.is_eligible,
        quarters.is_above_limit,
        quarters.is_data_system_change,
        quarters.quarter >= windows.first_window_quarter as is_in_window
    from packet_units
    inner join windows
        on packet_units.reporting_period = windows.reporting_period
    inner join quarters
        on packet_units.county_fips = quarters.county_fips and packet_units.reporting_period >= quarters.quarter
),

trend as (
    -- Part 1: per unit, period and statistic, the single quarters up to the period: how many were scored, the first
    -- above its 99.8 % limit, and the level shift, the rate ratio of the window against all earlier quarters.
    select
        county_fips,
        reporting_period,
        statistic,
        count(case when is_eligible then 1 end) as n_quarters_scored,
        count(distinct quarter) as n_quarters_in_data,
        min(case when is_above_limit then quarter end) as first_quarter_above_limit,
        sum(case when is_eligible and is_in_window then observed end) as observed_now,
        sum(case when is_eligible and is_in_window then expected end) as expected_now,
        sum(case when is_eligible and not is_in_window then observed end) as observed_before,
        sum(case when is_eligible and not is_in_window then expected end) as expected_before
    from unit_quarters
    group by county_fips, reporting_period, statistic
),

level_shift as (
    select
        *,
        case
            when observed_now > 0 and observed_before > 0 and expected_now > 0 and expected_before > 0
                then (observed_now / expected_now) / (observed_before / expected_before)
        end as rate_ratio,
        case
            when observed_now > 0 and observed_before > 0
                then 1.959963984540054 * sqrt(1.0 / observed_now + 1.0 / observed_before)
        end as log_half_width
    from trend
),

seasonality as (
    -- Part 2: with 8 or more single quarters up to the period, the ratio in each quarter of the year against the
    -- unit's overall ratio over those quarters.
    select
        county_fips,
        reporting_period,
        statistic,
        {%- for quarter_of_year in range(1, 5) %}
            {%- set in_quarter = "right(quarter, 1) = '" ~ quarter_of_year ~ "'" %}
            sum(case when {{ in_quarter }} then observed end)
            / nullif(sum(case when {{ in_quarter }} then expected end), 0)
            / nullif(sum(observed) / nullif(sum(expected), 0), 0) as seasonal_ratio_q{{ quarter_of_year }},
        {%- endfor %}
        count(*) as n_quarters_scored
    from unit_quarters
    where is_eligible
    group by county_fips, reporting_period, statistic
    having count(*) >= 8
),

neighbour_statistics as (
    -- Part 3: the adjacent units' pooled ratio over those eligible for the statistic, and how far the unit stands
    -- from it on the statistic's stabilised scale (local z).
    {%- for statistic in statistics %}
        select
            packet_units.county_fips,
            packet_units.reporting_period,
            {{ statistic.number }} as statistic,
            count(neighbour.county_fips) as n_neighbours_scored,
            sum(neighbour.observed) / nullif(sum(neighbour.expected), 0) as neighbour_ratio,
            {%- if statistic.number == 3 %}
                sum(neighbour.observed) / nullif(sum(neighbour.matches_known_level), 0) as neighbour_share
            {%- else %}
                cast(null as double) as neighbour_share
            {%- endif %}
        from packet_units
        inner join neighbours
            on packet_units.county_fips = neighbours.county_fips
        left join {{ statistic.prefix }} as neighbour
            on
                neighbours.neighbor_fips = neighbour.county_fips
                and packet_units.reporting_period = neighbour.reporting_period
                and neighbour.is_eligible
        group by packet_units.county_fips, packet_units.reporting_period
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

local_scores as (
    {%- for statistic in statistics %}
        select
            neighbour_statistics.*,
            case
                when own.is_eligible and neighbour_statistics.neighbour_ratio > 0
                    {%- if statistic.number == 3 %}
                        then (
                            asin(sqrt(own.observed / own.matches_known_level))
                            - asin(sqrt(least(neighbour_statistics.neighbour_share, 1.0)))
                        ) / own.score_standard_error
                    {%- else %}
                        then (sqrt(own.ratio) - sqrt(neighbour_statistics.neighbour_ratio)) / own.score_standard_error
                    {%- endif %}
            end as local_z
        from neighbour_statistics
        inner join {{ statistic.prefix }} as own
            on
                neighbour_statistics.county_fips = own.county_fips
                and neighbour_statistics.reporting_period = own.reporting_period
        where neighbour_statistics.statistic = {{ statistic.number }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

data_changes as (
    -- Part 5: the quarters up to the period whose submissions per resident changed by more than half.
    select
        county_fips,
        reporting_period,
        count(case when is_data_system_change then 1 end) as n_data_system_changes,
        {{ ordered_list_text("case when is_data_system_change then quarter end", ', ') }} as data_system_change_quarters
    from unit_quarters
    where statistic = 1
    group by county_fips, reporting_period
),

sensitivity_wide as (
    -- Part 7: the unit's rank and list membership under each alternative, and on how many of them it is listed.
    select
        county_fips,
        reporting_period,
        {%- for alternative in alternatives %}
            max(case when alternative = '{{ alternative }}' and is_available then anomaly_rank end)
                as rank_{{ alternative }},
            bool_or(case when alternative = '{{ alternative }}' and is_available then is_flagged end)
                as on_list_{{ alternative }},
        {%- endfor %}
        count(case when is_available then 1 end) as n_alternatives,
        count(case when is_available and is_flagged then 1 end) as n_alternatives_on_list
    from sensitivity
    group by county_fips, reporting_period
),

per_statistic as (
    select
        packet_units.county_fips,
        packet_units.reporting_period,
        {%- for statistic in statistics %}
            {%- set p = statistic.prefix %}
            {{ statistic_figure('shift', statistic, 'shift.n_quarters_scored') }} as {{ p }}_n_quarters_scored,
            {{ statistic_figure('shift', statistic, 'shift.first_quarter_above_limit') }}
                as {{ p }}_first_quarter_above_limit,
            {{ statistic_figure('shift', statistic, 'shift.rate_ratio') }} as {{ p }}_level_shift_rate_ratio,
            {{ statistic_figure('shift', statistic, 'shift.rate_ratio * exp(-shift.log_half_width)') }}
                as {{ p }}_level_shift_lower_95,
            {{ statistic_figure('shift', statistic, 'shift.rate_ratio * exp(shift.log_half_width)') }}
                as {{ p }}_level_shift_upper_95,
            {%- for quarter_of_year in range(1, 5) %}
                {{ statistic_figure('season', statistic, 'season.seasonal_ratio_q' ~ quarter_of_year) }}
                    as {{ p }}_seasonal_ratio_q{{ quarter_of_year }},
            {%- endfor %}
            {{ statistic_figure('area', statistic, 'area.n_neighbours_scored') }} as {{ p }}_n_neighbours_scored,
            {{ statistic_figure('area', statistic, 'area.neighbour_ratio') }} as {{ p }}_neighbour_ratio,
            {{ statistic_figure('area', statistic, 'area.local_z') }} as {{ p }}_local_z,
        {%- endfor %}
        max(shift.n_quarters_in_data) as n_quarters_in_data
    from packet_units
    left join level_shift as shift
        on packet_units.county_fips = shift.county_fips and packet_units.reporting_period = shift.reporting_period
    left join seasonality as season
        on
            shift.county_fips = season.county_fips
            and shift.reporting_period = season.reporting_period
            and shift.statistic = season.statistic
    left join local_scores as area
        on
            shift.county_fips = area.county_fips
            and shift.reporting_period = area.reporting_period
            and shift.statistic = area.statistic
    group by packet_units.county_fips, packet_units.reporting_period
),

final as (
    select
        packet_units.county_fips,
        packet_units.reporting_period,
        packet_units.packet_reason,
        ranking.unit_name,
        ranking.state_abbrev,
        ranking.member_counties,
        ranking.is_selected_period,
        ranking.review_rank,
        ranking.anomaly_rank,
        ranking.is_flagged,
        ranking.is_custody_explained_high,
        ranking.combined_p,
        ranking.combined_score,
        ranking.driving_family,
        ranking.ranked_statistics,
        ranking.flag_reasons,
        ranking.analyst_notes,
        ranking.window_start_date,
        ranking.window_end_date,
        ranking.counts_start_date,
        ranking.counts_end_date,
        -- 1. Over time and 2. seasonality, 3. neighbours (per statistic)
        per_statistic.n_quarters_in_data,
        {%- for statistic in statistics %}
            {%- set p = statistic.prefix %}
            ranking.{{ p }}_ratio,
            ranking.{{ p }}_is_ranked,
            per_statistic.{{ p }}_n_quarters_scored,
            per_statistic.{{ p }}_first_quarter_above_limit,
            per_statistic.{{ p }}_level_shift_rate_ratio,
            per_statistic.{{ p }}_level_shift_lower_95,
            per_statistic.{{ p }}_level_shift_upper_95,
            {%- for quarter_of_year in range(1, 5) %}
                per_statistic.{{ p }}_seasonal_ratio_q{{ quarter_of_year }},
            {%- endfor %}
            per_statistic.{{ p }}_n_neighbours_scored,
            per_statistic.{{ p }}_neighbour_ratio,
            per_statistic.{{ p }}_local_z,
        {%- endfor %}
        -- 4. Demographics and context
        inputs.population_2010,
        inputs.foreign_born_share,
        inputs.foreign_born_share_moe,
        inputs.acs_vintage,
        covariates.hispanic_share_2010,
        covariates.black_share_2010,
        covariates.white_share_2010,
        covariates.population_density_2010,
        inputs.submissions,
        inputs.matches_total,
        case
            when inputs.exposure_years > 0
                then 1000.0 * inputs.submissions / inputs.population_2010 / inputs.exposure_years
        end as submissions_per_1000_residents,
        inputs.ucr_coverage_indicator,
        inputs.ucr_is_synthetic,
        inputs.matches_known_level / nullif(inputs.matches_total, 0) as known_level_share,
        ranking.custody_explanation,
        ranking.ice_detainee_adp,
        ranking.ice_detainee_adp_per_10k,
        ranking.has_state_intake_centre,
        ranking.state_prison_capacity_per_10k,
        inputs.activation_date,
        covariates.state_agreement_ice_signature_date,
        covariates.state_agreement_state_signature_date,
        -- 5. Data-system changes, and the UCR file's data-quality warnings in the data year the period uses
        coalesce(data_changes.n_data_system_changes, 0) as n_data_system_changes,
        data_changes.data_system_change_quarters,
        coalesce(ucr_data_quality.n_ucr_data_quality_warnings, 0) as n_ucr_data_quality_warnings,
        ucr_data_quality.ucr_data_quality_warnings,
        -- 6. How firm the rank is (selected period only)
        stability.n_replicates as rank_replicates,
        stability.rank_median,
        stability.rank_lower_90,
        stability.rank_upper_90,
        stability.share_of_replicates_on_list,
        -- 7. Sensitivity
        {%- for alternative in alternatives %}
            sensitivity_wide.rank_{{ alternative }},
            sensitivity_wide.on_list_{{ alternative }},
        {%- endfor %}
        sensitivity_wide.n_alternatives,
        sensitivity_wide.n_alternatives_on_list,
        concat(
            'on the list under ', cast(sensitivity_wide.n_alternatives_on_list as {{ dbt.type_string() }}), ' of ',
            cast(sensitivity_wide.n_alternatives as {{ dbt.type_string() }}), ' alternatives'
        ) as sensitivity_summary,
        -- What the data cannot say, for this unit.
        case
            when per_statistic.n_quarters_in_data <= 1 then 'one counting period only: no trend and no seasonality'
            when per_statistic.n_quarters_in_data < 8
                then concat(
                    cast(per_statistic.n_quarters_in_data as {{ dbt.type_string() }}),
                    ' quarters of data: a trend, but no seasonality (8 quarters needed)'
                )
        end as trend_note,
        concat_ws(
            '; ',
            case
                when per_statistic.n_quarters_in_data <= 1
                    then 'one counting period only: no trend and no seasonality'
                when per_statistic.n_quarters_in_data < 8 then 'fewer than 8 quarters: no seasonality'
            end,
            case
                when ranking.shows_synthetic_statistics
                    then 'statistics 2 and 3 rest on the synthetic UCR placeholder: a demonstration, not findings'
            end,
            case
                when coalesce(per_statistic.match_rate_n_neighbours_scored, 0) = 0
                    then 'no adjacent unit is scored on statistic 1: no comparison with the area'
            end,
            case
                when stability.county_fips is null
                    then 'no rank interval (computed for the selected period only, unless var rank_replicates is 0)'
            end,
            'the ICE facility list is a 2017 snapshot and the prison list of 2016-2024: a custody site used only '
            || 'earlier is missing',
            'these figures select where to look; they cannot say why a county is high, and prove nothing'
        ) as data_limitations
    from packet_units
    inner join ranking
        on
            packet_units.county_fips = ranking.county_fips
            and packet_units.reporting_period = ranking.reporting_period
    inner join inputs
        on
            packet_units.county_fips = inputs.county_fips
            and packet_units.reporting_period = inputs.reporting_period
    inner join per_statistic
        on
            packet_units.county_fips = per_statistic.county_fips
            and packet_units.reporting_period = per_statistic.reporting_period
    left join covariates
        on packet_units.county_fips = covariates.unit_fips
    left join data_changes
        on
            packet_units.county_fips = data_changes.county_fips
            and packet_units.reporting_period = data_changes.reporting_period
    left join ucr_data_quality
        on
            packet_units.county_fips = ucr_data_quality.unit_fips
            and packet_units.reporting_period = ucr_data_quality.reporting_period
    left join stability
        on
            packet_units.county_fips = stability.county_fips
            and packet_units.reporting_period = stability.reporting_period
    left join sensitivity_wide
        on
            packet_units.county_fips = sensitivity_wide.county_fips
            and packet_units.reporting_period = sensitivity_wide.reporting_period
)

select * from final
