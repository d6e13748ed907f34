{#- Every distinct value of a column in the group, sorted, joined with `delimiter`; empty (null)
    when the group has no value. dbt.listagg keeps duplicates, so this is dispatched per adapter. -#}
{% macro distinct_list(column, delimiter) -%}
    {{ return(adapter.dispatch('distinct_list', 'wholeplace')(column, delimiter)) }}
{%- endmacro %}

{% macro duckdb__distinct_list(column, delimiter) -%}
    string_agg(distinct {{ column }}, {{ delimiter }} order by {{ column }})
{%- endmacro %}

{% macro spark__distinct_list(column, delimiter) -%}
    case when count({{ column }}) > 0
        then array_join(array_sort(collect_set({{ column }})), {{ delimiter }})
    end
{%- endmacro %}
