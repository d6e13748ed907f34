with areas as (
    select * from {{ reference_table('areas') }}
)

select
    area_code,
    area_name,
    area_type,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    successor_code,
    region,
    county_code
from areas
