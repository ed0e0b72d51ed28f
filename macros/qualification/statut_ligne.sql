{% macro statut_ligne(motif_rejet, est_copie_retenue) -%}
    case
        when {{ motif_rejet }} = {{ motif_registre() }} then 'écartée'
        when {{ motif_rejet }} is not null then 'rejetée'
        when {{ est_copie_retenue }} then 'retenue'
        else 'doublon fusionné'
    end
{%- endmacro %}
