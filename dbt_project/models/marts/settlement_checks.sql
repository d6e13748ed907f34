-- The checks a Treasury analyst signs a settlement off on, and a finance director a prevention
-- case: one row per thing checked, each with a stable id (`check`), the status it takes when it
-- does not pass (`severity`), and a sentence saying what was found. docs/checks.md explains
-- what each check proves and how it fails.
{%- set text = api.Column.translate_type("string") %}
{%- set tolerance = var('reconciliation_tolerance_gbp', 1000) %}
{%- set fy_first_day = financial_year_date('settlement_years.financial_year_start', '04-01') %}
{%- set fy_last_day = financial_year_date('settlement_years.financial_year_start', '03-31', 1) %}
{%- set open_end = dbt.cast("'9999-12-31'", api.Column.translate_type("date")) %}

with settlements as (
    select * from {{ ref('stg_feeds__settlements') }}
),

totals as (
    select * from {{ ref('stg_feeds__settlement_totals') }}
),

pooled as (
    select * from {{ ref('pooled_budget') }}
),

shares as (
    select * from {{ ref('int_pooling_shares_by_year') }}
),

allocations as (
    select * from {{ ref('stg_feeds__allocations') }}
),

allocations_to_places as (
    select * from {{ ref('int_allocations_to_places') }}
),

area_place as (
    select * from {{ ref('int_area_place_by_year') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

membership as (
    select * from {{ ref('stg_reference__membership') }}
),

years as (
    select * from {{ ref('int_financial_years') }}
),

national_totals as (
    select * from {{ ref('stg_feeds__line_totals') }}
),

pillar_plans as (
    select * from {{ ref('stg_feeds__pillar_plans') }}
),

interventions as (
    select * from {{ ref('stg_feeds__interventions') }}
),

appraisals as (
    select * from {{ ref('intervention_cba') }}
),

benefits as (
    select * from {{ ref('stg_feeds__intervention_benefits') }}
),

settlement_years as (
    select
        settlements.settlement_id,
        settlements.place_code,
        settlements.last_year_start,
        years.financial_year,
        years.financial_year_start,
        settlements.is_synthetic
    from settlements
    inner join years
        on years.financial_year_start between settlements.first_year_start
        and settlements.last_year_start
),

-- pot_matches_announced_total: at the grain the total is published (blank = all of them).
pot_lines as (
    select
        settlement_id, financial_year, budget_type, lower(pillar) as pillar, funding_line,
        sum(contribution_gbp_nominal) as pot_gbp
    from pooled
    group by settlement_id, financial_year, budget_type, lower(pillar), funding_line
),

announced as (
    select
        totals.settlement_id,
        settlements.place_code,
        totals.financial_year,
        totals.budget_type,
        totals.pillar,
        totals.funding_line,
        totals.announced_total_gbp,
        totals.source,
        totals.is_synthetic,
        coalesce(sum(pot_lines.pot_gbp), 0) as pot_gbp
    from totals
    inner join settlements
        on totals.settlement_id = settlements.settlement_id
    left join pot_lines
        on totals.settlement_id = pot_lines.settlement_id
        and totals.financial_year = pot_lines.financial_year
        and (totals.budget_type is null or totals.budget_type = pot_lines.budget_type)
        and (totals.pillar is null or lower(totals.pillar) = pot_lines.pillar)
        and (totals.funding_line is null or totals.funding_line = pot_lines.funding_line)
    group by totals.settlement_id, settlements.place_code, totals.financial_year,
        totals.budget_type, totals.pillar, totals.funding_line, totals.announced_total_gbp,
        totals.source, totals.is_synthetic
),

pot_matches_announced_total as (
    select
        'pot_matches_announced_total' as check_id,
        'fail' as severity,
        settlement_id,
        place_code,
        financial_year,
        funding_line,
        budget_type,
        cast(null as {{ text }}) as area_code,
        case
            when announced_total_gbp is null then 'warn'
            when abs(pot_gbp - announced_total_gbp) <= {{ tolerance }} then 'pass'
            else 'fail'
        end as status,
        announced_total_gbp as expected_gbp,
        pot_gbp as actual_gbp,
        {{ dbt.concat([
            "case when announced_total_gbp is null then 'not yet announced (TBC in the source); the pot holds ' else 'pot against the announced total for ' end",
            "coalesce(budget_type, 'resource and capital together')",
            "', ' ", "coalesce(pillar, 'every pillar')",
            "', ' ", "coalesce(funding_line, 'every pooled line')",
            "'; tolerance " ~ tolerance ~ " pounds; source: '", "source"]) }} as detail,
        is_synthetic
    from announced
),

announced_years as (
    select settlement_id, financial_year, {{ sorted_list("source", "'; '", distinct=true) }} as sources
    from totals
    where announced_total_gbp is not null
    group by settlement_id, financial_year
),

pot_by_year as (
    select
        settlement_id, financial_year,
        sum(contribution_gbp_nominal) as pot_gbp,
        sum(contribution_gbp_real) as pot_gbp_real
    from pooled
    group by settlement_id, financial_year
),

announced_total_on_file as (
    select
        'announced_total_on_file' as check_id,
        'warn' as severity,
        settlement_years.settlement_id,
        settlement_years.place_code,
        settlement_years.financial_year,
        cast(null as {{ text }}) as funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case when announced_years.settlement_id is null then 'warn' else 'pass' end as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        pot_by_year.pot_gbp as actual_gbp,
        case when announced_years.settlement_id is null
            then 'no announced total on file for this settlement and year: the pot is not reconciled to anything'
            else {{ dbt.concat(["'announced total on file: '", "announced_years.sources"]) }}
        end as detail,
        settlement_years.is_synthetic
    from settlement_years
    left join announced_years
        on settlement_years.settlement_id = announced_years.settlement_id
        and settlement_years.financial_year = announced_years.financial_year
    left join pot_by_year
        on settlement_years.settlement_id = pot_by_year.settlement_id
        and settlement_years.financial_year = pot_by_year.financial_year
),

-- member_receives_pooled_line: the kinds of authority (tiers) a pooled line pays within the
-- place, by budget type, in any year of the settlement; every member area of those tiers must
-- get each budget type of it in every year of the settlement.
settlement_line_tiers as (
    select distinct
        shares.settlement_id, shares.funding_line, allocations.budget_type, areas.area_type
    from shares
    inner join area_place
        on shares.place_code = area_place.place_code
        and shares.financial_year = area_place.financial_year
    inner join allocations
        on area_place.area_code = allocations.area_code
        and shares.financial_year = allocations.financial_year
        and shares.funding_line = allocations.funding_line
    inner join areas
        on allocations.area_code = areas.area_code
    where allocations.amount_gbp > 0
),

expected_recipients as (
    select
        shares.settlement_id,
        shares.place_code,
        shares.financial_year,
        shares.funding_line,
        settlement_line_tiers.budget_type,
        area_place.area_code,
        areas.area_name,
        areas.area_type,
        shares.share,
        shares.is_synthetic
    from shares
    inner join settlement_line_tiers
        on shares.settlement_id = settlement_line_tiers.settlement_id
        and shares.funding_line = settlement_line_tiers.funding_line
    inner join area_place
        on shares.place_code = area_place.place_code
        and shares.financial_year = area_place.financial_year
    inner join areas
        on area_place.area_code = areas.area_code
        and settlement_line_tiers.area_type = areas.area_type
),

received as (
    select area_code, financial_year, funding_line, budget_type, sum(amount_gbp) as amount_gbp
    from allocations
    group by area_code, financial_year, funding_line, budget_type
),

recipient_status as (
    select
        expected_recipients.*,
        coalesce(received.amount_gbp, 0) as amount_gbp,
        case when coalesce(received.amount_gbp, 0) > 0 then 1 else 0 end as has_allocation
    from expected_recipients
    left join received
        on expected_recipients.area_code = received.area_code
        and expected_recipients.financial_year = received.financial_year
        and expected_recipients.funding_line = received.funding_line
        and expected_recipients.budget_type = received.budget_type
),

line_years_received as (
    select
        settlement_id, place_code, financial_year, funding_line, budget_type,
        count(*) as recipients, sum(has_allocation) as recipients_paid,
        sum(amount_gbp) as amount_gbp,
        {{ any_synthetic() }} as is_synthetic
    from recipient_status
    group by settlement_id, place_code, financial_year, funding_line, budget_type
),

lines_paid_nowhere as (
    select shares.*
    from shares
    left join settlement_line_tiers
        on shares.settlement_id = settlement_line_tiers.settlement_id
        and shares.funding_line = settlement_line_tiers.funding_line
    where settlement_line_tiers.settlement_id is null
),

member_receives_pooled_line as (
    select
        'member_receives_pooled_line' as check_id,
        'fail' as severity,
        settlement_id, place_code, financial_year, funding_line, budget_type, area_code,
        'fail' as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        amount_gbp as actual_gbp,
        {{ dbt.concat(["area_code", "' ('", "area_name", "') has no '", "budget_type",
            "' allocation of '", "funding_line", "' in '", "financial_year",
            "', though the settlement pools the line and it pays the place''s '", "area_type",
            "' members in other years or other members'"]) }} as detail,
        is_synthetic
    from recipient_status
    where has_allocation = 0
    union all
    select
        'member_receives_pooled_line', 'fail',
        settlement_id, place_code, financial_year, funding_line, budget_type,
        cast(null as {{ text }}),
        case when recipients_paid = recipients then 'pass' else 'fail' end,
        cast(null as decimal(18, 2)),
        amount_gbp,
        {{ dbt.concat(["cast(recipients_paid as " ~ text ~ ")", "' of '",
            "cast(recipients as " ~ text ~ ")",
            "' member area(s) of the tier(s) the line pays receive a '", "budget_type",
            "' allocation in this year'"]) }},
        is_synthetic
    from line_years_received
    union all
    select
        'member_receives_pooled_line', 'fail',
        settlement_id, place_code, financial_year, funding_line,
        cast(null as {{ text }}), cast(null as {{ text }}),
        'fail',
        cast(null as decimal(18, 2)),
        cast(0 as decimal(18, 2)),
        'the settlement pools this line but no allocation of it reaches the place or its members in any year of the settlement',
        is_synthetic
    from lines_paid_nowhere
),

-- partial_year_member: membership periods of the place that cover only part of a settlement
-- year, read from the membership reference itself (not through the mid-year rule).
membership_in_year as (
    select
        settlement_years.settlement_id,
        settlement_years.place_code,
        settlement_years.financial_year,
        settlement_years.financial_year_start,
        settlement_years.is_synthetic,
        membership.area_code,
        {{ dbt.datediff(fy_first_day, fy_last_day, 'day') }} + 1 as days_in_year,
        sum({{ dbt.datediff(
            "greatest(membership.start_date, " ~ fy_first_day ~ ")",
            "least(coalesce(membership.end_date, " ~ fy_last_day ~ "), " ~ fy_last_day ~ ")",
            'day') }} + 1) as days_member,
        max(case
            when membership.start_date <= {{ financial_year_midpoint('settlement_years.financial_year_start') }}
                and (membership.end_date is null
                    or membership.end_date >= {{ financial_year_midpoint('settlement_years.financial_year_start') }})
            then 1 else 0 end) as counted_mid_year
    from settlement_years
    inner join membership
        on settlement_years.place_code = membership.place_code
        and membership.start_date <= {{ fy_last_day }}
        and (membership.end_date is null or membership.end_date >= {{ fy_first_day }})
    group by settlement_years.settlement_id, settlement_years.place_code,
        settlement_years.financial_year, settlement_years.financial_year_start,
        settlement_years.is_synthetic, membership.area_code
),

partial_members as (
    select * from membership_in_year where days_member < days_in_year
),

partial_member_money as (
    select
        partial_members.settlement_id,
        partial_members.financial_year,
        partial_members.area_code,
        sum(cast(allocations.amount_gbp as double) * shares.share) as pooled_gbp
    from partial_members
    inner join shares
        on partial_members.settlement_id = shares.settlement_id
        and partial_members.financial_year = shares.financial_year
    inner join allocations
        on partial_members.area_code = allocations.area_code
        and partial_members.financial_year = allocations.financial_year
        and shares.funding_line = allocations.funding_line
    group by partial_members.settlement_id, partial_members.financial_year,
        partial_members.area_code
),

partial_year_member as (
    select
        'partial_year_member' as check_id,
        'warn' as severity,
        partial_members.settlement_id,
        partial_members.place_code,
        partial_members.financial_year,
        cast(null as {{ text }}) as funding_line,
        cast(null as {{ text }}) as budget_type,
        partial_members.area_code,
        'warn' as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        cast(round(coalesce(partial_member_money.pooled_gbp, 0), 2) as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["partial_members.area_code", "' is a member for '",
            "cast(partial_members.days_member as " ~ text ~ ")", "' of '",
            "cast(partial_members.days_in_year as " ~ text ~ ")",
            "case when partial_members.counted_mid_year = 1"
            ~ " then ' days: a member on 30 September, so the mid-year rule counts its whole year in the pot'"
            ~ " else ' days: not a member on 30 September, so the mid-year rule leaves its whole year out of the pot' end",
            "'; pooled money affected (actual_gbp): its share of the pooled lines this year'"]) }} as detail,
        partial_members.is_synthetic
    from partial_members
    left join partial_member_money
        on partial_members.settlement_id = partial_member_money.settlement_id
        and partial_members.financial_year = partial_member_money.financial_year
        and partial_members.area_code = partial_member_money.area_code
    union all
    select
        'partial_year_member', 'warn',
        settlement_years.settlement_id, settlement_years.place_code,
        settlement_years.financial_year,
        cast(null as {{ text }}), cast(null as {{ text }}), cast(null as {{ text }}),
        'pass',
        cast(null as decimal(18, 2)), cast(null as decimal(18, 2)),
        'every member area is a member for the whole year',
        settlement_years.is_synthetic
    from settlement_years
    where not exists (
        select 1 from partial_members
        where partial_members.settlement_id = settlement_years.settlement_id
            and partial_members.financial_year = settlement_years.financial_year
    )
),

-- line_pooled_at_most_once: no line in a place and year pooled over 100% across settlements.
place_line_totals as (
    select place_code, financial_year, funding_line, sum(amount_gbp) as amount_gbp
    from allocations_to_places
    group by place_code, financial_year, funding_line
),

share_totals as (
    select
        place_code,
        financial_year,
        funding_line,
        sum(share) as total_share,
        {{ any_synthetic() }} as is_synthetic,
        {{ sorted_list("settlement_id", "', '") }} as settlement_ids
    from shares
    group by place_code, financial_year, funding_line
),

line_pooled_at_most_once as (
    select
        'line_pooled_at_most_once' as check_id,
        'fail' as severity,
        share_totals.settlement_ids as settlement_id,
        share_totals.place_code,
        share_totals.financial_year,
        share_totals.funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case when share_totals.total_share > 1.000001 then 'fail' else 'pass' end as status,
        place_line_totals.amount_gbp as expected_gbp,
        cast(round(cast(coalesce(place_line_totals.amount_gbp, 0) as double)
            * share_totals.total_share, 2) as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["'pooled share across settlements: '",
            dbt.safe_cast("round(share_totals.total_share, 4)", text)]) }} as detail,
        share_totals.is_synthetic
    from share_totals
    left join place_line_totals
        on share_totals.place_code = place_line_totals.place_code
        and share_totals.financial_year = place_line_totals.financial_year
        and share_totals.funding_line = place_line_totals.funding_line
),

-- area_in_one_place: no area is a member of two places on the same day.
overlapping_memberships as (
    select
        this_place.area_code,
        this_place.place_code,
        other_place.place_code as other_place_code,
        greatest(this_place.start_date, other_place.start_date) as overlap_start,
        least(coalesce(this_place.end_date, {{ open_end }}),
            coalesce(other_place.end_date, {{ open_end }})) as overlap_end
    from membership as this_place
    inner join membership as other_place
        on this_place.area_code = other_place.area_code
        and this_place.place_code <> other_place.place_code
        and this_place.start_date <= coalesce(other_place.end_date, {{ open_end }})
        and other_place.start_date <= coalesce(this_place.end_date, {{ open_end }})
),

overlaps_in_settlement_years as (
    select settlement_years.*, overlapping_memberships.area_code,
        overlapping_memberships.other_place_code,
        overlapping_memberships.overlap_start, overlapping_memberships.overlap_end
    from settlement_years
    inner join overlapping_memberships
        on settlement_years.place_code = overlapping_memberships.place_code
        and overlapping_memberships.overlap_start <= {{ fy_last_day }}
        and overlapping_memberships.overlap_end >= {{ fy_first_day }}
),

area_in_one_place as (
    select
        'area_in_one_place' as check_id,
        'fail' as severity,
        settlement_id, place_code, financial_year,
        cast(null as {{ text }}) as funding_line,
        cast(null as {{ text }}) as budget_type,
        area_code,
        'fail' as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        cast(null as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["area_code", "' is a member of '", "place_code", "' and of '",
            "other_place_code", "' at the same time (from '",
            dbt.safe_cast("overlap_start", text), "' to '", dbt.safe_cast("overlap_end", text),
            "'): the membership reference must give each area one place on each day'"]) }} as detail,
        is_synthetic
    from overlaps_in_settlement_years
    union all
    select
        'area_in_one_place', 'fail',
        settlement_id, place_code, financial_year,
        cast(null as {{ text }}), cast(null as {{ text }}), cast(null as {{ text }}),
        'pass',
        cast(null as decimal(18, 2)), cast(null as decimal(18, 2)),
        'no member area of the place is a member of another place in this year',
        is_synthetic
    from settlement_years
    where not exists (
        select 1 from overlaps_in_settlement_years
        where overlaps_in_settlement_years.settlement_id = settlement_years.settlement_id
            and overlaps_in_settlement_years.financial_year = settlement_years.financial_year
    )
),

-- control_total_matches: allocations to every area add up to the department's national total.
control_totals as (
    select
        national_totals.funding_line,
        national_totals.financial_year,
        national_totals.budget_type,
        national_totals.national_total_gbp,
        national_totals.source,
        national_totals.is_synthetic,
        coalesce(sum(allocations.amount_gbp), 0) as allocated_gbp
    from national_totals
    left join allocations
        on national_totals.funding_line = allocations.funding_line
        and national_totals.financial_year = allocations.financial_year
        and (national_totals.budget_type is null
            or national_totals.budget_type = allocations.budget_type)
    group by national_totals.funding_line, national_totals.financial_year,
        national_totals.budget_type, national_totals.national_total_gbp, national_totals.source,
        national_totals.is_synthetic
),

control_total_matches as (
    select
        'control_total_matches' as check_id,
        'fail' as severity,
        cast(null as {{ text }}) as settlement_id,
        cast(null as {{ text }}) as place_code,
        financial_year,
        funding_line,
        budget_type,
        cast(null as {{ text }}) as area_code,
        case when abs(allocated_gbp - national_total_gbp) <= {{ tolerance }} then 'pass'
            else 'fail' end as status,
        national_total_gbp as expected_gbp,
        allocated_gbp as actual_gbp,
        {{ dbt.concat(["'allocations to every area in England against the national total for '",
            "coalesce(budget_type, 'resource and capital together')",
            "'; tolerance " ~ tolerance ~ " pounds; source: '", "source"]) }} as detail,
        is_synthetic
    from control_totals
),

-- pot_real_terms_movement: the pot's year-on-year change in price-base pounds.
pot_real_terms_movement as (
    select
        'pot_real_terms_movement' as check_id,
        'warn' as severity,
        settlement_years.settlement_id,
        settlement_years.place_code,
        settlement_years.financial_year,
        cast(null as {{ text }}) as funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case
            when abs(coalesce(this_year.pot_gbp_real, 0) - last_year.pot_gbp_real)
                > {{ var('pot_movement_threshold', 0.2) }} * last_year.pot_gbp_real then 'warn'
            else 'pass'
        end as status,
        last_year.pot_gbp_real as expected_gbp,
        coalesce(this_year.pot_gbp_real, 0) as actual_gbp,
        {{ dbt.concat(["'pot in real terms (price base ' ", "'" ~ var('price_base_year') ~ "'",
            "') against the year before; moves of more than " ~ (var('pot_movement_threshold', 0.2) * 100) | round | int ~ "% are flagged: '",
            dbt.safe_cast(round_to_penny("100 * (cast(coalesce(this_year.pot_gbp_real, 0) as double) / nullif(cast(last_year.pot_gbp_real as double), 0) - 1)", places=1), text),
            "'%'"]) }} as detail,
        settlement_years.is_synthetic
    from settlement_years
    inner join years as previous_year
        on previous_year.financial_year_start = settlement_years.financial_year_start - 1
    inner join pot_by_year as last_year
        on settlement_years.settlement_id = last_year.settlement_id
        and previous_year.financial_year = last_year.financial_year
    left join pot_by_year as this_year
        on settlement_years.settlement_id = this_year.settlement_id
        and settlement_years.financial_year = this_year.financial_year
    where last_year.pot_gbp_real > 0
),

-- pillar_movement_within_limit: planned spending by pillar against the pillar's allocation.
pillar_allocations as (
    select settlement_id, financial_year, lower(pillar) as pillar_key, max(pillar) as pillar,
        sum(contribution_gbp_nominal) as allocated_gbp
    from pooled
    group by settlement_id, financial_year, lower(pillar)
),

planned_years as (
    select distinct settlement_id, financial_year from pillar_plans
),

pillar_keys as (
    select settlement_id, financial_year, lower(pillar) as pillar_key from pillar_plans
    union
    select pillar_allocations.settlement_id, pillar_allocations.financial_year,
        pillar_allocations.pillar_key
    from pillar_allocations
    inner join planned_years
        on pillar_allocations.settlement_id = planned_years.settlement_id
        and pillar_allocations.financial_year = planned_years.financial_year
),

pillar_movements as (
    select
        pillar_keys.settlement_id,
        pillar_keys.financial_year,
        coalesce(max(pillar_plans.pillar), max(pillar_allocations.pillar)) as pillar,
        coalesce(max(pillar_allocations.allocated_gbp), 0) as allocated_gbp,
        coalesce(max(pillar_plans.planned_gbp), 0) as planned_gbp,
        {{ any_synthetic('pillar_plans.is_synthetic') }} as is_synthetic
    from pillar_keys
    left join pillar_plans
        on pillar_keys.settlement_id = pillar_plans.settlement_id
        and pillar_keys.financial_year = pillar_plans.financial_year
        and pillar_keys.pillar_key = lower(pillar_plans.pillar)
    left join pillar_allocations
        on pillar_keys.settlement_id = pillar_allocations.settlement_id
        and pillar_keys.financial_year = pillar_allocations.financial_year
        and pillar_keys.pillar_key = pillar_allocations.pillar_key
    group by pillar_keys.settlement_id, pillar_keys.financial_year, pillar_keys.pillar_key
),

pillar_movement_within_limit as (
    select
        'pillar_movement_within_limit' as check_id,
        'fail' as severity,
        pillar_movements.settlement_id,
        settlements.place_code,
        pillar_movements.financial_year,
        cast(null as {{ text }}) as funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case when abs(planned_gbp - allocated_gbp) <= {{ var('pillar_movement_limit', 0.1) }} * allocated_gbp
            then 'pass' else 'fail' end as status,
        allocated_gbp as expected_gbp,
        planned_gbp as actual_gbp,
        {{ dbt.concat(["'planned spending on '", "pillar",
            "' against its allocation in the pot; up to " ~ (var('pillar_movement_limit', 0.1) * 100) | round | int ~ "% of the allocation may move between pillars'"]) }} as detail,
        pillar_movements.is_synthetic or settlements.is_synthetic as is_synthetic
    from pillar_movements
    inner join settlements
        on pillar_movements.settlement_id = settlements.settlement_id
),

-- The prevention checks: each business case against the settlement covering its start year.
intervention_settlements as (
    select
        interventions.intervention_id,
        interventions.place_code,
        interventions.funding_line,
        interventions.start_year,
        interventions.start_year_start,
        interventions.is_synthetic,
        max(settlements.settlement_id) as settlement_id,
        max(settlements.last_year) as settlement_last_year,
        max(settlements.last_year_start) as settlement_last_year_start
    from interventions
    left join settlements
        on interventions.place_code = settlements.place_code
        and interventions.start_year_start between settlements.first_year_start
        and settlements.last_year_start
    group by interventions.intervention_id, interventions.place_code, interventions.funding_line,
        interventions.start_year, interventions.start_year_start, interventions.is_synthetic
),

intervention_line_is_pooled as (
    select
        'intervention_line_is_pooled' as check_id,
        'fail' as severity,
        intervention_settlements.settlement_id,
        intervention_settlements.place_code,
        intervention_settlements.start_year as financial_year,
        intervention_settlements.funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case
            when intervention_settlements.funding_line is null then 'warn'
            when max(shares.funding_line) is not null then 'pass'
            else 'fail'
        end as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        cast(null as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["intervention_settlements.intervention_id",
            "case when intervention_settlements.funding_line is null then ': no funding line is named as paying for it'"
            ~ " when max(shares.funding_line) is not null then ': the funding line named as paying for it is pooled by the place''s settlement in its start year'"
            ~ " when intervention_settlements.settlement_id is null then ': names a funding line, but no settlement of the place covers its start year'"
            ~ " else ': the funding line named as paying for it is not pooled by the place''s settlement in its start year' end"]) }} as detail,
        intervention_settlements.is_synthetic
    from intervention_settlements
    left join shares
        on intervention_settlements.settlement_id = shares.settlement_id
        and intervention_settlements.start_year = shares.financial_year
        and intervention_settlements.funding_line = shares.funding_line
    group by intervention_settlements.intervention_id, intervention_settlements.settlement_id,
        intervention_settlements.place_code, intervention_settlements.start_year,
        intervention_settlements.funding_line, intervention_settlements.is_synthetic
),

payback_within_settlement as (
    select
        'payback_within_settlement' as check_id,
        'warn' as severity,
        intervention_settlements.settlement_id,
        intervention_settlements.place_code,
        intervention_settlements.start_year as financial_year,
        intervention_settlements.funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        case
            when appraisals.payback_years is not null
                and intervention_settlements.settlement_last_year_start is not null
                and intervention_settlements.start_year_start + appraisals.payback_years - 1
                    <= intervention_settlements.settlement_last_year_start then 'pass'
            else 'warn'
        end as status,
        appraisals.pv_costs_gbp as expected_gbp,
        appraisals.pv_fiscal_gbp as actual_gbp,
        {{ dbt.concat(["intervention_settlements.intervention_id",
            "case when appraisals.payback_years is null then ': its fiscal savings never cover its costs'"
            ~ " when intervention_settlements.settlement_last_year_start is null then ': no settlement covers its start year'"
            ~ " else ': pays back in year ' || cast(intervention_settlements.start_year_start + appraisals.payback_years - 1 as " ~ text ~ ")"
            ~ " || '-'  || lpad(cast(mod(intervention_settlements.start_year_start + appraisals.payback_years, 100) as " ~ text ~ "), 2, '0') end",
            "case when intervention_settlements.settlement_last_year is null then ''"
            ~ " else '; the settlement ends in ' || intervention_settlements.settlement_last_year end"]) }} as detail,
        intervention_settlements.is_synthetic
    from intervention_settlements
    inner join appraisals
        on intervention_settlements.intervention_id = appraisals.intervention_id
),

-- benefit_not_double_counted: one place claiming the same outcome twice.
benefit_claims as (
    select
        benefits.intervention_id,
        benefits.benefit_id,
        benefits.unit_cost_code,
        benefits.cohort_size,
        interventions.place_code,
        interventions.start_year_start + benefits.start_offset_years as first_value_year_start,
        benefits.is_synthetic or interventions.is_synthetic as is_synthetic
    from benefits
    inner join interventions
        on benefits.intervention_id = interventions.intervention_id
),

double_claims as (
    select
        first_claim.intervention_id,
        first_claim.benefit_id,
        second_claim.benefit_id as other_benefit_id,
        first_claim.unit_cost_code,
        second_claim.unit_cost_code as other_unit_cost_code,
        first_claim.place_code,
        first_claim.is_synthetic or second_claim.is_synthetic as is_synthetic,
        case when first_claim.unit_cost_code = second_claim.unit_cost_code
            then 'the same unit cost and cohort, starting the same year'
            else 'a combined unit cost and one of its component parts' end as reason
    from benefit_claims as first_claim
    inner join benefit_claims as second_claim
        on first_claim.place_code = second_claim.place_code
        and first_claim.benefit_id < second_claim.benefit_id
        and (
            (first_claim.unit_cost_code = second_claim.unit_cost_code
                and first_claim.cohort_size = second_claim.cohort_size
                and first_claim.first_value_year_start = second_claim.first_value_year_start)
            or second_claim.unit_cost_code like {{ dbt.concat(["first_claim.unit_cost_code", "'.%'"]) }}
            or first_claim.unit_cost_code like {{ dbt.concat(["second_claim.unit_cost_code", "'.%'"]) }}
        )
),

benefit_not_double_counted as (
    select
        'benefit_not_double_counted' as check_id,
        'fail' as severity,
        intervention_settlements.settlement_id,
        double_claims.place_code,
        intervention_settlements.start_year as financial_year,
        intervention_settlements.funding_line,
        cast(null as {{ text }}) as budget_type,
        cast(null as {{ text }}) as area_code,
        'fail' as status,
        cast(null as decimal(18, 2)) as expected_gbp,
        cast(null as decimal(18, 2)) as actual_gbp,
        {{ dbt.concat(["double_claims.benefit_id", "' ('", "double_claims.unit_cost_code",
            "') and '", "double_claims.other_benefit_id", "' ('",
            "double_claims.other_unit_cost_code", "') claim '", "double_claims.reason",
            "' in one place: the value is counted twice'"]) }} as detail,
        double_claims.is_synthetic
    from double_claims
    inner join intervention_settlements
        on double_claims.intervention_id = intervention_settlements.intervention_id
    union all
    select
        'benefit_not_double_counted', 'fail',
        intervention_settlements.settlement_id,
        intervention_settlements.place_code,
        intervention_settlements.start_year,
        intervention_settlements.funding_line,
        cast(null as {{ text }}), cast(null as {{ text }}),
        'pass',
        cast(null as decimal(18, 2)), cast(null as decimal(18, 2)),
        {{ dbt.concat(["intervention_settlements.intervention_id",
            "': no benefit is claimed twice in the place, nor with its combined or component unit cost'"]) }},
        intervention_settlements.is_synthetic
    from intervention_settlements
    where not exists (
        select 1 from double_claims
        inner join benefit_claims
            on double_claims.other_benefit_id = benefit_claims.benefit_id
        where double_claims.intervention_id = intervention_settlements.intervention_id
            or benefit_claims.intervention_id = intervention_settlements.intervention_id
    )
),

unioned as (
    {%- set parts = ['pot_matches_announced_total', 'announced_total_on_file',
        'member_receives_pooled_line', 'partial_year_member', 'line_pooled_at_most_once',
        'area_in_one_place', 'control_total_matches', 'pot_real_terms_movement',
        'pillar_movement_within_limit', 'intervention_line_is_pooled',
        'payback_within_settlement', 'benefit_not_double_counted'] %}
    {%- for part in parts %}
    select
        check_id, severity, settlement_id, place_code, financial_year, funding_line, budget_type,
        area_code, status, expected_gbp, actual_gbp, detail, is_synthetic
    from {{ part }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        check_id as {{ adapter.quote("check") }},
        severity,
        settlement_id,
        place_code,
        financial_year,
        funding_line,
        budget_type,
        area_code,
        status,
        cast(expected_gbp as decimal(18, 2)) as expected_gbp,
        cast(actual_gbp as decimal(18, 2)) as actual_gbp,
        cast(actual_gbp - expected_gbp as decimal(18, 2)) as difference_gbp,
        detail,
        coalesce(is_synthetic, false) as is_synthetic
    from unioned
)

select * from final
