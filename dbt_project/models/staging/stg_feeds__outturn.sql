with source as (
    select * from {{ source('feeds', 'outturn') }}
),

renamed as (
    select
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        area_code,
        service_area,
        cast(amount_gbp as decimal(18, 2)) as amount_gbp,
        data_provenance,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
