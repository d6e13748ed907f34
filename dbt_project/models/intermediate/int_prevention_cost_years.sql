-- What each intervention costs in each year of its appraisal, in price-base terms, raised by the
-- optimism bias of its cost confidence grade and discounted like the benefits:
-- cost_real_t = cost_gbp x D(B) / D(year) x (1 + OB(cost_confidence_grade)); pv_t = cost_real_t
-- x discount factor of year t; pv_cost_rebased_gbp the same cost discounted to the warehouse's
-- one present-value base year instead. Rounded to the penny once, at the end.
with costs as (
    select * from {{ ref('stg_feeds__intervention_costs') }}
),

interventions as (
    select * from {{ ref('stg_feeds__interventions') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

optimism_bias as (
    select * from {{ ref('int_prevention_optimism_bias') }}
),

discount_factors as (
    select * from {{ ref('int_prevention_discount_factors') }}
),

base_year_factors as (
    select * from {{ ref('int_prevention_base_year_discount_factors') }}
),

cost_years as (
    select
        costs.*,
        interventions.place_code,
        interventions.investing_agency,
        interventions.cost_confidence_grade,
        costs.financial_year_start - interventions.start_year_start as year_index
    from costs
    inner join interventions
        on costs.intervention_id = interventions.intervention_id
),

real_costs as (
    select
        cost_years.*,
        years.real_terms_factor,
        years.price_base_year,
        optimism_bias.optimism_bias,
        cast(cost_years.cost_gbp as double) * years.real_terms_factor
            * (1 + optimism_bias.optimism_bias) as real_cost
    from cost_years
    inner join years
        on cost_years.financial_year = years.financial_year
    inner join optimism_bias
        on cost_years.cost_confidence_grade = optimism_bias.confidence_grade
),

present_costs as (
    select
        real_costs.*,
        discount_factors.discount_factor,
        real_costs.real_cost * discount_factors.discount_factor as present_cost,
        base_year_factors.pv_base_year,
        base_year_factors.base_discount_factor,
        real_costs.real_cost * base_year_factors.base_discount_factor as rebased_cost
    from real_costs
    inner join discount_factors
        on real_costs.year_index = discount_factors.year_index
    inner join base_year_factors
        on real_costs.financial_year_start = base_year_factors.financial_year_start
),

final as (
    select
        place_code,
        intervention_id,
        investing_agency,
        financial_year,
        financial_year_start,
        cast(year_index as integer) as year_index,
        cost_gbp as cost_nominal_gbp,
        real_terms_factor,
        cost_confidence_grade,
        optimism_bias,
        discount_factor,
        cast(round(real_cost, 2) as decimal(18, 2)) as cost_real_gbp,
        cast(round(present_cost, 2) as decimal(18, 2)) as pv_cost_gbp,
        pv_base_year,
        base_discount_factor,
        cast(round(rebased_cost, 2) as decimal(18, 2)) as pv_cost_rebased_gbp,
        price_base_year,
        is_synthetic,
        source_file,
        source_row
    from present_costs
)

select * from final
