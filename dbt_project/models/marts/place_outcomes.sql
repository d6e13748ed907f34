-- Outcome indicators for places, from their members' values, with England for comparison.
-- A member is an area that belongs to the place in the financial year of the period (the
-- 30 September rule, int_area_place_by_year). Each indicator is aggregated as its type needs:
--   ratio:               sum(numerator) / sum(denominator) x value_multiplier
--   population_weighted: sum(value x population) / sum(population), over members with a value
-- Each person is counted once: where an indicator has county values, the upper tier (counties,
-- unitaries, metropolitan and London boroughs) is used, otherwise the lower tier (districts
-- and unitaries). England is the published England value (E92000001) where the file has one,
-- else the same aggregate over every English authority in the file.
with outcomes as (
    select * from {{ ref('stg_feeds__outcomes') }}
    where financial_year is not null
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

area_place as (
    select * from {{ ref('int_area_place_by_year') }}
    where role = 'member'
),

area_population as (
    select * from {{ ref('int_outcome_area_population_by_year') }}
),

place_population as (
    select * from {{ ref('int_place_population_by_year') }}
),

tiers as (
    select
        outcomes.indicator_id,
        outcomes.period,
        outcomes.breakdown,
        max(case when areas.area_type = 'county' then 1 else 0 end) as has_counties
    from outcomes
    inner join areas
        on outcomes.area_code = areas.area_code
    group by outcomes.indicator_id, outcomes.period, outcomes.breakdown
),

-- Sums are taken over exact decimals, so the same inputs give the same figures to the last digit
-- whatever order the database adds them in.
area_values as (
    select
        outcomes.*,
        area_population.population,
        cast(outcomes.value as decimal(24, 8)) * cast(area_population.population as decimal(14, 0))
            as weighted_value,
        case when outcomes.value is not null then area_population.population end as weight,
        cast(outcomes.numerator as decimal(38, 12)) as numerator_exact,
        cast(outcomes.denominator as decimal(38, 12)) as denominator_exact
    from outcomes
    inner join areas
        on outcomes.area_code = areas.area_code
    inner join tiers
        on outcomes.indicator_id = tiers.indicator_id
        and outcomes.period = tiers.period
        and outcomes.breakdown = tiers.breakdown
    left join area_population
        on outcomes.area_code = area_population.area_code
        and outcomes.financial_year = area_population.financial_year
    where areas.area_type <> 'combined authority'
        and (
            (tiers.has_counties = 1 and areas.area_type <> 'non-metropolitan district')
            or (tiers.has_counties = 0 and areas.area_type <> 'county')
        )
),

place_values as (
    select
        area_place.place_code,
        area_values.financial_year,
        area_values.period,
        area_values.indicator_id,
        area_values.breakdown,
        max(area_values.indicator_name) as indicator_name,
        max(area_values.aggregation) as aggregation,
        max(area_values.polarity) as polarity,
        max(area_values.value_unit) as value_unit,
        max(area_values.publisher) as publisher,
        max(area_values.data_provenance) as data_provenance,
        case
            when max(area_values.aggregation) = 'ratio'
                then cast(sum(area_values.numerator_exact) as double)
                    / nullif(cast(sum(area_values.denominator_exact) as double), 0)
                    * max(area_values.value_multiplier)
            else cast(sum(area_values.weighted_value) as double)
                / nullif(cast(sum(area_values.weight) as double), 0)
        end as place_value,
        count(area_values.value) as members_reporting,
        count(area_values.value) - count(area_values.weighted_value)
            as members_without_population,
        sum(area_values.weight) as population_covered,
        {{ any_synthetic('area_values.is_synthetic') }} as is_synthetic
    from area_values
    inner join area_place
        on area_values.area_code = area_place.area_code
        and area_values.financial_year = area_place.financial_year
    group by area_place.place_code, area_values.financial_year, area_values.period,
        area_values.indicator_id, area_values.breakdown
),

published_england as (
    select indicator_id, period, breakdown, value
    from outcomes
    where area_code = 'E92000001'
),

computed_england as (
    select
        indicator_id,
        period,
        breakdown,
        case
            when max(aggregation) = 'ratio'
                then cast(sum(numerator_exact) as double)
                    / nullif(cast(sum(denominator_exact) as double), 0) * max(value_multiplier)
            else cast(sum(weighted_value) as double) / nullif(cast(sum(weight) as double), 0)
        end as value,
        count(weighted_value) as areas_weighted
    from area_values
    group by indicator_id, period, breakdown
),

england as (
    select
        computed_england.indicator_id,
        computed_england.period,
        computed_england.breakdown,
        coalesce(published_england.value, computed_england.value) as england_value,
        case
            when published_england.value is not null then 'published England value'
            else {{ dbt.concat([
                "'aggregate of the '",
                dbt.safe_cast("computed_england.areas_weighted", api.Column.translate_type("string")),
                "' English authorities in the file with a value and a population'"
            ]) }}
        end as england_basis
    from computed_england
    left join published_england
        on computed_england.indicator_id = published_england.indicator_id
        and computed_england.period = published_england.period
        and computed_england.breakdown = published_england.breakdown
),

final as (
    select
        place_values.place_code,
        areas.area_name as place_name,
        place_values.financial_year,
        place_values.period,
        place_values.indicator_id,
        place_values.indicator_name,
        place_values.breakdown,
        place_values.polarity,
        place_values.value_unit,
        place_values.aggregation,
        cast(place_values.place_value as double) as place_value,
        cast(place_values.members_reporting as bigint) as members_reporting,
        cast(place_values.members_without_population as bigint) as members_without_population,
        cast(place_values.population_covered as bigint) as population_covered,
        cast(place_population.population as bigint) as place_population,
        cast(place_values.population_covered as double)
            / nullif(place_population.population, 0) as population_share_reporting,
        cast(england.england_value as double) as england_value,
        england.england_basis,
        cast(place_values.place_value - england.england_value as double)
            as difference_from_england,
        case
            when place_values.place_value is null or england.england_value is null then null
            when place_values.place_value = england.england_value then 'same as England'
            when place_values.polarity = 'higher is better'
                then case when place_values.place_value > england.england_value
                    then 'better than England' else 'worse than England' end
            when place_values.polarity = 'lower is better'
                then case when place_values.place_value < england.england_value
                    then 'better than England' else 'worse than England' end
            when place_values.place_value > england.england_value then 'higher than England'
            else 'lower than England'
        end as compared_with_england,
        place_values.publisher,
        place_values.data_provenance,
        place_values.is_synthetic
    from place_values
    inner join areas
        on place_values.place_code = areas.area_code
    left join place_population
        on place_values.place_code = place_population.place_code
        and place_values.financial_year = place_population.financial_year
    left join england
        on place_values.indicator_id = england.indicator_id
        and place_values.period = england.period
        and place_values.breakdown = england.breakdown
)

select * from final
