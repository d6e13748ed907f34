with source as (
    select * from {{ source('feeds', 'intervention_benefits') }}
),

renamed as (
    select
        intervention_id,
        benefit_id,
        unit_cost_code,
        cast(cohort_size as double) as cohort_size,
        cast(engagement_rate as double) as engagement_rate,
        cast(success_rate as double) as success_rate,
        cast(deadweight as double) as deadweight,
        cast(coalesce(attribution, 1) as double) as attribution,
        cast(drop_off as double) as drop_off,
        cast(start_offset_years as integer) as start_offset_years,
        cast(duration_years as integer) as duration_years,
        cast(confidence_grade as integer) as confidence_grade,
        cast(cashable_share as double) as cashable_share,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
