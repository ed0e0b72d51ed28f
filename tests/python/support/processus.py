"""Processes seen from /proc."""

from pathlib import Path


def enfants_de(pid: int) -> list[int]:
    """Pids of the direct children of `pid` (from /proc)."""
    enfants = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            champs = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(champs[1]) == pid:
            enfants.append(int(stat.parent.name))
    return enfants


def vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"
