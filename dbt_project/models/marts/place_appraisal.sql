-- One appraisal per place: all its interventions added up on one basis, every present value
-- discounted to the start of pv_base_year (intervention_cba's rebased columns, never the
-- own-start ones, which are discounted to different years and do not add up). What the place
-- retains and when its savings cover its costs come from place_prevention_summary, which is on
-- the same basis.
with appraisals as (
    select * from {{ ref('intervention_cba') }}
),

summary as (
    select * from {{ ref('place_prevention_summary') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

price_base as (
    select max(price_base_year) as price_base_year
    from {{ ref('int_financial_years') }}
),

pv_base as (
    select max(pv_base_year) as pv_base_year
    from {{ ref('int_prevention_base_year_discount_factors') }}
),

by_place as (
    select
        place_code,
        count(*) as interventions,
        min(start_year) as first_start_year,
        max(start_year) as last_start_year,
        sum(pv_costs_rebased_gbp) as pv_costs_gbp,
        sum(pv_fiscal_rebased_gbp) as pv_fiscal_gbp,
        sum(pv_economic_rebased_gbp) as pv_economic_gbp,
        sum(pv_social_rebased_gbp) as pv_social_gbp,
        sum(pv_cashable_rebased_gbp) as pv_cashable_gbp,
        {{ any_synthetic() }} as any_synthetic
    from appraisals
    group by place_code
),

retained as (
    select
        place_code,
        sum(pv_retained_cashable_by_place_gbp) as pv_retained_cashable_by_place_gbp,
        {{ any_synthetic() }} as any_synthetic
    from summary
    group by place_code
),

cumulative_by_year as (
    select
        place_code,
        financial_year,
        financial_year_start,
        sum(pv_fiscal_gbp) over (
            partition by place_code order by financial_year_start
            rows between unbounded preceding and current row
        ) as cumulative_pv_fiscal_gbp,
        sum(pv_costs_gbp) over (
            partition by place_code order by financial_year_start
            rows between unbounded preceding and current row
        ) as cumulative_pv_costs_gbp
    from summary
),

-- The first year in which the place's fiscal savings so far cover its costs so far, as
-- intervention_cba's payback but in financial years, since its interventions start apart.
payback_start as (
    select place_code, min(financial_year_start) as payback_year_start
    from cumulative_by_year
    where cumulative_pv_fiscal_gbp >= cumulative_pv_costs_gbp
        and cumulative_pv_fiscal_gbp > 0
    group by place_code
),

final as (
    select
        by_place.place_code,
        areas.area_name as place_name,
        cast(by_place.interventions as integer) as interventions,
        by_place.first_start_year,
        by_place.last_start_year,
        pv_base.pv_base_year,
        cast(by_place.pv_costs_gbp as decimal(18, 2)) as pv_costs_gbp,
        cast(by_place.pv_fiscal_gbp as decimal(18, 2)) as pv_fiscal_gbp,
        cast(by_place.pv_economic_gbp as decimal(18, 2)) as pv_economic_gbp,
        cast(by_place.pv_social_gbp as decimal(18, 2)) as pv_social_gbp,
        cast(by_place.pv_fiscal_gbp + by_place.pv_economic_gbp + by_place.pv_social_gbp
            as decimal(18, 2)) as pv_benefits_gbp,
        cast(by_place.pv_cashable_gbp as decimal(18, 2)) as pv_cashable_gbp,
        cast(by_place.pv_fiscal_gbp + by_place.pv_economic_gbp + by_place.pv_social_gbp
            - by_place.pv_costs_gbp as decimal(18, 2)) as npv_gbp,
        cast(round(cast(by_place.pv_fiscal_gbp as double)
            / nullif(cast(by_place.pv_costs_gbp as double), 0), 4) as decimal(18, 4))
            as financial_roi,
        cast(round(cast(by_place.pv_fiscal_gbp + by_place.pv_economic_gbp
            + by_place.pv_social_gbp as double)
            / nullif(cast(by_place.pv_costs_gbp as double), 0), 4) as decimal(18, 4))
            as public_value_roi,
        cast(coalesce(retained.pv_retained_cashable_by_place_gbp, 0) as decimal(18, 2))
            as pv_retained_cashable_by_place_gbp,
        case
            when payback_start.payback_year_start is not null
                then {{ financial_year_label('payback_start.payback_year_start') }}
        end as payback_financial_year,
        price_base.price_base_year,
        by_place.any_synthetic or coalesce(retained.any_synthetic, false) as is_synthetic
    from by_place
    left join areas
        on by_place.place_code = areas.area_code
    left join retained
        on by_place.place_code = retained.place_code
    left join payback_start
        on by_place.place_code = payback_start.place_code
    cross join price_base
    cross join pv_base
)

select * from final
