-- Every financial year the warehouse can price: the years of the GDP deflator series.
with deflators as (
    select * from {{ ref('stg_reference__deflators') }}
),

price_base as (
    select gdp_deflator_index as base_index
    from deflators
    where financial_year = '{{ var("price_base_year") }}'
),

final as (
    select
        deflators.financial_year,
        deflators.financial_year_start,
        {{ financial_year_midpoint('deflators.financial_year_start') }} as midpoint_date,
        deflators.gdp_deflator_index,
        '{{ var("price_base_year") }}' as price_base_year,
        cast(price_base.base_index as double)
            / nullif(cast(deflators.gdp_deflator_index as double), 0)
            as real_terms_factor
    from deflators
    cross join price_base
)

select * from final
