{#-
  A reference table comes from the bundled seed unless the feeds directory has a replacement
  in reference/<name>.csv; then it comes from the raw table the ingest step loaded and validated.
-#}
{% macro reference_table(name) -%}
    {%- if name in var('reference_overrides', []) -%}
        {#- Keep the seed as a declared dependency, so the graph dagster-dbt builds from the
            manifest matches the one dbt runs whichever branch is taken. -#}
        {%- do ref(name) -%}
        {{ source('reference_overrides', name) }}
    {%- else -%}
        {{ ref(name) }}
    {%- endif -%}
{%- endmacro %}
