{#-
  Where the sources (the raw schema) come from. On DuckDB the feed assets load them into the
  working database, so there is nothing to do. On Spark the feed assets' validated tables arrive
  as Parquet folders (orchestration/core/spark_engine.py) and are registered here as external
  tables, before any model runs (on-run-start in dbt_project.yml).
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'wholeplace')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set folder = var('spark_dir', '../warehouse/work/spark') ~ '/raw/' -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in var('raw_tables', []) -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query("create table raw." ~ table ~ " using parquet location '"
                ~ (folder ~ table) | replace("'", "\\'") ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
