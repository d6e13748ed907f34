{#- The values of a column in the group, sorted, joined with `delimiter` (each value once when
    `distinct`); empty (null) when the group has no value. dbt.listagg cannot sort on Spark, and
    an unsorted list would differ between engines and between runs, so this is dispatched. -#}
{% macro sorted_list(column, delimiter, distinct=false) -%}
    {{ return(adapter.dispatch('sorted_list', 'wholeplace')(column, delimiter, distinct)) }}
{%- endmacro %}

{% macro duckdb__sorted_list(column, delimiter, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ column }}, {{ delimiter }} order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_list(column, delimiter, distinct) -%}
    case when count({{ column }}) > 0
        then array_join(array_sort({{ 'collect_set' if distinct else 'collect_list' }}({{ column }})), {{ delimiter }})
    end
{%- endmacro %}
