-- Each unit cost with what the method needs from it: who it is a cost to (and whether that agency
-- is local or national), what kind of value it is, and the GDP deflators of its price year and of
-- the warehouse price base, so step 2 (uc x D(base) / D(price year)) can be read off one row.
with unit_costs as (
    select * from {{ reference_table('unit_costs') }}
),

agencies as (
    select * from {{ ref('stg_reference__agencies') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

price_base as (
    select
        price_base_year,
        cast(gdp_deflator_index as double) as price_base_deflator
    from years
    where financial_year = price_base_year
),

final as (
    select
        unit_costs.unit_cost_code,
        unit_costs.description,
        unit_costs.unit,
        cast(unit_costs.cost_gbp as decimal(18, 2)) as cost_gbp,
        unit_costs.price_year,
        unit_costs.agency,
        agencies.tier as agency_tier,
        unit_costs.value_type,
        cast(years.gdp_deflator_index as double) as price_year_deflator,
        price_base.price_base_deflator,
        price_base.price_base_year
    from unit_costs
    cross join price_base
    left join agencies
        on unit_costs.agency = agencies.agency
    left join years
        on unit_costs.price_year = years.financial_year
)

select * from final
