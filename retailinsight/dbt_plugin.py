"""dbt-duckdb plugin: load the offline DuckDB extensions and attach the CRM database.

dbt-duckdb calls `configure_connection` on every new connection, before anything else runs.
The plugin
1. checks that the raw folder holds every expected file, and stops with an error naming the
   missing one (a missing SQLite file would otherwise be created empty by the attach); the
   optional `objectifs_nps.csv` (the business's NPS targets) is checked the same way when
   present, and read as an empty file when not;
2. loads the `sqlite_scanner` extension from the PyPI wheel pinned in requirements.txt (no
   extension repository is reachable here);
3. attaches `Satisfaction.db` read-only as the catalog `crm`, every column read as text so that
   a malformed value reaches the quarantine instead of failing the scan;
4. applies the engine limits of the profile (`memory_limit`, `threads`, `temp_directory`), so a
   build larger than memory spills to disk instead of failing;
5. tells the CSV sources which file to read and with which decoder, per export, through the
   DuckDB variables `bestmarket_fichier_<export>` and `bestmarket_encodage_<export>` (the path
   is never pasted into SQL). Windows-1252 and latin-1 differ only on bytes 0x80-0x9F, so an
   export without such a byte is read by DuckDB's built-in `latin-1` decoder, which is parallel
   and gives exactly the Windows-1252 text. An export with such a byte (`produit.csv` holds
   0x9C in `Plats au bœuf`) is decoded from Windows-1252 by Python into a private UTF-8 copy
   that lives as long as the dbt process, and DuckDB reads that copy: no 350 MB `encodings`
   extension to load at every start, and a byte that Windows-1252 leaves undefined stops the
   build with the file, the line and the byte.

The raw folder may be a bucket prefix (`BESTMARKET_RAW_DIR=s3://bucket/prefix`,
`retailinsight.stockage`): the same checks run on the objects (the first pass streams each
export), DuckDB reads the CSV exports through its httpfs extension under a temporary secret,
and the SQLite CRM file, which SQLite cannot read remotely, is downloaded into a private
temporary file (0600) that lives as long as the dbt process.
"""

from __future__ import annotations

import atexit
import codecs
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

from retailinsight import reglages, stockage
from retailinsight.sql import litteral

FICHIERS_BRUTS = ("Satisfaction.db", "retour_client.csv", "produit.csv", "ref_magasin.csv")
EXTENSIONS = {
    "duckdb_extension_sqlite_scanner": "sqlite_scanner",
}


ECHANTILLON = Path(reglages.DOSSIER_BRUT.defaut)
FICHIERS_CSV = ("retour_client", "produit", "ref_magasin")
# Exports the business may leave out: the monthly NPS targets it maintains beside the exports
# (without it, the seed `objectifs_nps` gives them). Checked and read like the others when present.
FICHIERS_OPTIONNELS = ("objectifs_nps.csv",)
# Bytes that Windows-1252 maps to other characters than latin-1 does (or leaves undefined).
OCTETS_PROPRES_CP1252 = bytes(range(0x80, 0xA0))
TAILLE_BLOC = 1 << 23
# The longest raw line read (bytes); a real export line is under 200.
LONGUEUR_LIGNE_MAX = 1 << 20
NL = b"\n"


class FichierBrutInvalide(RuntimeError):
    """A raw input file is missing, unreadable or not in the expected format."""


def chemin_extension(paquet: str, nom: str) -> Path:
    """Path of the extension binary shipped in the PyPI wheel `paquet`."""
    import duckdb

    spec = importlib.util.find_spec(paquet)
    if spec is None or not spec.submodule_search_locations:
        raise FichierBrutInvalide(f"Python package {paquet} is not installed "
                                  "(pip install -r requirements.txt)")
    racine = Path(list(spec.submodule_search_locations)[0])
    fichier = racine / "extensions" / f"v{duckdb.__version__}" / f"{nom}.duckdb_extension"
    if not fichier.is_file():
        raise FichierBrutInvalide(f"DuckDB extension binary not found: {fichier}")
    return fichier


def ouvrir_brut(fichier):
    """A raw file's bytes as a binary stream: a local file, or a bucket's object."""
    if isinstance(fichier, stockage.Objet):
        return stockage.ouvrir(fichier)
    return open(fichier, "rb")


def _verifier_objets(dossier: stockage.Objet) -> stockage.Objet:
    """`verifier_dossier_brut` for a bucket prefix: every object present and readable (the
    optional ones when present), no byte-order mark, a SQLite database."""
    s3 = stockage.client()
    try:
        for nom in FICHIERS_BRUTS:
            if stockage.decrire(dossier / nom, s3) is None:
                raise FichierBrutInvalide(f"raw file missing: {dossier / nom} "
                                          "(set BESTMARKET_RAW_DIR to a prefix holding it)")
        presents = tuple(nom for nom in FICHIERS_OPTIONNELS
                         if stockage.decrire(dossier / nom, s3) is not None)
        for nom in FICHIERS_BRUTS[1:] + presents:
            if stockage.lire_debut(dossier / nom, 3, s3) == b"\xef\xbb\xbf":
                raise FichierBrutInvalide(
                    f"raw file rejected: {dossier / nom}, line 1: starts with a UTF-8 "
                    "byte-order mark, but the exports must be Windows-1252 without BOM")
        if stockage.lire_debut(dossier / "Satisfaction.db", 16, s3) != b"SQLite format 3\x00":
            raise FichierBrutInvalide(f"raw file unreadable: {dossier / 'Satisfaction.db'} is "
                                      "not a SQLite database")
    except stockage.StockageInaccessible as erreur:
        raise FichierBrutInvalide(f"raw folder unreadable: {erreur}") from None
    return dossier


def verifier_dossier_brut(dossier):
    """Return the raw folder as a Path (or a bucket prefix, `stockage.Objet`), or raise naming
    the first missing/unreadable file."""
    dossier = stockage.emplacement(dossier)
    if isinstance(dossier, stockage.Objet):
        return _verifier_objets(dossier)
    presents = [nom for nom in FICHIERS_OPTIONNELS
                if (dossier / nom).exists() or (dossier / nom).is_symlink()]
    for nom in FICHIERS_BRUTS + tuple(presents):
        fichier = dossier / nom
        if fichier.is_symlink() or (fichier.exists() and not fichier.is_file()):
            raise FichierBrutInvalide(
                f"raw file refused: {fichier} is a symbolic link or not a regular file (the "
                "raw folder may itself be a link, the files in it must be regular files)")
        if not fichier.is_file():
            raise FichierBrutInvalide(f"raw file missing: {fichier} "
                                      "(set BESTMARKET_RAW_DIR to a folder holding it)")
        if fichier.resolve().parent != dossier.resolve():
            raise FichierBrutInvalide(f"raw file refused: {fichier} lies outside the raw folder")
        try:
            with open(fichier, "rb") as flux:
                flux.read(1)
        except OSError as erreur:
            raise FichierBrutInvalide(f"raw file unreadable: {fichier}: {erreur}") from erreur
    for nom in FICHIERS_BRUTS[1:] + tuple(presents):
        with open(dossier / nom, "rb") as flux:
            if flux.read(3) == b"\xef\xbb\xbf":
                raise FichierBrutInvalide(
                    f"raw file rejected: {dossier / nom}, line 1: starts with a UTF-8 byte-order "
                    "mark, but the exports must be Windows-1252 without BOM (re-export it, or "
                    "convert it with `iconv -f utf-8 -t cp1252`)")
    with open(dossier / "Satisfaction.db", "rb") as flux:
        if flux.read(16) != b"SQLite format 3\x00":
            raise FichierBrutInvalide(
                f"raw file unreadable: {dossier / 'Satisfaction.db'} is not a SQLite database")
    return dossier


def extrait(octets: bytes, longueur: int = 40) -> str:
    """At most `longueur` characters of a raw line, control characters escaped: what an error
    message may quote of the data."""
    texte = octets[:longueur].decode("cp1252", errors="replace")
    return texte.encode("unicode_escape").decode("ascii")[:2 * longueur] + "…"


def _ligne_trop_longue(fichier) -> tuple[int, bytes] | None:
    """(number, first 40 bytes) of the first line of `fichier` over LONGUEUR_LIGNE_MAX bytes,
    or None; holds at most about that much of a line at once."""
    with ouvrir_brut(fichier) as flux:
        ligne = 1
        while morceau := flux.readline(LONGUEUR_LIGNE_MAX + 3):
            if len(morceau.rstrip(b"\r\n")) > LONGUEUR_LIGNE_MAX:
                return ligne, morceau[:40]
            ligne += 1
    return None


def encodage_csv(fichier) -> str:
    """DuckDB decoder for a Windows-1252 export: `latin-1` when that gives the same text.

    Reads the file's bytes once, in blocks (bounded memory, about 1 s per GB), looking for a
    byte in 0x80-0x9F; DuckDB's latin-1 decoder refuses those, so they need `CP1252`. The same
    pass refuses, naming the file and the line, a NUL byte (DuckDB's reader would turn it into
    a space, and a label into another one) and a line over LONGUEUR_LIGNE_MAX bytes (DuckDB's
    error would quote the whole line into dbt's logs and run results).

    Long lines are found without splitting the lines: a line over LONGUEUR_LIGNE_MAX bytes
    covers a whole window of half that size aligned on the file's start, so one search for a
    newline per window (and the length of the line under way across blocks) finds every
    candidate; only then are the lines read one by one (`_ligne_trop_longue`), once.
    """
    encodage, ligne, debut_ligne, position = "latin-1", 1, 0, 0
    fenetre = LONGUEUR_LIGNE_MAX // 2
    lignes_mesurees = False
    with ouvrir_brut(fichier) as flux:
        while bloc := flux.read(TAILLE_BLOC):
            if encodage == "latin-1" and \
                    len(bloc.translate(None, OCTETS_PROPRES_CP1252)) != len(bloc):
                encodage = "CP1252"
            nul = bloc.find(b"\0")
            if nul >= 0:
                raise FichierBrutInvalide(
                    f"raw file rejected: {fichier}, line {ligne + bloc.count(NL, 0, nul)}: "
                    "holds a NUL byte (0x00), which no export may hold")
            premier = bloc.find(NL)
            fin_premiere = position + (premier if premier >= 0 else len(bloc))
            fenetres = range(-(-position // fenetre) * fenetre, position + len(bloc) - fenetre + 1,
                             fenetre)
            if not lignes_mesurees and (fin_premiere - debut_ligne > LONGUEUR_LIGNE_MAX or any(
                    bloc.find(NL, debut - position, debut - position + fenetre) < 0
                    for debut in fenetres)):
                lignes_mesurees = True
                trop_longue = _ligne_trop_longue(fichier)
                if trop_longue is not None:
                    numero, debut = trop_longue
                    raise FichierBrutInvalide(
                        f"raw file rejected: {fichier}, line {numero}: over the "
                        f"{LONGUEUR_LIGNE_MAX:,} bytes a line may hold (starts "
                        f"'{extrait(debut)}'): fix the export at the source")
            if premier >= 0:
                ligne += bloc.count(NL)
                debut_ligne = position + bloc.rfind(NL) + 1
            position += len(bloc)
    return encodage


def transcoder_cp1252(fichier, destination: Path) -> None:
    """Write `fichier` (Windows-1252) to `destination` as UTF-8, line for line, in blocks.

    A byte that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) raises
    FichierBrutInvalide naming the file, the line and the byte.
    """
    decodeur = codecs.getincrementaldecoder("cp1252")()
    ligne = 1
    with ouvrir_brut(fichier) as entree, open(destination, "w", encoding="utf-8",
                                                   newline="") as sortie:
        while True:
            bloc = entree.read(TAILLE_BLOC)
            try:
                sortie.write(decodeur.decode(bloc, final=not bloc))
            except UnicodeDecodeError as erreur:
                ligne += bloc.count(b"\n", 0, erreur.start)
                octet = bloc[erreur.start]
                raise FichierBrutInvalide(
                    f"raw file rejected: {fichier}, Line: {ligne}: byte 0x{octet:02X} is "
                    "undefined in Windows-1252 (the exports must be Windows-1252)") from None
            if not bloc:
                return
            ligne += bloc.count(b"\n")


def nettoyer_copies_orphelines() -> None:
    """Remove the UTF-8 copies and downloaded CRM files left by a dbt process that was killed
    (atexit never ran): `bestmarket-utf8-<pid>-*` and `bestmarket-crm-<pid>-*` folders whose
    process is gone. Where no /proc tells which processes live (Windows, macOS), nothing is
    removed: the temporary folder's own cleanup is left to the system."""
    for prefixe in ("bestmarket-utf8-", PREFIXE_CRM):
        stockage.nettoyer_orphelins(prefixe)


PREFIXE_CRM = "bestmarket-crm-"


def telecharger_crm(dossier: stockage.Objet) -> Path:
    """Download the CRM database of a bucket prefix into a private temporary folder (0700,
    the file 0600), removed when the process ends (and by `nettoyer_copies_orphelines` if it
    is killed); a failed download leaves nothing."""
    nettoyer_copies_orphelines()
    prive = stockage.dossier_prive(PREFIXE_CRM)
    try:
        copie = stockage.telecharger(dossier / "Satisfaction.db", prive / "Satisfaction.db")
    except BaseException as erreur:
        shutil.rmtree(prive, ignore_errors=True)
        if isinstance(erreur, stockage.StockageInaccessible):
            raise FichierBrutInvalide(f"raw file unreadable: {erreur}") from None
        raise
    atexit.register(shutil.rmtree, prive, True)
    return copie


def reglages_moteur(config: dict, chemin_entrepot: str | None) -> dict:
    """DuckDB limits from the profile's plugin config, with defaults for a shared machine:
    memory_limit 2GB, threads = the machine's cores, temp_directory beside the warehouse."""
    reglages = {
        "memory_limit": str(config.get("memory_limit") or reglages.MEMOIRE_DUCKDB.defaut),
        "threads": str(config.get("threads") or os.cpu_count() or 1),
    }
    dossier_temp = config.get("temp_directory")
    if not dossier_temp and chemin_entrepot and chemin_entrepot != ":memory:":
        dossier_temp = str(Path(chemin_entrepot).expanduser().resolve()) + ".tmp"
    if dossier_temp:
        reglages["temp_directory"] = str(dossier_temp)
    return reglages


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        # The raw folder comes from the environment, not from the profile: dbt re-parses the
        # whole project whenever the profile's rendered values change, and the raw folder does
        # not change what the project parses to.
        self.dossier_brut = reglages.DOSSIER_BRUT.texte()
        self.config_moteur = {cle: plugin_config.get(cle)
                              for cle in ("memory_limit", "threads", "temp_directory")}
        self.chemin_entrepot = None
        self.lectures = None
        self.variables = None
        self.crm = None  # the CRM database's local file (a download, for a bucket)

    def update_connection_config(self, creds, config):
        """Point DuckDB at the refresh's working copy when the refresh names one, and create
        the folder of the file DuckDB opens (it does not).

        The refresh (retailinsight.rafraichir) builds a copy of the warehouse and names it in
        BESTMARKET_WAREHOUSE_EN_COURS; the profile keeps the warehouse's own path. dbt hashes
        the rendered profile to decide whether its saved parse state still holds, so a refresh
        and a direct dbt command (`dbt docs generate`, `dbt source freshness`) share one parse
        state instead of parsing the whole project again at every switch (about 6 s). The copy
        has the warehouse's file name, in another folder: DuckDB names the database after the
        file, and dbt's SQL names that database. The variable is the refresh's alone: one
        left set in a shell after its refresh ended names a folder that no longer exists, and
        is refused rather than sending a build's writes to a copy nobody will swap in."""
        copie = os.environ.get("BESTMARKET_WAREHOUSE_EN_COURS")
        if copie and creds.path and creds.path != ":memory:":
            entrepot = Path(creds.path)
            dossier = Path(copie).parent
            if Path(copie).name != entrepot.name or dossier.name != entrepot.name + ".en-cours" \
                    or not dossier.is_dir():
                raise RuntimeError(
                    f"BESTMARKET_WAREHOUSE_EN_COURS={copie} names no refresh working copy of "
                    f"{creds.path} (the refresh sets it for its own dbt run; unset it)")
            creds.path = copie
        if creds.path and creds.path != ":memory:":
            Path(creds.path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
            self.chemin_entrepot = creds.path

    def _lectures(self) -> dict:
        """{export: (file DuckDB reads, decoder)}, decided once per dbt process."""
        if self.lectures is None:
            dossier = stockage.emplacement(self.dossier_brut)
            lectures = {}
            copies = None
            for nom in FICHIERS_CSV + tuple(Path(f).stem for f in FICHIERS_OPTIONNELS):
                fichier = dossier / f"{nom}.csv"
                if isinstance(fichier, Path):
                    fichier = fichier.resolve()
                    present = fichier.exists()
                else:
                    present = stockage.decrire(fichier) is not None
                if not present:
                    fichier = None  # an optional export left out: read as an empty file
                elif encodage_csv(fichier) == "latin-1":
                    lectures[nom] = (fichier, "latin-1")
                    continue
                if copies is None:
                    nettoyer_copies_orphelines()
                    copies = Path(tempfile.mkdtemp(prefix=f"bestmarket-utf8-{os.getpid()}-"))
                    atexit.register(shutil.rmtree, copies, True)
                copie = copies / f"{nom}.csv"
                if fichier is None:
                    copie.write_bytes(b"")
                else:
                    transcoder_cp1252(fichier, copie)
                lectures[nom] = (copie, "utf-8")
            self.lectures = lectures
        return self.lectures

    def configure_connection(self, conn):
        dossier = verifier_dossier_brut(self.dossier_brut)
        for cle, valeur in reglages_moteur(self.config_moteur, self.chemin_entrepot).items():
            conn.execute(f"set global {cle} = {litteral(valeur)}")
        for paquet, nom in EXTENSIONS.items():
            conn.execute(f"load {litteral(chemin_extension(paquet, nom))}")
        conn.execute("set global sqlite_all_varchar = true")
        if isinstance(dossier, stockage.Objet):
            conn.execute("load "
                         f"{litteral(chemin_extension('duckdb_extension_httpfs', 'httpfs'))}")
            for instruction in stockage.instructions_duckdb():
                conn.execute(instruction)
            if self.crm is None:
                self.crm = telecharger_crm(dossier)
        else:
            self.crm = (dossier / "Satisfaction.db").resolve()
        base = litteral(self.crm)
        deja = conn.execute(
            "select count(*) from duckdb_databases() where database_name = 'crm'").fetchone()[0]
        if not deja:
            conn.execute(f"attach {base} as crm (type sqlite, read_only)")
        self.configure_cursor(conn)

    def _variables_registre(self) -> list[str]:
        """The GDPR register as DuckDB variables, for ingestion to leave out what it names:
        `bestmarket_registre_cles` (list of keyed hashes), `bestmarket_sel_registre` (the salt,
        '' when no key was erased) and `bestmarket_retention_limite` (date, or null)."""
        from retailinsight import registre
        from retailinsight.reglages import chemin_registre

        entrepot = Path(self.chemin_entrepot) if self.chemin_entrepot else None
        if entrepot is not None and entrepot.parent.name.endswith(".en-cours"):
            entrepot = entrepot.parent.parent / entrepot.name  # the refresh's working copy
        empreintes, limite = registre.lire(chemin_registre(entrepot))
        sel = registre.sel() if empreintes else ""
        liste = "[" + ", ".join(litteral(e) for e in sorted(empreintes)) + "]::varchar[]"
        return [f"set variable bestmarket_registre_cles = {liste}",
                f"set variable bestmarket_sel_registre = {litteral(sel)}",
                "set variable bestmarket_retention_limite = "
                + (f"date {litteral(limite.isoformat())}" if limite else "null::date")]

    def configure_cursor(self, cursor):
        """Per-connection state, as DuckDB variables: the raw folder (for the freshness
        queries) and each CSV export's file and decoder. dbt opens a cursor for every node, so
        the statements are written once per process and sent in one call."""
        if self.variables is None:
            dossier = stockage.emplacement(self.dossier_brut)
            if isinstance(dossier, Path):
                dossier = dossier.resolve()
            instructions = [f"set variable bestmarket_dossier_brut = {litteral(dossier)}"]
            instructions += self._variables_registre()
            for nom, (fichier, encodage) in self._lectures().items():
                instructions.append(f"set variable bestmarket_fichier_{nom} = {litteral(fichier)}")
                instructions.append(
                    f"set variable bestmarket_encodage_{nom} = {litteral(encodage)}")
            self.variables = ";\n".join(instructions)
        cursor.execute(self.variables)
