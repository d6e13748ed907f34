-- Everything departments allocate that reaches a place, by funding line and year, with the
-- share of it that settlements pool. resource and capital stay on separate rows.
with allocations as (
    select * from {{ ref('int_allocations_to_places') }}
),

shares as (
    select * from {{ ref('int_pooling_shares_by_year') }}
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

departments as (
    select * from {{ ref('stg_reference__departments') }}
),

by_line as (
    select
        place_code,
        financial_year,
        financial_year_start,
        department,
        funding_line,
        max(funding_line_name) as funding_line_name,
        budget_type,
        sum(amount_gbp) as amount_gbp_nominal,
        count(distinct area_code) as recipient_areas,
        {{ any_synthetic() }} as is_synthetic
    from allocations
    group by place_code, financial_year, financial_year_start, department, funding_line, budget_type
),

pooled_shares as (
    select place_code, financial_year, funding_line, sum(share) as pooled_share
    from shares
    group by place_code, financial_year, funding_line
),

final as (
    select
        by_line.place_code,
        areas.area_name as place_name,
        by_line.financial_year,
        by_line.financial_year_start,
        by_line.department,
        departments.department_name,
        by_line.funding_line,
        by_line.funding_line_name,
        by_line.budget_type,
        cast(by_line.amount_gbp_nominal as decimal(18, 2)) as amount_gbp_nominal,
        {{ real_terms('by_line.amount_gbp_nominal', 'years.real_terms_factor') }} as amount_gbp_real,
        years.price_base_year,
        cast(population.population as bigint) as population,
        population.population_basis,
        {{ per_head('by_line.amount_gbp_nominal', 'population.population', 'years.real_terms_factor') }}
            as amount_per_head_real,
        cast(coalesce(pooled_shares.pooled_share, 0) as double) as pooled_share,
        cast(round(cast(by_line.amount_gbp_nominal as double)
            * coalesce(pooled_shares.pooled_share, 0), 2) as decimal(18, 2)) as pooled_gbp_nominal,
        by_line.recipient_areas,
        by_line.is_synthetic
    from by_line
    inner join areas
        on by_line.place_code = areas.area_code
    inner join years
        on by_line.financial_year = years.financial_year
    left join population
        on by_line.place_code = population.place_code
        and by_line.financial_year = population.financial_year
    left join departments
        on by_line.department = departments.department
    left join pooled_shares
        on by_line.place_code = pooled_shares.place_code
        and by_line.financial_year = pooled_shares.financial_year
        and by_line.funding_line = pooled_shares.funding_line
)

select * from final
