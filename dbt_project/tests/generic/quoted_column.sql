{#- dbt's not_null and accepted_values for a column whose name is a keyword (settlement_checks'
    `check`), quoted when the test runs. dbt quotes a `quote: true` column's name while parsing,
    so a test written on that column gets a different id on each target and a Spark build's
    results would not match the manifest Dagster reads; here the name is an ordinary argument. -#}
{% test not_null_quoted(model, column) %}
    {{ dbt.test_not_null(model, adapter.quote(column)) }}
{% endtest %}

{% test accepted_values_quoted(model, column, values) %}
    {{ dbt.test_accepted_values(model, adapter.quote(column), values) }}
{% endtest %}
