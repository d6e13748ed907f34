with source as (
    select * from {{ source('feeds', 'outcomes') }}
),

renamed as (
    select
        indicator_id,
        indicator_name,
        area_code,
        area_name,
        period,
        financial_year,
        case
            when financial_year is not null then {{ financial_year_start('financial_year') }}
        end as financial_year_start,
        coalesce(breakdown, 'all') as breakdown,
        cast(value as double) as value,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(value_multiplier as double) as value_multiplier,
        coalesce(aggregation, 'population_weighted') as aggregation,
        coalesce(polarity, 'not assessed') as polarity,
        value_unit,
        publisher,
        source_unit,
        price_basis,
        accounting_basis,
        data_provenance,
        {{ is_synthetic('data_provenance') }} as is_synthetic,
        source_file,
        source_row
    from source
)

select * from renamed
