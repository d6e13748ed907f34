-- Every allocation row that reaches a place: paid to the combined authority itself, or to an
-- area that is a member of it in that financial year (the mid-year rule).
with allocations as (
    select * from {{ ref('stg_feeds__allocations') }}
),

area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

final as (
    select
        area_place.place_code,
        area_place.role as recipient_role,
        allocations.*
    from allocations
    inner join area_place
        on allocations.area_code = area_place.area_code
        and allocations.financial_year = area_place.financial_year
)

select * from final
