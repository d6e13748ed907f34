-- One cost-benefit appraisal per intervention: present values of its costs and of its fiscal,
-- economic and social benefits, net present value, returns on investment and payback, discounted
-- to its own start year as the Green Book appraisal reports them; and the same present values
-- discounted to the warehouse's one base year (the _rebased_ columns), which add up across
-- interventions starting in different years.
with interventions as (
    select * from {{ ref('stg_feeds__interventions') }}
),

benefit_years as (
    select * from {{ ref('int_prevention_benefit_years') }}
),

cost_years as (
    select * from {{ ref('int_prevention_cost_years') }}
),

price_base as (
    select max(price_base_year) as price_base_year
    from {{ ref('int_financial_years') }}
),

pv_base as (
    select max(pv_base_year) as pv_base_year
    from {{ ref('int_prevention_base_year_discount_factors') }}
),

benefits_by_value_type as (
    select
        intervention_id,
        sum(case when value_type = 'fiscal' then pv_gbp else 0 end) as pv_fiscal_gbp,
        sum(case when value_type = 'economic' then pv_gbp else 0 end) as pv_economic_gbp,
        sum(case when value_type = 'social' then pv_gbp else 0 end) as pv_social_gbp,
        sum(pv_cashable_gbp) as pv_cashable_gbp,
        sum(case when value_type = 'fiscal' then pv_rebased_gbp else 0 end)
            as pv_fiscal_rebased_gbp,
        sum(case when value_type = 'economic' then pv_rebased_gbp else 0 end)
            as pv_economic_rebased_gbp,
        sum(case when value_type = 'social' then pv_rebased_gbp else 0 end)
            as pv_social_rebased_gbp,
        sum(pv_cashable_rebased_gbp) as pv_cashable_rebased_gbp,
        count(distinct benefit_id) as benefit_streams
    from benefit_years
    group by intervention_id
),

costs as (
    select
        intervention_id,
        sum(pv_cost_gbp) as pv_costs_gbp,
        sum(pv_cost_rebased_gbp) as pv_costs_rebased_gbp
    from cost_years
    group by intervention_id
),

yearly_present_values as (
    select
        intervention_id,
        year_index,
        sum(case when value_type = 'fiscal' then pv_gbp else 0 end) as pv_fiscal_gbp,
        cast(0 as decimal(18, 2)) as pv_costs_gbp
    from benefit_years
    group by intervention_id, year_index
    union all
    select
        intervention_id,
        year_index,
        cast(0 as decimal(18, 2)) as pv_fiscal_gbp,
        pv_cost_gbp as pv_costs_gbp
    from cost_years
),

yearly_totals as (
    select
        intervention_id,
        year_index,
        sum(pv_fiscal_gbp) as pv_fiscal_gbp,
        sum(pv_costs_gbp) as pv_costs_gbp
    from yearly_present_values
    group by intervention_id, year_index
),

cumulative_present_values as (
    select
        intervention_id,
        year_index,
        sum(pv_fiscal_gbp) over (
            partition by intervention_id order by year_index
            rows between unbounded preceding and current row
        ) as cumulative_pv_fiscal_gbp,
        sum(pv_costs_gbp) over (
            partition by intervention_id order by year_index
            rows between unbounded preceding and current row
        ) as cumulative_pv_costs_gbp
    from yearly_totals
),

-- Paid back in the first year the fiscal savings so far cover the costs so far; a year with
-- nothing spent and nothing saved yet does not count as paid back.
payback as (
    select
        intervention_id,
        1 + min(year_index) as payback_years
    from cumulative_present_values
    where cumulative_pv_fiscal_gbp >= cumulative_pv_costs_gbp
        and cumulative_pv_fiscal_gbp > 0
    group by intervention_id
),

appraisal as (
    select
        interventions.intervention_id,
        interventions.place_code,
        interventions.name,
        interventions.investing_agency,
        interventions.funding_line,
        interventions.start_year,
        coalesce(costs.pv_costs_gbp, 0) as pv_costs_gbp,
        coalesce(benefits_by_value_type.pv_fiscal_gbp, 0) as pv_fiscal_gbp,
        coalesce(benefits_by_value_type.pv_economic_gbp, 0) as pv_economic_gbp,
        coalesce(benefits_by_value_type.pv_social_gbp, 0) as pv_social_gbp,
        coalesce(benefits_by_value_type.pv_cashable_gbp, 0) as pv_cashable_gbp,
        coalesce(benefits_by_value_type.benefit_streams, 0) as benefit_streams,
        coalesce(costs.pv_costs_rebased_gbp, 0) as pv_costs_rebased_gbp,
        coalesce(benefits_by_value_type.pv_fiscal_rebased_gbp, 0) as pv_fiscal_rebased_gbp,
        coalesce(benefits_by_value_type.pv_economic_rebased_gbp, 0) as pv_economic_rebased_gbp,
        coalesce(benefits_by_value_type.pv_social_rebased_gbp, 0) as pv_social_rebased_gbp,
        coalesce(benefits_by_value_type.pv_cashable_rebased_gbp, 0) as pv_cashable_rebased_gbp,
        payback.payback_years,
        interventions.is_synthetic
    from interventions
    left join costs
        on interventions.intervention_id = costs.intervention_id
    left join benefits_by_value_type
        on interventions.intervention_id = benefits_by_value_type.intervention_id
    left join payback
        on interventions.intervention_id = payback.intervention_id
),

final as (
    select
        appraisal.intervention_id,
        appraisal.place_code,
        appraisal.name,
        appraisal.investing_agency,
        appraisal.funding_line,
        appraisal.start_year,
        cast(appraisal.pv_costs_gbp as decimal(18, 2)) as pv_costs_gbp,
        cast(appraisal.pv_fiscal_gbp as decimal(18, 2)) as pv_fiscal_gbp,
        cast(appraisal.pv_economic_gbp as decimal(18, 2)) as pv_economic_gbp,
        cast(appraisal.pv_social_gbp as decimal(18, 2)) as pv_social_gbp,
        cast(appraisal.pv_cashable_gbp as decimal(18, 2)) as pv_cashable_gbp,
        cast(
            appraisal.pv_fiscal_gbp + appraisal.pv_economic_gbp + appraisal.pv_social_gbp
            - appraisal.pv_costs_gbp
            as decimal(18, 2)
        ) as npv_gbp,
        cast(round(
            cast(appraisal.pv_fiscal_gbp as double)
            / nullif(cast(appraisal.pv_costs_gbp as double), 0), 4
        ) as decimal(18, 4)) as financial_roi,
        cast(round(
            cast(appraisal.pv_fiscal_gbp + appraisal.pv_economic_gbp + appraisal.pv_social_gbp
                as double)
            / nullif(cast(appraisal.pv_costs_gbp as double), 0), 4
        ) as decimal(18, 4)) as public_value_roi,
        cast(appraisal.payback_years as integer) as payback_years,
        cast(appraisal.benefit_streams as integer) as benefit_streams,
        pv_base.pv_base_year,
        cast(appraisal.pv_costs_rebased_gbp as decimal(18, 2)) as pv_costs_rebased_gbp,
        cast(appraisal.pv_fiscal_rebased_gbp as decimal(18, 2)) as pv_fiscal_rebased_gbp,
        cast(appraisal.pv_economic_rebased_gbp as decimal(18, 2)) as pv_economic_rebased_gbp,
        cast(appraisal.pv_social_rebased_gbp as decimal(18, 2)) as pv_social_rebased_gbp,
        cast(appraisal.pv_cashable_rebased_gbp as decimal(18, 2)) as pv_cashable_rebased_gbp,
        cast(
            appraisal.pv_fiscal_rebased_gbp + appraisal.pv_economic_rebased_gbp
            + appraisal.pv_social_rebased_gbp - appraisal.pv_costs_rebased_gbp
            as decimal(18, 2)
        ) as npv_rebased_gbp,
        price_base.price_base_year,
        appraisal.is_synthetic
    from appraisal
    cross join price_base
    cross join pv_base
)

select * from final
