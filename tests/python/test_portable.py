"""The package imports where POSIX-only modules do not exist (Windows): every module of
`retailinsight` is imported in a Python where `fcntl` and `resource` cannot be imported (the
lock goes through filelock; the backup folder's flock is imported only where it runs)."""

import subprocess
import sys
import textwrap

from support.chemins import RACINE

SANS_POSIX = textwrap.dedent("""
    import importlib, pkgutil, sys
    for nom in ("fcntl", "resource"):
        sys.modules[nom] = None  # `import fcntl` now raises ImportError, as on Windows
    import retailinsight
    modules = sorted(m.name for m in pkgutil.iter_modules(retailinsight.__path__,
                                                           "retailinsight."))
    for module in modules:
        importlib.import_module(module)
    print(len(modules))
""")


def _lancer(code: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *arguments], cwd=RACINE,
                          capture_output=True, text=True)


def test_chaque_module_sans_fcntl():
    resultat = _lancer(SANS_POSIX)
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    assert int(resultat.stdout.split()[-1]) >= 15  # every module, cli and plugin included


def test_le_test_voit_un_import_posix(tmp_path):
    """The check can fail: a module importing fcntl at load is caught."""
    module = tmp_path / "retailinsight_posix.py"
    module.write_text("import fcntl\n")
    code = SANS_POSIX.replace("print(len(modules))",
                              "sys.path.insert(0, sys.argv[1]); import retailinsight_posix")
    resultat = _lancer(code, str(tmp_path))
    assert resultat.returncode != 0 and "fcntl" in resultat.stderr

