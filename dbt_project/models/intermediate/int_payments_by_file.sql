-- Every payments file summed by area, financial year, service area and funding line: a few
-- rows per file from thousands of payments. Incremental: a build that adds one more month
-- (orchestration/core/incremental.py) sums only the files this table has not seen, so the
-- payments already loaded are not read again. A full build passes --full-refresh, so a file
-- that changed or went away never leaves its old sums behind.
{{ config(materialized='incremental', incremental_strategy='append') }}

with payments as (
    select * from {{ ref('stg_feeds__spend_transactions') }}
    {% if is_incremental() %}
    where source_file not in (select source_file from {{ this }})
    {% endif %}
),

by_file as (
    select
        source_file,
        area_code,
        financial_year_start,
        service_area,
        coalesce(funding_line, 'not stated') as funding_line,
        data_provenance,
        cast(sum(amount_gbp) as decimal(18, 2)) as amount_gbp,
        cast(sum(case when amount_gbp < 0 then amount_gbp else 0 end) as decimal(18, 2))
            as refunds_gbp,
        cast(count(*) as bigint) as payments
    from payments
    group by source_file, area_code, financial_year_start, service_area,
        coalesce(funding_line, 'not stated'), data_provenance
)

select * from by_file
