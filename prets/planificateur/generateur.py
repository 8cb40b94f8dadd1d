"""Deterministic generator of `classes-mobiles/instance@1` instances (benchmarks and tests).

Sizes follow FORMAT.md: `departement` (300 candidatures, 24 kits of which 6 laptops, 35 circonscriptions,
1,400 schools, 5 periods or 3 trimesters) and `national` (20,000 candidatures, 1,500 kits, 100 departments of
35–750 candidatures and 3–45 kits, 1,500 circonscriptions, 48,000 schools); `petite` (40 × 6) and `minuscule`
(a handful of candidatures, for brute-force checks). Everything derives from `random.Random(graine)`.

Fairness floors use the product's formula floor_c = min(requests_c, ⌊alpha × kits_d × periods / circs_d⌋);
when the floors of a department cannot all be met together they are lowered to what the exact model achieves
(listed in generator.floors_reduced), as the reference generator does.
"""

import json
import math
import random

from .instance import FORMAT_INSTANCE

PERIODES_5 = [
    ("P1", "Période 1 (rentrée - Toussaint)", "2025-09-01", "2025-10-17"),
    ("P2", "Période 2 (Toussaint - Noël)", "2025-11-03", "2025-12-19"),
    ("P3", "Période 3 (Noël - hiver)", "2026-01-05", "2026-02-13"),
    ("P4", "Période 4 (hiver - printemps)", "2026-03-02", "2026-04-10"),
    ("P5", "Période 5 (printemps - été)", "2026-04-27", "2026-07-03"),
]
PERIODES_3 = [
    ("T1", "Trimestre 1", "2025-09-01", "2025-12-19"),
    ("T2", "Trimestre 2", "2026-01-05", "2026-04-03"),
    ("T3", "Trimestre 3", "2026-04-20", "2026-07-03"),
]
# size -> (candidatures, kits, departments, circonscriptions, schools, box in km, default periods)
TAILLES = {
    "minuscule": (6, 2, 1, 2, 5, (10.0, 8.0), 3),
    "petite": (40, 6, 1, 4, 22, (8.0, 6.0), 5),
    "departement": (300, 24, 1, 35, 1400, (120.0, 80.0), 5),
    "national": (20_000, 1_500, 100, 1_500, 48_000, (120.0, 80.0), 5),
}
CLASSES = ["CP", "CE1", "CE2", "CM1", "CM2", "CE1-CE2", "CM1-CM2", "ULIS"]
AVIS = [("très favorable", 30, 0.3), ("favorable", 20, 0.45), ("réservé", 5, 0.1), (None, 10, 0.15)]
COMMUNES = ["Val", "Mont", "Saint-", "Bois", "Pont", "Fontaine", "Roche", "Villers", "Mesnil", "Plessis"]
SUFFIXES = ["-sur-Aire", "-le-Haut", "ville", "court", "-en-Plaine", "ières", "-la-Forêt", "mont", "ac", "y"]
ALPHA = 0.75
POIDS = {"1": 100, "2": 80, "3": 60, "4": 40, "5": 20}
FORMULE_PRIORITE = (
    "clamp(round(opinion_pts + 25*(1-b2i_rate) + 25*(1-equipment_index) + REP+:12/REP:6 + first_time*8), 1, 100); "
    "opinion_pts: très favorable 30, favorable 20, réservé 5, none 10"
)


def _repartir(total, n, rng, minimum, maximum, sigma=0.8):
    """n integers in [minimum, maximum] summing to total, lognormally spread."""
    poids = [rng.lognormvariate(0, sigma) for _ in range(n)]
    s = sum(poids)
    return _repartir_ajuste([min(maximum, max(minimum, round(total * p / s))) for p in poids], total, minimum, maximum)


def _point(rng, centre, box_km, sigma=None):
    """A point in a box of box_km around centre (gaussian around it when sigma, in km, is given)."""
    lat0, lon0 = centre
    kx = 111.32 * math.cos(math.radians(lat0))
    if sigma:
        dx, dy = rng.gauss(0, sigma), rng.gauss(0, sigma)
    else:
        dx, dy = rng.uniform(-box_km[0] / 2, box_km[0] / 2), rng.uniform(-box_km[1] / 2, box_km[1] / 2)
    dx = max(-box_km[0] / 2, min(box_km[0] / 2, dx))
    dy = max(-box_km[1] / 2, min(box_km[1] / 2, dy))
    return round(lat0 + dy / 110.57, 5), round(lon0 + dx / kx, 5)


def _commune(rng):
    return (
        rng.choice(COMMUNES) + rng.choice(SUFFIXES).lstrip("-").capitalize()
        if rng.random() < 0.3
        else (rng.choice(COMMUNES).rstrip("-") + rng.choice(SUFFIXES))
    )


def _priorite(avis_pts, ecole, premiere):
    bonus = {"REP+": 12, "REP": 6}.get(ecole["education_priority"], 0)
    brut = avis_pts + 25 * (1 - ecole["b2i_rate"]) + 25 * (1 - ecole["equipment_index"]) + bonus + 8 * premiere
    return max(1, min(100, round(brut)))


def _voeux(rng, periodes):
    """Acceptable periods with ranks (rank 1 preferred; a few equal ranks)."""
    n = len(periodes)
    k = rng.choices(range(1, n + 1), weights=[20, 30, 20, 13, 17][:n])[0]
    choisies = rng.sample(periodes, k)
    rangs = {}
    rang = 1
    for i, p in enumerate(choisies):
        if i and rng.random() < 0.2:
            rangs[p] = rang  # same rank as the previous one
        else:
            rang = i + 1
            rangs[p] = rang
    return dict(sorted(rangs.items()))


def generer_instance(taille="departement", graine=1, periodes=None):
    """Return an instance dict of the given size, fully determined by `graine`."""
    n_cand, n_kits, n_dep, n_circ, n_ecoles, box, n_per = TAILLES[taille]
    n_per = periodes or n_per
    rng = random.Random(f"{taille}-{graine}-{n_per}")
    per = PERIODES_5 if n_per == 5 else PERIODES_3 if n_per == 3 else PERIODES_5[:n_per]
    ids_per = [p[0] for p in per]
    if n_dep == 1:
        cands_d, kits_d, circs_d, ecoles_d = [n_cand], [n_kits], [n_circ], [n_ecoles]
    else:
        cands_d = _repartir(n_cand, n_dep, rng, 35, 750)
        kits_d = [max(3, min(45, round(n_kits * c / n_cand))) for c in cands_d]
        kits_d = _repartir_ajuste(kits_d, n_kits, 3, 45)
        circs_d = _repartir_ajuste([max(5, round(n_circ * c / n_cand)) for c in cands_d], n_circ, 5, 10_000)
        ecoles_d = _repartir_ajuste([max(60, round(n_ecoles * c / n_cand)) for c in cands_d], n_ecoles, 60, 10**6)
    departements, circs, ecoles, kits, cands = [], [], [], [], []
    for d in range(n_dep):
        dep_id = f"D{d + 1:02d}" if n_dep < 100 else f"D{d + 1:03d}"
        centre = (round(rng.uniform(43.5, 50.5), 4), round(rng.uniform(-1.0, 6.5), 4))
        dlat, dlon = _point(rng, centre, box, sigma=box[0] / 12)
        depot = {"id": f"{dep_id}-DEPOT", "name": f"Atelier Canopé {dep_id}", "lat": dlat, "lon": dlon}
        departements.append(
            {
                "id": dep_id,
                "name": f"Département synthétique {d + 1}",
                "depots": [depot],
                "box_km": list(box),
                "center": list(centre),
            }
        )
        circ_ids = []
        centres_circ = []
        for c in range(circs_d[d]):
            cid = f"{dep_id}-C{c + 1:02d}"
            lat, lon = _point(rng, centre, box)
            circs.append({"id": cid, "department": dep_id, "name": f"Circonscription {c + 1}", "lat": lat, "lon": lon})
            circ_ids.append(cid)
            centres_circ.append((lat, lon))
        ecoles_dep = []
        for s in range(ecoles_d[d]):
            c = rng.randrange(len(circ_ids))
            lat, lon = _point(rng, centres_circ[c], box, sigma=6.0)
            prio = rng.choices([None, "REP", "REP+"], weights=[80, 14, 6])[0]
            ecole = {
                "id": f"{dep_id}-S{s + 1:04d}",
                "department": dep_id,
                "circonscription": circ_ids[c],
                "commune": _commune(rng),
                "lat": lat,
                "lon": lon,
                "classes": rng.randint(2, 16),
                "education_priority": prio,
                "b2i_rate": round(rng.uniform(0.15, 0.95), 3),
                "equipment_index": round(rng.uniform(0.0, 1.0), 3),
                "max_kits_per_period": 2 if rng.random() < 0.01 else 1,
            }
            ecoles.append(ecole)
            ecoles_dep.append(ecole)
        n_portables = round(kits_d[d] * 0.25)
        for k in range(kits_d[d]):
            portable = k >= kits_d[d] - n_portables
            kits.append(
                {
                    "id": f"{dep_id}-K{k + 1:03d}",
                    "department": dep_id,
                    "type": "laptop" if portable else "tablet",
                    "devices": 15 if portable else rng.choice([12, 14, 16]),
                    "depot": depot["id"],
                }
            )
        for _ in range(cands_d[d]):
            ecole = rng.choice(ecoles_dep)
            avis, pts, _w = rng.choices(AVIS, weights=[a[2] for a in AVIS])[0]
            premiere = rng.random() < 0.5
            cands.append(
                {
                    "id": f"A{len(cands) + 1:05d}",
                    "school": ecole["id"],
                    "circonscription": ecole["circonscription"],
                    "department": dep_id,
                    "class": rng.choice(CLASSES),
                    "pupils": rng.randint(12, 28),
                    "status": "approved" if rng.random() < 0.9 else "candidate",
                    "ien_opinion": avis,
                    "first_time": premiere,
                    "priority": _priorite(pts, ecole, premiere),
                    "periods": _voeux(rng, ids_per),
                    "kit_type": rng.choices([None, "tablet", "laptop"], weights=[74, 18, 8])[0],
                }
            )
    planchers = _planchers(cands, circs, kits, len(per))
    donnees = {
        "format": FORMAT_INSTANCE,
        "name": f"{taille}-g{graine}-p{len(per)}",
        "generator": {
            "tool": "prets/planificateur/generateur.py",
            "version": 1,
            "size": taille,
            "seed": graine,
            "params": {
                "N": n_cand,
                "K": n_kits,
                "periods": len(per),
                "depts": n_dep,
                "circ": n_circ,
                "schools": n_ecoles,
                "box_km": list(box),
                "laptop_share": 0.25,
                "alpha": ALPHA,
            },
            "floors_reduced": [],
        },
        "school_year": "2025-2026",
        "periods": [
            {"id": pid, "order": i + 1, "label": lib, "start": deb, "end": fin}
            for i, (pid, lib, deb, fin) in enumerate(per)
        ],
        "rules": {
            "objective": "maximize sum over assigned candidatures of priority * preference_weights[rank] / 100",
            "preference_weights": POIDS,
            "priority_formula": FORMULE_PRIORITE,
            "kit_department_restricted": True,
            "fairness": {
                "kind": "circonscription_floor",
                "alpha": ALPHA,
                "formula": "floor_c = min(requests_c, floor(alpha * kits_d * n_periods / "
                "circonscriptions_with_requests_d)); lowered to what the exact model achieves when not all "
                "can be met",
                "floors": planchers,
            },
            "transport": {"metric": "haversine_km", "start": "depot", "end": "depot", "idle": "stay"},
        },
        "departments": departements,
        "circonscriptions": circs,
        "kits": kits,
        "schools": ecoles,
        "candidatures": cands,
    }
    _abaisser_planchers(donnees)
    return donnees


def _repartir_ajuste(parts, total, minimum, maximum):
    parts = list(parts)
    i = 0
    while sum(parts) != total:
        j = i % len(parts)
        if sum(parts) < total and parts[j] < maximum:
            parts[j] += 1
        elif sum(parts) > total and parts[j] > minimum:
            parts[j] -= 1
        i += 1
    return parts


def _planchers(cands, circs, kits, n_per):
    demandes = {}
    for c in cands:
        demandes[c["circonscription"]] = demandes.get(c["circonscription"], 0) + 1
    kits_dep = {}
    for k in kits:
        kits_dep[k["department"]] = kits_dep.get(k["department"], 0) + 1
    circs_dep = {}
    for c in circs:
        if demandes.get(c["id"]):
            circs_dep[c["department"]] = circs_dep.get(c["department"], 0) + 1
    planchers = {}
    for c in circs:
        if demandes.get(c["id"]):
            part = math.floor(ALPHA * kits_dep.get(c["department"], 0) * n_per / circs_dep[c["department"]])
            if min(demandes[c["id"]], part) > 0:
                planchers[c["id"]] = min(demandes[c["id"]], part)
    return planchers


def _abaisser_planchers(donnees):
    """Lower the floors the exact model cannot meet together to what it achieves (recorded)."""
    from .instance import controler_instance
    from .solveur import planchers_atteignables

    atteints = planchers_atteignables(controler_instance(donnees))
    planchers = donnees["rules"]["fairness"]["floors"]
    for circ, n in sorted(atteints.items()):
        if n < planchers[circ]:
            donnees["generator"]["floors_reduced"].append({"circonscription": circ, "from": planchers[circ], "to": n})
            if n:
                planchers[circ] = n
            else:
                del planchers[circ]


def ecrire_instance(donnees, chemin):
    """Write an instance one record per line (as the shared samples are)."""
    enc = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    parties = []
    for cle, valeur in donnees.items():
        if isinstance(valeur, list) and valeur and isinstance(valeur[0], dict):
            parties.append(f" {enc(cle)}: [\n  " + ",\n  ".join(enc(r) for r in valeur) + "\n ]")
        else:
            parties.append(f" {enc(cle)}: {enc(valeur)}")
    with open(chemin, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(parties) + "\n}\n")
