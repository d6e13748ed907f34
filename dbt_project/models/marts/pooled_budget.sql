-- The pot: each settlement's share of each pooled line's allocations to the place and its
-- members in each year of the settlement.
with shares as (
    select * from {{ ref('int_pooling_shares_by_year') }}
),

allocations as (
    select * from {{ ref('int_allocations_to_places') }}
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

line_totals as (
    select
        place_code,
        financial_year,
        department,
        funding_line,
        max(funding_line_name) as funding_line_name,
        budget_type,
        sum(amount_gbp) as amount_gbp,
        {{ any_synthetic() }} as is_synthetic
    from allocations
    group by place_code, financial_year, department, funding_line, budget_type
),

contributions as (
    select
        shares.settlement_id,
        shares.place_code,
        shares.financial_year,
        shares.financial_year_start,
        shares.pillar,
        line_totals.department,
        shares.funding_line,
        line_totals.funding_line_name,
        line_totals.budget_type,
        shares.share,
        line_totals.amount_gbp as line_total_gbp_nominal,
        cast(round(cast(line_totals.amount_gbp as double) * shares.share, 2) as decimal(18, 2))
            as contribution_gbp_nominal,
        shares.is_synthetic or line_totals.is_synthetic as is_synthetic
    from shares
    inner join line_totals
        on shares.place_code = line_totals.place_code
        and shares.financial_year = line_totals.financial_year
        and shares.funding_line = line_totals.funding_line
),

final as (
    select
        contributions.settlement_id,
        contributions.place_code,
        areas.area_name as place_name,
        contributions.financial_year,
        contributions.financial_year_start,
        contributions.pillar,
        contributions.department,
        contributions.funding_line,
        contributions.funding_line_name,
        contributions.budget_type,
        contributions.share,
        cast(contributions.line_total_gbp_nominal as decimal(18, 2)) as line_total_gbp_nominal,
        contributions.contribution_gbp_nominal,
        {{ real_terms('contributions.contribution_gbp_nominal', 'years.real_terms_factor') }}
            as contribution_gbp_real,
        years.price_base_year,
        cast(population.population as bigint) as population,
        {{ per_head('contributions.contribution_gbp_nominal', 'population.population', 'years.real_terms_factor') }}
            as contribution_per_head_real,
        contributions.is_synthetic
    from contributions
    inner join areas
        on contributions.place_code = areas.area_code
    inner join years
        on contributions.financial_year = years.financial_year
    left join population
        on contributions.place_code = population.place_code
        and contributions.financial_year = population.financial_year
)

select * from final
