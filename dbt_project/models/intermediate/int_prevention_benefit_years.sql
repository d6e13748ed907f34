-- The HM Treasury / GMCA cost-benefit method for every benefit row and every year its value
-- lasts, one step per CTE (docs/method.md). Year index t counts from the intervention's start
-- year (t = 0). Every money figure is worked out from unrounded inputs and rounded to the penny
-- once, at the end, so a total is the sum of the pennies shown.
with benefits as (
    select * from {{ ref('stg_feeds__intervention_benefits') }}
),

interventions as (
    select * from {{ ref('stg_feeds__interventions') }}
),

unit_costs as (
    select * from {{ ref('int_prevention_unit_costs') }}
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

-- Step 1: n = cohort_size x engagement_rate x success_rate.
people_achieving_outcome as (
    select
        benefits.*,
        interventions.place_code,
        interventions.investing_agency,
        interventions.start_year,
        interventions.start_year_start,
        benefits.cohort_size * benefits.engagement_rate * benefits.success_rate
            as people_achieving_outcome
    from benefits
    inner join interventions
        on benefits.intervention_id = interventions.intervention_id
),

-- Step 2: uc_B = cost_gbp x D(B) / D(price_year).
unit_cost_in_price_base as (
    select
        people_achieving_outcome.*,
        unit_costs.cost_gbp as unit_cost_gbp,
        unit_costs.price_year as unit_cost_price_year,
        unit_costs.agency as beneficiary_agency,
        unit_costs.agency_tier,
        unit_costs.value_type,
        unit_costs.price_base_year,
        cast(unit_costs.cost_gbp as double) * unit_costs.price_base_deflator
            / nullif(unit_costs.price_year_deflator, 0) as unit_cost_base_gbp
    from people_achieving_outcome
    inner join unit_costs
        on people_achieving_outcome.unit_cost_code = unit_costs.unit_cost_code
),

-- Step 3: the years the value lasts, t = start_offset_years + k for k = 0 .. duration_years - 1.
benefit_years as (
    select
        unit_cost_in_price_base.*,
        discount_factors.year_index,
        discount_factors.year_index - unit_cost_in_price_base.start_offset_years
            as years_since_benefit_start,
        discount_factors.discount_factor
    from unit_cost_in_price_base
    inner join discount_factors
        on discount_factors.year_index between unit_cost_in_price_base.start_offset_years
        and unit_cost_in_price_base.start_offset_years + unit_cost_in_price_base.duration_years - 1
),

-- Step 3: gross_t = n x uc_B x (1 - drop_off)^k.
gross_value as (
    select
        benefit_years.*,
        benefit_years.people_achieving_outcome * benefit_years.unit_cost_base_gbp
            * power(1 - benefit_years.drop_off, benefit_years.years_since_benefit_start)
            as gross_value
    from benefit_years
),

-- Step 4: net_t = gross_t x (1 - deadweight) x attribution x (1 - OB(confidence_grade)).
net_value as (
    select
        gross_value.*,
        optimism_bias.optimism_bias,
        gross_value.gross_value * (1 - gross_value.deadweight) * gross_value.attribution
            * (1 - optimism_bias.optimism_bias) as net_value
    from gross_value
    inner join optimism_bias
        on gross_value.confidence_grade = optimism_bias.confidence_grade
),

-- Step 5: pv_t = net_t x discount factor of year t (1 / 1.035^t up to year 30).
present_value as (
    select
        net_value.*,
        net_value.net_value * net_value.discount_factor as present_value
    from net_value
),

-- Step 6: only a fiscal value is a saving to an agency's budget, and only its cashable share
-- can be taken out of that budget.
cashable_value as (
    select
        present_value.*,
        case
            when present_value.value_type = 'fiscal'
                then present_value.net_value * present_value.cashable_share
            else 0
        end as cashable_value,
        case
            when present_value.value_type = 'fiscal'
                then present_value.net_value * present_value.cashable_share
                * present_value.discount_factor
            else 0
        end as present_cashable_value
    from present_value
),

-- The same present values discounted to the one base year of the warehouse instead of the
-- intervention's own start, so that interventions starting in different years add up.
rebased_value as (
    select
        cashable_value.*,
        base_year_factors.pv_base_year,
        base_year_factors.base_discount_factor,
        cashable_value.net_value * base_year_factors.base_discount_factor as rebased_value,
        cashable_value.cashable_value * base_year_factors.base_discount_factor
            as rebased_cashable_value
    from cashable_value
    inner join base_year_factors
        on cashable_value.start_year_start + cashable_value.year_index
        = base_year_factors.financial_year_start
),

final as (
    select
        place_code,
        intervention_id,
        benefit_id,
        unit_cost_code,
        {{ financial_year_label('start_year_start + year_index') }} as financial_year,
        start_year_start + year_index as financial_year_start,
        cast(year_index as integer) as year_index,
        cast(years_since_benefit_start as integer) as years_since_benefit_start,
        investing_agency,
        beneficiary_agency,
        agency_tier,
        value_type,
        cohort_size,
        engagement_rate,
        success_rate,
        deadweight,
        attribution,
        drop_off,
        confidence_grade,
        optimism_bias,
        cashable_share,
        people_achieving_outcome,
        unit_cost_gbp,
        unit_cost_price_year,
        unit_cost_base_gbp,
        discount_factor,
        cast(round(gross_value, 2) as decimal(18, 2)) as gross_gbp,
        cast(round(net_value, 2) as decimal(18, 2)) as net_gbp,
        cast(round(cashable_value, 2) as decimal(18, 2)) as cashable_gbp,
        cast(round(present_value, 2) as decimal(18, 2)) as pv_gbp,
        cast(round(present_cashable_value, 2) as decimal(18, 2)) as pv_cashable_gbp,
        pv_base_year,
        base_discount_factor,
        cast(round(rebased_value, 2) as decimal(18, 2)) as pv_rebased_gbp,
        cast(round(rebased_cashable_value, 2) as decimal(18, 2)) as pv_cashable_rebased_gbp,
        price_base_year,
        is_synthetic,
        source_file,
        source_row
    from rebased_value
)

select * from final
