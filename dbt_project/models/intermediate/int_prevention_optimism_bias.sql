-- The optimism-bias correction of each confidence grade: benefits are cut by it, costs raised.
with optimism_bias as (
    select * from {{ reference_table('optimism_bias') }}
),

final as (
    select
        cast(confidence_grade as integer) as confidence_grade,
        cast(optimism_bias as double) as optimism_bias
    from optimism_bias
)

select * from final
