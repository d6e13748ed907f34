with deflators as (
    select * from {{ reference_table('deflators') }}
)

select
    financial_year,
    {{ financial_year_start('financial_year') }} as financial_year_start,
    cast(gdp_deflator_index as decimal(12, 4)) as gdp_deflator_index
from deflators
