-- The combined authorities, the financial years in which they exist (mid-year rule), and the
-- English region most of their member areas are in.
with area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

member_regions as (
    select
        area_place.place_code,
        areas.region,
        count(distinct area_place.area_code) as members_in_region
    from area_place
    inner join areas
        on area_place.area_code = areas.area_code
    where area_place.role = 'member' and areas.region is not null
    group by area_place.place_code, areas.region
),

-- Where the members straddle two regions (East Midlands, Greater Lincolnshire) the place is
-- in the region most of them are in; a tie goes to the region first in name order.
ranked_regions as (
    select
        place_code,
        region,
        row_number() over (
            partition by place_code order by members_in_region desc, region
        ) as region_rank
    from member_regions
),

place_region as (
    select place_code, region from ranked_regions where region_rank = 1
),

final as (
    select
        area_place.place_code,
        areas.area_name as place_name,
        min(area_place.financial_year) as first_year,
        max(area_place.financial_year) as last_year,
        count(distinct case when area_place.role = 'member' then area_place.area_code end)
            as member_areas_ever,
        max(place_region.region) as region
    from area_place
    inner join areas
        on area_place.place_code = areas.area_code
    left join place_region
        on area_place.place_code = place_region.place_code
    group by area_place.place_code, areas.area_name
)

select * from final
