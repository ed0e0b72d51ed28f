"""A real SMTP server on the loopback for the digest tests (aiosmtpd): STARTTLS required, with
a certificate of an authority generated for the run, and AUTH LOGIN required before any mail.
It keeps every message it accepted."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTILISATEUR = "alertes@bestmarket.test"


def _nom(texte: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, texte)])


def certificats(dossier: Path) -> tuple[Path, Path, Path]:
    """(authority PEM, server certificate PEM, server key PEM) for 127.0.0.1 and localhost."""
    maintenant = dt.datetime.now(dt.timezone.utc)
    cle_ac = ec.generate_private_key(ec.SECP256R1())
    ac = (x509.CertificateBuilder().subject_name(_nom("AC d'essai")).issuer_name(_nom("AC d'essai"))
          .public_key(cle_ac.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(maintenant - dt.timedelta(minutes=5))
          .not_valid_after(maintenant + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle_ac.public_key()),
                         critical=False)
          .sign(cle_ac, hashes.SHA256()))
    cle = ec.generate_private_key(ec.SECP256R1())
    serveur = (x509.CertificateBuilder().subject_name(_nom("localhost")).issuer_name(ac.subject)
               .public_key(cle.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(maintenant - dt.timedelta(minutes=5))
               .not_valid_after(maintenant + dt.timedelta(days=1))
               .add_extension(x509.SubjectAlternativeName([
                   x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                   critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   cle_ac.public_key()), critical=False)
               .sign(cle_ac, hashes.SHA256()))
    chemins = dossier / "ac.pem", dossier / "serveur.pem", dossier / "serveur.key"
    chemins[0].write_bytes(ac.public_bytes(serialization.Encoding.PEM))
    chemins[1].write_bytes(serveur.public_bytes(serialization.Encoding.PEM))
    chemins[2].write_bytes(cle.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    return chemins


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@dataclass
class Recu:
    expediteur: str
    destinataires: list[str]
    message: email.message.EmailMessage
    utilisateur: str
    tls: bool

    def texte(self) -> str:
        """Subject and every text part, decoded (what a reader reads)."""
        parties = [str(self.message["Subject"])]
        for partie in self.message.walk():
            if partie.get_content_maintype() == "text":
                parties.append(partie.get_content())
        return "\n".join(parties)

    def html(self) -> str:
        partie = self.message.get_body(("html",))
        return partie.get_content() if partie else ""


@dataclass
class ServeurSmtp:
    port: int
    autorite: Path
    mot_de_passe: str
    recus: list[Recu] = field(default_factory=list)
    connexions_refusees: int = 0

    def environnement(self, **autres) -> dict:
        """The settings that point the product at this server."""
        return {"BESTMARKET_SMTP_SERVEUR": "127.0.0.1", "BESTMARKET_SMTP_PORT": str(self.port),
                "BESTMARKET_SMTP_UTILISATEUR": UTILISATEUR,
                "BESTMARKET_SMTP_MOT_DE_PASSE": self.mot_de_passe,
                "BESTMARKET_SMTP_CA": str(self.autorite), "BESTMARKET_SMTP_DELAI": "10",
                "BESTMARKET_ALERTES_EXPEDITEUR": UTILISATEUR, **autres}

    # aiosmtpd's handler and authenticator
    def __call__(self, serveur, session, enveloppe, mecanisme, donnees) -> AuthResult:
        bon = (isinstance(donnees, LoginPassword) and donnees.login.decode() == UTILISATEUR
               and donnees.password.decode() == self.mot_de_passe)
        if not bon:
            self.connexions_refusees += 1
        # handled=False: aiosmtpd answers (235, or 535 on a refusal) itself.
        return AuthResult(success=bon, handled=False,
                          auth_data=donnees.login.decode() if bon else None)

    async def handle_DATA(self, serveur, session, enveloppe):
        self.recus.append(Recu(
            enveloppe.mail_from, list(enveloppe.rcpt_tos),
            email.message_from_bytes(enveloppe.original_content or enveloppe.content,
                                     policy=email.policy.default),
            session.auth_data or "",
            session.ssl is not None))
        return "250 OK"


def demarrer(dossier: Path, mot_de_passe: str):
    """Start the server; return (ServeurSmtp, its Controller: stop() it)."""
    import ssl

    autorite, certificat, cle = certificats(dossier)
    contexte = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    contexte.load_cert_chain(certificat, cle)
    etat = ServeurSmtp(port_libre(), autorite, mot_de_passe)
    controleur = Controller(etat, hostname="127.0.0.1", port=etat.port, tls_context=contexte,
                            require_starttls=True, auth_required=True, auth_require_tls=True,
                            authenticator=etat, auth_exclude_mechanism=["PLAIN"])
    controleur.start()
    return etat, controleur
