-- The optimism-bias corrections in force for this build (the seed or the feeds' replacement),
-- published so the method page shows the parameters the figures were computed with.
with optimism_bias as (
    select * from {{ ref('int_prevention_optimism_bias') }}
),

final as (
    select
        confidence_grade,
        optimism_bias,
        cast(0.035 as decimal(4, 3)) as discount_rate_first_30_years,
        '{{ var("price_base_year") }}' as price_base_year
    from optimism_bias
)

select * from final
