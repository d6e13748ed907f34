with source as (
    select * from {{ source('feeds', 'settlement_totals') }}
),

renamed as (
    select
        settlement_id,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        cast(announced_total_gbp as decimal(18, 2)) as announced_total_gbp,
        {{ is_synthetic('data_provenance') }} as is_synthetic
    from source
)

select * from renamed
