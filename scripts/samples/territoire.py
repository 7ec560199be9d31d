#!/usr/bin/env python3
"""Generate data/samples/territoire/: the CUS files of about thirty fictional organisms of one real
région (Hauts-de-France, code 32), to try « Simuler sur mon territoire » (consolidation of many
organisms' files by a collectivité or a State service), and for tests and benchmarks.

Run from the repository root:

    python3 scripts/samples/territoire.py

Python 3.11, standard library only. The files are written by the real converter of the project
(`cus convert`), so that the set mixes the four formats (JSON, CSV, ODS, XLSX) exactly as the
application writes them, then checked with `cus check`. The `cus` command is taken from the
environment variable CUS_BIN (path to a built binary, for instance
`CUS_BIN=target/debug/cus`); without it, the script runs `cargo run -q -p cus-cli --` from the
repository root (building the binary the first time).

Reproducible: fixed seeds, fixed order, a fixed export date (CUS_DATE_EXPORT given to the
converter), and exports that are themselves deterministic: two runs write byte-identical files.

What it writes:

- one file per organism (and two versions of one organism's file, to show duplicates), built
  with the cell rules and value generators of generate.py (imported, not copied), then converted
  from a bare convention to the format of that file;
- `manifest.json`: for each file, its name, format, organism, SIREN, catalogue, generation,
  territories, stock, a few figures (development as a share of the stock, PLAI share), the cells
  left empty on purpose, the error and warning codes the rules give, and what the file is for.

The Rust test crates/cus-formats/tests/territoire_samples.rs imports every file and checks the
manifest against the rule engine.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import tomllib

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import generate as g  # noqa: E402  (the generator of the two other samples)

ROOT = g.ROOT
CAT_DIR = ROOT / "data" / "catalogue"
GEO_VINTAGE = 2026
GEO_DIR = ROOT / "data" / "geo" / str(GEO_VINTAGE)
OUT_DIR = ROOT / "data" / "samples" / "territoire"
REGION = "32"
SEED = 20261201
# Export dates written in the files (and in their zip entries): fixed, for reproducible bytes.
EXPORT_DATE = "2026-11-20T09:00:00Z"
EXPORT_DATE_LATER = "2026-11-24T16:30:00Z"

CURRENT = ("cus2-logements-locatifs", "2026.11.0", "cus2-logements-locatifs.toml")
R2017 = ("cus2-logements-locatifs", "2026.11.0-r2017", "cus2-logements-locatifs-2019.toml")
GEN1 = ("cus1-logements-locatifs", "2026.11.0", "cus1-logements-locatifs.toml")

# EPCI of the région used below (SIREN from data/geo/2026/epci.json, checked at run time).
MEL = "200093201"  # Métropole Européenne de Lille
VALENCIENNES = "245901160"
DUNKERQUE = "245900428"
PORTE_HAINAUT = "200042190"
DOUAISIS = "200044618"
MAUBEUGE = "200043396"
BETHUNE = "200072460"
LENS = "246200364"
HENIN = "246200299"
BOULONNAIS = "246200729"
ARRAS = "200033579"
CALAIS = "200090751"
AMIENS = "248000531"  # CA Amiens Métropole
BAIE_SOMME = "200070993"
BEAUVAISIS = "200067999"
CREIL = "200068047"
COMPIEGNE = "200067965"
SAINT_QUENTIN = "200071892"
SOISSONS = "240200477"
LAON = "200043495"

DETAIL = ["PP-1", "PP-2"]


# ---------------------------------------------------------------------------------------------
# The organisms. Everything is fictional except the territories. `rate6`: new supply agreed over
# six years (PP-1 total at 6 years) as a share of the stock; `plai`: PLAI share of PLUS + PLAI;
# `pls`: PLS share of the total; `hqpv`: share of the new supply outside QPV.
# ---------------------------------------------------------------------------------------------


def org(slug, name, kind, siege, stock, epci, rate6, plai, **kw):
    spec = {
        "slug": slug,
        "name": name,
        "kind": kind,
        "siege": siege,
        "stock": stock,
        "epci": epci,
        "rate6": rate6,
        "plai": plai,
        "pls": 0.12,
        "hqpv": 0.8,
        "detail": [],
        "optional": [],
        "signing_year": 2020,
        "catalogue": CURRENT,
        "format": "json",
        "empty": [],
        "error": None,
        "epci_share": {},
        "evaluation": None,
        "role": "",
    }
    spec.update(kw)
    return spec


def ev(evaluation, count, pct, justify, cause=None):
    """Achievements entered for an evaluation: `count` and `pct` scale the commitments (counts,
    percentages), each split varying around it; `justify`: "tout" (every commitment missed
    justified: an outside `cause`, or the organism itself when `cause` is None), "PP-1" (only
    PP-1's), "rien" (none: the rules warn W-EVAL-JUSTIFY)."""
    return {"id": evaluation, "count": count, "pct": pct, "justify": justify, "cause": cause}


ORGANISMS = [
    org("beffroi", "Habitat du Beffroi, office public de l'habitat (fictif)", "oph", "59",
        {"59": 37200, "62": 2600}, [MEL, DOUAISIS, VALENCIENNES, LENS], 0.11, 0.28, pls=0.10,
        hqpv=0.62, detail=DETAIL, optional=["PP-5", "PS-3"], signing_year=2019,
        evaluation=ev("mi-parcours", 0.93, 0.98, "tout", cause="foncier"),
        role="Le plus grand organisme de l'ensemble (près de 40 000 logements), détail par EPCI "
        "dont la Métropole Européenne de Lille ; indicateurs PP-5 et PS-3 retenus."),
    org("flandres-artois", "Logis des Flandres et de l'Artois, SA d'HLM (fictive)", "esh", "59",
        {"59": 14800, "62": 11700}, [MEL, DUNKERQUE, BETHUNE, LENS, HENIN], 0.14, 0.24,
        pls=0.18, hqpv=0.7, detail=DETAIL,
        evaluation=ev("mi-parcours", 1.06, 1.03, "tout", cause="couts"),
        role="Grand organisme sur deux départements (59, 62), détail par EPCI."),
    org("maisons-lys", "Les Maisons de la Lys, SA d'HLM (fictive)", "esh", "59",
        {"59": 12400}, [MEL], 0.18, 0.30, pls=0.15, hqpv=0.68, detail=["PP-1"],
        epci_share={MEL: 0.86},
        empty=["PP-1|departement:59|total/hors-ru|ref", "PP-1|departement:59|PLAI/hors-ru|ref",
               "PP-1|departement:59|PLUS/hors-ru|ref", "PP-1|departement:59|PLS/hors-ru|ref"],
        role="Organisme concentré dans la Métropole Européenne de Lille, PP-1 détaillé par EPCI ; "
        "valeur de référence « dont hors rénovation urbaine » laissée vide."),
    org("cite-solidaire", "Cité Solidaire du Nord, coopérative d'HLM (fictive)", "cooperative",
        "59", {"59": 1150}, [MEL], 0.49, 0.12, pls=0.05, hqpv=0.9,
        role="Petite coopérative très productive (offre nouvelle de près de 42 % du parc en six ans, "
        "au-delà du seuil de vraisemblance de 40 %), département seul ; déclare la Métropole "
        "Européenne de Lille pour PS-1."),
    org("hainaut-sambre", "Habitat Hainaut-Sambre, office public de l'habitat (fictif)", "oph",
        "59", {"59": 15600}, [VALENCIENNES, PORTE_HAINAUT, MAUBEUGE], 0.08, 0.22, hqpv=0.72,
        detail=DETAIL, signing_year=2019,
        evaluation=ev("mi-parcours", 0.84, 0.96, "rien"),
        role="Grand office du Hainaut, détail par EPCI hors métropole lilloise."),
    org("dunkerque-littoral", "SEM Dunkerque Littoral Habitat (fictive)", "sem", "59",
        {"59": 4300}, [DUNKERQUE], 0.10, 0.16, pls=0.08, hqpv=0.78,
        evaluation=ev("mi-parcours", 1.0, 1.0, "tout", cause=None),
        role="Société d'économie mixte, un département, mailles par défaut."),
    org("toit-douaisien", "Le Toit Douaisien, SA d'HLM (fictive)", "esh", "59",
        {"59": 7900}, [DOUAISIS, MEL], 0.15, 0.26, hqpv=0.75, detail=["PP-1"]),
    org("metropole-coop", "Métropole Habitat Coopératif (fictif)", "cooperative", "59",
        {"59": 520}, [MEL], 0.35, 0.08, pls=0.0, hqpv=0.92,
        role="Le plus petit organisme de l'ensemble (520 logements), département seul."),
    org("artois-social", "Logement Social de l'Artois, office public de l'habitat (fictif)", "oph",
        "62", {"62": 21000}, [BETHUNE, LENS, HENIN, ARRAS], 0.09, 0.20, pls=0.08, hqpv=0.7,
        detail=DETAIL, optional=["PS-3"],
        empty=[f"PS-1|epci:{ARRAS}|valeur|ref"],
        evaluation=ev("mi-parcours", 0.9, 0.99, "PP-1", cause="agrements"),
        role="Grand office du Pas-de-Calais, détail par EPCI ; PS-3 retenu ; valeur de référence "
        "de PS-1 laissée vide pour la CU d'Arras."),
    org("cote-opale", "Côte d'Opale Habitat, SA d'HLM (fictive)", "esh", "62",
        {"62": 8600, "80": 1200}, [BOULONNAIS, CALAIS, BAIE_SOMME], 0.12, 0.18, hqpv=0.82,
        detail=["PP-1"],
        role="Organisme du littoral sur deux départements (62, 80), PP-1 détaillé par EPCI."),
    org("foyer-arrageois", "Le Foyer Arrageois, SA d'HLM (fictive)", "esh", "62",
        {"62": 3400}, [ARRAS], 0.20, 0.27, hqpv=0.8, signing_year=2019,
        role="Organisme moyen du Pas-de-Calais, département seul, mailles par défaut."),
    org("bassin-minier", "Habitat du Bassin Minier, SA d'HLM (fictive)", "esh", "62",
        {"62": 13900, "59": 3400}, [LENS, HENIN, DOUAISIS], 0.07, 0.14, pls=0.06, hqpv=0.66,
        detail=DETAIL,
        role="Organisme du bassin minier sur deux départements (62, 59), détail par EPCI ; part "
        "de PLAI faible."),
    org("toits-somme", "Les Toits de la Somme, office public de l'habitat (fictif)", "oph", "80",
        {"80": 9600}, [AMIENS, BAIE_SOMME], 0.13, 0.25, hqpv=0.74, detail=DETAIL, format="ods",
        role="Office de la Somme, détail par EPCI dont Amiens Métropole ; fichier ODS."),
    org("amienoise", "L'Amiénoise d'HLM, SA d'HLM (fictive)", "esh", "80",
        {"80": 5100, "60": 1200}, [AMIENS, BEAUVAISIS], 0.16, 0.21, hqpv=0.76, detail=["PP-1"],
        evaluation=ev("mi-parcours", 1.12, 1.05, "tout", cause="crise"),
        role="Organisme sur deux départements (80, 60), PP-1 détaillé par EPCI dont Amiens "
        "Métropole."),
    org("picardie-coop", "Picardie Coop Habitat (fictive)", "cooperative", "80",
        {"80": 540}, [AMIENS], 0.30, 0.10, pls=0.0, hqpv=0.9,
        role="Petite coopérative, département de la Somme seul."),
    org("vimeu", "Habitat Rural du Vimeu, SEM (fictive)", "sem", "80",
        {"80": 1900}, [BAIE_SOMME], 0.071, 0.06, pls=0.04, hqpv=0.95, format="csv",
        role="Petite SEM rurale, département de la Somme seul, développement et part de PLAI les "
        "plus faibles de l'ensemble ; fichier CSV."),
    org("santerre", "Logis du Santerre, SA d'HLM (fictive)", "esh", "80",
        {"80": 2700}, [AMIENS], 0.22, 0.19, hqpv=0.85,
        role="Organisme de la Somme seule, déclare Amiens Métropole pour PS-1 (sans détail)."),
    org("oise-solidaire", "Oise Habitat Solidaire, office public de l'habitat (fictif)", "oph",
        "60", {"60": 11200}, [BEAUVAISIS, CREIL, COMPIEGNE], 0.10, 0.23, hqpv=0.7,
        detail=DETAIL, format="xlsx",
        role="Office de l'Oise, détail par EPCI ; fichier XLSX."),
    org("valois", "Résidences du Valois, SA d'HLM (fictive)", "esh", "60",
        {"60": 5600}, [CREIL, COMPIEGNE], 0.19, 0.29, hqpv=0.8, format="csv", error="part",
        role="Erreur de saisie : une part « dont hors QPV » de PP-1 dépasse sa valeur ; fichier "
        "CSV."),
    org("clair-logis", "Clair Logis de l'Oise, coopérative d'HLM (fictive)", "cooperative", "60",
        {"60": 780}, [BEAUVAISIS], 0.26, 0.17, pls=0.0, hqpv=0.88,
        role="Petite coopérative de l'Oise, département seul, sans PLS."),
    org("aisne-logement", "Aisne Logement, office public de l'habitat (fictif)", "oph", "02",
        {"02": 8100}, [SAINT_QUENTIN, SOISSONS, LAON], 0.06, 0.24, hqpv=0.78, detail=["PP-1"],
        empty=["PP-2|departement:02|valeur|a6"],
        role="Office de l'Aisne, PP-1 détaillé par EPCI ; PP-2 de la 6e année laissé vide."),
    org("thierache-laonnois", "Habitat de Thiérache et du Laonnois, SA d'HLM (fictive)", "esh",
        "02", {"02": 3900}, [LAON], 0.09, 0.13, hqpv=0.9, format="ods", error="cumul",
        role="Erreur de saisie : PP-4 à trois ans supérieur à PP-4 à six ans ; fichier ODS."),
    org("soissonnais", "Soissonnais Habitat, SEM (fictive)", "sem", "02",
        {"02": 2200}, [SOISSONS], 0.11, 0.22, hqpv=0.85, signing_year=2019,
        evaluation=ev("finale", 0.97, 1.0, "tout", cause="foncier"),
        role="SEM de l'Aisne, département seul, mailles par défaut."),
    org("grand-logis", "Grand Logis des Hauts-de-France, SA d'HLM (fictive)", "esh", "59",
        {"59": 12000, "62": 8500, "80": 5200, "60": 4600, "02": 3200},
        [MEL, VALENCIENNES, BETHUNE, LENS, AMIENS, CREIL, SAINT_QUENTIN], 0.12, 0.27,
        pls=0.16, hqpv=0.7, detail=DETAIL, optional=["PP-5"],
        empty=[f"PP-1|epci:{MEL}|total/hors-ru|ref", f"PP-1|epci:{MEL}|PLAI/hors-ru|ref",
               f"PP-1|epci:{MEL}|PLUS/hors-ru|ref", f"PP-1|epci:{MEL}|PLS/hors-ru|ref"],
        evaluation=ev("mi-parcours", 0.95, 1.01, "tout", cause="couts"),
        role="Organisme présent dans les cinq départements de la région, détail par EPCI dont la "
        "Métropole Européenne de Lille et Amiens Métropole ; PP-5 retenu ; valeur de référence "
        "« dont hors rénovation urbaine » vide pour la métropole lilloise."),
    org("picard-oisien", "Habitat Picard et Oisien, SA d'HLM (fictive)", "esh", "60",
        {"60": 8200, "80": 4100, "02": 2500}, [BEAUVAISIS, COMPIEGNE, AMIENS, SAINT_QUENTIN],
        0.15, 0.20, hqpv=0.75, detail=DETAIL,
        role="Organisme sur trois départements (60, 80, 02), détail par EPCI dont Amiens "
        "Métropole."),
    org("escaut", "Résidences de l'Escaut, SA d'HLM (fictive)", "esh", "59",
        {"59": 5200}, [VALENCIENNES, MEL], 0.17, 0.25, hqpv=0.78,
        role="Organisme du Nord, département seul ; déclare la Métropole Européenne de Lille pour "
        "PS-1 (sans détail)."),
    org("logis-boulonnais", "Logis Boulonnais, office public de l'habitat (fictif)", "oph", "62",
        {"62": 6800}, [BOULONNAIS, CALAIS], 0.08, 0.11, pls=0.07, hqpv=0.74, format="ods",
        role="Office du Boulonnais, département seul ; fichier ODS."),
    org("coop-artesienne", "Coopérative Artésienne d'Habitation (fictive)", "cooperative", "62",
        {"62": 950}, [BETHUNE], 0.28, 0.23, pls=0.0, hqpv=0.9, format="xlsx",
        role="Petite coopérative du Pas-de-Calais ; fichier XLSX."),
    org("trois-rivieres", "Habitat des Trois Rivières, SA d'HLM (fictive)", "esh", "59",
        {"59": 6400, "62": 3800}, [MEL, LENS], 0.13, 0.24, hqpv=0.72, detail=["PP-1"],
        signing_year=2019, catalogue=R2017,
        evaluation=ev("mi-parcours", 0.9, 0.97, "tout", cause="crise"),
        role="CUS signée en 2019 avant le décret n° 2019-801 : catalogue "
        "cus2-logements-locatifs dans sa version 2026.11.0-r2017 (PP-1 bis, PP-2 en cumul, pas "
        "de G-1) ; PP-1 détaillé par EPCI dont la Métropole Européenne de Lille."),
    org("office-picard", "Office Picard de l'Habitat (fictif)", "oph", "80",
        {"80": 4500}, [], 0.10, 0.25, signing_year=2011, catalogue=GEN1, format="ods",
        role="CUS de première génération (signée en 2011, catalogue cus1-logements-locatifs) : "
        "autres indicateurs (A.I à F.IV), segments de patrimoine ; fichier ODS."),
]

# The same organism twice: version 1 (with a value that is not a number) then version 2, which
# corrects it, exported later.
DUPLICATED = "toit-douaisien"


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


class TerritoryBuilder(g.Builder):
    """generate.Builder, plus the indicators of the 2017 wording (PP-1 bis, PP-2 as cumulative
    percentages) and an optional share of the stock per EPCI."""

    def __init__(self, conv, cat, geo, profile, rng, epci_share):
        super().__init__(conv, cat, geo, profile, rng)
        self.epci_share.update(epci_share)

    def pct_cumulative(self, ind: dict, row_list: list[str], spec: dict) -> None:
        code = ind["code"]
        per = g.periods(ind)
        assert per == ["ref", "c3", "c6"], f"{code}: periods {per}"
        for row in row_list:
            assert row.startswith("departement:"), f"{code}: row {row} not handled"
            ref = g.tenths(self.u(*spec["ref"]))
            c3 = g.tenths(self.u(*spec["c3"]))
            c6 = c3 + g.tenths(self.u(*spec["more6"]))
            for p, v in (("ref", ref), ("c3", c3), ("c6", c6)):
                self.set(g.key(code, row, (), None, p), v / 10)

    def build(self) -> dict:
        r = self.p.pp1_rate6
        for ind in self.cat["indicators"]:
            if not g.uses(self.conv, ind):
                continue
            code = ind["code"]
            row_list = g.rows(self.conv, ind, self.geo)
            per = g.periods(ind)
            yearly = ["ref"] + [f"a{n}" for n in range(1, 7)]
            if code == "PP-1":
                self.pp1(ind, row_list)
            elif code == "PP-1 bis":
                # Dwellings put in service: a bit less than those agreed.
                spec = {"rate6": (r * 0.7, r * 0.9), "ref_rate": (r * 0.35, r * 0.5)}
                self.cumulative_count(ind, row_list, spec)
            elif code in g.PCT_SPECS and per == yearly:
                self.pct(ind, row_list, g.PCT_SPECS[code])
            elif code == "PP-2" and per == ["ref", "c3", "c6"]:
                # 2017 wording: E, F, G dwellings renovated, cumulative share.
                self.pct_cumulative(ind, row_list, {"ref": (4.0, 8.0), "c3": (9.0, 16.0), "more6": (6.0, 12.0)})
            elif code in g.COUNT_SPECS:
                self.cumulative_count(ind, row_list, g.COUNT_SPECS[code])
            elif code == "G-1":
                self.g1(ind, row_list)
            else:
                raise SystemExit(
                    f"L'indicateur {code} est utilisé mais le générateur ne sait pas le remplir : "
                    "complétez scripts/samples/territoire.py."
                )
        return self.values


def first_generation_values(conv: dict, cat: dict, geo: g.Geo, spec: dict, rng: random.Random) -> dict:
    """Values of a 1st-generation convention (cus1-logements-locatifs): counts by year with their
    six-year total, amounts per dwelling, percentages, objectives per segment."""
    u = rng.uniform
    values: dict[str, float | int] = {}
    years = [f"a{n}" for n in range(1, 7)]

    def put(k, v):
        assert k not in values, k
        values[k] = v

    def yearly_counts(total: int) -> list[int]:
        return g.largest_remainder(total, [u(0.6, 1.4) for _ in years])

    for ind in cat["indicators"]:
        if not g.uses(conv, ind):
            continue
        code = ind["code"]
        per = g.periods(ind)
        for row in g.rows(conv, ind, geo):
            kind, _, c = row.partition(":")
            stock = spec["stock"][c] if kind == "departement" else None
            if code in ("A.I", "A.II"):
                assert per == years + ["c6"], (code, per)
                factor = 1.0 if code == "A.I" else u(0.75, 0.9)
                t6 = round(stock * spec["rate6"] * factor)
                pls = round(t6 * spec["pls"])
                plai = round((t6 - pls) * spec["plai"])
                by_member = {"PLAI": plai, "PLUS": t6 - pls - plai, "PLS": pls}
                per_year = {m: yearly_counts(v) for m, v in by_member.items()}
                for i, p in enumerate(years):
                    put(g.key(code, row, (None,), None, p), sum(per_year[m][i] for m in by_member))
                    for m in by_member:
                        put(g.key(code, row, (m,), None, p), per_year[m][i])
                put(g.key(code, row, (None,), None, "c6"), t6)
                for m, v in by_member.items():
                    put(g.key(code, row, (m,), None, "c6"), v)
            elif code in ("B.I", "B.II"):
                places = yearly_counts(round(u(8, 30)) if code == "B.I" else round(u(5, 20)))
                for p, v in zip(years, places):
                    put(g.key(code, row, (), None, p), v)
                put(g.key(code, row, (), None, "c6"), sum(places))
            elif code in ("C.I", "C.II"):
                x = u(900, 1300) if code == "C.I" else u(380, 520)
                for p in years:
                    put(g.key(code, row, (), None, p), round(x))
                    x *= 1 + u(0.0, 0.03)
            elif code == "C.IV":
                tenths = [g.tenths(u(1.2, 3.0)) for _ in years]
                for p, v in zip(years, tenths):
                    put(g.key(code, row, (), None, p), v / 10)
                put(g.key(code, row, (), None, "c6"), sum(tenths) / 10)
            elif code == "D.I":
                sold = yearly_counts(round(u(4, 18)))
                for p, v in zip(years, sold):
                    put(g.key(code, row, (), None, p), v)
                put(g.key(code, row, (), None, "c6"), sum(sold))
            elif code == "F.I":
                # Share of allocations to modest households set for the segment (%).
                x = u(22, 32)
                for p in years:
                    put(g.key(code, row, (), None, p), round(x))
                    x += u(0.0, 1.0)
            elif code in ("F.II", "F.III", "F.IV"):
                base = {"F.II": (30, 45), "F.III": (8, 15), "F.IV": (3, 8)}[code]
                x = u(*base)
                for p in years:
                    put(g.key(code, row, (), None, p), round(x))
                    x += u(0.0, 0.8)
            else:
                raise SystemExit(
                    f"L'indicateur {code} est utilisé mais le générateur ne sait pas le remplir : "
                    "complétez scripts/samples/territoire.py."
                )
    return values


# ---------------------------------------------------------------------------------------------
# Achievements (« Évaluer ma CUS »)
# ---------------------------------------------------------------------------------------------

EVAL_YEARS = {"mi-parcours": (1, 3), "finale": (1, 6)}
COMMENTS = {
    "foncier": "Deux opérations décalées faute de terrain disponible (fictif).",
    "couts": "Appels d'offres infructueux après la hausse des coûts de construction (fictif).",
    "agrements": "Agréments de l'année reportés par la délégation des aides à la pierre (fictif).",
    "crise": "Chantiers arrêtés puis décalés pendant la crise sanitaire (fictif).",
    None: "Priorité donnée à la réhabilitation du parc existant (fictif).",
}


def spread(total: int, n: int) -> list[int]:
    """`total` over `n` years, a little more each year, adding up exactly."""
    weights = [1 + 0.1 * i for i in range(n)]
    out = [math.floor(total * w / sum(weights)) for w in weights]
    out[-1] += total - sum(out)
    return out


def achievements(conv: dict, cat: dict, ev_spec: dict, rng: random.Random) -> tuple[dict, dict]:
    """The achievements of the evaluation, derived from the commitments, and a summary for the
    manifest. Counts: each split's cumulative at the evaluation's last year scaled by
    `ev_spec["count"]` (± 10 %), spread over the years, totals the sum of the financings, parts
    within their whole; percentages: per year, a numerator and a denominator; amounts: per year.
    The commitments missed are found as cus_core::evaluation::evaluate finds them."""
    first, last = EVAL_YEARS[ev_spec["id"]]
    years = list(range(first, last + 1))
    values, terms, missed = {}, {}, []
    v = conv["values"]
    u = lambda a, b: a + (b - a) * rng.random()  # noqa: E731
    for ind in cat["indicators"]:
        if not g.uses(conv, ind):
            continue
        code, kind = ind["code"], ind["value"]["type"]
        per = g.periods(ind)
        # Judged like cus_core::convention::is_additive: whole numbers (explicit bounds say so).
        additive = kind == "nombre" and ind.get("bounds", {"integer": True}).get("integer", False)
        for row in g.rows(conv, ind, geo_of(conv)):
            sp = [g.split_key(m, p) for m, p in g.splits(ind)]
            if kind == "nombre" and f"c{last}" in per:
                leaves = [k for k in sp if "/" not in k and k != "total"]
                got = {}  # split -> yearly list
                for k in leaves:
                    c = v.get(f"{code}|{row}|{k}|c{last}")
                    if isinstance(c, (int, float)):
                        got[k] = spread(max(0, round(c * ev_spec["count"] * u(0.9, 1.1))), last)
                if not got:
                    continue
                if "total" in sp:
                    got["total"] = [sum(x[i] for x in got.values()) for i in range(last)]
                for k in [k for k in sp if "/" in k]:
                    whole, part = k.split("/")
                    if whole == "total" or whole not in got:
                        continue
                    cw, cp = (v.get(f"{code}|{row}|{x}|c{last}") for x in (whole, k))
                    if not isinstance(cw, (int, float)) or not isinstance(cp, (int, float)) or cw <= 0:
                        continue
                    ratio = min(1.0, cp / cw * u(0.95, 1.05))
                    got[k] = [min(w, math.floor(w * ratio)) for w in got[whole]]
                for k in [k for k in sp if k.startswith("total/")]:
                    part = k.split("/")[1]
                    members = [m for m in got if m.endswith("/" + part) and not m.startswith("total/")]
                    if members:
                        got[k] = [sum(got[m][i] for m in members) for i in range(last)]
                for k, ys in got.items():
                    for y in years:
                        values[f"{code}|{row}|{k}|a{y}"] = ys[y - 1]
                    for n in (3, 6):
                        c = v.get(f"{code}|{row}|{k}|c{n}")
                        if additive and f"c{n}" in per and first <= n <= last \
                                and isinstance(c, (int, float)) and sum(ys[:n]) < c:
                            missed.append(f"{code}|{row}|{k}")
            elif kind == "pourcentage":
                for k in sp:
                    yearly = [y for y in years if isinstance(v.get(f"{code}|{row}|{k}|a{y}"), (int, float))]
                    cum = [n for n in (3, 6) if first <= n <= last
                           and isinstance(v.get(f"{code}|{row}|{k}|c{n}"), (int, float))]
                    if not yearly and not cum:
                        continue
                    level = v.get(f"{code}|{row}|{k}|a{yearly[-1]}") if yearly else \
                        v.get(f"{code}|{row}|{k}|c{cum[-1]}")
                    for y in years:
                        c = v.get(f"{code}|{row}|{k}|a{y}", level)
                        d = rng.randrange(150, 1200)
                        nume = min(d, round(d * c * ev_spec["pct"] * u(0.96, 1.04) / 100))
                        terms[f"{code}|{row}|{k}|a{y}"] = {"numerator": nume, "denominator": d}
                        if y in yearly and nume / d * 100.0 < c:
                            missed.append(f"{code}|{row}|{k}")
                    for n in cum:
                        ns = ds = 0.0
                        for y in range(1, n + 1):
                            t = terms[f"{code}|{row}|{k}|a{y}"]
                            ns, ds = ns + t["numerator"], ds + t["denominator"]
                        if ns / ds * 100.0 < v[f"{code}|{row}|{k}|c{n}"]:
                            missed.append(f"{code}|{row}|{k}")
            elif kind in ("montant", "duree"):
                for k in sp:
                    for y in years:
                        c = v.get(f"{code}|{row}|{k}|a{y}")
                        if isinstance(c, (int, float)):
                            values[f"{code}|{row}|{k}|a{y}"] = round(c * u(0.95, 1.1))
    missed = sorted(set(missed))
    justify = ev_spec["justify"]
    chosen = [m for m in missed if justify == "tout" or m.split("|")[0] == justify]
    justifications = {}
    for m in chosen:
        if ev_spec["cause"] is None or m.split("|")[0].startswith("PS-"):
            # Allocations are the organism's own doing.
            justifications[m] = {"origin": "organisme", "comment": COMMENTS[None] if ev_spec["cause"] is None
                                 else "Commission d'attribution réorganisée en cours de période (fictif)."}
        else:
            justifications[m] = {"origin": "exterieur", "cause": ev_spec["cause"],
                                 "comment": COMMENTS[ev_spec["cause"]]}
    ach = {"evaluation": ev_spec["id"], "values": dict(sorted(values.items())),
           "terms": dict(sorted(terms.items())), "justifications": justifications}
    start = conv["signing_year"]
    summary = {"id": ev_spec["id"], "years": [start + first - 1, start + last - 1],
               "missed": len(missed), "justified": len(justifications)}
    return ach, summary


_GEO = {}


def geo_of(conv: dict) -> g.Geo:
    if "geo" not in _GEO:
        _GEO["geo"] = g.Geo(GEO_DIR)
    return _GEO["geo"]


# ---------------------------------------------------------------------------------------------
# One organism
# ---------------------------------------------------------------------------------------------


def load_catalogue(ref: tuple) -> dict:
    cid, version, file = ref
    with (CAT_DIR / file).open("rb") as f:
        cat = tomllib.load(f)
    if (cat["id"], cat["version"]) != (cid, version):
        raise SystemExit(
            f"{file} est le catalogue {cat['id']} {cat['version']}, pas {cid} {version} : "
            "mettez à jour le générateur."
        )
    return cat


def make_siren(rng: random.Random, taken: set[str]) -> str:
    while True:
        s = g.siren_with_key(f"9{rng.randrange(10**7):07d}")
        if s not in taken:
            taken.add(s)
            return s


def convention(spec: dict, siren: str, geo: g.Geo, cat: dict) -> dict:
    deps = list(spec["stock"])
    for e in spec["epci"]:
        info = geo.epci[e]
        assert info["departements"] == [info["departements"][0]], f"{e}: several départements"
        assert info["departements"][0] in deps, f"{spec['slug']}: EPCI {e} outside its départements"
    for d in deps:
        assert geo.departements[d]["region"] == REGION, d
    start = spec["signing_year"]
    conv = {
        "name": f"Exemple fictif — {spec['name']}, CUS {start}-{start + 5}",
        "organisme": {
            "raison_sociale": spec["name"],
            "siren": siren,
            "kind": spec["kind"],
            "siege_departement": spec["siege"],
        },
        "catalogue": {"id": cat["id"], "version": cat["version"]},
        "signing_year": start,
        "geo_vintage": GEO_VINTAGE,
        "departements": deps,
        "epci": list(spec["epci"]),
        "segmentation": {},
    }
    codes = {i["code"]: i for i in cat["indicators"]}
    for code in spec["detail"]:
        assert "epci" in codes[code]["levels"].get("prefect_request", []), code
        conv["segmentation"][code] = {"levels": ["departement", "epci"]}
    for code in spec["optional"]:
        assert codes[code]["requirement"] != "obligatoire", code
        conv["segmentation"][code] = {"levels": ["departement"]}
    if spec["catalogue"] == GEN1:
        conv["segments"] = [
            {"id": "S1", "name": "Amiens, quartiers nord (fictif)", "departement": "80", "zus": True},
            {"id": "S2", "name": "Amiens, centre et faubourgs (fictif)", "departement": "80", "zus": False},
            {"id": "S3", "name": "Abbeville et littoral (fictif)", "departement": "80", "zus": False},
            {"id": "S4", "name": "Bourgs du Santerre (fictif)", "departement": "80", "zus": False},
        ]
    return conv


def profile(spec: dict) -> g.Profile:
    deps = list(spec["stock"])
    plai_plus = 1 - spec["pls"]
    hqpv = spec["hqpv"]
    return g.Profile(
        stock=spec["stock"],
        pp1_rate6=spec["rate6"],
        pp1_mix={"PLAI": plai_plus * spec["plai"], "PLUS": plai_plus * (1 - spec["plai"]), "PLS": spec["pls"]},
        pp1_r3_override={},
        pp1_ref_override={},
        pp1_part_rate={
            "hors-qpv": {d: hqpv for d in deps},
            "hors-ru": {d: min(0.97, hqpv + 0.18) for d in deps},
        },
        count_overrides={},
        g1_ref=1040 + 10 * (len(spec["name"]) % 13),
        g1_growth=(0.006, 0.015),
    )


def build(spec: dict, siren: str, geo: g.Geo, cats: dict, seed: int) -> tuple[dict, dict]:
    """The bare convention (values and stock included) and the facts for the manifest."""
    cat = cats[spec["catalogue"]]
    conv = convention(spec, siren, geo, cat)
    rng = random.Random(seed)
    all_cells = g.cells(conv, cat, geo)
    assert len(set(all_cells)) == len(all_cells), f"{spec['slug']}: duplicate cells"
    if spec["catalogue"] == GEN1:
        values = first_generation_values(conv, cat, geo, spec, rng)
        epci_share = {}
    else:
        builder = TerritoryBuilder(conv, cat, geo, profile(spec), rng, spec["epci_share"])
        values = builder.build()
        epci_share = builder.epci_share
    stray = sorted(set(values) - set(all_cells))
    assert not stray, f"{spec['slug']}: keys that are not cells: {stray[:5]}"
    missing = [c for c in all_cells if c not in values]
    assert not missing, f"{spec['slug']}: cells without a value: {missing[:5]}"
    for k in spec["empty"]:
        assert k in values, f"{spec['slug']}: {k} is no cell"
        del values[k]
    conv["values"] = {k: values[k] for k in sorted(values)}
    # Dwellings owned: per département, per declared EPCI (its share of the département's
    # stock, as the values), and for the whole organism.
    stock = {f"departement:{d}": n for d, n in spec["stock"].items()}
    for e in conv["epci"]:
        d = geo.epci[e]["departements"][0]
        stock[f"epci:{e}"] = math.floor(spec["stock"][d] * epci_share[e])
    stock["organisme"] = sum(spec["stock"].values())
    conv["stock"] = {k: stock[k] for k in sorted(stock)}
    units = {i["code"]: i["unit_choices"][0] for i in cat["indicators"] if i.get("unit_choices") and g.uses(conv, i)}
    if units:
        conv["units"] = units
    return conv, {"cells": len(all_cells), "empty": [c for c in all_cells if c in set(spec["empty"])]}


def inject_error(conv: dict, kind: str) -> str:
    """Put one input mistake into the values; returns the key changed."""
    v = conv["values"]
    dep = conv["departements"][0]
    if kind == "part":
        # "dont hors QPV" of PLUS typed above PLUS (the total "dont hors QPV" follows, so the
        # parts still add up): E-PART-EXCEEDS-TOTAL.
        k = f"PP-1|departement:{dep}|PLUS/hors-qpv|c6"
        total = f"PP-1|departement:{dep}|total/hors-qpv|c6"
        new = v[f"PP-1|departement:{dep}|PLUS|c6"] + 14
        v[total] += new - v[k]
        v[k] = new
        return k
    if kind == "cumul":
        # Sales at three years typed above those at six: E-CUMUL-DECREASING.
        k = f"PP-4|departement:{dep}|valeur|c3"
        v[k] = v[f"PP-4|departement:{dep}|valeur|c6"] + 9
        return k
    if kind == "text":
        # A comment typed instead of a number: E-VALUE-INVALID.
        k = f"PP-1|departement:{dep}|PLAI|c3"
        v[k] = f"environ {v[k]}"
        return k
    raise ValueError(kind)


EXPECTED = {"part": ["E-PART-EXCEEDS-TOTAL"], "cumul": ["E-CUMUL-DECREASING"], "text": ["E-VALUE-INVALID"]}


def facts(conv: dict) -> dict:
    """Figures a consolidation can be checked against, read from the values of the file."""
    v = conv["values"]
    stock_total = sum(n for k, n in conv["stock"].items() if k.startswith("departement:"))
    code = "A.I" if conv["catalogue"]["id"].startswith("cus1-") else "PP-1"

    def num(k):
        x = v.get(k)
        return x if isinstance(x, (int, float)) else None

    total = plai = plus = 0
    complete = True
    for d in conv["departements"]:
        t, a, b = (num(f"{code}|departement:{d}|{m}|c6") for m in ("total", "PLAI", "PLUS"))
        if None in (t, a, b):
            complete = False
            continue
        total, plai, plus = total + t, plai + a, plus + b
    out = {
        "stock_total": stock_total,
        "indicator": code,
        "new_supply_c6": total if complete else None,
        "new_supply_percent_of_stock": round(100 * total / stock_total, 1) if complete else None,
        "plai_percent_of_plai_plus": round(100 * plai / (plai + plus), 1) if complete and plai + plus else None,
    }
    return out


# ---------------------------------------------------------------------------------------------
# The converter
# ---------------------------------------------------------------------------------------------


def cus_command() -> list[str]:
    exe = os.environ.get("CUS_BIN")
    if exe:
        return [exe]
    return ["cargo", "run", "-q", "-p", "cus-cli", "--"]


def run_cus(args: list[str], date: str | None = None, ok=(0,)) -> str:
    env = dict(os.environ)
    if date:
        env["CUS_DATE_EXPORT"] = date
    p = subprocess.run(cus_command() + args, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode not in ok:
        raise SystemExit(f"cus {' '.join(args)} : code {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    cats = {ref: load_catalogue(ref) for ref in (CURRENT, R2017, GEN1)}
    geo = g.Geo(GEO_DIR)
    for e in (MEL, AMIENS):
        assert e in geo.epci, e
    assert geo.epci[MEL]["nom"] == "Métropole Européenne de Lille"
    assert geo.epci[AMIENS]["nom"] == "CA Amiens Métropole"

    rng = random.Random(SEED)
    taken = {"988041729", "959620808"}  # the two other samples
    entries = []  # (file stem, format, date, bare convention, manifest entry)
    for i, spec in enumerate(ORGANISMS):
        assert spec["role"] or spec["slug"] == DUPLICATED, f"{spec['slug']}: no role"
        siren = make_siren(rng, taken)
        stem = f"{i + 1:02d}-{spec['slug']}"
        conv, extra = build(spec, siren, geo, cats, SEED + 1 + i)
        cat = cats[spec["catalogue"]]
        base = {
            "organisme": spec["name"],
            "siren": siren,
            "kind": spec["kind"],
            "siege_departement": spec["siege"],
            "catalogue": {"id": cat["id"], "version": cat["version"]},
            "generation": cat["generation"],
            "signing_year": spec["signing_year"],
            "geo_vintage": GEO_VINTAGE,
            "departements": conv["departements"],
            "epci": conv["epci"],
            "epci_detail": [c for c in spec["detail"]],
            "optional_indicators": [c for c in spec["optional"]],
            "cells": extra["cells"],
            "empty_cells": extra["empty"],
            "duplicate_of": None,
            "evaluation": None,
        }
        if spec["slug"] == DUPLICATED:
            v1 = json.loads(json.dumps(conv))
            changed = inject_error(v1, "text")
            v2 = conv
            v2["name"] += " (version corrigée)"
            f1, f2 = f"{stem}-v1.xlsx", f"{stem}-v2.json"
            entries.append((f"{stem}-v1", "xlsx", EXPORT_DATE, v1, dict(
                base, expected_errors=EXPECTED["text"], error_cell=changed,
                role="Même organisme que " + f2 + " (même SIREN, même catalogue) : première "
                "version, avec une valeur qui n'est pas un nombre (« " + v1["values"][changed]
                + " ») ; fichier XLSX.")))
            entries.append((f"{stem}-v2", "json", EXPORT_DATE_LATER, v2, dict(
                base, duplicate_of=f1, expected_errors=[],
                role="Seconde version du fichier de " + f1 + " (même SIREN, même catalogue), "
                "exportée plus tard, qui corrige la valeur non numérique.")))
            continue
        error_cell = inject_error(conv, spec["error"]) if spec["error"] else None
        entry = dict(base, expected_errors=EXPECTED[spec["error"]] if spec["error"] else [],
                     role=spec["role"])
        if spec["evaluation"]:
            ach, entry["evaluation"] = achievements(
                conv, cat, spec["evaluation"], random.Random(SEED + 1000 + i))
            conv["achievements"] = ach
            # An evaluated convention is a signed one (achievements against commitments not
            # marked signed are a warning): signed in its first year, as the commitments run
            # from 1 January of the year of signature (arrêté du 19 octobre 2017, art. 6-1).
            conv["signature"] = {"date": f"{conv['signing_year']}-06-28",
                                 "label": "Convention initiale"}
        if error_cell:
            entry["error_cell"] = error_cell
        entries.append((stem, spec["format"], EXPORT_DATE, conv, entry))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for f in OUT_DIR.iterdir():
        if f.is_file():
            f.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        groups: dict[tuple[str, str], pathlib.Path] = {}
        for stem, fmt, date, conv, _ in entries:
            d = groups.setdefault((fmt, date), pathlib.Path(tmp) / f"{fmt}-{len(groups)}")
            d.mkdir(exist_ok=True)
            (d / f"{stem}.json").write_text(dump(conv), encoding="utf-8")
        for (fmt, date), d in groups.items():
            run_cus(["convert", str(d), str(OUT_DIR), "--vers", fmt], date=date)
    report = json.loads(run_cus(["check", str(OUT_DIR), "--format", "json"], ok=(0, 1)))
    by_name = {pathlib.Path(r["fichier"]).name: r for r in report}

    files = []
    for stem, fmt, date, conv, entry in entries:
        name = f"{stem}.{fmt}"
        r = by_name[name]
        assert r["lisible"], f"{name}: unreadable"
        errors = sorted({d["code"] for d in r["diagnostics"] if d["severity"] == "error"})
        warnings = sorted({d["code"] for d in r["diagnostics"] if d["severity"] == "warning"})
        expected = entry.pop("expected_errors")
        if errors != expected:
            raise SystemExit(f"{name} : erreurs {errors}, attendues {expected}")
        size = (OUT_DIR / name).stat().st_size
        files.append(dict(
            {"file": name, "format": fmt, "bytes": size, "exporte_le": date},
            **entry,
            errors=errors,
            warnings=warnings,
            facts=facts(conv),
        ))
        print(f"{name}: {size} octets, erreurs {errors or '-'}, avertissements {warnings or '-'}")
    manifest = {
        "generator": "scripts/samples/territoire.py",
        "seed": SEED,
        "region": REGION,
        "geo_vintage": GEO_VINTAGE,
        "notes": [
            "Organismes, SIREN et chiffres fictifs ; seuls les territoires (départements et EPCI des "
            "Hauts-de-France, référentiel 2026) sont réels.",
            "errors et warnings : codes distincts des diagnostics d'erreur et d'avertissement que "
            "donne « cus check » (notes d'import puis règles).",
            "epci_detail : indicateurs détaillés par EPCI (mailles département + EPCI) ; PS-1 est "
            "toujours à la maille EPCI.",
            "facts : chiffres lus dans le fichier (somme des lignes départementales, cumul à six "
            "ans) : parc, offre nouvelle (PP-1, ou A.I en 1re génération), part de PLAI.",
            "evaluation : réalisations saisies pour une évaluation (null : évaluation non "
            "transmise) ; years : années civiles couvertes ; missed : engagements non tenus "
            "(indicateur, territoire, ventilation) ; justified : ceux qui sont justifiés (les "
            "autres donnent W-EVAL-JUSTIFY).",
        ],
        "files": files,
    }
    (OUT_DIR / "manifest.json").write_text(dump(manifest), encoding="utf-8")
    total = sum(f["bytes"] for f in files)
    print(f"{len(files)} fichiers, {total} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
