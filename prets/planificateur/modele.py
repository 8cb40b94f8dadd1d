"""Thin builder for a HiGHS mixed-integer model from numpy blocks (columns, rows as triplets).

Set PLANIF_JOURNAL=1 in the environment to see HiGHS's log of every solve.
"""

import os
import sys

import highspy
import numpy as np


class Modele:
    """Columns and rows accumulated as numpy arrays, then passed to HiGHS in one `passModel` call."""

    def __init__(self):
        self.cout, self.bas, self.haut, self.entier = [], [], [], []
        self.nb_col = 0
        self.lignes_bas, self.lignes_haut = [], []
        self.nb_lig = 0
        self.trip_l, self.trip_c, self.trip_v = [], [], []

    def colonnes(self, cout, bas=0.0, haut=1.0, entier=False):
        """Add len(cout) columns; return their indices."""
        cout = np.asarray(cout, dtype=float)
        n = len(cout)
        self.cout.append(cout)
        self.bas.append(np.broadcast_to(np.asarray(bas, dtype=float), (n,)))
        self.haut.append(np.broadcast_to(np.asarray(haut, dtype=float), (n,)))
        self.entier.append(np.broadcast_to(np.asarray(entier, dtype=bool), (n,)))
        idx = np.arange(self.nb_col, self.nb_col + n)
        self.nb_col += n
        return idx

    def lignes(self, lig, col, val, nb, bas, haut):
        """Add `nb` rows; (lig, col, val) are triplets with lig in 0..nb-1. Return the row indices."""
        lig = np.asarray(lig, dtype=np.int64)
        self.trip_l.append(lig + self.nb_lig)
        self.trip_c.append(np.asarray(col, dtype=np.int64))
        self.trip_v.append(np.broadcast_to(np.asarray(val, dtype=float), lig.shape))
        self.lignes_bas.append(np.broadcast_to(np.asarray(bas, dtype=float), (nb,)))
        self.lignes_haut.append(np.broadcast_to(np.asarray(haut, dtype=float), (nb,)))
        idx = np.arange(self.nb_lig, self.nb_lig + nb)
        self.nb_lig += nb
        return idx

    def lp(self, maximiser, relaxe=False):
        lp = highspy.HighsLp()
        lp.num_col_ = self.nb_col
        lp.num_row_ = self.nb_lig
        vide = np.zeros(0)
        lp.col_cost_ = np.concatenate(self.cout) if self.cout else vide
        lp.col_lower_ = np.concatenate(self.bas) if self.bas else vide
        lp.col_upper_ = np.concatenate(self.haut) if self.haut else vide
        lp.row_lower_ = np.concatenate(self.lignes_bas) if self.lignes_bas else vide
        lp.row_upper_ = np.concatenate(self.lignes_haut) if self.lignes_haut else vide
        lp.sense_ = highspy.ObjSense.kMaximize if maximiser else highspy.ObjSense.kMinimize
        lig = np.concatenate(self.trip_l) if self.trip_l else np.zeros(0, dtype=np.int64)
        col = np.concatenate(self.trip_c) if self.trip_c else np.zeros(0, dtype=np.int64)
        val = np.concatenate(self.trip_v) if self.trip_v else vide
        ordre = np.lexsort((lig, col))
        lig, col, val = lig[ordre], col[ordre], val[ordre]
        debuts = np.zeros(self.nb_col + 1, dtype=np.int64)
        np.cumsum(np.bincount(col, minlength=self.nb_col), out=debuts[1:])
        mat = lp.a_matrix_
        mat.format_ = highspy.MatrixFormat.kColwise
        mat.num_col_ = self.nb_col
        mat.num_row_ = self.nb_lig
        mat.start_ = debuts.astype(np.int32)
        mat.index_ = lig.astype(np.int32)
        mat.value_ = val
        lp.a_matrix_ = mat
        if not relaxe and self.entier and np.concatenate(self.entier).any():
            ent = np.concatenate(self.entier)
            lp.integrality_ = [highspy.HighsVarType(int(e)) for e in ent]
        return lp


_BANNIERE_TUE = False


def _highs_silencieux():
    """HiGHS prints its banner on stdout when the first instance is created: swallow it once."""
    global _BANNIERE_TUE
    if _BANNIERE_TUE:
        return highspy.Highs()
    sys.stdout.flush()
    sauve = os.dup(1)
    try:
        with open(os.devnull, "w") as nul:
            os.dup2(nul.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(sauve, 1)
        os.close(sauve)
    _BANNIERE_TUE = True
    return h


def nouveau_highs(limite_temps=None):
    h = _highs_silencieux()
    h.setOptionValue("output_flag", bool(os.environ.get("PLANIF_JOURNAL")))
    h.setOptionValue("threads", 1)
    if limite_temps:
        h.setOptionValue("time_limit", float(limite_temps))
    return h


def resoudre_modele(
    modele, maximiser, relaxe=False, limite_temps=None, ecart_absolu=None, ecart_relatif=None, options=None
):
    """Solve; return (status name, objective, col values, col duals or None, highs info)."""
    h = nouveau_highs(limite_temps)
    if ecart_absolu is not None:
        h.setOptionValue("mip_abs_gap", float(ecart_absolu))
    if ecart_relatif is not None:
        h.setOptionValue("mip_rel_gap", float(ecart_relatif))
    for nom, valeur in (options or {}).items():
        h.setOptionValue(nom, valeur)
    h.passModel(modele.lp(maximiser, relaxe=relaxe))
    h.run()
    statut = h.getModelStatus()
    nom = h.modelStatusToString(statut)
    info = h.getInfo()
    sol = h.getSolution()
    valeurs = np.asarray(sol.col_value) if sol.value_valid else None
    duals = np.asarray(sol.col_dual) if sol.dual_valid else None
    lignes_duals = np.asarray(sol.row_dual) if sol.dual_valid else None
    return {
        "statut": statut,
        "nom": nom,
        "objectif": info.objective_function_value,
        "valeurs": valeurs,
        "duals": duals,
        "lignes_duals": lignes_duals,
        "ecart": getattr(info, "mip_gap", 0.0),
        "borne": getattr(info, "mip_dual_bound", None),
    }
