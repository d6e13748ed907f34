{#- '2025-26' -> 2025. Portable: substring and cast exist on DuckDB, Spark and Trino. -#}
{% macro financial_year_start(column) -%}
    cast(substring({{ column }}, 1, 4) as integer)
{%- endmacro %}

{#- 2025 -> '2025-26' -#}
{% macro financial_year_label(start_year_expression) -%}
    {{ dbt.concat([
        dbt.safe_cast(start_year_expression, api.Column.translate_type("string")),
        "'-'",
        "lpad(cast(mod(" ~ start_year_expression ~ " + 1, 100) as " ~ api.Column.translate_type("string") ~ "), 2, '0')"
    ]) }}
{%- endmacro %}

{#- A date in the financial year starting in `start_year_expression`, e.g. ('2025', '09-30'). -#}
{% macro financial_year_date(start_year_expression, month_day, years_later=0) -%}
    {%- set year_expression = start_year_expression if years_later == 0 else "(" ~ start_year_expression ~ " + " ~ years_later ~ ")" -%}
    {{ dbt.cast(dbt.concat([dbt.safe_cast(year_expression, api.Column.translate_type("string")), "'-" ~ month_day ~ "'"]), api.Column.translate_type("date")) }}
{%- endmacro %}

{#- The date in the middle of a financial year: membership on this day decides the place. -#}
{% macro financial_year_midpoint(start_year_expression) -%}
    {{ financial_year_date(start_year_expression, '09-30') }}
{%- endmacro %}

{#- Demo and published rows say where they came from; anything marked synthetic is labelled so. -#}
{% macro is_synthetic(provenance_column) -%}
    coalesce(lower({{ provenance_column }}) like 'synthetic%', false)
{%- endmacro %}

{#- The start year of the financial year (April to March) a date falls in: 2026-03-31 -> 2025.
    Portable: extract(... from ...) is ANSI SQL (DuckDB, Postgres, Spark, Trino). -#}
{% macro financial_year_start_of_date(date_expression) -%}
    (extract(year from {{ date_expression }})
        - case when extract(month from {{ date_expression }}) < 4 then 1 else 0 end)
{%- endmacro %}
