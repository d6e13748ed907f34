with source as (
    select * from {{ source('feeds', 'regional_spend') }}
),

renamed as (
    select
        release,
        department,
        cofog_function,
        cofog_subfunction,
        coalesce(hmt_function, '') as hmt_function,
        coalesce(hmt_subfunction, '') as hmt_subfunction,
        identifiable,
        spend_type,
        coalesce(sector, '') as sector,
        region,
        region_code,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        cast(amount_gbp as decimal(18, 2)) as amount_gbp,
        cast(segments as integer) as segments,
        source_unit,
        price_basis,
        accounting_basis,
        data_provenance,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
