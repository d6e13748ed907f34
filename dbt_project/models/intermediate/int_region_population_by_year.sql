-- Population of each ONS region for each financial year: the sum of the mid-year estimates of
-- its districts and unitaries (counties and combined authorities are skipped: their people are
-- already counted), for the mid-year the financial year starts in; after the latest estimate,
-- the latest one carried forward. Regions come from the areas reference (`region`).
with years as (
    select * from {{ ref('int_financial_years') }}
),

population as (
    select * from {{ ref('stg_reference__population') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

by_region as (
    select
        areas.region,
        population.mid_year,
        sum(population.population) as population,
        count(*) as areas_counted
    from population
    inner join areas
        on population.area_code = areas.area_code
    where areas.region is not null
        and areas.region <> ''
        and areas.area_type not in ('county', 'combined authority')
    group by areas.region, population.mid_year
),

span as (
    select region, min(mid_year) as first_mid_year, max(mid_year) as latest_mid_year
    from by_region
    group by region
),

chosen as (
    select
        span.region,
        years.financial_year,
        years.financial_year_start,
        case
            when years.financial_year_start <= span.latest_mid_year
                then years.financial_year_start
            else span.latest_mid_year
        end as mid_year
    from span
    cross join years
    where years.financial_year_start >= span.first_mid_year
),

final as (
    select
        chosen.region,
        chosen.financial_year,
        chosen.financial_year_start,
        chosen.mid_year,
        cast(by_region.population as bigint) as population,
        by_region.areas_counted,
        {{ dbt.concat([
            "'mid-'",
            dbt.safe_cast("chosen.mid_year", api.Column.translate_type("string")),
            "case when chosen.mid_year < chosen.financial_year_start then ' estimate carried forward' else ' estimate' end",
            "', sum of '",
            dbt.safe_cast("by_region.areas_counted", api.Column.translate_type("string")),
            "' districts and unitaries'"
        ]) }} as population_basis
    from chosen
    inner join by_region
        on chosen.region = by_region.region
        and chosen.mid_year = by_region.mid_year
)

select * from final
