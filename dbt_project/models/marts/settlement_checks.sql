-- The checks a Treasury analyst runs on every settlement, one row per thing checked.
with pooled as (
    select * from {{ ref('pooled_budget') }}
),

totals as (
    select * from {{ ref('stg_feeds__settlement_totals') }}
),

settlements as (
    select * from {{ ref('stg_feeds__settlements') }}
),

shares as (
    select * from {{ ref('int_pooling_shares_by_year') }}
),

allocations as (
    select * from {{ ref('int_allocations_to_places') }}
),

membership as (
    select * from {{ ref('stg_reference__membership') }}
),

pot_by_year as (
    select settlement_id, financial_year, sum(contribution_gbp_nominal) as pot_gbp
    from pooled
    group by settlement_id, financial_year
),

announced_total as (
    select
        'pot matches announced total' as check_name,
        totals.settlement_id,
        settlements.place_code,
        totals.financial_year,
        cast(null as {{ api.Column.translate_type("string") }}) as funding_line,
        totals.announced_total_gbp as expected_gbp,
        coalesce(pot_by_year.pot_gbp, 0) as actual_gbp,
        'resource and capital together, as announced; tolerance 1,000 pounds' as detail
    from totals
    inner join settlements
        on totals.settlement_id = settlements.settlement_id
    left join pot_by_year
        on totals.settlement_id = pot_by_year.settlement_id
        and totals.financial_year = pot_by_year.financial_year
),

line_totals as (
    select place_code, financial_year, funding_line, sum(amount_gbp) as amount_gbp
    from allocations
    group by place_code, financial_year, funding_line
),

share_totals as (
    select
        place_code,
        financial_year,
        funding_line,
        sum(share) as total_share,
        count(*) as settlements_pooling,
        {{ dbt.listagg("settlement_id", "', '", "order by settlement_id") }} as settlement_ids
    from shares
    group by place_code, financial_year, funding_line
),

pooled_once as (
    select
        'line pooled at most 100%' as check_name,
        share_totals.settlement_ids as settlement_id,
        share_totals.place_code,
        share_totals.financial_year,
        share_totals.funding_line,
        line_totals.amount_gbp as expected_gbp,
        cast(round(cast(coalesce(line_totals.amount_gbp, 0) as double)
            * share_totals.total_share, 2) as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["'pooled share across settlements: '",
            dbt.safe_cast("round(share_totals.total_share, 4)", api.Column.translate_type("string"))]) }}
            as detail,
        share_totals.total_share
    from share_totals
    left join line_totals
        on share_totals.place_code = line_totals.place_code
        and share_totals.financial_year = line_totals.financial_year
        and share_totals.funding_line = line_totals.funding_line
),

contributing_areas as (
    select distinct
        shares.settlement_id,
        shares.place_code,
        shares.financial_year,
        shares.financial_year_start,
        allocations.area_code
    from shares
    inner join allocations
        on shares.place_code = allocations.place_code
        and shares.financial_year = allocations.financial_year
        and shares.funding_line = allocations.funding_line
    where allocations.recipient_role = 'member'
),

membership_days as (
    -- Days of membership in the financial year, summed so that back-to-back memberships of the
    -- same place (the North East's 2018 re-formation) count as one unbroken membership.
    select
        contributing_areas.settlement_id,
        contributing_areas.place_code,
        contributing_areas.financial_year,
        contributing_areas.financial_year_start,
        contributing_areas.area_code,
        {{ dbt.datediff(financial_year_date('contributing_areas.financial_year_start', '04-01'),
            financial_year_date('contributing_areas.financial_year_start', '03-31', 1), 'day') }} + 1
            as days_in_year,
        sum(case
            when membership.area_code is null then 0
            when greatest(membership.start_date, {{ financial_year_date('contributing_areas.financial_year_start', '04-01') }})
                > least(coalesce(membership.end_date, {{ financial_year_date('contributing_areas.financial_year_start', '03-31', 1) }}),
                    {{ financial_year_date('contributing_areas.financial_year_start', '03-31', 1) }})
                then 0
            else {{ dbt.datediff(
                "greatest(membership.start_date, " ~ financial_year_date('contributing_areas.financial_year_start', '04-01') ~ ")",
                "least(coalesce(membership.end_date, " ~ financial_year_date('contributing_areas.financial_year_start', '03-31', 1) ~ "), " ~ financial_year_date('contributing_areas.financial_year_start', '03-31', 1) ~ ")",
                'day') }} + 1
        end) as days_member,
        max(case
            when membership.start_date <= {{ financial_year_midpoint('contributing_areas.financial_year_start') }}
                and (membership.end_date is null
                    or membership.end_date >= {{ financial_year_midpoint('contributing_areas.financial_year_start') }})
            then 1 else 0 end) as member_mid_year
    from contributing_areas
    left join membership
        on contributing_areas.area_code = membership.area_code
        and contributing_areas.place_code = membership.place_code
    group by contributing_areas.settlement_id, contributing_areas.place_code,
        contributing_areas.financial_year, contributing_areas.financial_year_start,
        contributing_areas.area_code
),

area_membership as (
    select
        *,
        case when days_member >= days_in_year then 1 else 0 end as member_all_year
    from membership_days
),

members_only as (
    select
        'contributing area is a member' as check_name,
        settlement_id,
        place_code,
        financial_year,
        cast(null as {{ api.Column.translate_type("string") }}) as funding_line,
        cast(null as decimal(18, 2)) as expected_gbp,
        cast(null as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["area_code", "case when member_all_year = 1 then ' is a member all year'"
            ~ " when member_mid_year = 1 then ' is a member on 30 September but not all year: counted for the whole year under the mid-year rule'"
            ~ " else ' is not a member of the place in this year' end"]) }} as detail,
        case when member_all_year = 1 then 'pass' when member_mid_year = 1 then 'warn'
            else 'fail' end as status
    from area_membership
),

line_every_year as (
    select
        'pooled line has allocations every year' as check_name,
        shares.settlement_id,
        shares.place_code,
        shares.financial_year,
        shares.funding_line,
        cast(null as decimal(18, 2)) as expected_gbp,
        line_totals.amount_gbp as actual_gbp,
        case when coalesce(line_totals.amount_gbp, 0) > 0
            then 'allocations reach the place in this year'
            else 'no allocation of this line reaches the place or its members in this year'
        end as detail
    from shares
    left join line_totals
        on shares.place_code = line_totals.place_code
        and shares.financial_year = line_totals.financial_year
        and shares.funding_line = line_totals.funding_line
),

unioned as (
    select
        check_name, settlement_id, place_code, financial_year, funding_line, expected_gbp,
        actual_gbp, detail,
        case when abs(actual_gbp - expected_gbp) <= 1000 then 'pass' else 'fail' end as status
    from announced_total
    union all
    select
        check_name, settlement_id, place_code, financial_year, funding_line, expected_gbp,
        actual_gbp, detail,
        case when total_share > 1.000001 then 'fail' else 'pass' end as status
    from pooled_once
    union all
    select
        check_name, settlement_id, place_code, financial_year, funding_line, expected_gbp,
        actual_gbp, detail, status
    from members_only
    union all
    select
        check_name, settlement_id, place_code, financial_year, funding_line, expected_gbp,
        actual_gbp, detail,
        case when coalesce(actual_gbp, 0) > 0 then 'pass' else 'fail' end as status
    from line_every_year
),

final as (
    select
        check_name as {{ adapter.quote("check") }},
        settlement_id,
        place_code,
        financial_year,
        funding_line,
        status,
        cast(expected_gbp as decimal(18, 2)) as expected_gbp,
        cast(actual_gbp as decimal(18, 2)) as actual_gbp,
        cast(actual_gbp - expected_gbp as decimal(18, 2)) as difference_gbp,
        detail
    from unioned
)

select * from final
