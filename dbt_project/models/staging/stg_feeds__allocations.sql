with source as (
    select * from {{ source('feeds', 'allocations') }}
),

renamed as (
    select
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        department,
        funding_line,
        funding_line_name,
        area_code,
        budget_type,
        cast(amount_gbp as decimal(18, 2)) as amount_gbp,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
