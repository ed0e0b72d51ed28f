"""Where things are: the project, its bundled sample, the real dataset, the real dbt."""

import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[3]
ECHANTILLON = RACINE / "data" / "echantillon"
DONNEES_REELLES = (RACINE / ".." / "shared" / "datasets" / "bestmarket").resolve()
DBT = str(Path(sys.executable).with_name("dbt"))
