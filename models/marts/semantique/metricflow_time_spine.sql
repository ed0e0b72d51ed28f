{{ config(materialized='table') }}

-- Daily calendar MetricFlow aggregates metric_time on (2020 to 2035).
with

jours as (
    {{ dbt.date_spine(
        'day',
        "cast('2020-01-01' as date)",
        "cast('2036-01-01' as date)"
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from jours
)

select * from final
