"""Alerts people act on: each audience's morning digest (a short French page, sent by e-mail),
the data team's message when the night failed, and the acknowledgement log.

    python -m retailinsight.alertes envoyer   [--entrepot W] [--nuit AAAA-MM-JJ] [--dossier D]
    python -m retailinsight.alertes echec     --etape TEXTE [--code N] | --etapes-github JSON
    python -m retailinsight.alertes essai     [--a ADRESSE ...]
    python -m retailinsight.alertes acquitter ID --par NOM --etat vue|traitee [--note TEXTE]
    python -m retailinsight.alertes lister    [--entrepot W]

The alerts are the rows of the mart `alertes.alerte` (one per condition that holds now, with a
stable `id_alerte`); this module keeps their follow-up in the schema `suivi_alertes`, which dbt
does not manage (a refresh copies the warehouse and builds in the copy: the schema travels with
it, as do backups, restores and compactions, which copy every table):
- `alerte_vue`: when the nightly first saw each alert open, and when it saw it closed;
- `envoi` and `envoi_alerte`: each message sent (kind, audience, night, its figures) and the
  alerts a digest carried. A digest is sent at most once per audience and night: a rerun of
  the night sends nothing again;
- `acquittement`: who marked an alert seen (`vue`) or handled (`traitee`), when, with a note.

`envoyer` (the nightly's step after the refresh, the purge, the report and the backup): for
each audience of the published files but the data team (direction, service_client and one per
département, which gets only the alerts of its département and never a row of the chain),
compares the alerts with those of its previous digest, writes the page
`<BESTMARKET_ALERTES_DOSSIER>/<audience>.html` (self-contained, no external resource), logs in
to the SMTP server (every night, even with nothing to send: a wrong password shows at once)
and, when something changed (a new alert, a closed one, one newly overdue: open for more than
BESTMARKET_ALERTES_RETARD_HEURES hours and not handled), sends it by SMTP with STARTTLS and
login to BESTMARKET_ALERTES_DESTINATAIRES_<AUDIENCE> (addresses separated by commas). With no
SMTP server configured, the pages are written and nothing is sent. A refused login, an
unreachable server or a certificate that does not verify stops it with exit 1 and a message
naming the cause; the digests already sent stay logged. No digest holds a feedback row, a
feedback key or anyone's name: alerts, their French message and three figures (NPS with its
margin, responses, rows set aside).

`echec` sends the data team (BESTMARKET_ALERTES_DESTINATAIRES_EQUIPE_DATA) one message naming
the step where the night stopped, once per night. `essai` sends a test message.
Every write to the warehouse is made under its lock (`retailinsight.verrou`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import smtplib
import ssl
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

from retailinsight import publication, reglages
from retailinsight.entrepot import connecter
from retailinsight.erreurs import CODE_VERROU_PRIS, VerrouPris
from retailinsight.referentiel import DEPARTEMENTS
from retailinsight.verrou import verrou

SCHEMA = "suivi_alertes"
TABLES = {
    "alerte_vue": """(
        id_alerte varchar not null,
        date_ouverture timestamp not null,
        date_fermeture timestamp)""",
    "envoi": """(
        nature varchar not null,
        audience varchar not null,
        nuit date not null,
        date_envoi timestamp not null,
        nb_destinataires integer not null,
        sujet varchar not null,
        nps double,
        marge_erreur_95 double,
        nb_reponses bigint,
        nb_lignes_ecartees bigint)""",
    "envoi_alerte": """(
        audience varchar not null,
        nuit date not null,
        id_alerte varchar not null,
        type_alerte varchar,
        libelle_portee varchar,
        gravite varchar,
        message varchar,
        est_en_retard boolean not null)""",
    "acquittement": """(
        id_alerte varchar not null,
        acquitte_par varchar not null,
        date_acquittement timestamp not null,
        etat varchar not null,
        note varchar)""",
}
ETATS = ("vue", "traitee")
LONGUEUR_NOM, LONGUEUR_NOTE = 100, 500
EQUIPE_DATA = "equipe_data"
TYPES = {
    "nps_baisse": "NPS en baisse",
    "detracteurs_hausse": "détracteurs en hausse",
    "volume_effondrement": "volume effondré",
    "volume_pic": "pic de volume",
    "export_perime": "export périmé",
    "quarantaine_elevee": "lignes écartées",
    "libelle_nouveau": "libellé nouveau",
}
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")


class EchecEnvoi(RuntimeError):
    """The SMTP server could not be reached, refused the login or a message, or its
    certificate did not verify."""


class ConfigurationInvalide(RuntimeError):
    """The sending settings are incomplete (a server without a login, a password...)."""


class AlertesAbsentes(RuntimeError):
    """The warehouse has no `alertes.alerte` (built before the alert models)."""


# ---- Audiences and settings -------------------------------------------------------------

def audiences() -> list[str]:
    """The digests' audiences: those of the published files but the data team, which reads
    the warehouse itself and gets the message of a failed night."""
    return [a for a in publication.audiences() if a != EQUIPE_DATA]


def libelle_audience(audience: str) -> str:
    if audience == "direction":
        return "Direction"
    if audience == "service_client":
        return "Service client"
    if audience == EQUIPE_DATA:
        return "Équipe data"
    code = audience.removeprefix("departement_")
    return f"Magasins {DEPARTEMENTS[code][0]} ({code})"


def variable_destinataires(audience: str) -> str:
    return f"BESTMARKET_ALERTES_DESTINATAIRES_{audience.upper()}"


def destinataires(audience: str) -> list[str]:
    """The addresses of `audience` (its variable, comma-separated; [] when unset)."""
    texte = os.environ.get(variable_destinataires(audience), "")
    return [adresse for _, adresse in getaddresses([texte]) if adresse]


@dataclass(frozen=True)
class Serveur:
    hote: str
    port: int
    utilisateur: str
    mot_de_passe: str = field(repr=False)
    expediteur: str
    autorites: str
    delai: float


def serveur() -> Serveur | None:
    """The SMTP settings (None: no server configured); ConfigurationInvalide naming every
    missing setting when a server is set without what login needs."""
    hote = reglages.SMTP_SERVEUR.texte()
    if not hote:
        return None
    manquants = [r.variable for r in (reglages.SMTP_UTILISATEUR, reglages.SMTP_MOT_DE_PASSE)
                 if not r.texte()]
    if manquants:
        raise ConfigurationInvalide(
            f"the SMTP server {hote} is set but not {' nor '.join(manquants)} (the password "
            "comes from the environment only)")
    try:
        port, delai = reglages.SMTP_PORT.entier(), reglages.SMTP_DELAI.decimal()
    except ValueError:
        raise ConfigurationInvalide(f"{reglages.SMTP_PORT.variable} and "
                                    f"{reglages.SMTP_DELAI.variable} must be numbers") from None
    return Serveur(hote, port, reglages.SMTP_UTILISATEUR.texte(),
                   reglages.SMTP_MOT_DE_PASSE.texte(),
                   reglages.ALERTES_EXPEDITEUR.texte() or reglages.SMTP_UTILISATEUR.texte(),
                   reglages.SMTP_CA.texte(), delai)


def problemes_configuration() -> list[str]:
    """What stops the sending before the night starts (a precondition of the nightly)."""
    try:
        serveur()
    except ConfigurationInvalide as erreur:
        return [str(erreur)]
    return []


# ---- SMTP --------------------------------------------------------------------------------

@contextmanager
def connexion(reglage: Serveur):
    """An SMTP session on `reglage`: STARTTLS (the certificate checked against the system's
    authorities or BESTMARKET_SMTP_CA) then login; EchecEnvoi naming the cause otherwise.
    Nothing is ever sent in clear."""
    ou = f"{reglage.hote}:{reglage.port}"
    try:
        smtp = smtplib.SMTP(reglage.hote, reglage.port, timeout=reglage.delai)
    except (OSError, smtplib.SMTPException) as erreur:
        raise EchecEnvoi(f"cannot reach the SMTP server {ou} ({erreur})") from None
    try:
        try:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise EchecEnvoi(f"the SMTP server {ou} does not offer STARTTLS: nothing is "
                                 "sent in clear")
            contexte = ssl.create_default_context(cafile=reglage.autorites or None)
            smtp.starttls(context=contexte)
            smtp.ehlo()
            smtp.login(reglage.utilisateur, reglage.mot_de_passe)
        except smtplib.SMTPAuthenticationError as erreur:
            raise EchecEnvoi(
                f"the SMTP server {ou} refused the login of {reglage.utilisateur} "
                f"({erreur.smtp_code}): check {reglages.SMTP_UTILISATEUR.variable} and "
                f"{reglages.SMTP_MOT_DE_PASSE.variable}") from None
        except ssl.SSLError as erreur:
            raise EchecEnvoi(f"the certificate of the SMTP server {ou} does not verify "
                             f"({erreur.reason or erreur}): set "
                             f"{reglages.SMTP_CA.variable} to its authority's PEM file") from None
        except (OSError, smtplib.SMTPException) as erreur:
            raise EchecEnvoi(f"the SMTP session with {ou} failed ({erreur})") from None
        yield smtp
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def envoyer_message(smtp, message: EmailMessage) -> None:
    """Send `message`; EchecEnvoi when any recipient is refused."""
    try:
        refuses = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as erreur:
        raise EchecEnvoi(f"the SMTP server did not take the message « {message['Subject']} » "
                         f"({erreur})") from None
    if refuses:
        raise EchecEnvoi(f"the SMTP server refused {', '.join(sorted(refuses))} for « "
                         f"{message['Subject']} »")


def message(reglage: Serveur, a: list[str], sujet: str, texte: str,
            page: str | None = None) -> EmailMessage:
    courriel = EmailMessage()
    courriel["Subject"] = sujet
    courriel["From"] = reglage.expediteur
    courriel["To"] = ", ".join(a)
    courriel["Date"] = formatdate(localtime=False)
    courriel["Message-ID"] = make_msgid(domain=reglage.expediteur.rpartition("@")[2] or None)
    courriel.set_content(texte)
    if page is not None:
        courriel.add_alternative(page, subtype="html")
    return courriel


# ---- The follow-up tables ----------------------------------------------------------------

def creer_tables(base) -> None:
    base.execute(f"create schema if not exists {SCHEMA}")
    for nom, colonnes in TABLES.items():
        base.execute(f"create table if not exists {SCHEMA}.{nom} {colonnes}")


def _existe(base, schema: str, table: str) -> bool:
    return bool(base.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?", [schema, table]).fetchone()[0])


def _lignes(base, sql: str, parametres=()) -> list[dict]:
    curseur = base.execute(sql, list(parametres))
    noms = [c[0] for c in curseur.description]
    return [dict(zip(noms, ligne)) for ligne in curseur.fetchall()]


def _plusieurs(base, sql: str, lignes: list) -> None:
    """executemany, for any number of rows (DuckDB refuses an empty list)."""
    if lignes:
        base.executemany(sql, lignes)


def alertes_ouvertes(base) -> list[dict]:
    """The rows of `alertes.alerte`, gravest first."""
    if not _existe(base, "alertes", "alerte"):
        raise AlertesAbsentes("the warehouse has no table alertes.alerte: refresh it "
                              "(bestmarket refresh) with the alert models")
    return _lignes(base, "select * from alertes.alerte order by gravite = 'info', "
                         "type_alerte, libelle_portee, id_alerte")


def pour_audience(alertes: list[dict], audience: str) -> list[dict]:
    """What `audience` may read: every alert for the direction and the customer service; a
    département's alerts only (never the chain's, never another département's) for it."""
    if audience in ("direction", "service_client"):
        return list(alertes)
    code = audience.removeprefix("departement_")
    return [a for a in alertes if a["code_departement"] == code]


def noter_ouvertures(base, alertes: list[dict], maintenant: dt.datetime) -> None:
    """Record when each alert was first seen open, and when an open one disappeared."""
    ouvertes = {i for i, in base.execute(
        f"select id_alerte from {SCHEMA}.alerte_vue where date_fermeture is null").fetchall()}
    actuelles = {a["id_alerte"] for a in alertes}
    _plusieurs(base, f"insert into {SCHEMA}.alerte_vue values (?, ?, null)",
                     [[i, maintenant] for i in sorted(actuelles - ouvertes)])
    _plusieurs(base, f"update {SCHEMA}.alerte_vue set date_fermeture = ? "
                     "where id_alerte = ? and date_fermeture is null",
                     [[maintenant, i] for i in sorted(ouvertes - actuelles)])


def etat_alertes(base, maintenant: dt.datetime | None = None) -> list[dict]:
    """Every open alert with its state, for the report and `lister`: the columns of
    `alertes.alerte`, then `date_ouverture` (first seen by the nightly; None if not yet),
    `etat` ('nouvelle', 'vue' or 'traitee': the latest acknowledgement), `acquitte_par`,
    `date_acquittement`, `note`, and `est_en_retard` (open for more than
    BESTMARKET_ALERTES_RETARD_HEURES hours and not handled). `base`: a connection whose
    default catalog is the warehouse (`entrepot.connecter`)."""
    maintenant = maintenant or _maintenant()
    limite = maintenant - dt.timedelta(hours=reglages.ALERTES_RETARD_HEURES.decimal())
    suivi = _existe(base, SCHEMA, "acquittement") and _existe(base, SCHEMA, "alerte_vue")
    acquittements = (f"select * from {SCHEMA}.acquittement" if suivi else
                     "select null::varchar as id_alerte, null::varchar as acquitte_par, "
                     "null::timestamp as date_acquittement, null::varchar as etat, "
                     "null::varchar as note where false")
    vues = (f"select * from {SCHEMA}.alerte_vue" if suivi else
            "select null::varchar as id_alerte, null::timestamp as date_ouverture, "
            "null::timestamp as date_fermeture where false")
    alertes_ouvertes(base)  # a clear error when the mart is missing
    return _lignes(base, f"""
        with acquittements as ({acquittements}),
        vues as ({vues}),
        dernier_acquittement as (
            select id_alerte, etat, acquitte_par, date_acquittement, note
            from acquittements
            qualify row_number() over (
                partition by id_alerte order by date_acquittement desc, etat desc) = 1
        ),
        ouverture as (
            select id_alerte, max(date_ouverture) as date_ouverture
            from vues
            where date_fermeture is null
            group by id_alerte
        )
        select
            alerte.*,
            ouverture.date_ouverture,
            coalesce(dernier_acquittement.etat, 'nouvelle') as etat,
            dernier_acquittement.acquitte_par,
            dernier_acquittement.date_acquittement,
            dernier_acquittement.note,
            coalesce(ouverture.date_ouverture <= ?, false)
                and coalesce(dernier_acquittement.etat, '') <> 'traitee' as est_en_retard
        from alertes.alerte as alerte
        left join ouverture on alerte.id_alerte = ouverture.id_alerte
        left join dernier_acquittement on alerte.id_alerte = dernier_acquittement.id_alerte
        order by est_en_retard desc, alerte.gravite = 'info', alerte.type_alerte,
            alerte.libelle_portee, alerte.id_alerte
    """, [limite])


def chiffres(base, audience: str) -> dict:
    """The three figures of a digest: NPS with its 95 % margin and responses (the
    département's for a département), rows set aside in quarantine (the chain's: a rejected
    row is not always a store's)."""
    if audience.startswith("departement_"):
        lignes = _lignes(base, "select nps, marge_erreur_95, nb_reponses "
                               "from rapport.nps_par_departement where code_departement = ?",
                         [audience.removeprefix("departement_")])
    else:
        lignes = _lignes(base, "select nps, marge_erreur_95, nb_reponses from answers.nps_global")
    resultat = lignes[0] if lignes else {"nps": None, "marge_erreur_95": None, "nb_reponses": 0}
    resultat["nb_lignes_ecartees"] = base.execute(
        "select coalesce(sum(nb_lignes_rejetees), 0) "
        "from marts.rapprochement_lignes_brutes").fetchone()[0]
    return resultat


# ---- The digest --------------------------------------------------------------------------

@dataclass
class Digest:
    audience: str
    nuit: dt.date
    ouvertes: list[dict]          # every alert of the audience, with etat and est_en_retard
    nouvelles: list[dict]
    closes: list[dict]            # as the previous digest described them
    en_retard: list[dict]
    nouvellement_en_retard: set
    chiffres: dict
    precedent: dict | None        # the previous digest's row of `envoi`
    deja_envoye: bool

    @property
    def a_dire(self) -> bool:
        return bool(self.nouvelles or self.closes or self.nouvellement_en_retard)

    def sujet(self) -> str:
        parties = [_compte(len(self.nouvelles), "nouvelle", "nouvelles"),
                   _compte(len(self.closes), "close", "closes")]
        if self.en_retard:
            parties.append(f"{len(self.en_retard)} en retard")
        return (f"BestMarket · {libelle_audience(self.audience)} · alertes du "
                f"{date_fr(self.nuit)} : {', '.join(parties)}")


def _compte(nombre: int, singulier: str, pluriel: str) -> str:
    return f"{nombre} {singulier if nombre <= 1 else pluriel}"


def date_fr(jour: dt.date) -> str:
    return f"{jour.day}{'er' if jour.day == 1 else ''} {MOIS[jour.month - 1]} {jour.year}"


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def preparer(base, audience: str, nuit: dt.date, etats: list[dict]) -> Digest:
    """The digest of `audience` for `nuit`: what changed since its previous digest (the
    latest sent before `nuit`), so that a rerun of the night computes the same page."""
    ouvertes = pour_audience(etats, audience)
    precedents = _lignes(base, f"select * from {SCHEMA}.envoi where nature = 'digest' and "
                               "audience = ? and nuit < ? order by nuit desc limit 1",
                         [audience, nuit])
    precedent = precedents[0] if precedents else None
    portees = {}
    if precedent:
        portees = {a["id_alerte"]: a for a in _lignes(
            base, f"select * from {SCHEMA}.envoi_alerte where audience = ? and nuit = ?",
            [audience, precedent["nuit"]])}
    actuelles = {a["id_alerte"] for a in ouvertes}
    en_retard = [a for a in ouvertes if a["est_en_retard"]]
    deja = base.execute(f"select count(*) from {SCHEMA}.envoi where nature = 'digest' and "
                        "audience = ? and nuit = ?", [audience, nuit]).fetchone()[0] > 0
    return Digest(
        audience, nuit, ouvertes,
        nouvelles=[a for a in ouvertes if a["id_alerte"] not in portees],
        closes=[a for i, a in sorted(portees.items()) if i not in actuelles],
        en_retard=en_retard,
        nouvellement_en_retard={a["id_alerte"] for a in en_retard
                                if not portees.get(a["id_alerte"], {}).get("est_en_retard")},
        chiffres=chiffres(base, audience), precedent=precedent, deja_envoye=deja)


def _nombre(valeur, format_: str = ",.0f") -> str:
    if valeur is None:
        return "—"
    return format(valeur, format_).replace(",", "\u202f").replace(".", ",")


def lignes_chiffres(digest: Digest) -> list[tuple[str, str, str]]:
    """(label, value, previous digest's value) of the three figures."""
    actuel, avant = digest.chiffres, digest.precedent or {}

    def nps(ligne):
        if ligne.get("nps") is None:
            return "—"
        return (f"{_nombre(ligne['nps'], '+.1f')} ± {_nombre(ligne['marge_erreur_95'], '.1f')}"
                " points")

    portee = "du département" if digest.audience.startswith("departement_") else "du réseau"
    return [
        (f"NPS {portee} (marge à 95 %)", nps(actuel), nps(avant) if avant else "—"),
        (f"Réponses {portee}", _nombre(actuel["nb_reponses"]),
         _nombre(avant.get("nb_reponses")) if avant else "—"),
        ("Lignes écartées (quarantaine, tout le réseau)", _nombre(actuel["nb_lignes_ecartees"]),
         _nombre(avant.get("nb_lignes_ecartees")) if avant else "—"),
    ]


def _periode(alerte: dict) -> str:
    debut, fin = alerte.get("periode_debut"), alerte.get("periode_fin")
    if not debut:
        return ""
    return f"du {date_fr(debut)} au {date_fr(fin)}" if fin and fin != debut else \
        f"le {date_fr(debut)}"


STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2733;
       max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.3rem; margin-bottom: .2rem; }
h2 { font-size: 1.05rem; margin-top: 1.6rem; border-bottom: 1px solid #d5dbe1; }
.pour { color: #56636f; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: .3rem .5rem; border-bottom: 1px solid #e6eaee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
li { margin-bottom: .5rem; }
.alerte { color: #a4161a; font-weight: 600; }
.info { color: #56636f; font-weight: 600; }
.retard { color: #a4161a; }
.id { font-family: monospace; font-size: .8rem; color: #56636f; }
.rien { color: #56636f; font-style: italic; }
footer { margin-top: 2rem; font-size: .85rem; color: #56636f; }
"""


def _items(alertes: list[dict], vide: str, retard: bool = False) -> str:
    if not alertes:
        return f'<p class="rien">{html.escape(vide)}</p>'
    items = []
    for alerte in alertes:
        gravite = "alerte" if alerte.get("gravite") == "alerte" else "info"
        genre = TYPES.get(alerte.get("type_alerte"), alerte.get("type_alerte") or "")
        details = [html.escape(genre)]
        if _periode(alerte):
            details.append(html.escape(_periode(alerte)))
        if retard and alerte.get("date_ouverture"):
            details.append(f"ouverte le {html.escape(date_fr(alerte['date_ouverture'].date()))}"
                           f", {html.escape(alerte.get('etat', 'nouvelle'))}")
        items.append(
            f'<li><span class="{gravite}">{html.escape(alerte.get("libelle_portee") or "")}'
            f'</span> — {html.escape(alerte.get("message") or "")}<br>'
            f'<small>{" · ".join(details)} · <span class="id">'
            f'{html.escape(alerte["id_alerte"])}</span></small></li>')
    return "<ul>" + "".join(items) + "</ul>"


def page(digest: Digest) -> str:
    """The digest as a self-contained French HTML page (inline style, no link, no image)."""
    heures = _nombre(reglages.ALERTES_RETARD_HEURES.decimal(), ".0f")
    precedent = (f"depuis le digest du {date_fr(digest.precedent['nuit'])}"
                 if digest.precedent else "premier digest")
    chiffres_ = "".join(
        f"<tr><td>{html.escape(l)}</td><td class=\"n\">{html.escape(v)}</td>"
        f"<td class=\"n\">{html.escape(a)}</td></tr>" for l, v, a in lignes_chiffres(digest))
    vues = sum(a["etat"] == "vue" for a in digest.ouvertes)
    traitees = sum(a["etat"] == "traitee" for a in digest.ouvertes)
    titre = f"Alertes du {date_fr(digest.nuit)}"
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(titre)} · {html.escape(libelle_audience(digest.audience))}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>BestMarket · {html.escape(titre)}</h1>
<p class="pour">Pour : {html.escape(libelle_audience(digest.audience))} ·
{html.escape(precedent)}</p>
<h2>Les chiffres</h2>
<table><tr><th></th><th class="n">ce matin</th><th class="n">digest précédent</th></tr>
{chiffres_}</table>
<h2>Nouvelles alertes ({len(digest.nouvelles)})</h2>
{_items(digest.nouvelles, "Aucune nouvelle alerte.")}
<h2>Alertes closes ({len(digest.closes)})</h2>
{_items(digest.closes, "Aucune alerte close.")}
<h2 class="retard">En retard : ouvertes depuis plus de {heures} h, non traitées
({len(digest.en_retard)})</h2>
{_items(digest.en_retard, "Aucune alerte en retard.", retard=True)}
<p>Alertes encore ouvertes : {len(digest.ouvertes)} (dont {vues} vues, {traitees} traitées).</p>
<footer>Une alerte est levée une fois, tant que sa condition tient, et close quand elle cesse.
Pour marquer une alerte vue ou traitée (ou le demander à l'équipe data) :
<code>bestmarket alerts ack IDENTIFIANT --by NOM --state seen|handled --note "..."</code>.
Ce message ne contient aucun retour client.</footer>
</body>
</html>
"""


def texte(digest: Digest) -> str:
    """The same digest in plain text (the e-mail's alternative part)."""
    def bloc(titre, alertes):
        lignes = [f"{titre} ({len(alertes)})"]
        lignes += [f"- {a.get('libelle_portee') or ''} : {a.get('message') or ''} "
                   f"[{a['id_alerte']}]" for a in alertes] or ["- aucune"]
        return "\n".join(lignes)

    chiffres_ = "\n".join(f"- {l} : {v} (précédent : {a})" for l, v, a in lignes_chiffres(digest))
    return "\n\n".join([
        f"BestMarket · alertes du {date_fr(digest.nuit)} · {libelle_audience(digest.audience)}",
        chiffres_, bloc("Nouvelles alertes", digest.nouvelles),
        bloc("Alertes closes", digest.closes), bloc("En retard", digest.en_retard),
        "Ce message ne contient aucun retour client.",
    ]) + "\n"


def ecrire_page(dossier: Path, digest: Digest) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / f"{digest.audience}.html"
    provisoire = chemin.with_name(chemin.name + ".en-cours")
    provisoire.write_text(page(digest), encoding="utf-8")
    os.replace(provisoire, chemin)
    return chemin


def journaliser(base, digest: Digest, nb_destinataires: int, maintenant: dt.datetime) -> None:
    """Record a sent digest and the alerts it carried, in one transaction."""
    base.execute("begin transaction")
    base.execute(f"insert into {SCHEMA}.envoi values ('digest', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [digest.audience, digest.nuit, maintenant, nb_destinataires, digest.sujet(),
                  digest.chiffres["nps"], digest.chiffres["marge_erreur_95"],
                  digest.chiffres["nb_reponses"], digest.chiffres["nb_lignes_ecartees"]])
    _plusieurs(base, f"insert into {SCHEMA}.envoi_alerte values (?, ?, ?, ?, ?, ?, ?, ?)",
                     [[digest.audience, digest.nuit, a["id_alerte"], a.get("type_alerte"),
                       a.get("libelle_portee"), a.get("gravite"), a.get("message"),
                       bool(a["est_en_retard"])] for a in digest.ouvertes])
    base.execute("commit")


@dataclass
class Bilan:
    pages: dict = field(default_factory=dict)       # audience: path
    envoyes: dict = field(default_factory=dict)     # audience: recipients
    ignores: dict = field(default_factory=dict)     # audience: why not sent


def envoyer(entrepot: Path, nuit: dt.date | None = None, dossier: Path | None = None,
            maintenant: dt.datetime | None = None) -> Bilan:
    """The nightly's digests (see the module's docstring); EchecEnvoi, after logging what was
    sent, when the SMTP server fails."""
    maintenant = maintenant or _maintenant()
    nuit = nuit or maintenant.date()
    dossier = dossier or reglages.ALERTES_DOSSIER.chemin()
    reglage = serveur()
    bilan = Bilan()
    with verrou(entrepot, "alert digests"), connecter(entrepot, lecture_seule=False) as base:
        creer_tables(base)
        noter_ouvertures(base, alertes_ouvertes(base), maintenant)
        etats = etat_alertes(base, maintenant)
        digests = [preparer(base, audience, nuit, etats) for audience in audiences()]
        for digest in digests:
            bilan.pages[digest.audience] = ecrire_page(dossier, digest)
        a_envoyer = []
        for digest in digests:
            adresses = destinataires(digest.audience)
            if digest.deja_envoye:
                bilan.ignores[digest.audience] = f"already sent for the night of {nuit}"
            elif not digest.a_dire:
                bilan.ignores[digest.audience] = "nothing new since its previous digest"
            elif reglage is None:
                bilan.ignores[digest.audience] = (f"no SMTP server "
                                                  f"({reglages.SMTP_SERVEUR.variable})")
            elif not adresses:
                bilan.ignores[digest.audience] = (f"no recipient "
                                                  f"({variable_destinataires(digest.audience)})")
            else:
                a_envoyer.append((digest, adresses))
        if reglage is not None:
            # The session is opened even with nothing to send: a wrong password or a server
            # gone fails this night, not the first night with an alert.
            with connexion(reglage) as smtp:
                for digest, adresses in a_envoyer:
                    envoyer_message(smtp, message(reglage, adresses, digest.sujet(),
                                                  texte(digest), page(digest)))
                    journaliser(base, digest, len(adresses), maintenant)
                    bilan.envoyes[digest.audience] = adresses
    return bilan


# ---- The data team's messages ------------------------------------------------------------

def etape_en_echec(etapes_github: str) -> str:
    """The id of the first failed step in the JSON of a workflow's `steps` context."""
    try:
        etapes = json.loads(etapes_github or "{}")
    except json.JSONDecodeError:
        etapes = {}
    echouees = [nom for nom, etat in etapes.items()
                if isinstance(etat, dict) and etat.get("outcome") == "failure"]
    return echouees[0] if echouees else "an unknown step"


def signaler_echec(entrepot: Path, etape: str, code: int | None = None,
                   nuit: dt.date | None = None,
                   maintenant: dt.datetime | None = None) -> str:
    """Send the data team one message naming the step where the night stopped; once per
    night when the warehouse can record it. Return what was done."""
    maintenant = maintenant or _maintenant()
    nuit = nuit or maintenant.date()
    reglage = serveur()
    adresses = destinataires(EQUIPE_DATA)
    if reglage is None or not adresses:
        return (f"no message: set {reglages.SMTP_SERVEUR.variable} and "
                f"{variable_destinataires(EQUIPE_DATA)}")
    sortie = f" (exit {code})" if code is not None else ""
    sujet = f"BestMarket · la nuit du {date_fr(nuit)} s'est arrêtée : {etape}"
    corps = (f"La nuit du {date_fr(nuit)} s'est arrêtée à l'étape « {etape} »{sortie}.\n\n"
             "Les étapes suivantes n'ont pas été faites. Une nuit arrêtée avant la fin du "
             "rafraîchissement laisse l'entrepôt de la veille intact ; le journal de la nuit "
             "dit la cause. Relancer la nuit une fois la cause réglée : elle n'envoie aucun "
             "digest deux fois.\n")

    def envoyer_une_fois(base):
        if base is not None:
            creer_tables(base)
            if base.execute(f"select count(*) from {SCHEMA}.envoi where nature = 'echec' "
                            "and audience = ? and nuit = ?", [EQUIPE_DATA, nuit]).fetchone()[0]:
                return f"the data team was already told of the night of {nuit}"
        with connexion(reglage) as smtp:
            envoyer_message(smtp, message(reglage, adresses, sujet, corps))
        if base is not None:
            base.execute(f"insert into {SCHEMA}.envoi values ('echec', ?, ?, ?, ?, ?, null, "
                         "null, null, null)", [EQUIPE_DATA, nuit, maintenant, len(adresses),
                                               sujet])
        return f"the data team was told: {', '.join(adresses)}"

    if not entrepot.is_file():
        return envoyer_une_fois(None)
    try:
        with verrou(entrepot, "failure message"), \
                connecter(entrepot, lecture_seule=False) as base:
            return envoyer_une_fois(base)
    except VerrouPris:
        return envoyer_une_fois(None)


def essai(a: list[str] | None = None) -> list[str]:
    """Send a test message to `a` (default: the data team's recipients); return them."""
    reglage = serveur()
    if reglage is None:
        raise ConfigurationInvalide(f"no SMTP server: set {reglages.SMTP_SERVEUR.variable}")
    adresses = a or destinataires(EQUIPE_DATA)
    if not adresses:
        raise ConfigurationInvalide(f"no recipient: give one, or set "
                                    f"{variable_destinataires(EQUIPE_DATA)}")
    with connexion(reglage) as smtp:
        envoyer_message(smtp, message(
            reglage, adresses, "BestMarket · message d'essai des alertes",
            "Ceci est un message d'essai de RetailInsight360 : le serveur "
            f"{reglage.hote}:{reglage.port} accepte la connexion chiffrée (STARTTLS) et "
            "l'identifiant configuré. Les digests du matin partiront de la même façon.\n"))
    return adresses


# ---- Acknowledgements --------------------------------------------------------------------

def acquitter(entrepot: Path, id_alerte: str, par: str, etat: str, note: str = "",
              maintenant: dt.datetime | None = None) -> None:
    """Record that `par` saw (`vue`) or handled (`traitee`) the alert `id_alerte`, under the
    warehouse lock; ValueError for an unknown alert, state, an empty or too long name."""
    par, note = par.strip(), (note or "").strip()
    if etat not in ETATS:
        raise ValueError(f"unknown state {etat!r}: one of {', '.join(ETATS)}")
    if not par or len(par) > LONGUEUR_NOM:
        raise ValueError(f"give who acknowledges, in 1 to {LONGUEUR_NOM} characters")
    if len(note) > LONGUEUR_NOTE:
        raise ValueError(f"the note holds at most {LONGUEUR_NOTE} characters")
    with verrou(entrepot, "alert acknowledgement"), \
            connecter(entrepot, lecture_seule=False) as base:
        creer_tables(base)
        connues = {a["id_alerte"] for a in alertes_ouvertes(base)}
        connues |= {i for i, in base.execute(
            f"select id_alerte from {SCHEMA}.alerte_vue").fetchall()}
        if id_alerte not in connues:
            raise ValueError(f"no alert {id_alerte!r} in {entrepot} (bestmarket alerts list)")
        base.execute(f"insert into {SCHEMA}.acquittement values (?, ?, ?, ?, ?)",
                     [id_alerte, par, maintenant or _maintenant(), etat, note or None])


# ---- Command line ------------------------------------------------------------------------

def _date(texte: str) -> dt.date:
    return dt.date.fromisoformat(texte)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrepot", type=Path, default=reglages.chemin_entrepot())
    commandes = parser.add_subparsers(dest="commande", required=True)
    envoi = commandes.add_parser("envoyer", help="write and send the morning digests")
    envoi.add_argument("--nuit", type=_date, help="the night, YYYY-MM-DD (default: today, UTC)")
    envoi.add_argument("--dossier", type=Path, help=reglages.ALERTES_DOSSIER.aide)
    echec = commandes.add_parser("echec", help="tell the data team the night failed")
    echec.add_argument("--etape", help="the step that failed")
    echec.add_argument("--code", type=int, help="its exit code")
    echec.add_argument("--etapes-github", default="",
                       help="the JSON of a GitHub workflow's `steps` context")
    essai_ = commandes.add_parser("essai", help="send a test message")
    essai_.add_argument("--a", action="append", help="recipient (repeatable; default: the "
                        f"data team, {variable_destinataires(EQUIPE_DATA)})")
    acquit = commandes.add_parser("acquitter", help="mark an alert seen or handled")
    acquit.add_argument("id_alerte")
    acquit.add_argument("--par", required=True, help="who")
    acquit.add_argument("--etat", required=True, choices=ETATS)
    acquit.add_argument("--note", default="")
    commandes.add_parser("lister", help="the open alerts and their state")
    args = parser.parse_args(argv)
    try:
        if args.commande == "envoyer":
            bilan = envoyer(args.entrepot, args.nuit, args.dossier)
            for audience, adresses in bilan.envoyes.items():
                print(f"{audience}: sent to {', '.join(adresses)}")
            for audience, pourquoi in bilan.ignores.items():
                print(f"{audience}: not sent, {pourquoi}")
            if bilan.pages:
                print(f"digests written in {next(iter(bilan.pages.values())).parent}")
        elif args.commande == "echec":
            etape = args.etape or etape_en_echec(args.etapes_github)
            print(signaler_echec(args.entrepot, etape, args.code))
        elif args.commande == "essai":
            print(f"test message sent to {', '.join(essai(args.a))}")
        elif args.commande == "acquitter":
            acquitter(args.entrepot, args.id_alerte, args.par, args.etat, args.note)
            print(f"{args.id_alerte}: {args.etat} by {args.par}")
        else:
            with connecter(args.entrepot) as base:
                for alerte in etat_alertes(base):
                    retard = " EN RETARD" if alerte["est_en_retard"] else ""
                    print(f"{alerte['id_alerte']}\t{alerte['etat']}{retard}\t"
                          f"{alerte['message']}")
    except VerrouPris as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return CODE_VERROU_PRIS
    except ConfigurationInvalide as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 2
    except EchecEnvoi as erreur:
        print(f"error: {erreur}; the messages sent before are logged, the others are not sent "
              "(run `bestmarket alerts send` again once it is fixed)", file=sys.stderr)
        return 1
    except (AlertesAbsentes, ValueError) as erreur:
        print(f"error: {erreur}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
