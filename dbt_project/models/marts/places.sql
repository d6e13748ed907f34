-- The combined authorities and the financial years in which they exist (mid-year rule).
with area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

final as (
    select
        area_place.place_code,
        areas.area_name as place_name,
        min(area_place.financial_year) as first_year,
        max(area_place.financial_year) as last_year,
        count(distinct case when area_place.role = 'member' then area_place.area_code end)
            as member_areas_ever
    from area_place
    inner join areas
        on area_place.place_code = areas.area_code
    group by area_place.place_code, areas.area_name
)

select * from final
