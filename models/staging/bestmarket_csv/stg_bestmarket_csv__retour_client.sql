with

lignes as (
    {{ lignes_csv_brutes(source('bestmarket_csv', 'retour_client'), 'retour_client.csv') }}
),

typees as (
    select
        fichier_source,
        numero_ligne,
        contenu_brut,
        {{ colonnes_retour_client(
            ['champs[1]', 'champs[2]', 'champs[3]', 'champs[4]',
             'champs[5]', 'champs[6]', 'champs[7]', 'champs[8]'][:8],
            'len(champs)'
        ) | indent(8) }}
    from lignes
)

select * from typees
