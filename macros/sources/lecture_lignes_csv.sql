{% macro lecture_lignes_csv(nom) -%}
    {#-
        The hooks of every model whose query reads the lines of the CSV export `<nom>.csv`
        (`lignes_csv_brutes`), to pass to `config(**lecture_lignes_csv(nom))`: the pre-hook
        `preparer_lignes_csv` numbers the file's lines into `lignes_csv_<nom>`, the post-hook
        `liberer_lignes_csv` drops them. The one place where a CSV reader's hooks are written.
        The readers are the CSV staging tables, and `int_retour_client_qualifie` for the
        feedback export: its staging model is ephemeral, inlined into that query.
    -#}
    {%- set preparer = "{{ preparer_lignes_csv(source('bestmarket_csv', '" ~ nom ~ "'), '"
        ~ nom ~ "') }}" -%}
    {%- set liberer = "{{ liberer_lignes_csv('" ~ nom ~ "') }}" -%}
    {{ return(adapter.dispatch('lecture_lignes_csv', 'retailinsight360')(preparer, liberer)) }}
{%- endmacro %}

{% macro default__lecture_lignes_csv(preparer, liberer) -%}
    {#-
        Outside the model's transaction: the lines are numbered before it begins and dropped
        after it commits.
    -#}
    {{ return({'pre_hook': [before_begin(preparer)], 'post_hook': [after_commit(liberer)]}) }}
{%- endmacro %}

{% macro spark__lecture_lignes_csv(preparer, liberer) -%}
    {#-
        dbt-spark's table materialization runs only the hooks inside the transaction: on Spark
        (no transactions) the hooks are plain ones.
    -#}
    {{ return({'pre_hook': [preparer], 'post_hook': [liberer]}) }}
{%- endmacro %}
