with

lignes as (
    {{ lignes_csv_brutes(source('bestmarket_csv', 'produit'), 'produit.csv') }}
),

typees as (
    select
        fichier_source,
        numero_ligne,
        contenu_brut,
        {{ colonnes_produit(
            ['champs[1]', 'champs[2]', 'champs[3]', 'champs[4]',
             'champs[5]', 'champs[6]', 'champs[7]', 'champs[8]'][:3],
            'len(champs)'
        ) | indent(8) }}
    from lignes
)

select * from typees
