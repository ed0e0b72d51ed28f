{% test valeur_entre(model, column_name, minimum, maximum) %}
    {#- Fails on every non-null value of the column outside [minimum, maximum]. -#}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} < {{ minimum }} or {{ column_name }} > {{ maximum }}
{% endtest %}
