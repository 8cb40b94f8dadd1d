import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prets.planificateur import FORMAT_AFFECTATION, InstanceInvalide, lire_instance, planifier
from prets.planificateur.generateur import TAILLES, ecrire_instance, generer_instance
from prets.planificateur.solveur import LEXICO, PRETS_RETENUS


class Command(BaseCommand):
    help = (
        "Planificateur automatique des prêts : résout une instance « classes-mobiles/instance@1 » "
        "(--instance FICHIER --sortie FICHIER) et écrit l'affectation, ou génère une instance de test "
        "(--generer TAILLE --graine N --exporter FICHIER)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--instance", metavar="FICHIER", help="instance JSON à résoudre")
        parser.add_argument("--sortie", metavar="FICHIER", help="fichier JSON où écrire l'affectation")
        parser.add_argument("--campagne", metavar="ID", help="campagne dont exporter le problème")
        parser.add_argument("--exporter", metavar="FICHIER", help="fichier où écrire l'instance exportée ou générée")
        parser.add_argument("--generer", choices=sorted(TAILLES), help="générer une instance de cette taille")
        parser.add_argument("--graine", type=int, default=1, help="graine du générateur (défaut 1)")
        parser.add_argument("--periodes", type=int, choices=(3, 5), help="nombre de périodes de l'instance générée")
        parser.add_argument(
            "--ecart-km",
            type=float,
            default=None,
            help="écart relatif toléré sur les kilomètres (défaut 0,001 ; 0 pour l'optimum prouvé)",
        )
        parser.add_argument(
            "--transport",
            choices=("lexicographique", "prets-retenus"),
            default="lexicographique",
            help="kilomètres minimisés parmi toutes les affectations optimales (défaut), ou seulement pour les "
            "prêts d'une affectation optimale (plus rapide à l'échelle nationale)",
        )
        parser.add_argument("--limite-temps", type=float, default=None, help="limite de temps par appel au solveur (s)")

    def handle(self, *args, **opts):
        if opts["campagne"]:
            raise CommandError(
                "L'export d'une campagne (--campagne) n'est pas encore disponible : il attend le parc des classes "
                "mobiles et les prêts (modèles de l'application prets). Utilisez --instance FICHIER --sortie FICHIER."
            )
        if opts["generer"]:
            if not opts["exporter"]:
                raise CommandError("Indiquez le fichier où écrire l'instance générée : --exporter FICHIER.")
            donnees = generer_instance(opts["generer"], graine=opts["graine"], periodes=opts["periodes"])
            ecrire_instance(donnees, opts["exporter"])
            self.stdout.write(
                f"Instance {donnees['name']} écrite dans {opts['exporter']} : {len(donnees['candidatures'])} "
                f"candidatures, {len(donnees['kits'])} classes mobiles, {len(donnees['periods'])} périodes."
            )
            if not opts["instance"]:
                return
        if not opts["instance"] or not opts["sortie"]:
            raise CommandError(
                "Indiquez l'instance à résoudre et le fichier de sortie : --instance FICHIER --sortie FICHIER."
            )
        debut = time.perf_counter()
        try:
            instance = lire_instance(opts["instance"])
        except InstanceInvalide as erreur:
            raise CommandError(f"Instance refusée, rien n'a été calculé. {erreur}") from None
        reglages = {}
        if opts["ecart_km"] is not None:
            if not 0 <= opts["ecart_km"] < 1:
                raise CommandError("--ecart-km doit être compris entre 0 et 1 (exemple : 0.001 pour 0,1 %).")
            reglages["ecart_km"] = opts["ecart_km"]
        reglages["transport"] = LEXICO if opts["transport"] == "lexicographique" else PRETS_RETENUS
        resultat = planifier(instance, limite_temps=opts["limite_temps"], **reglages)
        sortie = Path(opts["sortie"])
        try:
            sortie.write_text(
                json.dumps(
                    {
                        "format": FORMAT_AFFECTATION,
                        "instance": instance.nom,
                        "assignment": resultat.affectation,
                        "rapport": resultat.rapport(),
                    },
                    ensure_ascii=False,
                    indent=1,
                ),
                encoding="utf-8",
            )
        except OSError as erreur:
            raise CommandError(f"Impossible d'écrire l'affectation dans {sortie} : {erreur.strerror}.") from None
        total = time.perf_counter() - debut
        for ligne in lignes_resume(instance, resultat):
            self.stdout.write(ligne)
        self.stdout.write(f"Temps : résolution {resultat.temps_s:.3f} s, lecture + résolution + écriture {total:.3f} s")
        self.stdout.write(f"Affectation écrite dans {sortie}")


def lignes_resume(instance, resultat):
    """French summary lines of a planner result (objective, floors, kilometres)."""
    n = len(instance.candidatures)
    transport = {
        LEXICO: "minimum parmi les affectations optimales pour l'objectif",
        PRETS_RETENUS: "minimum pour les prêts retenus",
    }[resultat.transport]
    ecart = (
        "écart prouvé inconnu" if resultat.ecart_km != resultat.ecart_km else f"écart prouvé ≤ {resultat.ecart_km:.3%}"
    )
    lignes = [
        f"Instance {instance.nom} : {n} candidatures, {len(instance.kits)} classes mobiles, "
        f"{len(instance.periodes)} périodes, {resultat.composantes} sous-problème(s) indépendant(s)",
        f"Objectif : {resultat.objectif:.2f} (optimum ; Σ priorité × poids du rang / 100)",
        f"Candidatures placées : {len(resultat.affectation)} / {n}",
        f"Planchers d'équité atteints : {resultat.planchers_atteints} / {resultat.planchers_total}",
    ]
    for p in resultat.planchers_non_atteints:
        lignes.append(
            f"  PLANCHER NON ATTEINT — {p['circonscription']} : {p['obtenu']} prêt(s) pour un plancher de "
            f"{p['plancher']} ; {p['raison']}"
        )
    lignes.append(f"Kilomètres : {resultat.kilometres:.1f} km ({transport}, {ecart})")
    return lignes
