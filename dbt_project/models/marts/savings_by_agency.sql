-- The wrong-pocket matrix: whose budget each place's prevention spending saves money for, in
-- present values discounted to the one base year (pv_base_year), since it adds up interventions
-- that start in different years. Only fiscal values are savings to an agency; economic and social
-- values are not.
with benefit_years as (
    select * from {{ ref('int_prevention_benefit_years') }}
),

fiscal_values as (
    select * from benefit_years
    where value_type = 'fiscal'
),

final as (
    select
        place_code,
        investing_agency,
        beneficiary_agency,
        agency_tier,
        investing_agency <> beneficiary_agency as is_wrong_pocket,
        max(pv_base_year) as pv_base_year,
        cast(sum(pv_rebased_gbp) as decimal(18, 2)) as pv_fiscal_gbp,
        cast(sum(pv_cashable_rebased_gbp) as decimal(18, 2)) as pv_cashable_gbp,
        cast(count(distinct intervention_id) as integer) as interventions,
        max(price_base_year) as price_base_year,
        {{ any_synthetic() }} as is_synthetic
    from fiscal_values
    group by place_code, investing_agency, beneficiary_agency, agency_tier
)

select * from final
