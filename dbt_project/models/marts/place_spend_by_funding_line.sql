-- Every payment rolled up to places: by place, financial year, service area and funding line.
-- Payments are summed by file and area first (int_payments_by_file: a few rows per file from
-- thousands of payments), then the areas are put in their place for the year, so the join never
-- touches a payment row.
with payment_files as (
    select * from {{ ref('int_payments_by_file') }}
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

outturn as (
    select * from {{ ref('place_spend_by_service') }}
),

by_area as (
    select
        area_code,
        financial_year_start,
        service_area,
        funding_line,
        data_provenance,
        sum(amount_gbp) as amount_gbp,
        sum(refunds_gbp) as refunds_gbp,
        sum(payments) as payments
    from payment_files
    group by area_code, financial_year_start, service_area, funding_line, data_provenance
),

by_place as (
    select
        area_place.place_code,
        area_place.financial_year,
        by_area.financial_year_start,
        by_area.service_area,
        by_area.funding_line,
        sum(by_area.amount_gbp) as amount_gbp_nominal,
        sum(by_area.refunds_gbp) as refunds_gbp_nominal,
        sum(by_area.payments) as payments,
        count(distinct by_area.area_code) as reporting_areas,
        {{ any_synthetic(is_synthetic('by_area.data_provenance')) }} as is_synthetic
    from by_area
    inner join area_place
        on by_area.area_code = area_place.area_code
        and by_area.financial_year_start = area_place.financial_year_start
    group by area_place.place_code, area_place.financial_year, by_area.financial_year_start,
        by_area.service_area, by_area.funding_line
),

final as (
    select
        by_place.place_code,
        areas.area_name as place_name,
        by_place.financial_year,
        by_place.financial_year_start,
        by_place.service_area,
        service_areas.service_area_name,
        by_place.funding_line,
        cast(by_place.payments as bigint) as payments,
        cast(by_place.amount_gbp_nominal as decimal(18, 2)) as amount_gbp_nominal,
        cast(by_place.refunds_gbp_nominal as decimal(18, 2)) as refunds_gbp_nominal,
        {{ real_terms('by_place.amount_gbp_nominal', 'years.real_terms_factor') }}
            as amount_gbp_real,
        years.price_base_year,
        cast(population.population as bigint) as population,
        {{ per_head('by_place.amount_gbp_nominal', 'population.population',
            'years.real_terms_factor') }} as amount_per_head_real,
        cast(outturn.amount_gbp_nominal as decimal(18, 2)) as outturn_gbp_nominal,
        cast(by_place.reporting_areas as bigint) as reporting_areas,
        by_place.is_synthetic
    from by_place
    inner join areas
        on by_place.place_code = areas.area_code
    inner join years
        on by_place.financial_year = years.financial_year
    left join population
        on by_place.place_code = population.place_code
        and by_place.financial_year = population.financial_year
    left join service_areas
        on by_place.service_area = service_areas.service_area
    left join outturn
        on by_place.place_code = outturn.place_code
        and by_place.financial_year = outturn.financial_year
        and by_place.service_area = outturn.service_area
)

select * from final
