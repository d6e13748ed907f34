-- Population of each area for each financial year: the mid-year estimate of the year the
-- financial year starts in; after the latest estimate, the latest one carried forward; for a
-- re-coded area with no estimates of its own, its predecessor's.
with years as (
    select * from {{ ref('int_financial_years') }}
),

population as (
    select * from {{ ref('stg_reference__population') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

predecessors as (
    select successor_code as area_code, area_code as estimate_code
    from areas
    where successor_code is not null
        and successor_code not in (select distinct area_code from population)
),

estimate_codes as (
    select distinct area_code, area_code as estimate_code from population
    union all
    select area_code, estimate_code from predecessors
),

latest_estimate_year as (
    select area_code, max(mid_year) as latest_mid_year
    from population
    group by area_code
),

chosen as (
    select
        estimate_codes.area_code,
        estimate_codes.estimate_code,
        years.financial_year,
        years.financial_year_start,
        case
            when years.financial_year_start <= latest_estimate_year.latest_mid_year
                then years.financial_year_start
            else latest_estimate_year.latest_mid_year
        end as mid_year
    from estimate_codes
    inner join latest_estimate_year
        on estimate_codes.estimate_code = latest_estimate_year.area_code
    cross join years
),

basis as (
    select
        chosen.*,
        {{ dbt.safe_cast("chosen.mid_year", api.Column.translate_type("string")) }} as mid_year_text,
        case
            when chosen.mid_year < chosen.financial_year_start then ' estimate carried forward'
            else ' estimate'
        end as basis_words,
        case
            when chosen.estimate_code <> chosen.area_code
                then {{ dbt.concat(["' of predecessor '", "chosen.estimate_code"]) }}
            else ''
        end as predecessor_words
    from chosen
),

final as (
    select
        basis.area_code,
        basis.financial_year,
        basis.financial_year_start,
        basis.mid_year,
        population.population,
        {{ dbt.concat(["'mid-'", "basis.mid_year_text", "basis.basis_words", "basis.predecessor_words"]) }}
            as population_basis
    from basis
    inner join population
        on basis.estimate_code = population.area_code
        and basis.mid_year = population.mid_year
)

select * from final
