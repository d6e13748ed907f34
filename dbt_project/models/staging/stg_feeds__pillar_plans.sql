with source as (
    select * from {{ source('feeds', 'pillar_plans') }}
),

renamed as (
    select
        settlement_id,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        pillar,
        cast(planned_gbp as decimal(18, 2)) as planned_gbp,
        source,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
