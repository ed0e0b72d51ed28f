{#-
    The NPS from counts: the one place of the formula (its margin's is
    `marge_erreur_nps_depuis_comptes`). `nps` calls it with the counts of the notes; the store
    models with counts already summed (per store and month, then over a rolling window). The
    promoter / detractor buckets stay in `nb_groupe_nps`, applied once to the notes before the
    counts are summed.
-#}

{% macro nps_depuis_comptes(nb_promoteurs, nb_detracteurs, nb_reponses) -%}
    {{ pourcentage('(' ~ nb_promoteurs ~ ') - (' ~ nb_detracteurs ~ ')', nb_reponses) }}
{%- endmacro %}
