with source as (
    select * from {{ source('feeds', 'settlement_totals') }}
),

renamed as (
    select
        settlement_id,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        -- Blank = the total covers both budget types, every pillar, every funding line.
        nullif(budget_type, '') as budget_type,
        nullif(pillar, '') as pillar,
        nullif(funding_line, '') as funding_line,
        cast(announced_total_gbp as decimal(18, 2)) as announced_total_gbp,
        source,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
