with source as (
    select * from {{ source('feeds', 'pooling_agreements') }}
),

renamed as (
    select
        settlement_id,
        funding_line,
        pillar,
        share,
        {{ is_synthetic('data_provenance') }} as is_synthetic
    from source
)

select * from renamed
