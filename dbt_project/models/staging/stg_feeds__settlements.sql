with source as (
    select * from {{ source('feeds', 'settlements') }}
),

renamed as (
    select
        settlement_id,
        place_code,
        first_year,
        last_year,
        {{ financial_year_start('first_year') }} as first_year_start,
        {{ financial_year_start('last_year') }} as last_year_start,
        gain_share_rate,
        {{ is_synthetic('data_provenance') }} as is_synthetic
    from source
)

select * from renamed
