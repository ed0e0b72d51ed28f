-- The calendar macros on literal dates, through each engine's variant: ISO day of week
-- (Monday 1 … Sunday 7) and the first day of the month. Returns one row per case whose result
-- differs from the expected one.
with

dates (cas, jour, jour_semaine_attendu, debut_mois_attendu) as (
    values
    ('lundi', date '2021-05-03', 1, date '2021-05-01'),
    ('samedi', date '2021-05-08', 6, date '2021-05-01'),
    ('dimanche', date '2021-05-09', 7, date '2021-05-01'),
    ('premier du mois', date '2021-02-01', 1, date '2021-02-01'),
    ('fin de mois bissextile', date '2020-02-29', 6, date '2020-02-01')
),

resultats as (
    select
        cas,
        {{ jour_semaine_iso('jour') }} = jour_semaine_attendu
        and {{ debut_mois('jour') }} = debut_mois_attendu as est_juste
    from dates
)

select cas from resultats
where not coalesce(est_juste, false)
