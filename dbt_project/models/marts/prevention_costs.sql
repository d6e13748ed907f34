-- What each intervention costs by year, in cash, in price-base terms with optimism bias, and
-- discounted: the cost side of every business case, published so each chart can be checked.
with cost_years as (
    select * from {{ ref('int_prevention_cost_years') }}
),

final as (
    select
        place_code,
        intervention_id,
        investing_agency,
        financial_year,
        financial_year_start,
        year_index,
        cost_nominal_gbp,
        cost_confidence_grade,
        optimism_bias,
        discount_factor,
        cost_real_gbp,
        pv_cost_gbp,
        pv_base_year,
        pv_cost_rebased_gbp,
        price_base_year,
        is_synthetic,
        source_file,
        source_row
    from cost_years
)

select * from final
