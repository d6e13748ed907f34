with source as (
    select * from {{ source('feeds', 'interventions') }}
),

renamed as (
    select
        intervention_id,
        place_code,
        name,
        investing_agency,
        funding_line,
        start_year,
        {{ financial_year_start('start_year') }} as start_year_start,
        cast(cost_confidence_grade as integer) as cost_confidence_grade,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
