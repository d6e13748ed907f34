{#- A double rounded to the penny, the same on every engine: DuckDB rounds a double's binary
    value, Spark its shortest decimal form, so x.xx5 could round apart. Fixing six decimal places
    first, then rounding the decimal, gives one answer (half away from zero) on both. -#}
{% macro round_to_penny(double_expression, places=2) -%}
    cast(round(cast({{ double_expression }} as decimal(38, 6)), {{ places }}) as decimal(18, {{ places }}))
{%- endmacro %}

{#- Money in price-base pounds: cash x D(price base) / D(year), rounded to the penny once. -#}
{% macro real_terms(cash_expression, factor_expression) -%}
    {{ round_to_penny("cast(" ~ cash_expression ~ " as double) * " ~ factor_expression) }}
{%- endmacro %}

{#- Pounds per head to four decimal places; empty where the population is unknown or zero.
    Pass a factor to put the amount into real terms first (unrounded, so per head is exact). -#}
{% macro per_head(amount_expression, population_expression, factor_expression=none) -%}
    cast(round(cast({{ amount_expression }} as double)
        {%- if factor_expression is not none %} * {{ factor_expression }}{% endif %}
        / nullif({{ population_expression }}, 0), 4) as decimal(18, 4))
{%- endmacro %}

{#- An aggregate is synthetic if any row in it is: one synthetic input marks the whole figure. -#}
{% macro any_synthetic(flag_expression='is_synthetic') -%}
    max(case when {{ flag_expression }} then 1 else 0 end) = 1
{%- endmacro %}

{#- The one year that present values added across interventions are discounted to: the var
    pv_base_year, or the price base year when it is not set. -#}
{% macro pv_base_year() -%}
    {{ return(var('pv_base_year', none) or var('price_base_year')) }}
{%- endmacro %}
