-- Population weights for outcome indicators, which are published for upper-tier authorities:
-- a district's or unitary's own estimate, and a county's as the sum of its districts'
-- (the population reference has no county rows). Uses the same year rule as the other
-- population models (int_area_population_by_year).
with area_population as (
    select * from {{ ref('int_area_population_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

counties as (
    select
        areas.county_code as area_code,
        area_population.financial_year,
        sum(area_population.population) as population,
        count(*) as districts_counted
    from area_population
    inner join areas
        on area_population.area_code = areas.area_code
    where areas.county_code is not null
        and areas.county_code <> ''
    group by areas.county_code, area_population.financial_year
),

final as (
    select
        area_code,
        financial_year,
        cast(population as bigint) as population,
        population_basis
    from area_population

    union all

    select
        counties.area_code,
        counties.financial_year,
        cast(counties.population as bigint) as population,
        {{ dbt.concat([
            "'sum of '",
            dbt.safe_cast("counties.districts_counted", api.Column.translate_type("string")),
            "' districts'"
        ]) }} as population_basis
    from counties
    where counties.area_code not in (select distinct area_code from area_population)
)

select * from final
