with membership as (
    select * from {{ reference_table('membership') }}
)

select
    area_code,
    place_code,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date
from membership
