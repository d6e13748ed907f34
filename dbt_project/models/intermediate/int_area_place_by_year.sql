-- The one membership rule: an area belongs to the place it is a member of on 30 September,
-- the middle of the financial year. A combined authority belongs to itself in the years it exists.
with years as (
    select * from {{ ref('int_financial_years') }}
),

membership as (
    select * from {{ ref('stg_reference__membership') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

members as (
    select
        membership.area_code,
        membership.place_code,
        years.financial_year,
        years.financial_year_start,
        'member' as role
    from membership
    inner join years
        on membership.start_date <= years.midpoint_date
        and (membership.end_date is null or membership.end_date >= years.midpoint_date)
),

places_themselves as (
    select
        areas.area_code,
        areas.area_code as place_code,
        years.financial_year,
        years.financial_year_start,
        'combined authority' as role
    from areas
    inner join years
        on (areas.start_date is null or areas.start_date <= years.midpoint_date)
        and (areas.end_date is null or areas.end_date >= years.midpoint_date)
    where areas.area_type = 'combined authority'
),

final as (
    select * from members
    union all
    select * from places_themselves
)

select * from final
