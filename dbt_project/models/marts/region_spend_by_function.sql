-- Public spending by region, department and function (HM Treasury Country and Regional
-- Analysis), in cash and real terms and per head of the region's population. Per head is for
-- English regions only (the population reference covers England); elsewhere it is null and
-- population_basis says why.
with spend as (
    select * from {{ ref('stg_feeds__regional_spend') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

population as (
    select * from {{ ref('int_region_population_by_year') }}
),

final as (
    select
        spend.release,
        spend.financial_year,
        spend.financial_year_start,
        spend.region,
        spend.region_code,
        spend.department,
        spend.cofog_function,
        spend.cofog_subfunction,
        spend.hmt_function,
        spend.hmt_subfunction,
        spend.spend_type,
        spend.identifiable,
        spend.sector,
        cast(spend.amount_gbp as decimal(18, 2)) as amount_gbp_nominal,
        cast(round(cast(spend.amount_gbp as double) * years.real_terms_factor, 2)
            as decimal(18, 2)) as amount_gbp_real,
        '{{ var("price_base_year") }}' as price_base_year,
        cast(population.population as bigint) as population,
        coalesce(
            population.population_basis,
            'no population estimate for this region (England''s regions only)'
        ) as population_basis,
        cast(round(cast(spend.amount_gbp as double) * years.real_terms_factor
            / nullif(population.population, 0), 4) as decimal(18, 4)) as amount_per_head_real,
        spend.segments,
        spend.source_unit,
        spend.price_basis,
        spend.accounting_basis,
        spend.data_provenance,
        spend.is_synthetic
    from spend
    left join years
        on spend.financial_year = years.financial_year
    left join population
        on spend.region = population.region
        and spend.financial_year = population.financial_year
)

select * from final
