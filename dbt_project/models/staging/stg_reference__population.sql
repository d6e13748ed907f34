with population as (
    select * from {{ reference_table('population') }}
)

select
    area_code,
    cast(mid_year as integer) as mid_year,
    cast(population as bigint) as population
from population
