{% test unique_combinaison(model, colonnes) %}
    {#- Fails on every combination of `colonnes` that appears more than once. -#}
    select
        {{ colonnes | join(', ') }},
        count(*) as nb_lignes
    from {{ model }}
    group by {{ colonnes | join(', ') }}
    having count(*) > 1
{% endtest %}
