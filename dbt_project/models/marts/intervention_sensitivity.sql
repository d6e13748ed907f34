-- How sure is each intervention's net present value? For each of its rates, the NPV with that
-- rate 10 points lower and 10 points higher in every benefit stream (kept within 0 and 1), and the
-- switching value of deadweight: the one deadweight that, applied to every stream, brings the
-- NPV to zero. Each scenario is priced exactly as the base case (same steps, same rounding).
with benefit_years as (
    select * from {{ ref('int_prevention_benefit_years') }}
),

appraisals as (
    select * from {{ ref('intervention_cba') }}
),

varied_rates as (
    select 'engagement_rate' as varied_rate
    union all select 'success_rate'
    union all select 'deadweight'
    union all select 'attribution'
    union all select 'drop_off'
),

ends_of_range as (
    select 'low' as end_of_range, cast(-0.10 as double) as shift
    union all select 'high', cast(0.10 as double)
),

scenario_rates as (
    select
        benefit_years.*,
        varied_rates.varied_rate,
        ends_of_range.end_of_range,
        {% for rate in ['engagement_rate', 'success_rate', 'deadweight', 'attribution', 'drop_off'] %}
        case
            when varied_rates.varied_rate = '{{ rate }}'
                then greatest(0.0, least(1.0, benefit_years.{{ rate }} + ends_of_range.shift))
            else benefit_years.{{ rate }}
        end as scenario_{{ rate }}{{ "," if not loop.last }}
        {% endfor %}
    from benefit_years
    cross join varied_rates
    cross join ends_of_range
),

-- The same steps 1 to 5 as int_prevention_benefit_years, with the scenario's rates.
scenario_present_values as (
    select
        intervention_id,
        varied_rate,
        end_of_range,
        round(
            cohort_size * scenario_engagement_rate * scenario_success_rate
            * unit_cost_base_gbp * power(1 - scenario_drop_off, years_since_benefit_start)
            * (1 - scenario_deadweight) * scenario_attribution * (1 - optimism_bias)
            * discount_factor,
            2
        ) as pv_gbp
    from scenario_rates
),

scenario_benefits as (
    select
        intervention_id,
        varied_rate,
        sum(case when end_of_range = 'low' then pv_gbp else 0 end) as pv_benefits_at_low_gbp,
        sum(case when end_of_range = 'high' then pv_gbp else 0 end) as pv_benefits_at_high_gbp
    from scenario_present_values
    group by intervention_id, varied_rate
),

-- With one deadweight d for every stream, NPV = (1 - d) x B - C, where B is the present value
-- of the benefits before deadweight; NPV = 0 at d = 1 - C / B.
value_before_deadweight as (
    select
        intervention_id,
        sum(
            people_achieving_outcome * unit_cost_base_gbp
            * power(1 - drop_off, years_since_benefit_start)
            * attribution * (1 - optimism_bias) * discount_factor
        ) as pv_before_deadweight,
        sum(
            people_achieving_outcome * unit_cost_base_gbp
            * power(1 - drop_off, years_since_benefit_start)
            * (1 - deadweight) * attribution * (1 - optimism_bias) * discount_factor
        ) as pv_after_deadweight
    from benefit_years
    group by intervention_id
),

switching_values as (
    select
        value_before_deadweight.intervention_id,
        1 - value_before_deadweight.pv_after_deadweight
            / nullif(value_before_deadweight.pv_before_deadweight, 0) as assumed_deadweight,
        1 - cast(appraisals.pv_costs_gbp as double)
            / nullif(value_before_deadweight.pv_before_deadweight, 0) as switching_deadweight
    from value_before_deadweight
    inner join appraisals
        on value_before_deadweight.intervention_id = appraisals.intervention_id
),

final as (
    select
        appraisals.intervention_id,
        appraisals.place_code,
        scenario_benefits.varied_rate,
        appraisals.npv_gbp,
        cast(scenario_benefits.pv_benefits_at_low_gbp - appraisals.pv_costs_gbp
            as decimal(18, 2)) as npv_at_low_gbp,
        cast(scenario_benefits.pv_benefits_at_high_gbp - appraisals.pv_costs_gbp
            as decimal(18, 2)) as npv_at_high_gbp,
        cast(abs(scenario_benefits.pv_benefits_at_high_gbp
            - scenario_benefits.pv_benefits_at_low_gbp) as decimal(18, 2)) as npv_swing_gbp,
        cast(round(switching_values.assumed_deadweight, 4) as decimal(18, 4))
            as assumed_deadweight,
        cast(round(case
            when switching_values.switching_deadweight between 0 and 1
                then switching_values.switching_deadweight
        end, 4) as decimal(18, 4)) as switching_deadweight,
        appraisals.price_base_year,
        appraisals.is_synthetic
    from scenario_benefits
    inner join appraisals
        on scenario_benefits.intervention_id = appraisals.intervention_id
    left join switching_values
        on scenario_benefits.intervention_id = switching_values.intervention_id
)

select * from final
