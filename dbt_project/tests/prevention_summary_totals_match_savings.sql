-- place_prevention_summary must add up: for every place and year, its values equal the sums of
-- prevention_savings and its costs the sums of the interventions' costs, to the penny; and over
-- all years its present values (discounted to the one base year) equal the places' intervention
-- appraisals' rebased present values and place_appraisal's. Returns any mismatch.
with summary as (
    select * from {{ ref('place_prevention_summary') }}
),

savings as (
    select * from {{ ref('prevention_savings') }}
),

costs as (
    select * from {{ ref('int_prevention_cost_years') }}
),

appraisals as (
    select * from {{ ref('intervention_cba') }}
),

place_appraisals as (
    select * from {{ ref('place_appraisal') }}
),

savings_by_place_year as (
    select
        place_code,
        financial_year,
        sum(case when value_type = 'fiscal' then net_gbp else 0 end) as fiscal_gbp,
        sum(case when value_type = 'economic' then net_gbp else 0 end) as economic_gbp,
        sum(case when value_type = 'social' then net_gbp else 0 end) as social_gbp,
        sum(cashable_gbp) as cashable_gbp,
        sum(case when value_type = 'fiscal' and agency_tier = 'local' then net_gbp else 0 end)
            as local_fiscal_gbp,
        sum(case when value_type = 'fiscal' and agency_tier = 'national' then net_gbp else 0 end)
            as national_fiscal_gbp,
        sum(case when agency_tier = 'national' then cashable_gbp else 0 end)
            as national_cashable_gbp,
        sum(pv_rebased_gbp) as pv_benefits_gbp,
        sum(pv_cashable_rebased_gbp) as pv_cashable_gbp
    from savings
    group by place_code, financial_year
),

costs_by_place_year as (
    select place_code, financial_year, sum(cost_real_gbp) as costs_gbp,
        sum(pv_cost_rebased_gbp) as pv_costs_gbp
    from costs
    group by place_code, financial_year
),

each_year as (
    select
        coalesce(summary.place_code, savings_by_place_year.place_code, costs_by_place_year.place_code)
            as place_code,
        coalesce(summary.financial_year, savings_by_place_year.financial_year,
            costs_by_place_year.financial_year) as financial_year,
        'year' as compared
    from summary
    full outer join savings_by_place_year
        on summary.place_code = savings_by_place_year.place_code
        and summary.financial_year = savings_by_place_year.financial_year
    full outer join costs_by_place_year
        on coalesce(summary.place_code, savings_by_place_year.place_code)
            = costs_by_place_year.place_code
        and coalesce(summary.financial_year, savings_by_place_year.financial_year)
            = costs_by_place_year.financial_year
    where summary.place_code is null
        or coalesce(savings_by_place_year.fiscal_gbp, 0) <> summary.fiscal_gbp
        or coalesce(savings_by_place_year.economic_gbp, 0) <> summary.economic_gbp
        or coalesce(savings_by_place_year.social_gbp, 0) <> summary.social_gbp
        or coalesce(savings_by_place_year.cashable_gbp, 0) <> summary.cashable_gbp
        or coalesce(savings_by_place_year.local_fiscal_gbp, 0) <> summary.local_fiscal_gbp
        or coalesce(savings_by_place_year.national_fiscal_gbp, 0) <> summary.national_fiscal_gbp
        or coalesce(savings_by_place_year.national_cashable_gbp, 0)
            <> summary.national_cashable_gbp
        or coalesce(savings_by_place_year.pv_benefits_gbp, 0)
            <> summary.pv_fiscal_gbp + summary.pv_economic_gbp + summary.pv_social_gbp
        or coalesce(savings_by_place_year.pv_cashable_gbp, 0) <> summary.pv_cashable_gbp
        or coalesce(costs_by_place_year.costs_gbp, 0) <> summary.costs_gbp
        or coalesce(costs_by_place_year.pv_costs_gbp, 0) <> summary.pv_costs_gbp
),

summary_by_place as (
    select place_code, sum(pv_costs_gbp) as pv_costs_gbp, sum(pv_fiscal_gbp) as pv_fiscal_gbp,
        sum(pv_economic_gbp) as pv_economic_gbp, sum(pv_social_gbp) as pv_social_gbp,
        sum(pv_cashable_gbp) as pv_cashable_gbp
    from summary
    group by place_code
),

appraisals_by_place as (
    select place_code, sum(pv_costs_rebased_gbp) as pv_costs_gbp,
        sum(pv_fiscal_rebased_gbp) as pv_fiscal_gbp,
        sum(pv_economic_rebased_gbp) as pv_economic_gbp,
        sum(pv_social_rebased_gbp) as pv_social_gbp,
        sum(pv_cashable_rebased_gbp) as pv_cashable_gbp
    from appraisals
    where pv_costs_gbp <> 0 or benefit_streams > 0
    group by place_code
),

each_place as (
    select
        coalesce(summary_by_place.place_code, appraisals_by_place.place_code) as place_code,
        cast(null as {{ api.Column.translate_type("string") }}) as financial_year,
        'all years' as compared
    from summary_by_place
    full outer join appraisals_by_place
        on summary_by_place.place_code = appraisals_by_place.place_code
    where summary_by_place.place_code is null
        or appraisals_by_place.place_code is null
        or summary_by_place.pv_costs_gbp <> appraisals_by_place.pv_costs_gbp
        or summary_by_place.pv_fiscal_gbp <> appraisals_by_place.pv_fiscal_gbp
        or summary_by_place.pv_economic_gbp <> appraisals_by_place.pv_economic_gbp
        or summary_by_place.pv_social_gbp <> appraisals_by_place.pv_social_gbp
        or summary_by_place.pv_cashable_gbp <> appraisals_by_place.pv_cashable_gbp
),

each_place_appraisal as (
    select
        coalesce(summary_by_place.place_code, place_appraisals.place_code) as place_code,
        cast(null as {{ api.Column.translate_type("string") }}) as financial_year,
        'place_appraisal' as compared
    from summary_by_place
    full outer join place_appraisals
        on summary_by_place.place_code = place_appraisals.place_code
    where summary_by_place.place_code is null
        or place_appraisals.place_code is null
        or summary_by_place.pv_costs_gbp <> place_appraisals.pv_costs_gbp
        or summary_by_place.pv_fiscal_gbp <> place_appraisals.pv_fiscal_gbp
        or summary_by_place.pv_economic_gbp <> place_appraisals.pv_economic_gbp
        or summary_by_place.pv_social_gbp <> place_appraisals.pv_social_gbp
        or summary_by_place.pv_cashable_gbp <> place_appraisals.pv_cashable_gbp
)

select * from each_year
union all
select * from each_place
union all
select * from each_place_appraisal
