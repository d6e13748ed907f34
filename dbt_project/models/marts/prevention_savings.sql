-- Every benefit stream's value in every year it lasts: gross, net, cashable and present values,
-- who receives it, and the feed row it comes from (docs/method.md explains each figure).
with benefit_years as (
    select * from {{ ref('int_prevention_benefit_years') }}
),

final as (
    select
        place_code,
        intervention_id,
        benefit_id,
        financial_year,
        cast(year_index as integer) as year_index,
        beneficiary_agency,
        agency_tier,
        value_type,
        gross_gbp,
        net_gbp,
        cashable_gbp,
        pv_gbp,
        pv_cashable_gbp,
        pv_base_year,
        pv_rebased_gbp,
        pv_cashable_rebased_gbp,
        price_base_year,
        unit_cost_code,
        cast(people_achieving_outcome as double) as people_achieving_outcome,
        cast(round(unit_cost_base_gbp, 2) as decimal(18, 2)) as unit_cost_base_gbp,
        cast(optimism_bias as double) as optimism_bias,
        cast(discount_factor as double) as discount_factor,
        is_synthetic,
        source_file,
        cast(source_row as integer) as source_row
    from benefit_years
)

select * from final
