{#-
  A reference table comes from the bundled seed unless the feeds directory has a replacement
  in reference/<name>.csv; then it comes from the raw table the ingest step loaded and validated.
-#}
{% macro reference_table(name) -%}
    {%- if name in var('reference_overrides', []) -%}
        {{ source('reference_overrides', name) }}
    {%- else -%}
        {{ ref(name) }}
    {%- endif -%}
{%- endmacro %}
