{% test une_seule_ligne(model) %}
    {#-
        The key test of a one-row answer (its grain is the whole of its input): fails with the
        row count when the model holds no row or more than one.
    -#}
    select nb_lignes
    from (
        select count(*) as nb_lignes
        from {{ model }}
    ) as comptage
    where nb_lignes <> 1
{% endtest %}
