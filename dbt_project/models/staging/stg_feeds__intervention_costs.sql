with source as (
    select * from {{ source('feeds', 'intervention_costs') }}
),

renamed as (
    select
        intervention_id,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        cast(cost_gbp as decimal(18, 2)) as cost_gbp,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
