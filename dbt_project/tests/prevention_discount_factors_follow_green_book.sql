-- The discount factors are the Green Book's: 1 / 1.035^t up to year 30, then each later year
-- discounted from the one before at its band's rate (3.0% to 75, 2.5% to 125, 2.0% to 200,
-- 1.5% to 300, 1.0% after). Returns any year that differs by more than one part in a billion.
with factors as (
    select * from {{ ref('int_prevention_discount_factors') }}
),

expected as (
    select
        this_year.year_index,
        this_year.discount_factor,
        case
            when this_year.year_index <= 30 then 1 / power(1.035, this_year.year_index)
            when this_year.year_index <= 75 then last_year.discount_factor / 1.030
            when this_year.year_index <= 125 then last_year.discount_factor / 1.025
            when this_year.year_index <= 200 then last_year.discount_factor / 1.020
            when this_year.year_index <= 300 then last_year.discount_factor / 1.015
            else last_year.discount_factor / 1.010
        end as green_book_factor
    from factors as this_year
    left join factors as last_year
        on last_year.year_index = this_year.year_index - 1
)

select *
from expected
where abs(discount_factor - green_book_factor) > 1e-9 * green_book_factor
    or discount_factor is null
