{#- Fails when a total in `model` differs from the same total in `other` by more than `tolerance`
    for any group: proves no row disappears (or appears) between two layers. -#}
{% test sums_match(model, column_name, other, other_column, group_by, other_group_by=none, tolerance=0.01) %}
{%- set other_group_by = other_group_by or group_by -%}
with here as (
    select {{ group_by | join(', ') }}, sum({{ column_name }}) as total
    from {{ model }}
    group by {{ group_by | join(', ') }}
),

there as (
    select
        {% for column in other_group_by %}{{ column }} as {{ group_by[loop.index0] }}{{ ", " if not loop.last }}{% endfor %},
        sum({{ other_column }}) as total
    from {{ other }}
    group by {{ other_group_by | join(', ') }}
)

select
    {% for column in group_by %}coalesce(here.{{ column }}, there.{{ column }}) as {{ column }}, {% endfor %}
    here.total as model_total,
    there.total as other_total
from here
full outer join there
    on {% for column in group_by %}here.{{ column }} = there.{{ column }}{{ " and " if not loop.last }}{% endfor %}
where abs(coalesce(here.total, 0) - coalesce(there.total, 0)) > {{ tolerance }}
{% endtest %}
