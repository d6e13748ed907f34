-- Each place's prevention interventions, year by year: what they cost, the fiscal, economic and
-- social value they create, whose budgets the savings land in, and what the place keeps:
-- retained_cashable_by_place_gbp = local cashable savings + gain_share_rate x national cashable
-- savings (cashable on both sides: only cashable savings can leave a budget), the rate from the
-- place's settlement covering that year (0 if none). Undiscounted figures are price-base pounds
-- of that year; pv_ figures are discounted to the start of pv_base_year, one year for every
-- intervention, so they add up across interventions starting in different years.
with benefit_years as (
    select * from {{ ref('int_prevention_benefit_years') }}
),

cost_years as (
    select * from {{ ref('int_prevention_cost_years') }}
),

settlements as (
    select * from {{ ref('stg_feeds__settlements') }}
),

place_population as (
    select * from {{ ref('int_place_population_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

price_base as (
    select max(price_base_year) as price_base_year
    from {{ ref('int_financial_years') }}
),

pv_base as (
    select max(pv_base_year) as pv_base_year
    from {{ ref('int_prevention_base_year_discount_factors') }}
),

values_by_year as (
    select
        place_code,
        financial_year,
        financial_year_start,
        sum(case when value_type = 'fiscal' then net_gbp else 0 end) as fiscal_gbp,
        sum(case when value_type = 'economic' then net_gbp else 0 end) as economic_gbp,
        sum(case when value_type = 'social' then net_gbp else 0 end) as social_gbp,
        sum(cashable_gbp) as cashable_gbp,
        sum(case when value_type = 'fiscal' and agency_tier = 'local' then net_gbp else 0 end)
            as local_fiscal_gbp,
        sum(case when value_type = 'fiscal' and agency_tier = 'national' then net_gbp else 0 end)
            as national_fiscal_gbp,
        sum(case when agency_tier = 'local' then cashable_gbp else 0 end)
            as local_cashable_gbp,
        sum(case when agency_tier = 'national' then cashable_gbp else 0 end)
            as national_cashable_gbp,
        sum(case when value_type = 'fiscal' then pv_rebased_gbp else 0 end) as pv_fiscal_gbp,
        sum(case when value_type = 'economic' then pv_rebased_gbp else 0 end) as pv_economic_gbp,
        sum(case when value_type = 'social' then pv_rebased_gbp else 0 end) as pv_social_gbp,
        sum(pv_cashable_rebased_gbp) as pv_cashable_gbp,
        sum(case when agency_tier = 'local' then pv_cashable_rebased_gbp else 0 end)
            as pv_local_cashable_gbp,
        sum(case when agency_tier = 'national' then pv_cashable_rebased_gbp else 0 end)
            as pv_national_cashable_gbp,
        {{ any_synthetic() }} as any_synthetic
    from benefit_years
    group by place_code, financial_year, financial_year_start
),

costs_by_year as (
    select
        place_code,
        financial_year,
        financial_year_start,
        sum(cost_real_gbp) as costs_gbp,
        sum(pv_cost_rebased_gbp) as pv_costs_gbp,
        {{ any_synthetic() }} as any_synthetic
    from cost_years
    group by place_code, financial_year, financial_year_start
),

place_years as (
    select place_code, financial_year, financial_year_start from values_by_year
    union
    select place_code, financial_year, financial_year_start from costs_by_year
),

gain_share as (
    select
        place_years.place_code,
        place_years.financial_year,
        max(settlements.settlement_id) as settlement_id,
        max(settlements.gain_share_rate) as gain_share_rate
    from place_years
    inner join settlements
        on place_years.place_code = settlements.place_code
        and place_years.financial_year_start between settlements.first_year_start
        and settlements.last_year_start
    group by place_years.place_code, place_years.financial_year
),

-- Years after the latest population figure use the latest one, as whole_place_budget does.
population_years as (
    select
        place_code,
        financial_year,
        {{ financial_year_start('financial_year') }} as financial_year_start,
        population,
        population_basis
    from place_population
),

latest_population_year as (
    select place_code, max(financial_year_start) as latest_year_start
    from population_years
    group by place_code
),

population as (
    select
        place_years.place_code,
        place_years.financial_year,
        population_years.population,
        case
            when population_years.financial_year_start < place_years.financial_year_start
                then {{ dbt.concat(["population_years.population_basis", "' (as in '",
                    "population_years.financial_year", "')'"]) }}
            else population_years.population_basis
        end as population_basis
    from place_years
    inner join latest_population_year
        on place_years.place_code = latest_population_year.place_code
    inner join population_years
        on place_years.place_code = population_years.place_code
        and population_years.financial_year_start = case
            when place_years.financial_year_start < latest_population_year.latest_year_start
                then place_years.financial_year_start
            else latest_population_year.latest_year_start
        end
),

summary as (
    select
        place_years.place_code,
        areas.area_name as place_name,
        place_years.financial_year,
        place_years.financial_year_start,
        coalesce(costs_by_year.costs_gbp, 0) as costs_gbp,
        coalesce(costs_by_year.pv_costs_gbp, 0) as pv_costs_gbp,
        coalesce(values_by_year.fiscal_gbp, 0) as fiscal_gbp,
        coalesce(values_by_year.economic_gbp, 0) as economic_gbp,
        coalesce(values_by_year.social_gbp, 0) as social_gbp,
        coalesce(values_by_year.cashable_gbp, 0) as cashable_gbp,
        coalesce(values_by_year.local_fiscal_gbp, 0) as local_fiscal_gbp,
        coalesce(values_by_year.national_fiscal_gbp, 0) as national_fiscal_gbp,
        coalesce(values_by_year.local_cashable_gbp, 0) as local_cashable_gbp,
        coalesce(values_by_year.national_cashable_gbp, 0) as national_cashable_gbp,
        coalesce(values_by_year.pv_fiscal_gbp, 0) as pv_fiscal_gbp,
        coalesce(values_by_year.pv_economic_gbp, 0) as pv_economic_gbp,
        coalesce(values_by_year.pv_social_gbp, 0) as pv_social_gbp,
        coalesce(values_by_year.pv_cashable_gbp, 0) as pv_cashable_gbp,
        coalesce(values_by_year.pv_local_cashable_gbp, 0) as pv_local_cashable_gbp,
        coalesce(values_by_year.pv_national_cashable_gbp, 0) as pv_national_cashable_gbp,
        gain_share.settlement_id,
        cast(coalesce(gain_share.gain_share_rate, 0) as double) as gain_share_rate,
        population.population,
        population.population_basis,
        coalesce(values_by_year.any_synthetic, false)
            or coalesce(costs_by_year.any_synthetic, false) as is_synthetic
    from place_years
    left join areas
        on place_years.place_code = areas.area_code
    left join values_by_year
        on place_years.place_code = values_by_year.place_code
        and place_years.financial_year = values_by_year.financial_year
    left join costs_by_year
        on place_years.place_code = costs_by_year.place_code
        and place_years.financial_year = costs_by_year.financial_year
    left join gain_share
        on place_years.place_code = gain_share.place_code
        and place_years.financial_year = gain_share.financial_year
    left join population
        on place_years.place_code = population.place_code
        and place_years.financial_year = population.financial_year
),

retained as (
    select
        summary.*,
        {{ round_to_penny("cast(summary.local_cashable_gbp as double)
            + summary.gain_share_rate * cast(summary.national_cashable_gbp as double)") }}
            as retained_cashable_by_place_gbp,
        {{ round_to_penny("cast(summary.pv_local_cashable_gbp as double)
            + summary.gain_share_rate * cast(summary.pv_national_cashable_gbp as double)") }}
            as pv_retained_cashable_by_place_gbp
    from summary
),

final as (
    select
        retained.place_code,
        retained.place_name,
        retained.financial_year,
        cast(retained.financial_year_start as integer) as financial_year_start,
        cast(retained.costs_gbp as decimal(18, 2)) as costs_gbp,
        cast(retained.fiscal_gbp as decimal(18, 2)) as fiscal_gbp,
        cast(retained.economic_gbp as decimal(18, 2)) as economic_gbp,
        cast(retained.social_gbp as decimal(18, 2)) as social_gbp,
        cast(retained.cashable_gbp as decimal(18, 2)) as cashable_gbp,
        cast(retained.local_fiscal_gbp as decimal(18, 2)) as local_fiscal_gbp,
        cast(retained.national_fiscal_gbp as decimal(18, 2)) as national_fiscal_gbp,
        cast(retained.local_cashable_gbp as decimal(18, 2)) as local_cashable_gbp,
        cast(retained.national_cashable_gbp as decimal(18, 2)) as national_cashable_gbp,
        retained.settlement_id,
        retained.gain_share_rate,
        cast(retained.retained_cashable_by_place_gbp as decimal(18, 2))
            as retained_cashable_by_place_gbp,
        -- The dashboard still reads the old name; the same figure until it reads the new one.
        cast(retained.retained_cashable_by_place_gbp as decimal(18, 2)) as retained_by_place_gbp,
        pv_base.pv_base_year,
        cast(retained.pv_costs_gbp as decimal(18, 2)) as pv_costs_gbp,
        cast(retained.pv_fiscal_gbp as decimal(18, 2)) as pv_fiscal_gbp,
        cast(retained.pv_economic_gbp as decimal(18, 2)) as pv_economic_gbp,
        cast(retained.pv_social_gbp as decimal(18, 2)) as pv_social_gbp,
        cast(retained.pv_cashable_gbp as decimal(18, 2)) as pv_cashable_gbp,
        cast(retained.pv_retained_cashable_by_place_gbp as decimal(18, 2))
            as pv_retained_cashable_by_place_gbp,
        cast(retained.pv_retained_cashable_by_place_gbp as decimal(18, 2))
            as pv_retained_by_place_gbp,
        cast(retained.population as bigint) as population,
        retained.population_basis,
        cast(round(cast(retained.costs_gbp as double)
            / nullif(retained.population, 0), 4) as decimal(18, 4)) as costs_per_head_gbp,
        cast(round(cast(retained.fiscal_gbp as double)
            / nullif(retained.population, 0), 4) as decimal(18, 4)) as fiscal_per_head_gbp,
        cast(round(cast(retained.fiscal_gbp + retained.economic_gbp + retained.social_gbp
            as double) / nullif(retained.population, 0), 4) as decimal(18, 4))
            as public_value_per_head_gbp,
        cast(round(cast(retained.cashable_gbp as double)
            / nullif(retained.population, 0), 4) as decimal(18, 4)) as cashable_per_head_gbp,
        cast(round(retained.retained_cashable_by_place_gbp
            / nullif(retained.population, 0), 4) as decimal(18, 4))
            as retained_cashable_per_head_gbp,
        price_base.price_base_year,
        retained.is_synthetic
    from retained
    cross join price_base
    cross join pv_base
)

select * from final
