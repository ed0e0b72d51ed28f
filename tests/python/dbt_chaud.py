"""A warm dbt for the test suite: dbt's start-up without its 2-3 s of imports.

Most of a small dbt command's time here is Python importing dbt (about 2 s of CPU, and as
much again compiling its dataclasses' serialisers), paid again by each of the suite's ~45
dbt commands on 2 cores. The server below imports dbt, dbt-duckdb and the project's plugin
once, warms dbt up (`_echauffer`: a parse and a `dbt ls`, so that what dbt builds on first use
is built), then forks one child per command: the child starts with all of that in memory and
runs dbt's own command line (`dbt.cli.main.cli`), as the `dbt` executable does.

    python tests/python/dbt_chaud.py servir <socket> [<state>]   the server (one per worker;
                                                         <state>: shared parse state)
    <client> <dbt arguments...>                          what the suite runs instead of dbt

The client (`ecrire_client`: a script with this file's interpreter) sends its arguments, its
working directory, its environment and its open file descriptors (standard streams, and the
refresh's lock file, which dbt must hold) over a Unix socket; the child takes them over, runs
dbt, runs the exit handlers (the plugin's clean-up of decoded copies), closes them, and sends
back the exit code, which the client exits with. A child whose client dies (killed with its
refresh) kills itself at once. Without a server, or if it does not answer, the client runs
the real dbt instead (`os.execv`): same command, only slower.

The product never uses this: it is chosen by the suite through BESTMARKET_DBT, which the
refresh reads for the dbt executable to run. The tests of process behaviour (a refresh killed,
the lock held while dbt runs, two refreshes at once, the README walk-through) keep the real
executable.
"""

from __future__ import annotations

import array
import json
import os
import signal
import socket
import struct
import sys
import time

TAILLE_MAX = 1 << 20


def _envoyer(connexion: socket.socket, donnees: dict, fds: list[int]) -> None:
    corps = json.dumps(donnees).encode()
    connexion.sendmsg([struct.pack("!I", len(corps)), corps],
                      [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds
                      else [])


def _recevoir(connexion: socket.socket) -> tuple[dict, list[int]]:
    taille_fds = socket.CMSG_SPACE(256 * array.array("i").itemsize)
    message, auxiliaires, _, _ = connexion.recvmsg(TAILLE_MAX, taille_fds)
    fds = array.array("i")
    for niveau, type_, donnees in auxiliaires:
        if niveau == socket.SOL_SOCKET and type_ == socket.SCM_RIGHTS:
            fds.frombytes(donnees[:len(donnees) - len(donnees) % fds.itemsize])
    (longueur,) = struct.unpack("!I", message[:4])
    corps = message[4:]
    while len(corps) < longueur:
        suite = connexion.recv(longueur - len(corps))
        if not suite:
            raise ConnectionError("request cut short")
        corps += suite
    return json.loads(corps), list(fds)


# --- client -------------------------------------------------------------------------------

def client(socket_serveur: str, dbt_reel: str, arguments: list[str]) -> int:
    # The descriptors to hand over: the standard streams and what the caller passed on
    # (the refresh's lock file), listed before the socket is opened.
    numeros = sorted(int(n) for n in os.listdir("/proc/self/fd"))
    numeros = [n for n in numeros if _ouvert(n)]
    try:
        connexion = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connexion.connect(socket_serveur)
        _envoyer(connexion, {"arguments": arguments, "dossier": os.getcwd(),
                             "env": dict(os.environ), "numeros": numeros}, numeros)
    except OSError:
        os.execv(dbt_reel, [dbt_reel, *arguments])
    # Ctrl-C or a termination reaches the child through the connection's end.
    for signal_ in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_, lambda *_: os._exit(130))
    reponse = b""
    while len(reponse) < 4:
        morceau = connexion.recv(4 - len(reponse))
        if not morceau:
            print("dbt_chaud: the dbt child ended without an exit code", file=sys.stderr)
            return 1
        reponse += morceau
    return struct.unpack("!i", reponse)[0]


def _ouvert(numero: int) -> bool:
    try:
        os.fstat(numero)
        return True
    except OSError:
        return False


def ecrire_client(chemin: str, socket_serveur: str, dbt_reel: str) -> str:
    """An executable `dbt` look-alike at `chemin` that asks the server at `socket_serveur`."""
    with open(chemin, "w") as fichier:
        fichier.write(f"#!{sys.executable}\n"
                      "import sys\n"
                      f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})\n"
                      "import dbt_chaud\n"
                      f"sys.exit(dbt_chaud.client({socket_serveur!r}, {dbt_reel!r}, "
                      "sys.argv[1:]))\n")
    os.chmod(chemin, 0o755)
    return chemin


# --- server -------------------------------------------------------------------------------

def servir(socket_serveur: str, etat_partage: str | None = None) -> None:
    import dbt.adapters.duckdb  # noqa: F401 - imported once, here, for every child
    import dbt.adapters.duckdb.plugins  # noqa: F401
    import dbt.cli.main  # noqa: F401
    import retailinsight.dbt_plugin  # noqa: F401

    # The shared parse state's lock first, then the socket: once the socket is there, a test
    # that wants the state (`amorcer_analyse`) waits for this lock, so it never misses it.
    verrou = None
    if etat_partage:
        import fcntl

        verrou = open(etat_partage + ".verrou", "w")
        fcntl.flock(verrou, fcntl.LOCK_EX)  # the other worker's server may be parsing
    ecoute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ecoute.bind(socket_serveur + ".tmp")
    ecoute.listen(16)
    os.rename(socket_serveur + ".tmp", socket_serveur)  # there only once listening
    # Clients that connect now wait in the queue until the warm-up is over.
    chaud = _echauffer(socket_serveur, etat_partage, verrou)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
    while True:
        connexion, _ = ecoute.accept()
        if os.fork() == 0:
            ecoute.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _enfant(connexion, chaud)  # never returns
        connexion.close()


def _echauffer(socket_serveur: str, etat_partage: str | None, verrou) -> bool:
    """Warm this server up: what dbt builds lazily on first use (its dataclasses'
    serialisers and their JSON schemas, the modules it imports inside functions) is built once
    here, and every child starts with it (about 1.5 s less per command).

    This process runs `dbt ls` on the project, reading a saved parse state back: with no file
    changed, dbt parses nothing. The state is `etat_partage` (the suite's shared copy for the
    profile that names the warehouse `w.duckdb`, with the environment the tests give dbt); if
    no server of the run has saved it yet, a forked child makes it with `dbt parse` (a full
    parse, 5 minutes at most) and saves it there, for the other server and for the tests' own
    commands (`amorcer_analyse`), then `verrou` (held since before the socket existed) is
    released. Parsing runs dbt's Rust extractor, whose thread pool would not survive a fork (a
    child using it would hang): that is why it runs in a child. Neither command opens the
    warehouse, writes dbt's log file or keeps multiprocessing's resource tracker: the server
    must leave no thread and no open file behind for its children, whose descriptors are the
    client's. Returns whether it did: if not (or on any error), the server's children run the
    real dbt instead, as a new process."""
    import shutil

    from dbt.cli.main import cli

    from retailinsight.rafraichir import mourir_avec_le_parent

    dossier = socket_serveur + ".echauffement"
    cible = os.path.join(dossier, "target")
    etat = os.path.join(cible, "partial_parse.msgpack")
    racine = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # No log file is written, but dbt still makes its log folder: never the project's own.
    arguments = ["--quiet", "--log-level-file", "none", "--log-path",
                 os.path.join(dossier, "logs"), "--project-dir", racine, "--profiles-dir",
                 racine, "--target-path", cible]

    def lancer(commande: str) -> int:
        try:
            cli.main(args=[commande, *arguments], prog_name="dbt")
        except SystemExit as fin:
            return fin.code if isinstance(fin.code, int) else (0 if fin.code is None else 1)
        return 0

    def analyser() -> bool:
        enfant = os.fork()
        if enfant == 0:
            code = 1
            try:
                mourir_avec_le_parent(os.getppid())()
                code = lancer("parse")
            finally:
                os._exit(code)
        limite = time.monotonic() + 300
        while time.monotonic() < limite:
            fini, statut = os.waitpid(enfant, os.WNOHANG)
            if fini:
                return os.waitstatus_to_exitcode(statut) == 0 and os.path.isfile(etat)
            time.sleep(0.1)
        os.kill(enfant, signal.SIGKILL)
        os.waitpid(enfant, 0)
        print("dbt_chaud: warm-up `dbt parse` took over 5 minutes", file=sys.stderr)
        return False

    environnement = dict(os.environ)
    os.environ.update(BESTMARKET_WAREHOUSE="w.duckdb", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    taches = sorted(os.listdir("/proc/self/task"))
    try:
        os.makedirs(cible, exist_ok=True)
        if etat_partage:
            if os.path.isfile(etat_partage):
                shutil.copy(etat_partage, etat)
            elif analyser():
                shutil.copy(etat, etat_partage + f".{os.getpid()}.tmp")
                os.replace(etat_partage + f".{os.getpid()}.tmp", etat_partage)
            verrou.close()  # the lock goes with the file
        if not os.path.isfile(etat) and (etat_partage or not analyser()):
            print("dbt_chaud: warm-up without a parse state", file=sys.stderr)
            return False
        descripteurs = sorted(os.listdir("/proc/self/fd"))
        code = lancer("ls")
        _arreter_suivi_des_ressources()
        if code != 0:
            print(f"dbt_chaud: warm-up `dbt ls` ended with {code}", file=sys.stderr)
            return False
        if sorted(os.listdir("/proc/self/task")) != taches:
            print("dbt_chaud: the warm-up left a thread behind", file=sys.stderr)
            return False
        if sorted(os.listdir("/proc/self/fd")) != descripteurs:
            print("dbt_chaud: the warm-up left a file open", file=sys.stderr)
            return False
        return True
    except Exception:  # noqa: BLE001 - reported; the children then run the real dbt
        import traceback

        traceback.print_exc()
        return False
    finally:
        if verrou is not None:
            verrou.close()  # whatever happened: the tests waiting for the state go on
        os.environ.clear()
        os.environ.update(environnement)
        sys.stdout.flush()
        sys.stderr.flush()


def _arreter_suivi_des_ressources() -> None:
    """Stop the multiprocessing resource tracker that `dbt ls` started here: its pipe's
    number would be one of a child's descriptors (the client's), and the child would write
    the tracker's messages into it. A child that needs a tracker starts its own."""
    from multiprocessing import resource_tracker

    suivi = resource_tracker._resource_tracker
    if getattr(suivi, "_fd", None) is not None:
        os.close(suivi._fd)  # the tracker sees the end of its pipe and exits
        if suivi._pid is not None:
            os.waitpid(suivi._pid, 0)
        suivi._fd = suivi._pid = None


def _enfant(connexion: socket.socket, chaud: bool) -> None:
    import fcntl

    code = 1
    try:
        demande, fds = _recevoir(connexion)
        # Out of the way first (the connection, then what was received), so that putting a
        # descriptor at its number never overwrites another one.
        haut = fcntl.fcntl(connexion.fileno(), fcntl.F_DUPFD, 900)
        connexion.close()
        connexion = socket.socket(fileno=haut)
        recus = []
        for fd in fds:
            recus.append(fcntl.fcntl(fd, fcntl.F_DUPFD, 1000))
            os.close(fd)
        for fd, numero in zip(recus, demande["numeros"]):
            os.dup2(fd, numero)
            os.close(fd)
        os.chdir(demande["dossier"])
        os.environ.clear()
        os.environ.update(demande["env"])
        _surveiller(connexion)
        if not chaud:
            code = _dbt_reel(demande["arguments"])
        else:
            sys.argv = ["dbt", *demande["arguments"]]
            from dbt.cli.main import cli

            try:
                cli.main(args=demande["arguments"], prog_name="dbt")
                code = 0
            except SystemExit as fin:
                code = fin.code if isinstance(fin.code, int) else (0 if fin.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported on the client's stderr, like dbt's own
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()  # the plugin's clean-up; multiprocessing's finalisers
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            # Every descriptor but the standard streams and the connection (the lock file
            # first) is closed before the exit code goes back.
            os.closerange(3, connexion.fileno())
            os.closerange(connexion.fileno() + 1, 1 << 16)
            try:
                connexion.sendall(struct.pack("!i", code))
            finally:
                os._exit(code)


def _dbt_reel(arguments: list[str]) -> int:
    """The real dbt, as a new process with this child's descriptors, folder and environment:
    what a server whose warm-up failed runs (a fork then an exec at once, which no thread
    left in the server can disturb). It dies with this child."""
    from retailinsight.rafraichir import mourir_avec_le_parent

    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    enfant = os.fork()
    if enfant == 0:
        try:
            mourir_avec_le_parent(os.getppid())()
            os.execv(dbt, [dbt, *arguments])
        finally:
            os._exit(127)
    _, statut = os.waitpid(enfant, 0)
    return os.waitstatus_to_exitcode(statut)


def _surveiller(connexion: socket.socket) -> None:
    """Kill this child as soon as its client is gone (the client never writes again, so the
    connection becoming readable means it closed)."""
    import select
    import threading

    def attendre():
        select.select([connexion], [], [])
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=attendre, daemon=True).start()


if __name__ == "__main__":
    if sys.argv[1:2] == ["servir"]:
        servir(*sys.argv[2:4])
