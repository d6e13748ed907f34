-- Public spending by region, department and function (HM Treasury Country and Regional
-- Analysis), in cash and real terms and per head of the region's population, with an England
-- row: the sum of the English regions (ONS codes E12...), as HM Treasury's England figures are.
-- Per head is for England and its regions only (the population reference covers England);
-- elsewhere it is null and population_basis says why.
with published_spend as (
    select
        stg_feeds__regional_spend.*,
        'as published' as region_basis
    from {{ ref('stg_feeds__regional_spend') }}
),

england_spend as (
    select
        release,
        financial_year,
        financial_year_start,
        'England' as region,
        'E92000001' as region_code,
        department,
        cofog_function,
        cofog_subfunction,
        hmt_function,
        hmt_subfunction,
        spend_type,
        identifiable,
        sector,
        sum(amount_gbp) as amount_gbp,
        cast(sum(segments) as integer) as segments,
        max(source_unit) as source_unit,
        max(price_basis) as price_basis,
        max(accounting_basis) as accounting_basis,
        max(data_provenance) as data_provenance,
        {{ any_synthetic() }} as is_synthetic,
        'sum of the English regions' as region_basis
    from published_spend
    where region_code like 'E12%'
    group by release, financial_year, financial_year_start, department, cofog_function,
        cofog_subfunction, hmt_function, hmt_subfunction, spend_type, identifiable, sector
),

spend as (
    select
        release, financial_year, financial_year_start, region, region_code, department,
        cofog_function, cofog_subfunction, hmt_function, hmt_subfunction, spend_type,
        identifiable, sector, amount_gbp, segments, source_unit, price_basis, accounting_basis,
        data_provenance, is_synthetic, region_basis
    from published_spend
    union all
    select
        release, financial_year, financial_year_start, region, region_code, department,
        cofog_function, cofog_subfunction, hmt_function, hmt_subfunction, spend_type,
        identifiable, sector, amount_gbp, segments, source_unit, price_basis, accounting_basis,
        data_provenance, is_synthetic, region_basis
    from england_spend
),

years as (
    select * from {{ ref('int_financial_years') }}
),

region_population as (
    select * from {{ ref('int_region_population_by_year') }}
),

population as (
    select region, financial_year, population, population_basis
    from region_population
    union all
    select
        'England' as region,
        financial_year,
        sum(population) as population,
        {{ dbt.concat([
            "'mid-'",
            dbt.safe_cast("max(mid_year)", api.Column.translate_type("string")),
            "case when max(mid_year) < max(financial_year_start) then ' estimate carried forward' else ' estimate' end",
            "', sum of the English regions'"
        ]) }} as population_basis
    from region_population
    group by financial_year
),

final as (
    select
        spend.release,
        spend.financial_year,
        spend.financial_year_start,
        spend.region,
        spend.region_code,
        spend.department,
        spend.cofog_function,
        spend.cofog_subfunction,
        spend.hmt_function,
        spend.hmt_subfunction,
        spend.spend_type,
        spend.identifiable,
        spend.sector,
        spend.region_basis,
        cast(spend.amount_gbp as decimal(18, 2)) as amount_gbp_nominal,
        cast(round(cast(spend.amount_gbp as double) * years.real_terms_factor, 2)
            as decimal(18, 2)) as amount_gbp_real,
        '{{ var("price_base_year") }}' as price_base_year,
        cast(population.population as bigint) as population,
        coalesce(
            population.population_basis,
            'no population estimate for this region (England''s regions only)'
        ) as population_basis,
        {{ per_head('spend.amount_gbp', 'population.population') }} as amount_per_head_nominal,
        {{ per_head('spend.amount_gbp', 'population.population', 'years.real_terms_factor') }}
            as amount_per_head_real,
        spend.segments,
        spend.source_unit,
        spend.price_basis,
        spend.accounting_basis,
        spend.data_provenance,
        spend.is_synthetic
    from spend
    left join years
        on spend.financial_year = years.financial_year
    left join population
        on spend.region = population.region
        and spend.financial_year = population.financial_year
)

select * from final
