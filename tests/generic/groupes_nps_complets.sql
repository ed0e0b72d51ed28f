{% test groupes_nps_complets(model) %}
    {#-
        Fails on every row of an NPS output where promoters + passives + detractors differ
        from the responses, or the NPS lies outside −100..100 or disagrees with its shares.
    -#}
    select *
    from {{ model }}
    where
        nb_promoteurs + nb_passifs + nb_detracteurs <> nb_reponses
        or nps < -100
        or nps > 100
        or abs(nps - (pct_promoteurs - pct_detracteurs)) > 1e-9
{% endtest %}
