with source as (
    select * from {{ source('feeds', 'line_totals') }}
),

renamed as (
    select
        department,
        funding_line,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        nullif(budget_type, '') as budget_type,
        cast(national_total_gbp as decimal(18, 2)) as national_total_gbp,
        source,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
