with

lignes as (
    {{ lignes_csv_brutes(source('bestmarket_csv', 'ref_magasin'), 'ref_magasin.csv') }}
),

typees as (
    select
        fichier_source,
        numero_ligne,
        contenu_brut,
        {{ colonnes_ref_magasin(
            ['champs[1]', 'champs[2]', 'champs[3]', 'champs[4]',
             'champs[5]', 'champs[6]', 'champs[7]', 'champs[8]'][:7],
            'len(champs)'
        ) | indent(8) }}
    from lignes
)

select * from typees
