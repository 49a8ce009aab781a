-- 家室站指标 (第八十条).
-- station_standard_rate: stations established by the period's measured_until (or without a date)
--   that have all ten 有 / those stations. Flags are the current roster's. Period: year; scopes
--   region, prefecture, county.
-- leader_station_visit_rate: deputies holding a leading post (is_leader) who served on at least
--   one day of the year (up to its measured_until) with at least one reception at a station in the
--   year while serving / those deputies (DOMAIN "Serving in a period").
--   Period: year; scopes region, prefecture (the deputy's).
-- opinion_resolution_rate: opinions resolved / opinions collected at receptions in the period.
--   Periods: month, quarter, year; scopes region, prefecture, county (the station's).
with stations as (
    select * from {{ ref('dim_station') }}
    where not is_missing_member
),

receptions as (
    select * from {{ ref('fct_receptions') }}
    where has_known_deputy
),

deputies as (
    select * from {{ ref('int_deputy_terms') }}
    where is_leader
),

years as (
    select * from {{ ref('int_periods') }}
    where period_type = 'year'
),

-- Stations: the roster of stations against each year (small: thousands x years).
station_years as (
    select
        stations.station_id,
        stations.prefecture_code,
        stations.county,
        stations.has_all_ten,
        years.period_type,
        years.period_label,
        years.period_start,
        years.period_end
    from stations
    inner join years
        on stations.established_on is null or stations.established_on <= years.measured_until
),

stations_scoped as (
    {{ in_scopes('station_years', ['region', 'prefecture', 'county']) }}
),

station_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(station_id) as station_count,
        count(case when has_all_ten then 1 end) as stations_standard
    from stations_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

station_grid as (
    {{ scope_period_grid(['region', 'prefecture', 'county'], ['year']) }}
),

station_counts as (
    {{ fill_grid('station_grid', 'station_aggregated', ['station_count', 'stations_standard']) }}
),

-- Leaders: served at least one day of the year, visited = any reception in that year while serving.
leader_years as (
    select
        deputies.deputy_id,
        deputies.prefecture_code,
        years.period_type,
        years.period_label,
        years.period_start,
        years.period_end
    from deputies
    inner join years on {{ served_during('years.period_start', 'years.measured_until', 'deputies') }}
),

visits as (
    select distinct
        receptions.deputy_id,
        cast(year(receptions.reception_date) as {{ dbt.type_string() }}) as period_label
    from receptions
    inner join deputies on receptions.deputy_id = deputies.deputy_id
    where {{ is_serving('receptions.reception_date', 'deputies') }}
),

leader_visits as (
    select
        leader_years.*,
        case when visits.deputy_id is not null then 1 else 0 end as has_visited
    from leader_years
    left join visits
        on leader_years.deputy_id = visits.deputy_id
        and leader_years.period_label = visits.period_label
),

leaders_scoped as (
    {{ in_scopes('leader_visits', ['region', 'prefecture']) }}
),

leader_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        count(deputy_id) as leaders,
        sum(has_visited) as leaders_visited
    from leaders_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

leader_grid as (
    {{ scope_period_grid(['region', 'prefecture'], ['year']) }}
),

leader_counts as (
    {{ fill_grid('leader_grid', 'leader_aggregated', ['leaders', 'leaders_visited']) }}
),

-- Opinions collected and resolved at receptions in the period.
reception_periods as (
    {{ in_periods('receptions', 'reception_date', period_types=['month', 'quarter', 'year']) }}
),

receptions_scoped as (
    {{ in_scopes('reception_periods', ['region', 'prefecture', 'county']) }}
),

opinion_aggregated as (
    select
        scope_level, scope_code, period_type, period_label, period_start, period_end,
        sum(opinions_collected) as opinions_collected,
        sum(opinions_resolved) as opinions_resolved
    from receptions_scoped
    group by scope_level, scope_code, period_type, period_label, period_start, period_end
),

opinion_grid as (
    {{ scope_period_grid(['region', 'prefecture', 'county'], ['month', 'quarter', 'year']) }}
),

opinion_counts as (
    {{ fill_grid('opinion_grid', 'opinion_aggregated', ['opinions_collected', 'opinions_resolved']) }}
),

final as (
    {{ indicator_rows('station_standard_rate', 'stations_standard', 'station_count', from='station_counts') }}
    union all
    {{ indicator_rows('leader_station_visit_rate', 'leaders_visited', 'leaders', from='leader_counts') }}
    union all
    {{ indicator_rows('opinion_resolution_rate', 'opinions_resolved', 'opinions_collected', from='opinion_counts') }}
)

select * from final
