-- The Green Book discount factor from the start of the present-value base year to each
-- financial year, so that present values of interventions starting in different years are on
-- one basis and can be added up. A year t years after the base is discounted by the factor of
-- year index t; a year t years before it is carried forward to the base by the inverse of that
-- factor (compounded at the same rates), so a value's worth at the base year is the same
-- whichever way round the years lie.
with discount_factors as (
    select * from {{ ref('int_prevention_discount_factors') }}
),

base_year as (
    select
        '{{ pv_base_year() }}' as pv_base_year,
        {{ financial_year_start("'" ~ pv_base_year() ~ "'") }} as base_year_start
),

on_or_after_base as (
    select
        base_year.pv_base_year,
        base_year.base_year_start + discount_factors.year_index as financial_year_start,
        discount_factors.year_index as years_from_base,
        discount_factors.discount_factor as base_discount_factor
    from discount_factors
    cross join base_year
),

before_base as (
    select
        base_year.pv_base_year,
        base_year.base_year_start - discount_factors.year_index as financial_year_start,
        0 - discount_factors.year_index as years_from_base,
        1 / nullif(discount_factors.discount_factor, 0) as base_discount_factor
    from discount_factors
    cross join base_year
    where discount_factors.year_index > 0
),

final as (
    select
        pv_base_year,
        cast(financial_year_start as integer) as financial_year_start,
        cast(years_from_base as integer) as years_from_base,
        cast(base_discount_factor as double) as base_discount_factor
    from on_or_after_base
    union all
    select
        pv_base_year,
        cast(financial_year_start as integer) as financial_year_start,
        cast(years_from_base as integer) as years_from_base,
        cast(base_discount_factor as double) as base_discount_factor
    from before_base
)

select * from final
