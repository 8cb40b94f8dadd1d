"""Exact planner: the problem of FORMAT.md solved with HiGHS, lexicographically.

Model (per independent component: a kit pool — a department when kits are restricted — with its
circonscriptions and schools; components share no constraint, so solving them apart is exact):

Phase 1 — loans. One binary z[c,p,t] per candidature c, acceptable period p and kit type t it may use.
Kits of one type in one pool are interchangeable for every hard constraint, so
  Σ_{p,t} z[c,p,t] ≤ 1, Σ_c z[c,p,t] ≤ kits(t), Σ_{c of school s} z[c,p,·] ≤ cap(s), Σ_{c in circ} z ≥ floor
is exact, and max Σ priority × weight(rank) z gives the optimum OPT1 (integer, proved with abs gap < 1).
If the floors make it infeasible, the shortfall Σ s_c is minimised first and reported per circonscription.

Reduced-cost fixing. The LP relaxation's reduced costs d bound any solution with z_j moved off its bound by
LP* − |d_j|; when that is < OPT1 the move cannot belong to a lexicographic optimum, so z_j is fixed.
This leaves few free loans (ties in the first objective) and keeps phase 2 small.

Phase 2 — kilometres. Among loan sets with objective ≥ OPT1, minimise the kits' kilometres: each kit is a
path depot → schools in period order (skipping idle periods, the kit stays where it is) → its depot; a
min-cost flow per (type, depot) over the candidate loans, linked to z (in-flow = out-flow = z). With one
depot per type the flow matrix is totally unimodular, so the arc flows are continuous.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .instance import LIBELLES_TYPE, RAYON_TERRE_KM, haversine_km
from .modele import Modele, nouveau_highs, resoudre_modele

TYPES = ("tablet", "laptop")
MARGE = 0.5  # objective 1 is integral: a bound below OPT1 - 0.5 proves the move is not optimal
ARCS_MAX = 400_000  # above this, phase 2 only routes the loans of phase 1 (reported as such)
INF = 1e30
LEXICO = "optimum_lexicographique"  # kilometres minimised over all the loan sets optimal for objective 1
PRETS_RETENUS = "optimal_pour_les_prets_retenus"  # kilometres minimised for the loans of one optimal set
ECART_KM = 1e-3  # default relative MIP gap accepted on the kilometres (0.1 %), reported with the result


@dataclass
class Resultat:
    affectation: dict  # candidature id -> {"kit", "period"}
    objectif: float  # Σ priority × weight / 100, as validate.py prints it
    objectif_entier: int
    kilometres: float
    planchers_total: int
    planchers_atteints: int
    planchers_non_atteints: list  # [{circonscription, plancher, obtenu, raison}]
    non_placees: dict  # candidature id -> {code, motif, details}
    tournees: dict  # kit id -> [[period, candidature, school], ...]
    transport: str  # "optimum_lexicographique" | "optimal_pour_les_prets_retenus"
    statut: str  # "optimal" | "planchers_inatteignables"
    temps_s: float
    composantes: int
    ecart_km: float = 0.0  # relative MIP gap of the kilometres phase
    mesures: dict = field(default_factory=dict)

    def rapport(self):
        return {
            "statut": self.statut,
            "objectif": round(self.objectif, 2),
            "kilometres": round(self.kilometres, 1),
            "transport": self.transport,
            "ecart_km": self.ecart_km,
            "planchers": {
                "atteints": self.planchers_atteints,
                "total": self.planchers_total,
                "non_atteints": self.planchers_non_atteints,
            },
            "temps_s": round(self.temps_s, 3),
            "composantes": self.composantes,
            "non_placees": self.non_placees,
            "tournees": self.tournees,
        }


def _distances(lat_a, lon_a, lat_b, lon_b):
    """Haversine distance matrix (km) between points a (rows) and b (columns)."""
    pa, pb = np.radians(lat_a)[:, None], np.radians(lat_b)[None, :]
    dl = np.radians(lon_b)[None, :] - np.radians(lon_a)[:, None]
    h = np.sin((pb - pa) / 2) ** 2 + np.cos(pa) * np.cos(pb) * np.sin(dl / 2) ** 2
    return 2 * RAYON_TERRE_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def trouver(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def unir(self, a, b):
        ra, rb = self.trouver(a), self.trouver(b)
        if ra != rb:
            self.parent[ra] = rb


def composantes(inst):
    """Group candidatures and kit pools that share a constraint (pool, circonscription floor, school cap)."""
    uf = _UnionFind()
    for kit in inst.kits.values():
        uf.trouver(("bassin", inst.bassin(kit["department"])))
    for cand in inst.candidatures:
        b = ("bassin", inst.bassin(cand["department"]))
        uf.unir(("circ", cand["circonscription"]), b)
        uf.unir(("ecole", cand["school"]), b)
    groupes = defaultdict(lambda: {"cands": [], "bassins": set()})
    for cand in inst.candidatures:
        groupes[uf.trouver(("bassin", inst.bassin(cand["department"])))]["cands"].append(cand)
    for kit in inst.kits.values():
        b = inst.bassin(kit["department"])
        groupes[uf.trouver(("bassin", b))]["bassins"].add(b)
    return [g for g in groupes.values() if g["cands"]]


class _Composante:
    """Options and phase-1 rows of one component."""

    def __init__(self, inst, cands, exclusions):
        self.inst = inst
        self.cands = cands
        self.exclusions = exclusions
        bassins = {inst.bassin(c["department"]) for c in cands}
        self.kits = sorted(
            (k for k in inst.kits.values() if inst.bassin(k["department"]) in bassins), key=lambda k: k["id"]
        )
        # kits per (pool, type)
        self.nb_kits = defaultdict(int)
        for k in self.kits:
            self.nb_kits[(inst.bassin(k["department"]), k["type"])] += 1
        opt_c, opt_p, opt_t, opt_w = [], [], [], []
        self.sans_option = {}
        for i, cand in enumerate(cands):
            bassin = inst.bassin(cand["department"])
            types = [t for t in TYPES if self.nb_kits[(bassin, t)] and cand.get("kit_type") in (None, t)]
            n0 = len(opt_c)
            for periode in cand["periods"]:
                if (cand["id"], periode) in exclusions or (cand["id"], None) in exclusions:
                    continue
                w = inst.poids_option(cand, periode)
                for t in types:
                    opt_c.append(i)
                    opt_p.append(inst.rang_periode[periode])
                    opt_t.append(TYPES.index(t))
                    opt_w.append(w)
            if len(opt_c) == n0:
                self.sans_option[cand["id"]] = (types, bassin)
        self.c = np.array(opt_c, dtype=np.int64)
        self.p = np.array(opt_p, dtype=np.int64)
        self.t = np.array(opt_t, dtype=np.int64)
        self.w = np.array(opt_w, dtype=np.int64)
        self.n = len(opt_c)
        bassin_cand = [inst.bassin(c["department"]) for c in cands]
        ecole_cand = [c["school"] for c in cands]
        circ_cand = [c["circonscription"] for c in cands]
        self.bassin = [bassin_cand[i] for i in opt_c]
        # groups of options for each row family (only rows that can bind are kept)
        self.groupes = []  # (list of option indices, lower, upper, label)
        par_cand = defaultdict(list)
        par_slot = defaultdict(list)
        par_ecole = defaultdict(list)
        par_circ = defaultdict(list)
        for j in range(self.n):
            i, p, t = opt_c[j], opt_p[j], opt_t[j]
            par_cand[i].append(j)
            par_slot[(bassin_cand[i], p, t)].append(j)
            par_ecole[(ecole_cand[i], p)].append(j)
            par_circ[circ_cand[i]].append(j)
        for _i, js in par_cand.items():
            if len(js) > 1:
                self.groupes.append((js, -INF, 1.0, None))
        for (b, _p, t), js in par_slot.items():
            cap = self.nb_kits[(b, TYPES[t])]
            if len({opt_c[j] for j in js}) > cap:
                self.groupes.append((js, -INF, float(cap), None))
        for (s, _p), js in par_ecole.items():
            cap = inst.plafond(s)
            if len({opt_c[j] for j in js}) > cap:
                self.groupes.append((js, -INF, float(cap), None))
        self.circs = sorted({c["circonscription"] for c in cands})
        self.par_circ = par_circ
        self.planchers = {c: inst.planchers.get(c, 0) for c in self.circs if inst.planchers.get(c, 0) > 0}

    def modele(self, garder=None, bas_z=None, ecarts=None, plafond_ecarts=None, cout_z=True):
        """Phase-1 model over the options `garder` (all by default). Return (model, z columns, slack columns).

        ecarts: add a slack per floor (s_c ≥ 0, Σ z + s_c ≥ floor); plafond_ecarts bounds Σ s_c.
        """
        garder = np.arange(self.n) if garder is None else garder
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[garder] = np.arange(len(garder))
        m = Modele()
        cout = self.w[garder] if cout_z else np.zeros(len(garder))
        z = m.colonnes(cout, bas=0.0 if bas_z is None else bas_z, haut=1.0, entier=True)
        lig, col, bas, haut = [], [], [], []
        for js, lo, up, _ in self.groupes:
            cols = pos[js]
            cols = cols[cols >= 0]
            if len(cols) == 0:
                continue
            r = len(bas)
            lig.append(np.full(len(cols), r))
            col.append(z[cols])
            bas.append(lo)
            haut.append(up)
        if lig:
            m.lignes(np.concatenate(lig), np.concatenate(col), 1.0, len(bas), bas, haut)
        s = {}
        if self.planchers:
            circs = sorted(self.planchers)
            if ecarts:
                cols_s = m.colonnes(np.zeros(len(circs)), 0.0, [float(self.planchers[c]) for c in circs], entier=False)
                s = dict(zip(circs, cols_s, strict=True))
            lig, col, val, bas = [], [], [], []
            for r, circ in enumerate(circs):
                cols = pos[self.par_circ.get(circ, [])]
                cols = cols[cols >= 0]
                lig.append(np.full(len(cols), r))
                col.append(z[cols])
                val.append(np.ones(len(cols)))
                if s:
                    lig.append(np.array([r]))
                    col.append(np.array([s[circ]]))
                    val.append(np.ones(1))
                bas.append(float(self.planchers[circ]))
            m.lignes(np.concatenate(lig), np.concatenate(col), np.concatenate(val), len(circs), bas, INF)
            if s and plafond_ecarts is not None:
                cols_s = np.array(list(s.values()))
                m.lignes(np.zeros(len(cols_s)), cols_s, 1.0, 1, -INF, float(plafond_ecarts))
        return m, z, s


def _resoudre_composante(comp, inst, reglages, mesures):
    limite_temps = reglages["limite_temps"]
    """Return (selected option indices, kit routes, shortfalls, transport mode, km gap)."""
    ecarts = None
    plafond = None
    if comp.n == 0:
        return np.zeros(0, dtype=np.int64), {}, _deficits_vides(comp), LEXICO, 0.0
    m, z, s = comp.modele()
    r = resoudre_modele(m, True, ecart_absolu=0.99, ecart_relatif=0.0, limite_temps=limite_temps)
    mesures["mip"] = mesures.get("mip", 0) + 1
    if r["nom"] == "Infeasible":
        # floors cannot all be met: minimise the total shortfall first, then the objective.
        ecarts = True
        plafond = _min_ecarts(comp)
        m, z, s = comp.modele(ecarts=True, plafond_ecarts=plafond)
        r = resoudre_modele(m, True, ecart_absolu=0.99, ecart_relatif=0.0, limite_temps=limite_temps)
    if r["valeurs"] is None:
        raise RuntimeError(f"Le solveur n'a pas trouvé de solution ({r['nom']}).")
    opt1 = round(r["objectif"])
    sel1 = np.flatnonzero(r["valeurs"][z] > 0.5)
    if reglages["transport"] == PRETS_RETENUS:
        # kilometres minimised for the phase-1 loans only (exact routing of those loans)
        sel, tournees, mode, ecart = _phase_transport(
            comp, inst, sel1, np.ones(comp.n), opt1, ecarts, plafond, sel1, reglages, mesures, mode=PRETS_RETENUS
        )
        return sel, tournees, _deficits(comp, sel), mode, ecart
    # reduced-cost fixing on the LP relaxation
    rl = resoudre_modele(m, True, relaxe=True, limite_temps=limite_temps)
    libres = np.arange(comp.n)
    bas_z = np.zeros(comp.n)
    if rl["nom"] == "Optimal" and rl["duals"] is not None:
        lp = rl["objectif"]
        d = np.abs(rl["duals"][z])
        v = rl["valeurs"][z]
        hors = lp - d < opt1 - MARGE
        fixe0 = hors & (v < 0.5)
        fixe1 = hors & (v >= 0.5)
        libres = np.flatnonzero(~fixe0)
        bas_z = fixe1.astype(float)
    mesures["options"] = mesures.get("options", 0) + comp.n
    mesures["options_phase2"] = mesures.get("options_phase2", 0) + len(libres)
    sel, tournees, mode, ecart = _phase_transport(
        comp, inst, libres, bas_z, opt1, ecarts, plafond, sel1, reglages, mesures
    )
    return sel, tournees, _deficits(comp, sel), mode, ecart


def _min_ecarts(comp, detail=False):
    """Smallest total shortfall of the floors (and, with detail, the shortfall per circonscription)."""
    m, z, s = comp.modele(ecarts=True, cout_z=False)
    m.cout[1] = np.ones(len(s))  # minimise Σ slacks (columns added after z)
    r = resoudre_modele(m, False, ecart_absolu=0.5, ecart_relatif=0.0)
    if detail:
        return {c: round(r["valeurs"][col]) for c, col in s.items()}
    return round(r["objectif"])


def planchers_atteignables(inst):
    """Per circonscription with a floor, the loans reachable when the total shortfall is smallest."""
    atteints = {}
    for g in composantes(inst):
        comp = _Composante(inst, g["cands"], set())
        if not comp.planchers:
            continue
        if comp.n == 0:
            atteints.update({c: 0 for c in comp.planchers})
            continue
        m, _z, _s = comp.modele(cout_z=False)
        if resoudre_modele(m, True)["nom"] == "Infeasible":
            for c, manque in _min_ecarts(comp, detail=True).items():
                atteints[c] = comp.planchers[c] - manque
    avec_demandes = {c["circonscription"] for c in inst.candidatures}
    for circ, f in inst.planchers.items():
        if f > 0 and circ not in avec_demandes:
            atteints[circ] = 0
    return atteints


def _deficits_vides(comp):
    return {c: f for c, f in comp.planchers.items()}


def _deficits(comp, sel):
    obtenus = defaultdict(int)
    for j in sel:
        obtenus[comp.cands[comp.c[j]]["circonscription"]] += 1
    return {c: f - obtenus[c] for c, f in comp.planchers.items() if obtenus[c] < f}


def _phase_transport(comp, inst, garder, bas_z, opt1, ecarts, plafond, sel1, reglages, mesures, mode=LEXICO):
    """Minimise kilometres among optimal loan sets over the options `garder`; return (selection, routes).

    Arc generation: the LP starts from the depot arcs, each loan's nearest successors and a routing of the
    phase-1 loans (so it is feasible), and adds loan→loan arcs of negative reduced cost until none is left;
    its value then bounds the full problem. The MIP on the generated arcs is optimal for the full problem when
    it meets that bound (reported gap otherwise).
    """
    garder = np.union1d(garder, sel1)
    bas_z = bas_z[garder]
    arcs = _arcs(comp, inst, garder)
    if arcs is None:
        # too many tied loans: route the phase-1 loans only (exact for those loans)
        garder = sel1
        arcs = _arcs(comp, inst, garder)
        mode = PRETS_RETENUS
    pos = np.full(comp.n, -1, dtype=np.int64)
    pos[garder] = np.arange(len(garder))
    if arcs["plusieurs_depots"]:  # several depots for one type: all arcs (the chains below assume one depot)
        actifs = {cle: np.ones(len(bloc["km"]), dtype=bool) for cle, bloc in arcs["blocs"].items()}
    else:
        actifs = {cle: _arcs_initiaux(comp, bloc, sel1) for cle, bloc in arcs["blocs"].items()}
    m, z, lignes_noeud, lignes_entree, variables = _modele_transport(
        comp, garder, bas_z, opt1, ecarts, plafond, arcs, actifs, pos, mode
    )
    idx_arcs = {cle: np.flatnonzero(act) for cle, act in actifs.items()}
    h = nouveau_highs(reglages["limite_temps"])
    h.passModel(m.lp(False, relaxe=True))
    borne = None
    nb_col = m.nb_col
    for _tour in range(100):
        h.run()
        mesures["lp_transport"] = mesures.get("lp_transport", 0) + 1
        sol = h.getSolution()
        if h.modelStatusToString(h.getModelStatus()) != "Optimal" or not sol.dual_valid:
            break
        y = np.asarray(sol.row_dual)
        nouveaux = []
        for (depot, t), bloc in arcs["blocs"].items():
            o, d = bloc["orig"], bloc["dest"]
            cand = (~actifs[(depot, t)]) & (o >= 0)
            if not cand.any():
                continue
            io, idd = pos[o[cand]], pos[d[cand]]
            yn = y[lignes_noeud[depot]]
            rc = bloc["km"][cand] - yn[idd] + yn[io] - y[lignes_entree][idd]
            neg = np.flatnonzero(cand)[rc < -1e-7]
            if AJOUT_PAR_NOEUD and len(neg):
                # keep the most negative arcs into each loan: the LP stays small, the next round adds more
                rcn = rc[rc < -1e-7]
                dn = d[neg]
                ordre = np.lexsort((rcn, dn))
                dn = dn[ordre]
                nouveau = np.ones(len(ordre), dtype=bool)
                nouveau[1:] = dn[1:] != dn[:-1]
                debut_groupe = np.maximum.accumulate(np.where(nouveau, np.arange(len(ordre)), 0))
                neg = neg[ordre[np.arange(len(ordre)) - debut_groupe < AJOUT_PAR_NOEUD]]
            if len(neg):
                actifs[(depot, t)][neg] = True
                nouveaux.append(((depot, t), neg))
        if not nouveaux:
            borne = h.getInfo().objective_function_value
            break
        # new arc columns: -1 in the origin's node row, +1 in the destination's node row and in-flow row
        for cle, neg in nouveaux:
            bloc = arcs["blocs"][cle]
            n = len(neg)
            io, idd = pos[bloc["orig"][neg]], pos[bloc["dest"][neg]]
            ln = lignes_noeud[cle[0]]
            index = np.stack([ln[io], ln[idd], lignes_entree[idd]], axis=1).ravel().astype(np.int32)
            valeurs = np.tile([-1.0, 1.0, 1.0], n)
            h.addCols(
                n,
                bloc["km"][neg],
                np.zeros(n),
                np.ones(n),
                3 * n,
                np.arange(0, 3 * n, 3, dtype=np.int32),
                index,
                valeurs,
            )
            idx_arcs[cle] = np.concatenate([idx_arcs[cle], neg])
            variables[cle] = np.concatenate([variables[cle], np.arange(nb_col, nb_col + n)])
            nb_col += n
    entiers = [z] + ([*variables.values()] if arcs["plusieurs_depots"] else [])
    entiers = np.concatenate(entiers).astype(np.int32)
    h.changeColsIntegrality(len(entiers), entiers, np.ones(len(entiers), dtype=np.uint8))
    h.setOptionValue("mip_rel_gap", reglages["ecart_km"])
    for nom, valeur in OPTIONS_MIP_TRANSPORT.items():
        h.setOptionValue(nom, valeur)
    h.clearSolver()  # the fractional LP point is no useful MIP start
    h.run()
    mesures["arcs"] = mesures.get("arcs", 0) + arcs["total"]
    mesures["arcs_generes"] = mesures.get("arcs_generes", 0) + int(sum(a.sum() for a in actifs.values()))
    sol = h.getSolution()
    if not sol.value_valid:
        raise RuntimeError(f"Le solveur n'a pas trouvé de tournée ({h.modelStatusToString(h.getModelStatus())}).")
    vals = np.asarray(sol.col_value)
    valeur = h.getInfo().objective_function_value
    borne_mip = h.getInfo().mip_dual_bound
    borne = borne_mip if borne is None else max(borne, borne_mip)
    ecart = max(0.0, (valeur - borne) / valeur) if valeur > 1e-9 else 0.0
    ecart = 0.0 if ecart < 1e-6 else ecart
    sel = garder[vals[z] > 0.5]
    tournees = {}
    for (depot, t), bloc in arcs["blocs"].items():
        idx = idx_arcs[(depot, t)]
        flux = vals[variables[(depot, t)]] > 0.5
        suivant = {}
        departs = []
        for o, dd in zip(bloc["orig"][idx[flux]], bloc["dest"][idx[flux]], strict=True):
            if o < 0:
                departs.append(dd)
            else:
                suivant[o] = dd
        kits = arcs["ids_kits"][(depot, t)]
        for k, debut in zip(kits, sorted(departs, key=lambda x: (comp.p[x], x)), strict=False):
            chemin = []
            j = debut
            while j >= 0:
                chemin.append(j)
                j = suivant.get(j, -1)
            tournees[k] = chemin
    return sel, tournees, mode, ecart


AJOUT_PAR_NOEUD = 3
OPTIONS_MIP_TRANSPORT = {"presolve": "off"}  # measured faster on department instances (the LP is already small)
VOISINS = 4  # nearest successors per later period in the initial arc set


def _arcs_initiaux(comp, bloc, sel1):
    """Depot arcs, each loan's VOISINS nearest successors per later period, and a routing of the phase-1 loans."""
    o, d, km = bloc["orig"], bloc["dest"], bloc["km"]
    actifs = (o < 0) | (d < 0)
    interne = np.flatnonzero((o >= 0) & (d >= 0))
    if len(interne):
        cle_o, cle_p = o[interne], comp.p[d[interne]]
        ordre = np.lexsort((km[interne], cle_p, cle_o))
        io, ip = cle_o[ordre], cle_p[ordre]
        nouveau = np.ones(len(ordre), dtype=bool)
        nouveau[1:] = (io[1:] != io[:-1]) | (ip[1:] != ip[:-1])
        debut_groupe = np.maximum.accumulate(np.where(nouveau, np.arange(len(ordre)), 0))
        rang = np.arange(len(ordre)) - debut_groupe
        actifs[interne[ordre[rang < VOISINS]]] = True
    # a feasible routing of the phase-1 loans of this block: kit k takes the k-th loan of each period
    noeuds = np.intersect1d(sel1, np.unique(d[d >= 0]))
    par_periode = defaultdict(list)
    for j in noeuds.tolist():
        par_periode[comp.p[j]].append(j)
    chaines = defaultdict(list)
    for _p, js in sorted(par_periode.items()):
        for k, j in enumerate(js):
            chaines[k].append(j)
    paires = {(a, b) for ch in chaines.values() for a, b in zip(ch, ch[1:], strict=False)}
    if paires:
        cles = o * (comp.n + 1) + d
        voulues = np.array([a * (comp.n + 1) + b for a, b in paires])
        actifs |= np.isin(cles, voulues) & (o >= 0)
    return actifs


def _modele_transport(comp, garder, bas_z, opt1, ecarts, plafond, arcs, actifs, pos, mode):
    """Phase-2 model on the active arcs; return (model, z, node rows per depot, in-flow rows, arc columns)."""
    if mode != LEXICO:
        bas_z = np.ones(len(garder))
    m, z, _s = comp.modele(garder=garder, bas_z=bas_z, ecarts=ecarts, plafond_ecarts=plafond, cout_z=False)
    # objective 1 kept at its optimum
    m.lignes(np.zeros(len(z)), z, comp.w[garder].astype(float), 1, opt1 - MARGE, INF)
    variables = {}
    for cle, bloc in arcs["blocs"].items():
        variables[cle] = m.colonnes(bloc["km"][actifs[cle]], 0.0, 1.0, entier=arcs["plusieurs_depots"])
    # flow conservation per option and depot (in = out), and Σ in = z per option
    noeuds = defaultdict(lambda: ([], [], []))
    entree_l, entree_c = [], []
    sorties = {}
    for (depot, t), bloc in arcs["blocs"].items():
        act = actifs[(depot, t)]
        o, d, cols = bloc["orig"][act], bloc["dest"][act], variables[(depot, t)]
        lig, col, val = noeuds[depot]
        for extr, signe in ((o, -1.0), (d, 1.0)):
            ok = extr >= 0
            lig.append(pos[extr[ok]])
            col.append(cols[ok])
            val.append(np.full(ok.sum(), signe))
        ok = d >= 0
        entree_l.append(pos[d[ok]])
        entree_c.append(cols[ok])
        sorties[(depot, t)] = cols[o < 0]
    lignes_noeud = {}
    for depot, (lig, col, val) in noeuds.items():
        lignes_noeud[depot] = m.lignes(
            np.concatenate(lig), np.concatenate(col), np.concatenate(val), len(garder), 0.0, 0.0
        )
    entree_l.append(np.arange(len(garder)))
    entree_c.append(z)
    nb = sum(len(x) for x in entree_l[:-1])
    val = np.concatenate([np.ones(nb), -np.ones(len(garder))])
    lignes_entree = m.lignes(np.concatenate(entree_l), np.concatenate(entree_c), val, len(garder), 0.0, 0.0)
    for cle, cols in sorties.items():
        m.lignes(np.zeros(len(cols)), cols, 1.0, 1, -INF, float(arcs["kits"][cle]))
    return m, z, lignes_noeud, lignes_entree, variables


def _arcs(comp, inst, garder):
    """Arcs of the kit flow over the options `garder`, per (depot, type): depot→loan, loan→loan, loan→depot."""
    depots_type = defaultdict(list)
    for k in comp.kits:
        depots_type[(k["depot"], TYPES.index(k["type"]), inst.bassin(k["department"]))].append(k["id"])
    ecoles = [comp.cands[comp.c[j]]["school"] for j in garder]
    uniques = sorted(set(ecoles))
    idx_ecole = {s: i for i, s in enumerate(uniques)}
    lat = np.array([inst.ecoles[s]["lat"] for s in uniques], dtype=float)
    lon = np.array([inst.ecoles[s]["lon"] for s in uniques], dtype=float)
    dist = _distances(lat, lon, lat, lon) if uniques else np.zeros((0, 0))
    e_opt = np.array([idx_ecole[s] for s in ecoles], dtype=np.int64)
    blocs = {}
    kits = {}
    ids_kits = {}
    total = 0
    types_bassin = defaultdict(int)
    for _depot, t, bassin in depots_type:
        types_bassin[(t, bassin)] += 1
    plusieurs = any(n > 1 for n in types_bassin.values())
    bassin_opt = np.array([comp.bassin[j] for j in garder], dtype=object)
    for (depot, t, bassin), ids in sorted(depots_type.items()):
        masque = (comp.t[garder] == t) & (bassin_opt == bassin)
        noeuds = garder[masque]
        e_noeuds = e_opt[masque]
        dlat, dlon = inst.depots[depot]
        d_depot = _distances(np.array([dlat]), np.array([dlon]), lat, lon)[0] if uniques else np.zeros(0)
        orig, dest, km = [noeuds * 0 - 1, noeuds], [noeuds, noeuds * 0 - 1], [d_depot[e_noeuds], d_depot[e_noeuds]]
        per = comp.p[noeuds]
        cnd = comp.c[noeuds]
        for a in np.unique(per):
            ia = np.flatnonzero(per == a)
            ib = np.flatnonzero(per > a)
            if len(ib) == 0:
                continue
            oa, ob = np.repeat(ia, len(ib)), np.tile(ib, len(ia))
            ok = cnd[oa] != cnd[ob]
            oa, ob = oa[ok], ob[ok]
            orig.append(noeuds[oa])
            dest.append(noeuds[ob])
            km.append(dist[e_noeuds[oa], e_noeuds[ob]])
            total += len(oa)
            if total > ARCS_MAX:
                return None
        blocs[(depot, t)] = {"orig": np.concatenate(orig), "dest": np.concatenate(dest), "km": np.concatenate(km)}
        kits[(depot, t)] = len(ids)
        ids_kits[(depot, t)] = sorted(ids)
    return {"blocs": blocs, "kits": kits, "ids_kits": ids_kits, "plusieurs_depots": plusieurs, "total": total}


def planifier(inst, exclusions=(), limite_temps=None, ecart_km=ECART_KM, transport=LEXICO):
    """Solve the instance; return a Resultat (assignment, objective, kilometres, floors, reasons)."""
    debut = time.perf_counter()
    exclusions = {(c, p) for c, p in exclusions}
    affectation = {}
    tournees = {}
    deficits = {}
    modes = set()
    ecart = 0.0
    mesures = {}
    reglages = {"limite_temps": limite_temps, "ecart_km": ecart_km, "transport": transport}
    groupes = composantes(inst)
    comps = []
    for g in groupes:
        comp = _Composante(inst, g["cands"], exclusions)
        sel, tour, defs, mode, ec = _resoudre_composante(comp, inst, reglages, mesures)
        comps.append((comp, sel))
        modes.add(mode)
        ecart = max(ecart, ec)
        deficits.update(defs)
        for kit, chemin in tour.items():
            tournees[kit] = []
            for j in chemin:
                cand = comp.cands[comp.c[j]]
                periode = inst.periodes[comp.p[j]]
                affectation[cand["id"]] = {"kit": kit, "period": periode}
                tournees[kit].append([periode, cand["id"], cand["school"]])
    # floors of circonscriptions without any candidature
    couverts = {circ for comp, _ in comps for circ in comp.planchers}
    for circ, f in inst.planchers.items():
        if f > 0 and circ not in couverts:
            deficits[circ] = f
    objectif = sum(inst.poids_option(_cand(inst, cid), v["period"]) for cid, v in affectation.items())
    km = kilometres(inst, affectation)
    non_atteints = _expliquer_planchers(inst, comps, deficits, affectation)
    non_placees = _expliquer_non_placees(inst, comps, affectation)
    return Resultat(
        affectation=dict(sorted(affectation.items())),
        objectif=objectif / 100.0,
        objectif_entier=objectif,
        kilometres=km,
        planchers_total=len(inst.planchers),
        planchers_atteints=len(inst.planchers) - len(non_atteints),
        planchers_non_atteints=non_atteints,
        non_placees=non_placees,
        tournees=dict(sorted(tournees.items())),
        transport=LEXICO if modes <= {LEXICO} else PRETS_RETENUS,
        statut="optimal" if not non_atteints else "planchers_inatteignables",
        temps_s=time.perf_counter() - debut,
        composantes=len(comps),
        ecart_km=ecart,
        mesures=mesures,
    )


def _cand(inst, cid):
    if not hasattr(inst, "_par_id"):
        inst._par_id = {c["id"]: c for c in inst.candidatures}
    return inst._par_id[cid]


def kilometres(inst, affectation):
    """Kilometres of the kits as FORMAT.md defines them (same computation as validate.py)."""
    par_kit = defaultdict(list)
    for cid, v in affectation.items():
        par_kit[v["kit"]].append((inst.rang_periode[v["period"]], _cand(inst, cid)["school"]))
    total = 0.0
    for kit, etapes in par_kit.items():
        depot = inst.depots[inst.kits[kit]["depot"]]
        cur = depot
        for _, ecole in sorted(etapes):
            nxt = (inst.ecoles[ecole]["lat"], inst.ecoles[ecole]["lon"])
            total += haversine_km(cur[0], cur[1], nxt[0], nxt[1])
            cur = nxt
        total += haversine_km(cur[0], cur[1], depot[0], depot[1])
    return total


def _expliquer_planchers(inst, comps, deficits, affectation):
    """For each floor not met: the circonscription, its floor, the loans obtained and why."""
    obtenus = defaultdict(int)
    for cid in affectation:
        obtenus[_cand(inst, cid)["circonscription"]] += 1
    sortie = []
    for circ in sorted(deficits):
        f = inst.planchers[circ]
        comp = next((c for c, _ in comps if circ in c.planchers), None)
        demandes = 0 if comp is None else len({comp.c[j] for j in comp.par_circ.get(circ, [])})
        if demandes < f:
            total = sum(1 for c in inst.candidatures if c["circonscription"] == circ)
            raison = (
                f"seulement {total} candidature(s) dans la circonscription, dont {demandes} pouvant être servies "
                f"(périodes souhaitées, type de classe mobile du département), pour un plancher de {f}"
            )
        else:
            maximum = _max_seul(comp, circ)
            if maximum < f:
                raison = (
                    f"au plus {maximum} prêt(s) possibles pour cette circonscription, même seule : classes mobiles "
                    f"de son type sur ses périodes souhaitées et plafonds des écoles"
                )
            else:
                raison = (
                    "incompatible avec les planchers des autres circonscriptions du département : les classes "
                    "mobiles de leurs périodes communes ne suffisent pas à tous les atteindre"
                )
        sortie.append({"circonscription": circ, "plancher": f, "obtenu": obtenus[circ], "raison": raison})
    return sortie


def _max_seul(comp, circ):
    """Largest number of loans one circonscription could get alone (other floors ignored)."""
    js = np.array(comp.par_circ.get(circ, []), dtype=np.int64)
    if len(js) == 0:
        return 0
    sauve = comp.planchers
    comp.planchers = {}
    try:
        m, z, _ = comp.modele(garder=js, cout_z=False)
        m.cout[0] = np.ones(len(js))
        r = resoudre_modele(m, True, ecart_absolu=0.5, ecart_relatif=0.0)
    finally:
        comp.planchers = sauve
    return round(r["objectif"])


def _expliquer_non_placees(inst, comps, affectation):
    """Why each candidature is left out, from the final assignment (kits full, school cap, excluded…)."""
    occupes = defaultdict(list)  # (pool, period, type) -> weights of the loans there
    par_ecole = defaultdict(int)
    for cid, v in affectation.items():
        cand = _cand(inst, cid)
        kit = inst.kits[v["kit"]]
        occupes[(inst.bassin(cand["department"]), v["period"], kit["type"])].append(
            inst.poids_option(cand, v["period"])
        )
        par_ecole[(cand["school"], v["period"])] += 1
    sortie = {}
    for comp, _ in comps:
        for cand in comp.cands:
            cid = cand["id"]
            if cid in affectation:
                continue
            bassin = inst.bassin(cand["department"])
            if not cand["periods"]:
                sortie[cid] = {"code": "aucune_periode", "motif": "aucune période souhaitée", "details": {}}
                continue
            types = [t for t in TYPES if comp.nb_kits[(bassin, t)] and cand.get("kit_type") in (None, t)]
            if not types:
                voulu = LIBELLES_TYPE.get(cand.get("kit_type"), "")
                sortie[cid] = {
                    "code": "aucun_kit_du_type",
                    "motif": f"aucune classe mobile {voulu or ''} dans le parc du département".replace("  ", " "),
                    "details": {},
                }
                continue
            if cid in comp.sans_option:
                sortie[cid] = {"code": "exclue", "motif": "appariement exclu par la commission", "details": {}}
                continue
            details = {}
            codes = set()
            for periode in sorted(cand["periods"], key=lambda p: inst.rang_periode[p]):
                if (cid, periode) in comp.exclusions:
                    details[periode] = "période exclue par la commission"
                    codes.add("exclue")
                    continue
                w = inst.poids_option(cand, periode)
                cap = inst.plafond(cand["school"])
                if par_ecole[(cand["school"], periode)] >= cap:
                    details[periode] = f"plafond de l'école atteint ({cap} classe(s) mobile(s) par période)"
                    codes.add("plafond_ecole")
                    continue
                parts = []
                for t in types:
                    poids = occupes[(bassin, periode, t)]
                    n = comp.nb_kits[(bassin, t)]
                    mini = min(poids) / 100 if poids else 0
                    parts.append(
                        f"{n} classe(s) mobile(s) {LIBELLES_TYPE[t]} toutes attribuées "
                        f"(score minimal placé {mini:g}, le sien {w / 100:g})"
                    )
                    codes.add("priorite_inferieure" if poids and min(poids) >= w else "optimum_global")
                details[periode] = " ; ".join(parts)
            if codes <= {"plafond_ecole"}:
                code, motif = "plafond_ecole", "plafond de son école atteint sur toutes ses périodes souhaitées"
            elif "optimum_global" in codes:
                code = "optimum_global"
                motif = (
                    "aucune classe mobile de son type libre sur ses périodes souhaitées ; la placer ferait "
                    "perdre davantage ailleurs (planchers d'équité, plafonds des écoles, autres périodes des "
                    "candidatures placées)"
                )
            elif codes <= {"priorite_inferieure", "plafond_ecole", "exclue"}:
                code = "priorite_inferieure"
                motif = (
                    "aucune classe mobile de son type libre sur ses périodes souhaitées : toutes sont attribuées "
                    "à des candidatures de score supérieur ou égal"
                )
            else:
                code, motif = "exclue", "appariements exclus par la commission"
            sortie[cid] = {"code": code, "motif": motif, "details": details}
    return dict(sorted(sortie.items()))


def kilometres_minimaux(inst, affectation):
    """Fewest kilometres for exactly these loans (kits of the same types): exact routing, whatever the kits."""
    total = 0.0
    reglages = {"limite_temps": None, "ecart_km": 0.0, "transport": PRETS_RETENUS}
    for g in composantes(inst):
        comp = _Composante(inst, g["cands"], set())
        index = {(int(comp.c[j]), int(comp.p[j]), int(comp.t[j])): j for j in range(comp.n)}
        rang_cand = {c["id"]: i for i, c in enumerate(comp.cands)}
        choisies = sorted(
            index[(rang_cand[cid], inst.rang_periode[v["period"]], TYPES.index(inst.kits[v["kit"]]["type"]))]
            for cid, v in affectation.items()
            if v and cid in rang_cand
        )
        if not choisies:
            continue
        sel = np.array(choisies, dtype=np.int64)
        _sel, tournees, _mode, _ecart = _phase_transport(
            comp, inst, sel, np.ones(comp.n), int(comp.w[sel].sum()), True, None, sel, reglages, {}, mode=PRETS_RETENUS
        )
        routes = {}
        for kit, chemin in tournees.items():
            for j in chemin:
                routes[comp.cands[comp.c[j]]["id"]] = {"kit": kit, "period": inst.periodes[comp.p[j]]}
        total += kilometres(inst, routes)
    return total
