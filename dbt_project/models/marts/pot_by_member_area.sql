-- Each member area's part of the pot: the settlement's share of the line's allocations to that
-- area (the combined authority itself counts as one recipient) in each settlement year.
with shares as (
    select * from {{ ref('int_pooling_shares_by_year') }}
),

allocations as (
    select * from {{ ref('int_allocations_to_places') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

by_area as (
    select
        place_code,
        financial_year,
        area_code,
        recipient_role,
        department,
        funding_line,
        budget_type,
        sum(amount_gbp) as amount_gbp,
        {{ any_synthetic() }} as is_synthetic
    from allocations
    group by place_code, financial_year, area_code, recipient_role, department, funding_line,
        budget_type
),

final as (
    select
        shares.settlement_id,
        shares.place_code,
        shares.financial_year,
        by_area.area_code,
        areas.area_name,
        by_area.recipient_role,
        shares.pillar,
        by_area.department,
        shares.funding_line,
        by_area.budget_type,
        shares.share,
        cast(by_area.amount_gbp as decimal(18, 2)) as allocation_gbp_nominal,
        cast(round(cast(by_area.amount_gbp as double) * shares.share, 2) as decimal(18, 2))
            as contribution_gbp_nominal,
        shares.is_synthetic or by_area.is_synthetic as is_synthetic
    from shares
    inner join by_area
        on shares.place_code = by_area.place_code
        and shares.financial_year = by_area.financial_year
        and shares.funding_line = by_area.funding_line
    left join areas
        on by_area.area_code = areas.area_code
)

select * from final
