-- What the inbox asset adapted in this build: one row per published file dropped in inbox/.
-- (Also what makes the dbt models wait for the inbox asset, which adds rows to the feeds.)
with source as (
    select * from {{ source('feeds', 'inbox_files') }}
)

select
    file,
    sha256,
    adapter,
    target,
    rows_adapted,
    rows_loaded,
    rows_set_aside,
    notes
from source
