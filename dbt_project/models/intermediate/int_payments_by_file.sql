-- Every payments file summed by area, financial year, service area and funding line: a few
-- rows per file from thousands of payments. By financial year, like the payments feed's
-- partitions (orchestration/defs/partitions.py): a build after the feed loaded some years again
-- (raw.payment_years_to_sum, read by orchestration/defs/warehouse.py) deletes their sums and
-- sums their payments again, from every file, so the other years' payments are not read again
-- and a changed or removed file leaves no old sums in them. When every year was loaded again the
-- build passes --full-refresh and sums everything.
{%- set years = env_var('WHOLEPLACE_PAYMENT_YEARS', '') -%}
{%- set years_sql = years if years else 'null' %}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where financial_year_start in ("
        ~ years_sql ~ "){% endif %}"
) }}

with payments as (
    select * from {{ ref('stg_feeds__spend_transactions') }}
    {% if is_incremental() %}
    where financial_year_start in ({{ years_sql }})
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
