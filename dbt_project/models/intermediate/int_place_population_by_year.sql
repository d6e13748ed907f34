-- A place's population is the sum of its member districts and unitaries. Counties and the
-- combined authority itself are skipped: their people are already counted in the districts.
with area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

area_population as (
    select * from {{ ref('int_area_population_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

final as (
    select
        area_place.place_code,
        area_place.financial_year,
        sum(area_population.population) as population,
        max(area_population.population_basis) as population_basis,
        count(*) as areas_counted
    from area_place
    inner join areas
        on area_place.area_code = areas.area_code
    inner join area_population
        on area_place.area_code = area_population.area_code
        and area_place.financial_year = area_population.financial_year
    where area_place.role = 'member'
        and areas.area_type not in ('county', 'combined authority')
    group by area_place.place_code, area_place.financial_year
)

select * from final
