""".ci/apt-ensure waits for the package manager's lock instead of failing at once (issue 10, point 13).

The script runs against fake `dpkg-query`, `apt-get` and `sudo` placed first on PATH, and a lock file of the
test's own that the test holds with the same fcntl lock dpkg takes.
"""

import fcntl
import os
import subprocess
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "apt-ensure"


def _outils(dossier):
    bin_ = dossier / "bin"
    bin_.mkdir()
    journal = dossier / "apt.log"
    faux = {
        # Every package is missing.
        "dpkg-query": "#!/bin/sh\nexit 1\n",
        "apt-get": f'#!/bin/sh\necho "$@" >> "{journal}"\n',
        "sudo": '#!/bin/sh\nexec "$@"\n',
    }
    for nom, texte in faux.items():
        (bin_ / nom).write_text(texte)
        (bin_ / nom).chmod(0o755)
    return bin_, journal


def _lancer(tmp_path, verrou, **env):
    bin_, journal = _outils(tmp_path)
    environnement = {
        **os.environ,
        "PATH": f"{bin_}:{os.environ['PATH']}",
        "APT_LOCK_FILES": str(verrou),
        "APT_LOCK_POLL": "1",
        **env,
    }
    processus = subprocess.Popen(
        [str(SCRIPT), "paquet-absent"], env=environnement, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return processus, journal


def test_attend_le_verrou_puis_installe(tmp_path):
    verrou = tmp_path / "lock-frontend"
    with open(verrou, "w") as detenu:
        fcntl.lockf(detenu, fcntl.LOCK_EX)
        processus, journal = _lancer(tmp_path, verrou, APT_LOCK_TIMEOUT="120")
        assert "Installation des paquets système manquants" in processus.stdout.readline()
        assert "attente" in processus.stdout.readline()
        time.sleep(1.5)
        # Still waiting: nothing installed, no failure.
        assert processus.poll() is None
        assert not journal.exists()
        fcntl.lockf(detenu, fcntl.LOCK_UN)
    sortie, _ = processus.communicate(timeout=60)
    assert processus.returncode == 0, sortie
    appels = journal.read_text().splitlines()
    assert len(appels) == 2
    # apt itself waits for the lock too (race between the check and the call).
    assert all("DPkg::Lock::Timeout=120" in appel for appel in appels)
    assert "install -y --no-install-recommends paquet-absent" in appels[1]


def test_abandon_clair_apres_le_delai(tmp_path):
    verrou = tmp_path / "lock-frontend"
    with open(verrou, "w") as detenu:
        fcntl.lockf(detenu, fcntl.LOCK_EX)
        processus, journal = _lancer(tmp_path, verrou, APT_LOCK_TIMEOUT="2")
        sortie, _ = processus.communicate(timeout=30)
    assert processus.returncode == 1
    assert "toujours occupé après 2 s" in sortie
    assert not journal.exists()
