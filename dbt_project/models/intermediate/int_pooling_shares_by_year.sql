-- Each settlement's pooling agreements spread over the years the settlement covers.
with settlements as (
    select * from {{ ref('stg_feeds__settlements') }}
),

agreements as (
    select * from {{ ref('stg_feeds__pooling_agreements') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

final as (
    select
        settlements.settlement_id,
        settlements.place_code,
        years.financial_year,
        years.financial_year_start,
        agreements.funding_line,
        agreements.pillar,
        agreements.share,
        settlements.is_synthetic or agreements.is_synthetic as is_synthetic
    from settlements
    inner join agreements
        on settlements.settlement_id = agreements.settlement_id
    inner join years
        on years.financial_year_start between settlements.first_year_start
        and settlements.last_year_start
)

select * from final
