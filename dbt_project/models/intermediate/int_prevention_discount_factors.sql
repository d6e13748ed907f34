-- The Green Book discount factor of every year of an appraisal, year 0 (the start year, not
-- discounted) to year 999. Years 1-30 are discounted at 3.5%, then the Green Book's declining
-- long-term schedule applies. The factor is cumulative: each year is discounted at its own band's
-- rate, so the factor for year t is the product over years 1..t of 1 / (1 + rate), written as
-- exp(-sum of ln(1 + rate)) to stay a plain aggregate. For t <= 30 it equals 1 / 1.035^t.
with digits as (
    select 0 as digit union all select 1 union all select 2 union all select 3
    union all select 4 union all select 5 union all select 6 union all select 7
    union all select 8 union all select 9
),

year_indexes as (
    select hundreds.digit * 100 + tens.digit * 10 + units.digit as year_index
    from digits as hundreds
    cross join digits as tens
    cross join digits as units
),

green_book_schedule as (
    select 1 as first_year, 30 as last_year, 0.035 as discount_rate
    union all select 31, 75, 0.030
    union all select 76, 125, 0.025
    union all select 126, 200, 0.020
    union all select 201, 300, 0.015
    union all select 301, 999, 0.010
),

years_in_each_band as (
    select
        year_indexes.year_index,
        cast(green_book_schedule.discount_rate as double) as discount_rate,
        case
            when year_indexes.year_index between green_book_schedule.first_year
                and green_book_schedule.last_year then 1
            else 0
        end as is_band_of_this_year,
        case
            when year_indexes.year_index < green_book_schedule.first_year then 0
            when year_indexes.year_index > green_book_schedule.last_year
                then green_book_schedule.last_year - green_book_schedule.first_year + 1
            else year_indexes.year_index - green_book_schedule.first_year + 1
        end as years_discounted_in_band
    from year_indexes
    cross join green_book_schedule
),

final as (
    select
        cast(year_index as integer) as year_index,
        cast(max(case when is_band_of_this_year = 1 then discount_rate else 0 end) as double)
            as discount_rate,
        cast(exp(-sum(years_discounted_in_band * ln(1 + discount_rate))) as double)
            as discount_factor
    from years_in_each_band
    group by year_index
)

select * from final
