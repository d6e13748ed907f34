-- Revenue outturn (net current expenditure) rolled up from member areas to places.
with outturn as (
    select * from {{ ref('stg_feeds__outturn') }}
),

area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

population as (
    select * from {{ ref('int_place_population_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

service_areas as (
    select * from {{ ref('stg_reference__service_areas') }}
),

by_service as (
    select
        area_place.place_code,
        outturn.financial_year,
        outturn.financial_year_start,
        outturn.service_area,
        sum(outturn.amount_gbp) as amount_gbp_nominal,
        count(distinct outturn.area_code) as reporting_areas,
        max(case when outturn.is_synthetic then 1 else 0 end) = 1 as is_synthetic,
        -- every distinct source behind the figure, so a real figure names its return and year
        -- and a mixed one (real districts with synthetic others) shows both
        {{ sorted_list('outturn.data_provenance', "'; '", distinct=true) }} as data_provenance
    from outturn
    inner join area_place
        on outturn.area_code = area_place.area_code
        and outturn.financial_year = area_place.financial_year
    group by area_place.place_code, outturn.financial_year, outturn.financial_year_start,
        outturn.service_area
),

final as (
    select
        by_service.place_code,
        areas.area_name as place_name,
        by_service.financial_year,
        by_service.financial_year_start,
        by_service.service_area,
        service_areas.service_area_name,
        cast(by_service.amount_gbp_nominal as decimal(18, 2)) as amount_gbp_nominal,
        cast(round(cast(by_service.amount_gbp_nominal as double) * years.real_terms_factor, 2)
            as decimal(18, 2)) as amount_gbp_real,
        years.price_base_year,
        cast(population.population as bigint) as population,
        cast(round(cast(by_service.amount_gbp_nominal as double) * years.real_terms_factor
            / nullif(population.population, 0), 4) as decimal(18, 4)) as amount_per_head_real,
        by_service.reporting_areas,
        by_service.data_provenance,
        by_service.is_synthetic
    from by_service
    inner join areas
        on by_service.place_code = areas.area_code
    inner join years
        on by_service.financial_year = years.financial_year
    left join population
        on by_service.place_code = population.place_code
        and by_service.financial_year = population.financial_year
    left join service_areas
        on by_service.service_area = service_areas.service_area
)

select * from final
