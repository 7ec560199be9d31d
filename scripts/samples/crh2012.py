#!/usr/bin/env python3
"""Generate crates/cus-core/tests/cases/synthesis/crh-2012/: thirty fictional first-generation CUS
(catalogue cus1-logements-locatifs, signed in 2011, commitments 2011-2016) of thirty fictional HLM
organisms of the former Nord-Pas-de-Calais région (départements 59 Nord and 62 Pas-de-Calais),
whose figures reproduce the statistics of the note « Les conventions d'utilité sociale » of the
Comité régional de l'habitat du Nord-Pas-de-Calais (plenary session of 3 October 2012): about
32 500 dwellings financed over 2011-2016 (A.I), about 10 % of a stock of about 325 000 dwellings,
20 % of PLAI among PLAI + PLUS, Nord 67 % of the total, development from 6 % to 42 % of each
organism's stock, PLAI share from 6 % to 30 %, 15 000 dwellings put on sale in 2011 and 20 000 by
the end of 2016 (D.I), over 1 000 sales a year (D.I-ventes), from at most 0.1 % to 1 % of the
stock per organism; plus the previous period's figures (2005-2010), which first-generation CUS do
not carry (no reference column), in periode-precedente.csv.

Run from the repository root:

    python3 scripts/samples/crh2012.py

Python 3.11, standard library only, no command run: the JSON files are written in the canonical
form of the format `cus-indicateurs/3` (docs/FORMAT.md, « JSON canonique »), checksum included,
so that `cus convert` gives them back byte for byte. Deterministic: fixed seed, fixed order, fixed
export date; two runs write byte-identical files. The script prints the statistics the files
give (exact values) and writes them in the folder's README.md; it stops if one falls outside the
range the note's rounded figures allow.

Check the output with:

    cargo run -q -p cus-cli -- check crates/cus-core/tests/cases/synthesis/crh-2012/*.json
    cargo run -q -p cus-cli -- consolider crates/cus-core/tests/cases/synthesis/crh-2012/*.json \\
        --territoire region:32
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import pathlib
import random
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "cus1-logements-locatifs.toml"
CATALOGUE_ID = "cus1-logements-locatifs"
GEO_VINTAGE = 2026
GEO_DIR = ROOT / "data" / "geo" / str(GEO_VINTAGE)
OUT_DIR = ROOT / "crates" / "cus-core" / "tests" / "cases" / "synthesis" / "crh-2012"
FORMAT = "cus-indicateurs/3"
EXPORT_DATE = "2026-12-07T09:00:00Z"
SEED = 20121003
REGION = "32"
SIGNING_YEAR = 2011
YEARS = [f"a{n}" for n in range(1, 7)]
FIN = ["PLAI", "PLUS", "PLS"]

# ---------------------------------------------------------------------------------------------
# Targets: exact figures chosen to round to those of the note (see README.md).
# ---------------------------------------------------------------------------------------------

TARGET_TOTAL = 32460          # A.I, six years, région (« près de 32 500 »)
TARGET_NORD_PERCENT = 67      # share of the Nord in the six-year total
TARGET_PLAI_PERCENT = 20      # PLAI among PLAI + PLUS
TARGET_DI_2011 = 15000        # D.I, put on sale in 2011
TARGET_DI_C6 = 20000          # D.I, put on sale 2011-2016
PREVIOUS_TOTAL_EVOLUTION = -0.04   # A.I 2011-2016 against the dossiers of 2005-2010
PREVIOUS_PLAI_EVOLUTION = 0.90
PREVIOUS_PLS_EVOLUTION = -0.80
PREVIOUS_NORD_PERCENT = 62
PREVIOUS_SALES_2005_2009 = 4600    # sales 2005-2009 (five years), whole territory

# Ranges the statistics must fall in (the note's figures, rounded).
CHECKS = {
    "total": (32300, 32499),
    "stock_percent": (9.6, 10.4),
    "plai_percent": (19.5, 20.4),
    "dev_min": (5.5, 6.4),
    "dev_max": (41.5, 42.4),
    "plai_min": (5.5, 6.4),
    "plai_max": (29.5, 30.4),
    "nord_percent": (66.5, 67.4),
    "di_2011": (14800, 15200),
    "di_c6": (19800, 20200),
    "di_min": (1.0, 1.9),
    "di_max": (9.5, 10.4),
    "sales_year": (1010, 1300),
    "sales_min": (0.0, 0.10),
    "sales_max": (0.95, 1.04),
    "prev_total": (-4.4, -3.5),
    "prev_plai": (85.0, 94.0),
    "prev_pls": (-84.0, -75.0),
    "prev_nord": (61.5, 62.4),
}

# Real EPCI of the Nord and the Pas-de-Calais (SIREN of data/geo/2026/epci.json, checked below).
MEL = "200093201"            # Métropole Européenne de Lille
DUNKERQUE = "245900428"      # CU de Dunkerque
VALENCIENNES = "245901160"   # CA Valenciennes Métropole
MAUBEUGE = "200043396"       # CA Maubeuge Val de Sambre
DOUAISIS = "200044618"       # CA Douaisis Agglo
ARRAS = "200033579"          # CU d'Arras
LENS = "246200364"           # CA de Lens - Liévin
HENIN = "246200299"          # CA d'Hénin-Carvin
BETHUNE = "200072460"        # CA de Béthune-Bruay, Artois-Lys Romane
BOULONNAIS = "246200729"     # CA du Boulonnais
CALAIS = "200090751"         # CA Grand Calais Terres et Mers
EPCI_NAMES = {
    MEL: "Métropole Européenne de Lille",
    DUNKERQUE: "CU de Dunkerque",
    VALENCIENNES: "CA Valenciennes Métropole",
    MAUBEUGE: "CA Maubeuge Val de Sambre",
    DOUAISIS: "CA Douaisis Agglo",
    ARRAS: "CU d'Arras",
    LENS: "CA de Lens - Liévin",
    HENIN: "CA d'Hénin-Carvin",
    BETHUNE: "CA de Béthune-Bruay, Artois-Lys Romane",
    BOULONNAIS: "CA du Boulonnais",
    CALAIS: "CA Grand Calais Terres et Mers",
}

# ---------------------------------------------------------------------------------------------
# The organisms (everything fictional but the territories). stock: dwellings per département;
# dev: six-year A.I total as a share of the stock; plai: PLAI share of PLAI + PLUS; pls: PLS
# share of the total; epci: A.I detailed by EPCI, share of the département's figure (and of its
# stock) in each; di: D.I over six years as a share of the stock, di1: the part of it put on sale
# in 2011; sales: yearly sales forecast (D.I-ventes) as a share of the stock; segments: (name,
# département, ZUS, weight of the dwellings put on sale). `balance`: the organism whose figures
# take up the rounding so that the totals of the région are the targets (one per département).
# ---------------------------------------------------------------------------------------------


def org(slug, name, kind, stock, dev, plai, pls, di, di1, sales, segments, epci=None, **kw):
    spec = dict(slug=slug, name=name, kind=kind, siege=next(iter(stock)), stock=stock, dev=dev,
                plai=plai, pls=pls, di=di, di1=di1, sales=sales, segments=segments,
                epci=epci or {}, balance=None, plai_balance=False, previous=None)
    spec.update(kw)
    return spec


def seg(name, dep, zus=False, sale=1.0):
    return {"name": name, "departement": dep, "zus": zus, "sale": sale}


ORGANISMS = [
    org("metropole-lilloise", "Habitat de la Métropole Lilloise, office public de l'habitat (fictif)",
        "oph", {"59": 33500}, 0.112, 0.20, 0.07, 0.05, 0.78, 0.0024,
        [seg("Lille-Sud et Moulins (fictif)", "59", True, 0.3),
         seg("Roubaix, quartiers de l'Alma et du Pile (fictif)", "59", True, 0.3),
         seg("Villeneuve-d'Ascq et couronne sud (fictif)", "59", False, 1.2),
         seg("Pavillons de la métropole (fictif)", "59", False, 2.0)],
        epci={MEL: 0.93}, previous=3600),
    org("nord-habitat", "Nord Habitat Départemental, office public de l'habitat (fictif)",
        "oph", {"59": 47000}, 0.085, 0.20, 0.06, 0.045, 0.75, 0.0018,
        [seg("Valenciennois, grands ensembles (fictif)", "59", True, 0.4),
         seg("Sambre-Avesnois (fictif)", "59", False, 1.0),
         seg("Dunkerquois (fictif)", "59", False, 1.0),
         seg("Cambrésis et bourgs ruraux (fictif)", "59", False, 1.6),
         seg("Métropole lilloise (fictif)", "59", True, 0.5)],
        epci={VALENCIENNES: 0.24, MAUBEUGE: 0.14, DUNKERQUE: 0.12, MEL: 0.22}, balance="59"),
    org("logis-metropole", "Logis Métropole Nord, SA d'HLM (fictive)",
        "esh", {"59": 26000, "62": 4800}, 0.118, 0.20, 0.10, 0.09, 0.72, 0.0055,
        [seg("Tourcoing et Wattrelos (fictif)", "59", True, 0.5),
         seg("Lille, faubourgs (fictif)", "59", False, 1.0),
         seg("Armentières et vallée de la Lys (fictif)", "59", False, 1.4),
         seg("Béthune et Bruay (fictif)", "62", False, 1.2)]),
    org("cites-minieres", "Cités Minières de l'Artois et du Douaisis, SA d'HLM (fictive)",
        "esh", {"62": 31500, "59": 14500}, 0.060, 0.20, 0.04, 0.085, 0.80, 0.0045,
        [seg("Cités minières de Lens-Liévin (fictif)", "62", False, 1.5),
         seg("Cités minières d'Hénin-Carvin (fictif)", "62", False, 1.2),
         seg("Lens, grands ensembles (fictif)", "62", True, 0.3),
         seg("Cités minières du Douaisis (fictif)", "59", False, 1.3)],
        epci={LENS: 0.38, HENIN: 0.22, DOUAISIS: 0.55}, previous=3450),
    org("artois-littoral", "Habitat de l'Artois et du Littoral, office public de l'habitat (fictif)",
        "oph", {"62": 41000}, 0.085, 0.20, 0.05, 0.016, 0.70, 0.0012,
        [seg("Arrageois (fictif)", "62", False, 1.0),
         seg("Boulogne, quartiers prioritaires (fictif)", "62", True, 0.3),
         seg("Calaisis (fictif)", "62", False, 0.8),
         seg("Béthune-Bruay (fictif)", "62", False, 1.0),
         seg("Bourgs ruraux du Pas-de-Calais (fictif)", "62", False, 1.5)],
        epci={ARRAS: 0.13, BOULONNAIS: 0.14, CALAIS: 0.11, BETHUNE: 0.21}, balance="62"),
    org("flandre-maritime", "Habitat de la Flandre Maritime, SA d'HLM (fictive)",
        "esh", {"59": 10800}, 0.102, 0.20, 0.07, 0.06, 0.74, 0.0035,
        [seg("Dunkerque, Grande-Synthe (fictif)", "59", True, 0.4),
         seg("Dunkerque, côte et faubourgs (fictif)", "59", False, 1.0),
         seg("Bergues et Wormhout (fictif)", "59", False, 1.3)],
        epci={DUNKERQUE: 0.86}),
    org("valenciennois", "Le Logis Valenciennois, SA d'HLM (fictive)",
        "esh", {"59": 12500}, 0.098, 0.20, 0.08, 0.07, 0.76, 0.0042,
        [seg("Valenciennes, quartiers prioritaires (fictif)", "59", True, 0.4),
         seg("Anzin et Saint-Amand (fictif)", "59", False, 1.0),
         seg("Pays de Condé (fictif)", "59", False, 1.2)], plai_balance=True),
    org("sambre-avesnois", "Sambre Avesnois Habitat, SA d'HLM (fictive)",
        "esh", {"59": 6100}, 0.072, 0.22, 0.05, 0.05, 0.70, 0.0035,
        [seg("Maubeuge (fictif)", "59", True, 0.5),
         seg("Avesnois rural (fictif)", "59", False, 1.5)]),
    org("douaisis", "Le Foyer du Douaisis, SA d'HLM (fictive)",
        "esh", {"59": 7400}, 0.115, 0.20, 0.09, 0.055, 0.74, 0.0038,
        [seg("Douai, Frais-Marais (fictif)", "59", True, 0.4),
         seg("Douaisis, bourgs (fictif)", "59", False, 1.2)]),
    org("cambresis", "Habitat du Cambrésis, SA d'HLM (fictive)",
        "esh", {"59": 3900}, 0.083, 0.20, 0.06, 0.09, 0.78, 0.0072,
        [seg("Cambrai (fictif)", "59", False, 1.0),
         seg("Caudrésis (fictif)", "59", False, 1.2)]),
    org("roubaix-tourcoing", "Le Toit de Roubaix-Tourcoing, SA d'HLM (fictive)",
        "esh", {"59": 13800}, 0.132, 0.20, 0.09, 0.06, 0.76, 0.0025,
        [seg("Roubaix, centre (fictif)", "59", True, 0.4),
         seg("Tourcoing, Bourgogne (fictif)", "59", True, 0.3),
         seg("Croix et Wasquehal (fictif)", "59", False, 1.3)]),
    org("lys-weppes", "Maisons de la Lys et des Weppes, coopérative d'HLM (fictive)",
        "cooperative", {"59": 700}, 0.42, 0.24, 0.0, 0.02, 0.75, 0.0,
        [seg("Weppes (fictif)", "59", False, 1.0)], previous=170),
    org("flandre-interieure", "Habitat de Flandre Intérieure, SEM (fictive)",
        "sem", {"59": 1600}, 0.15, 0.22, 0.05, 0.04, 0.70, 0.0025,
        [seg("Hazebrouck (fictif)", "59", False, 1.0),
         seg("Bailleul et Steenvoorde (fictif)", "59", False, 1.0)]),
    org("ostrevent", "Ostrevent Logement, SA d'HLM (fictive)",
        "esh", {"59": 2900}, 0.11, 0.20, 0.07, 0.065, 0.72, 0.0045,
        [seg("Somain et Aniche (fictif)", "59", False, 1.0),
         seg("Denain (fictif)", "59", True, 0.5)]),
    org("lille-coop", "Coopérative Lilloise d'Habitat Social (fictive)",
        "cooperative", {"59": 950}, 0.30, 0.25, 0.0, 0.10, 0.72, 0.010,
        [seg("Lille et Hellemmes (fictif)", "59", False, 1.0),
         seg("Pavillons de Lomme (fictif)", "59", False, 1.0)]),
    org("cote-flamande", "SEM de la Côte Flamande (fictive)",
        "sem", {"59": 1300}, 0.12, 0.20, 0.04, 0.03, 0.70, 0.0015,
        [seg("Gravelines et Bourbourg (fictif)", "59", False, 1.0)]),
    org("pevele", "Logis de la Pévèle et de l'Ostrevent, SA d'HLM (fictive)",
        "esh", {"59": 2400, "62": 600}, 0.16, 0.22, 0.08, 0.04, 0.70, 0.0030,
        [seg("Pévèle (fictif)", "59", False, 1.0),
         seg("Ostrevent artésien (fictif)", "62", False, 1.0)]),
    org("lens-lievin", "Habitat de Lens-Liévin, SA d'HLM (fictive)",
        "esh", {"62": 10500}, 0.094, 0.20, 0.06, 0.065, 0.76, 0.0038,
        [seg("Lens, quartiers prioritaires (fictif)", "62", True, 0.4),
         seg("Liévin et Avion (fictif)", "62", False, 1.0),
         seg("Bully et Grenay (fictif)", "62", False, 1.2)],
        epci={LENS: 0.82}),
    org("bethune-bruay", "Logement de Béthune-Bruay, SA d'HLM (fictive)",
        "esh", {"62": 8400}, 0.090, 0.20, 0.06, 0.08, 0.78, 0.0050,
        [seg("Béthune (fictif)", "62", False, 1.0),
         seg("Bruay-la-Buissière (fictif)", "62", True, 0.5),
         seg("Lillers et Auchel (fictif)", "62", False, 1.2)]),
    org("foyer-artesien", "Le Foyer Artésien, SA d'HLM (fictive)",
        "esh", {"62": 5400}, 0.125, 0.21, 0.08, 0.05, 0.74, 0.0032,
        [seg("Arras, quartiers ouest (fictif)", "62", True, 0.5),
         seg("Arras, centre et faubourgs (fictif)", "62", False, 1.0)],
        epci={ARRAS: 0.78}),
    org("boulogne-habitat", "Boulogne Habitat Social, SEM (fictive)",
        "sem", {"62": 4200}, 0.075, 0.20, 0.05, 0.035, 0.70, 0.0020,
        [seg("Boulogne-sur-Mer (fictif)", "62", True, 0.5),
         seg("Outreau et Le Portel (fictif)", "62", False, 1.0)]),
    org("calaisis", "Calaisis Logement, SA d'HLM (fictive)",
        "esh", {"62": 6500}, 0.080, 0.20, 0.06, 0.045, 0.72, 0.0030,
        [seg("Calais, Beau-Marais (fictif)", "62", True, 0.4),
         seg("Calais, centre (fictif)", "62", False, 1.0),
         seg("Marck et Guînes (fictif)", "62", False, 1.2)]),
    org("audomarois", "Habitat de l'Audomarois, SA d'HLM (fictive)",
        "esh", {"62": 3100}, 0.10, 0.20, 0.07, 0.06, 0.74, 0.0042,
        [seg("Saint-Omer et Arques (fictif)", "62", False, 1.0),
         seg("Longuenesse (fictif)", "62", False, 1.0)]),
    org("deux-baies", "Logis des Deux Baies, coopérative d'HLM (fictive)",
        "cooperative", {"62": 850}, 0.24, 0.30, 0.0, 0.035, 0.70, 0.0008,
        [seg("Montreuil et Étaples (fictif)", "62", False, 1.0)]),
    org("ternois", "Habitat Rural du Ternois, SEM (fictive)",
        "sem", {"62": 1200}, 0.11, 0.06, 0.04, 0.10, 0.74, 0.0100,
        [seg("Saint-Pol-sur-Ternoise (fictif)", "62", False, 1.0),
         seg("Villages du Ternois (fictif)", "62", False, 1.3)]),
    org("henin-carvin", "Les Toits d'Hénin-Carvin, SA d'HLM (fictive)",
        "esh", {"62": 3600}, 0.092, 0.20, 0.06, 0.07, 0.76, 0.0050,
        [seg("Hénin-Beaumont (fictif)", "62", True, 0.5),
         seg("Carvin et Courrières (fictif)", "62", False, 1.2)]),
    org("hainaut-coop", "Coopérative d'HLM du Hainaut (fictive)",
        "cooperative", {"59": 1100}, 0.20, 0.22, 0.0, 0.02, 0.80, 0.0009,
        [seg("Valenciennes et Marly (fictif)", "59", False, 1.0)]),
    org("habitat-regional", "Habitat Régional du Nord-Pas-de-Calais, SA d'HLM (fictive)",
        "esh", {"59": 10000, "62": 6000}, 0.105, 0.20, 0.09, 0.07, 0.75, 0.0038,
        [seg("Lille métropole (fictif)", "59", False, 1.0),
         seg("Hainaut (fictif)", "59", True, 0.5),
         seg("Artois (fictif)", "62", False, 1.0),
         seg("Littoral (fictif)", "62", False, 1.0)]),
    org("val-de-sambre", "Val de Sambre Logement, SEM (fictive)",
        "sem", {"59": 2300}, 0.070, 0.20, 0.05, 0.018, 0.70, 0.0010,
        [seg("Maubeuge et Jeumont (fictif)", "59", True, 0.6),
         seg("Hautmont (fictif)", "59", False, 1.0)]),
    org("opale-solidaire", "Opale Habitat Solidaire, coopérative d'HLM (fictive)",
        "cooperative", {"62": 650}, 0.26, 0.28, 0.0, 0.03, 0.70, 0.0020,
        [seg("Berck et Rang-du-Fliers (fictif)", "62", False, 1.0)]),
]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_with_key(prefix8: str) -> str:
    """Complete 8 digits with the Luhn key digit (cus_core::organisme::check_siren)."""
    for k in range(10):
        if luhn_ok(prefix8 + str(k)):
            return prefix8 + str(k)
    raise AssertionError("unreachable")


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """`total` spread in proportion to `weights`, adding up exactly."""
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    base = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def pct(a: float, b: float) -> float:
    return 100.0 * a / b


def fr(x: float, digits: int = 1) -> str:
    """A number as the note writes it: « 32 460 », « 9,99 »."""
    s = f"{x:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return s


def number_text(v) -> str:
    """A number in Rust's shortest form (`{}` of an f64): 12, 12.5."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if float(v).is_integer():
        return str(int(v))
    return repr(float(v))


def checksum(conv: dict) -> str:
    """cus_formats::checksum: catalogue, every value in key order, then the signature."""
    h = hashlib.sha256()
    h.update(f"{conv['catalogue']['id']}\n{conv['catalogue']['version']}\n".encode())
    for k in sorted(conv["values"], key=lambda s: s.encode()):
        h.update(f"{k}={number_text(conv['values'][k])}\n".encode())
    if conv.get("signature"):
        h.update(("signature=" + json.dumps(conv["signature"], ensure_ascii=False,
                                            separators=(",", ":")) + "\n").encode())
    return h.hexdigest()


def taken_sirens() -> set[str]:
    """SIREN already used by the other samples and test cases (none may be reused)."""
    found = set()
    for base in (ROOT / "data", ROOT / "crates"):
        for f in base.rglob("*.json"):
            if OUT_DIR in f.parents:
                continue
            found.update(re.findall(r'"siren":\s*"(\d{9})"', f.read_text(encoding="utf-8", errors="replace")))
    return found


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


class Org:
    """One organism's figures, before they become cells."""

    def __init__(self, spec: dict, rng: random.Random):
        self.spec = spec
        self.rng = rng
        self.deps = list(spec["stock"])
        # A.I by département: member -> six-year figure.
        self.ai = {}
        for d in self.deps:
            self.ai[d] = self.financing(round(spec["stock"][d] * spec["dev"]))
        # Yearly profile of the organism's dossiers (a programme, not a straight line).
        self.profile = [rng.uniform(0.8, 1.2) for _ in YEARS]
        # D.I: six-year figure and the part of it in 2011.
        stock = sum(spec["stock"].values())
        self.di_c6 = round(stock * spec["di"])
        self.di_a1 = round(self.di_c6 * spec["di1"])
        self.sales = [round(stock * spec["sales"] * f) for f in (0.98, 0.99, 1.0, 1.0, 1.01, 1.02)]

    def financing(self, total: int) -> dict:
        s = self.spec
        pls = round(total * s["pls"])
        pp = total - pls
        # PLAI rounded up when the share is at least the usual 20 %, so that every row keeps it.
        plai = math.ceil(pp * s["plai"]) if s["plai"] >= 0.2 else round(pp * s["plai"])
        return {"PLAI": plai, "PLUS": pp - plai, "PLS": pls}

    def set_total(self, d: str, total: int) -> None:
        self.ai[d] = self.financing(total)

    def set_plai(self, d: str, plai: int) -> None:
        m = self.ai[d]
        pp = m["PLAI"] + m["PLUS"]
        m["PLAI"], m["PLUS"] = plai, pp - plai

    def total(self, d: str | None = None) -> int:
        deps = [d] if d else self.deps
        return sum(sum(self.ai[x].values()) for x in deps)

    def member(self, m: str) -> int:
        return sum(self.ai[d][m] for d in self.deps)

    def stock(self) -> int:
        return sum(self.spec["stock"].values())


def balance(orgs: list[Org]) -> None:
    """The balancing organism of each département takes up what makes the région's totals the
    targets: the six-year total of the département, then the PLAI of the région."""
    nord = round(TARGET_TOTAL * TARGET_NORD_PERCENT / 100)
    target = {"59": nord, "62": TARGET_TOTAL - nord}
    bal = {o.spec["balance"]: o for o in orgs if o.spec["balance"]}
    assert sorted(bal) == ["59", "62"], bal
    for d, o in bal.items():
        others = sum(x.total(d) for x in orgs if x is not o and d in x.deps)
        o.set_total(d, target[d] - others)
    # PLAI: one organism committed in a single département (one row, so one plausibility
    # warning at most) takes up the difference, below the usual 20 %.
    pp = sum(o.member("PLAI") + o.member("PLUS") for o in orgs)
    plai_target = round(pp * TARGET_PLAI_PERCENT / 100)
    (o,) = [x for x in orgs if x.spec.get("plai_balance")]
    assert len(o.deps) == 1 and not o.spec["epci"], o.spec["slug"]
    d = o.deps[0]
    o.set_plai(d, o.ai[d]["PLAI"] + plai_target - sum(x.member("PLAI") for x in orgs))
    # D.I: the balancing organism of the Nord takes up the difference, in 2011 and over six years.
    o = bal["59"]
    o.di_c6 += TARGET_DI_C6 - sum(x.di_c6 for x in orgs)
    o.di_a1 += TARGET_DI_2011 - sum(x.di_a1 for x in orgs)


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def yearly(total: int, profile: list[float], rng: random.Random) -> list[int]:
    return largest_remainder(total, [p * rng.uniform(0.85, 1.15) for p in profile])


def ai_rows(o: Org, put) -> dict:
    """A.I (and A.II) by département, and by EPCI for the organisms that detail it. Returns the
    yearly matrices per row, for the README."""
    rng = o.rng
    dep_years = {}
    for d in o.deps:
        dep_years[d] = {m: yearly(o.ai[d][m], o.profile, rng) for m in FIN}
        write_fin_rows(put, "A.I", f"departement:{d}", dep_years[d])
    detail = {}
    for e, share in o.spec["epci"].items():
        d = EPCI_DEP[e]
        years = {m: [math.floor(v * share) for v in dep_years[d][m]] for m in FIN}
        # Keep the EPCI's PLAI share at the organism's when its floors lowered it.
        i = 0
        while o.spec["plai"] >= 0.2 and sum(years["PLAI"]) < 0.2 * (sum(years["PLAI"]) + sum(years["PLUS"])):
            y = i % 6
            if years["PLUS"][y] > 0 and years["PLAI"][y] < dep_years[d]["PLAI"][y]:
                years["PLAI"][y] += 1
                years["PLUS"][y] -= 1
            i += 1
            assert i < 600, o.spec["slug"]
        for m in FIN:
            assert all(a <= b for a, b in zip(years[m], dep_years[d][m])), (o.spec["slug"], e, m)
        write_fin_rows(put, "A.I", f"epci:{e}", years)
        placed = detail.setdefault(d, {m: [0] * 6 for m in FIN})
        for m in FIN:
            placed[m] = [a + b for a, b in zip(placed[m], years[m])]
    # The EPCI of a département never hold more than the département's figure.
    for d, placed in detail.items():
        for m in FIN:
            assert all(a <= b for a, b in zip(placed[m], dep_years[d][m])), (o.spec["slug"], d, m)
    # A.II: dwellings put in service, a little fewer than the dossiers (some come from dossiers
    # of the previous period, some dossiers of the period are delivered after it).
    for d in o.deps:
        a2 = {m: [math.floor(v * rng.uniform(0.7, 0.95)) for v in dep_years[d][m]] for m in FIN}
        write_fin_rows(put, "A.II", f"departement:{d}", a2)
    return dep_years


def write_fin_rows(put, code: str, row: str, years: dict) -> None:
    for i, p in enumerate(YEARS):
        put(f"{code}|{row}|total|{p}", sum(years[m][i] for m in FIN))
        for m in FIN:
            put(f"{code}|{row}|{m}|{p}", years[m][i])
    put(f"{code}|{row}|total|c6", sum(sum(years[m]) for m in FIN))
    for m in FIN:
        put(f"{code}|{row}|{m}|c6", sum(years[m]))


def di_rows(o: Org, segments: list[dict], put) -> tuple[list[int], list[int]]:
    """D.I and D.I-ventes by segment; returns the organism's yearly D.I and sales."""
    rng = o.rng
    rest = o.di_c6 - o.di_a1
    assert rest >= 0, o.spec["slug"]
    di = [o.di_a1] + largest_remainder(rest, [rng.uniform(0.8, 1.2) for _ in YEARS[1:]])
    weights = [s["sale"] for s in segments]
    by_seg = [largest_remainder(v, weights) for v in di]           # year -> segment
    seg_c6 = [sum(by_seg[y][i] for y in range(6)) for i in range(len(segments))]
    sales_seg = [largest_remainder(v, seg_c6) for v in o.sales]    # year -> segment
    for i, s in enumerate(segments):
        row = f"segment:{s['id']}"
        on_sale = sold = 0
        for y, p in enumerate(YEARS):
            on_sale += by_seg[y][i]
            sold += sales_seg[y][i]
            # No segment sells more than it has put on sale.
            assert sold <= on_sale, (o.spec["slug"], s["id"], p)
            put(f"D.I|{row}|valeur|{p}", by_seg[y][i])
            put(f"D.I-ventes|{row}|valeur|{p}", sales_seg[y][i])
        put(f"D.I|{row}|valeur|c6", on_sale)
        put(f"D.I-ventes|{row}|valeur|c6", sold)
    return di, o.sales


def other_rows(o: Org, segments: list[dict], put) -> None:
    """The other mandatory indicators, in the orders of magnitude of territoire.py."""
    u = o.rng.uniform
    for d in o.deps:
        row = f"departement:{d}"
        stock = o.spec["stock"][d]
        for code, per_1000 in (("B.I", 0.9), ("B.II", 0.6)):
            places = largest_remainder(round(stock / 1000 * per_1000 * u(0.5, 1.5)), [u(0.6, 1.4) for _ in YEARS])
            for p, v in zip(YEARS, places):
                put(f"{code}|{row}|valeur|{p}", v)
            put(f"{code}|{row}|valeur|c6", sum(places))
        for code, lo, hi in (("C.I", 900, 1400), ("C.II", 380, 540)):
            x = u(lo, hi)
            for p in YEARS:
                put(f"{code}|{row}|valeur|{p}", round(x))
                x *= 1 + u(0.0, 0.03)
        tenths = [round(u(1.2, 3.5) * 10) for _ in YEARS]
        for p, t in zip(YEARS, tenths):
            put(f"C.IV|{row}|valeur|{p}", t / 10)
        put(f"C.IV|{row}|valeur|c6", sum(tenths) / 10)
        for code, (lo, hi) in (("F.II", (30, 45)), ("F.III", (8, 15)), ("F.IV", (3, 8))):
            x = u(lo, hi)
            for p in YEARS:
                put(f"{code}|{row}|valeur|{p}", round(x))
                x += u(0.0, 0.8)
    for s in segments:
        x = u(22, 32) if not s["zus"] else u(14, 22)
        for p in YEARS:
            put(f"F.I|segment:{s['id']}|valeur|{p}", round(x))
            x += u(0.0, 1.0)


EPCI_DEP: dict[str, str] = {}


def convention(o: Org, siren: str, cat: dict, signature_date: str) -> tuple[dict, dict]:
    spec = o.spec
    segments = [{"id": f"S{i + 1}", "name": s["name"], "departement": s["departement"],
                 "zus": s["zus"], "sale": s["sale"]} for i, s in enumerate(spec["segments"])]
    for d in o.deps:
        assert any(s["departement"] == d for s in segments), (spec["slug"], d)
    values: dict[str, int | float] = {}

    def put(k, v):
        assert k not in values, k
        # Whole numbers are written without decimals (canonical form), 2.0 as 2.
        values[k] = int(v) if isinstance(v, float) and v.is_integer() else v

    dep_years = ai_rows(o, put)
    di, sales = di_rows(o, segments, put)
    other_rows(o, segments, put)
    epci = list(spec["epci"])
    segmentation = {"D.I-ventes": {"levels": ["segment"]}}
    if epci:
        segmentation["A.I"] = {"levels": ["departement", "epci"]}
    stock = {f"departement:{d}": float(n) for d, n in spec["stock"].items()}
    for e, share in spec["epci"].items():
        stock[f"epci:{e}"] = float(math.floor(spec["stock"][EPCI_DEP[e]] * share))
    stock["organisme"] = float(o.stock())
    conv = {
        "name": f"Exemple fictif — {spec['name']}, CUS 2011-2016",
        "organisme": {"raison_sociale": spec["name"], "siren": siren, "kind": spec["kind"],
                      "siege_departement": spec["siege"]},
        "catalogue": {"id": cat["id"], "version": cat["version"]},
        "signing_year": SIGNING_YEAR,
        "geo_vintage": GEO_VINTAGE,
        "departements": o.deps,
        "epci": epci,
        "segments": [{k: s[k] for k in ("id", "name", "departement", "zus")} for s in segments],
        "segmentation": dict(sorted(segmentation.items())),
        "values": dict(sorted(values.items(), key=lambda kv: kv[0].encode())),
        "stock": dict(sorted(stock.items())),
        "signature": {"date": signature_date, "label": "Convention initiale"},
    }
    return conv, {"dep_years": dep_years, "di": di, "sales": sales}


def envelope(conv: dict) -> dict:
    return {"format": FORMAT, "nature": "brouillon", "exporte_le": EXPORT_DATE,
            "empreinte": checksum(conv), "catalogue": dict(conv["catalogue"]), "convention": conv}


def cells_expected(conv: dict, cat: dict) -> set[str]:
    """The cells of the convention by the rules of Convention::cells (as generate.py derives
    them): every value written must be one, and every cell must have a value."""
    out = set()
    for ind in cat["indicators"]:
        code = ind["code"]
        if ind["requirement"] != "obligatoire" and code not in conv["segmentation"]:
            continue
        seg = conv["segmentation"].get(code, {})
        levels = seg.get("levels") or ind["levels"]["allowed"][:1]
        rows = []
        for lv in levels:
            if lv == "departement":
                rows += [f"departement:{d}" for d in conv["departements"]]
            elif lv == "epci":
                rows += [f"epci:{e}" for e in conv["epci"]]
            elif lv == "segment":
                rows += [f"segment:{s['id']}" for s in conv["segments"]]
            else:
                raise AssertionError(lv)
        bds = ind.get("splits", {}).get("breakdowns", [])
        splits = ["valeur"] if not bds else ["total"] + [m["code"] for m in bds[0]["members"]]
        assert len(bds) <= 1 and not ind.get("splits", {}).get("parts")
        p = ind["periods"]
        periods = (YEARS if p.get("yearly") else []) + [f"c{n}" for n in p.get("cumulative", [])]
        assert not p.get("reference")
        out.update(f"{code}|{r}|{s}|{q}" for r in rows for s in splits for q in periods)
    return out


def expected_warnings(files: list[tuple]) -> list[str]:
    """The plausibility warnings `cus check` gives on A.I, from the rules of
    data/rules/plausibilite.json (ratio to the stock, PLAI share), row by row."""
    rules = json.loads((ROOT / "data" / "rules" / "plausibilite.json").read_text(encoding="utf-8"))
    out = []
    for name, conv in files:
        v, stock = conv["values"], conv["stock"]
        for r in rules["ratios_to_stock"]:
            if r["indicator"] != "A.I":
                continue
            for row, n in stock.items():
                k = f"A.I|{row}|{r['split']}|{r['period']}"
                if k in v and n > 0 and pct(v[k], n) > r["max_percent"]:
                    out.append(f"{name} : {r['code']} ({row}, {fr(pct(v[k], n), 1)} % du parc)")
        for r in rules["member_shares"]:
            if r["indicator"] != "A.I":
                continue
            rows = sorted({k.split("|")[1] for k in v if k.startswith("A.I|")})
            for row in rows:
                for q in r.get("periods", YEARS + ["c6"]):
                    num = sum(v[f"A.I|{row}|{m}|{q}"] for m in r["numerator"])
                    den = sum(v[f"A.I|{row}|{m}|{q}"] for m in r["denominator"])
                    if den and not r["min_percent"] <= pct(num, den) <= r["max_percent"]:
                        out.append(f"{name} : {r['code']} ({row}, {fr(pct(num, den), 1)} % de PLAI)")
    return out


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------


def statistics(orgs: list[Org], extra: list[dict]) -> dict:
    st = {}
    total = sum(o.total() for o in orgs)
    stock = sum(o.stock() for o in orgs)
    plai = sum(o.member("PLAI") for o in orgs)
    plus = sum(o.member("PLUS") for o in orgs)
    pls = sum(o.member("PLS") for o in orgs)
    nord = sum(o.total("59") for o in orgs if "59" in o.deps)
    yearly_total = [sum(sum(x["dep_years"][d][m][y] for d in x["dep_years"] for m in FIN) for x in extra)
                    for y in range(6)]
    dev = sorted((pct(o.total(), o.stock()), o.spec["slug"]) for o in orgs)
    share = sorted((pct(o.member("PLAI"), o.member("PLAI") + o.member("PLUS")), o.spec["slug"]) for o in orgs)
    di_years = [sum(x["di"][y] for x in extra) for y in range(6)]
    di_ratio = sorted((pct(o.di_c6, o.stock()), o.spec["slug"]) for o in orgs)
    sales_years = [sum(x["sales"][y] for x in extra) for y in range(6)]
    sales_ratio = sorted((pct(sum(x["sales"]) / 6, o.stock()), o.spec["slug"]) for o, x in zip(orgs, extra))
    st.update(total=total, stock=stock, plai=plai, plus=plus, pls=pls, nord=nord, pas_de_calais=total - nord,
              yearly_total=yearly_total, dev=dev, share=share, di_years=di_years, di_ratio=di_ratio,
              sales_years=sales_years, sales_ratio=sales_ratio)
    st["average"] = total / 6
    st["stock_percent"] = pct(total, stock)
    st["plai_percent"] = pct(plai, plai + plus)
    st["nord_percent"] = pct(nord, total)
    st["pls_percent"] = pct(pls, total)
    st["epci_orgs"] = [o.spec["slug"] for o in orgs if o.spec["epci"]]
    st["two_deps"] = [o.spec["slug"] for o in orgs if len(o.deps) == 2]
    return st


def previous(st: dict, orgs: list[Org], sirens: list[str]) -> dict:
    """The figures of 2005-2010 (not in first-generation CUS), from the evolutions of the note."""
    p_total = round(st["total"] / (1 + PREVIOUS_TOTAL_EVOLUTION))
    p_plai = round(st["plai"] / (1 + PREVIOUS_PLAI_EVOLUTION))
    p_pls = round(st["pls"] / (1 + PREVIOUS_PLS_EVOLUTION))
    p_plus = p_total - p_plai - p_pls
    p_nord = round(p_total * PREVIOUS_NORD_PERCENT / 100)
    organisms = [(o, s, o.spec["previous"]) for o, s in zip(orgs, sirens) if o.spec["previous"]]
    return {"total": p_total, "PLAI": p_plai, "PLUS": p_plus, "PLS": p_pls, "59": p_nord,
            "62": p_total - p_nord, "sales": PREVIOUS_SALES_2005_2009, "organisms": organisms}


def check_ranges(st: dict, prev: dict) -> dict:
    got = {
        "total": st["total"],
        "stock_percent": st["stock_percent"],
        "plai_percent": st["plai_percent"],
        "dev_min": st["dev"][0][0],
        "dev_max": st["dev"][-1][0],
        "plai_min": st["share"][0][0],
        "plai_max": st["share"][-1][0],
        "nord_percent": st["nord_percent"],
        "di_2011": st["di_years"][0],
        "di_c6": sum(st["di_years"]),
        "di_min": st["di_ratio"][0][0],
        "di_max": st["di_ratio"][-1][0],
        "sales_min": st["sales_ratio"][0][0],
        "sales_max": st["sales_ratio"][-1][0],
        "prev_total": pct(st["total"] - prev["total"], prev["total"]),
        "prev_plai": pct(st["plai"] - prev["PLAI"], prev["PLAI"]),
        "prev_pls": pct(st["pls"] - prev["PLS"], prev["PLS"]),
        "prev_nord": pct(prev["59"], prev["total"]),
    }
    bad = [f"{k} = {v:.3f} hors de {CHECKS[k]}" for k, v in got.items()
           if not CHECKS[k][0] <= v <= CHECKS[k][1]]
    bad += [f"ventes {2011 + y} = {v} hors de {CHECKS['sales_year']}" for y, v in enumerate(st["sales_years"])
            if not CHECKS["sales_year"][0] <= v <= CHECKS["sales_year"][1]]
    if len(st["epci_orgs"]) < 5 or len(st["two_deps"]) < 3:
        bad.append("moins de 5 organismes détaillés par EPCI ou de 3 sur les deux départements")
    if bad:
        raise SystemExit("Statistiques hors des fourchettes de la note :\n  " + "\n  ".join(bad))
    return got


def report_lines(st: dict, prev: dict, got: dict) -> list[str]:
    y = st["yearly_total"]
    lines = [
        f"A.I (dossiers de financement déposés), 2011-2016, région : {st['total']} logements "
        f"(PLAI {st['plai']}, PLUS {st['plus']}, PLS {st['pls']}) ; "
        f"par année : " + ", ".join(f"{2011 + i} : {v}" for i, v in enumerate(y)),
        f"Moyenne annuelle : {st['total']} ÷ 6 = {fr(st['average'], 2)}",
        f"Parc des 30 organismes : {st['stock']} logements ; offre nouvelle ÷ parc = "
        f"{fr(st['stock_percent'], 2)} %",
        f"Part de PLAI parmi PLAI + PLUS : {st['plai']} ÷ {st['plai'] + st['plus']} = "
        f"{fr(st['plai_percent'], 2)} % (PLS : {fr(st['pls_percent'], 2)} % du total)",
        f"Nord : {st['nord']} ({fr(st['nord_percent'], 2)} %) ; Pas-de-Calais : {st['pas_de_calais']} "
        f"({fr(100 - st['nord_percent'], 2)} %)",
        f"Développement par organisme (A.I six ans ÷ parc) : de {fr(st['dev'][0][0], 2)} % "
        f"({st['dev'][0][1]}) à {fr(st['dev'][-1][0], 2)} % ({st['dev'][-1][1]})",
        f"Part de PLAI par organisme : de {fr(st['share'][0][0], 2)} % ({st['share'][0][1]}) à "
        f"{fr(st['share'][-1][0], 2)} % ({st['share'][-1][1]})",
        f"Organismes détaillant A.I par EPCI : {len(st['epci_orgs'])} ({', '.join(st['epci_orgs'])}) ; "
        f"sur les deux départements : {len(st['two_deps'])} ({', '.join(st['two_deps'])})",
        f"D.I (logements mis en commercialisation) : {st['di_years'][0]} en 2011, "
        f"{sum(st['di_years'])} en cumul 2011-2016 ; par année : "
        + ", ".join(f"{2011 + i} : {v}" for i, v in enumerate(st["di_years"])),
        f"D.I six ans ÷ parc, par organisme : de {fr(st['di_ratio'][0][0], 2)} % "
        f"({st['di_ratio'][0][1]}) à {fr(st['di_ratio'][-1][0], 2)} % ({st['di_ratio'][-1][1]})",
        f"D.I-ventes (prévision de ventes) par année : "
        + ", ".join(f"{2011 + i} : {v}" for i, v in enumerate(st["sales_years"]))
        + f" ; cumul 2011-2016 : {sum(st['sales_years'])} ; moyenne annuelle "
        f"{fr(sum(st['sales_years']) / 6, 2)}",
        f"Ventes annuelles moyennes ÷ parc, par organisme : de {fr(st['sales_ratio'][0][0], 3)} % "
        f"({st['sales_ratio'][0][1]}) à {fr(st['sales_ratio'][-1][0], 3)} % ({st['sales_ratio'][-1][1]})",
        f"Période précédente (2005-2010, periode-precedente.csv) : A.I {prev['total']} "
        f"(PLAI {prev['PLAI']}, PLUS {prev['PLUS']}, PLS {prev['PLS']}) ; évolution du total "
        f"{fr(got['prev_total'], 2)} %, du PLAI +{fr(got['prev_plai'], 2)} %, du PLUS "
        f"{'+' if st['plus'] >= prev['PLUS'] else ''}{fr(pct(st['plus'] - prev['PLUS'], prev['PLUS']), 2)} %, "
        f"du PLS {fr(got['prev_pls'], 2)} %",
        f"Période précédente, Nord : {prev['59']} ({fr(got['prev_nord'], 2)} %), Pas-de-Calais : "
        f"{prev['62']} ({fr(100 - got['prev_nord'], 2)} %)",
        f"Ventes 2005-2009 : {prev['sales']} ; prévision annuelle moyenne × 5 = "
        f"{fr(sum(st['sales_years']) / 6 * 5, 1)}",
    ]
    for o, siren, p in prev["organisms"]:
        lines.append(f"Période précédente, {o.spec['slug']} ({siren}) : A.I {p} en 2005-2010, "
                     f"{o.total()} en 2011-2016 ({'+' if o.total() >= p else ''}"
                     f"{fr(pct(o.total() - p, p), 2)} %)")
    return lines


def previous_csv(prev: dict) -> str:
    rows = ["indicateur;ventilation;periode;valeur;territoire;organisme"]
    for m in ("PLAI", "PLUS", "PLS", "total"):
        rows.append(f"A.I;{m};2005-2010;{prev[m]};;")
    for d in ("59", "62"):
        rows.append(f"A.I;total;2005-2010;{prev[d]};departement:{d};")
    rows.append(f"D.I-ventes;valeur;2005-2009;{prev['sales']};;")
    for o, siren, p in prev["organisms"]:
        rows.append(f"A.I;total;2005-2010;{p};;{siren}")
    return "\n".join(rows) + "\n"


def readme(files: list[tuple], lines: list[str], warnings: list[str], cat: dict) -> str:
    out = [
        "# Synthèse régionale : 30 CUS de 1re génération du Nord-Pas-de-Calais (CRH, 3 octobre 2012)",
        "",
        "Jeu d'essai écrit par `scripts/samples/crh2012.py` (ne pas modifier à la main : relancer "
        "`python3 scripts/samples/crh2012.py` depuis la racine du dépôt).",
        "",
        "**Organismes, SIREN, segments et chiffres fictifs.** Seuls les territoires sont réels "
        "(départements 59 Nord et 62 Pas-de-Calais, EPCI du référentiel 2026). Les chiffres sont "
        "choisis pour reproduire les statistiques de la note « Les conventions d'utilité sociale » "
        "du Comité régional de l'habitat du Nord-Pas-de-Calais (séance plénière du 3 octobre 2012), "
        "qui compilait les 30 CUS de 1re génération signées en 2011 dans la région : près de "
        "32 500 logements financés en six ans (environ 5 400 par an, soit environ 10 % du parc), "
        "20 % de PLAI parmi PLAI + PLUS, 67 % dans le Nord, un développement de 6 % à 42 % du parc "
        "selon l'organisme et une part de PLAI de 6 % à 30 %, des objectifs déclinés au niveau "
        "départemental ou à l'EPCI, un volume mis en commercialisation passant d'environ 15 000 "
        "logements en 2011 à 20 000 à fin 2016, plus de 1 000 ventes par an (de moins de 0,1 % à "
        "1 % du parc par an selon l'organisme), et, par rapport aux dossiers de 2005-2010, un total "
        "en baisse de 4 %, des PLAI en hausse d'environ 90 % et des PLS en baisse d'environ 80 %.",
        "",
        f"- `NN-<organisme>.json` : une convention par organisme, format `{FORMAT}` (JSON canonique, "
        f"empreinte comprise), catalogue `{cat['id']}` {cat['version']}, signée en 2011 "
        "(engagements 2011-2016, « Convention initiale »), millésime géographique 2026 ; "
        "parc (`stock`) par département (et par EPCI détaillé) ; A.I par département, et par EPCI "
        "pour les organismes qui le détaillent ; D.I, D.I-ventes (indicateur facultatif retenu) et "
        "F.I par segment de patrimoine ; les autres indicateurs obligatoires remplis.",
        "- `periode-precedente.csv` : les chiffres de la période précédente (2005-2010), que les CUS "
        "de 1re génération ne portent pas (pas de valeur de référence) ; `;` comme séparateur, "
        "`territoire` vide = tout le territoire, `organisme` vide ou un SIREN.",
        "",
        "Vérifier et consolider :",
        "",
        "```",
        "cargo run -q -p cus-cli -- check crates/cus-core/tests/cases/synthesis/crh-2012/*.json",
        "cargo run -q -p cus-cli -- consolider crates/cus-core/tests/cases/synthesis/crh-2012/*.json --territoire region:32",
        "```",
        "",
        "## Statistiques obtenues (valeurs exactes)",
        "",
    ]
    out += [f"- {line}" for line in lines]
    out += [
        "",
        "Fourchettes que le script vérifie (chiffres de la note, arrondis) : total A.I "
        "32 300 à 32 499 ; total ÷ parc 9,6 à 10,4 % ; PLAI ÷ (PLAI + PLUS) 19,5 à 20,4 % ; Nord "
        "66,5 à 67,4 % ; développement par organisme de 5,5–6,4 % à 41,5–42,4 % ; part de PLAI par "
        "organisme de 5,5–6,4 % à 29,5–30,4 % ; D.I 14 800 à 15 200 en 2011 et 19 800 à 20 200 en "
        "six ans, de 1,0–1,9 % à 9,5–10,4 % du parc par organisme ; ventes 1 010 à 1 300 chaque "
        "année, de 0,10 % au plus à 0,95–1,04 % du parc par an par organisme ; évolutions sur "
        "2005-2010 : total −4,4 à −3,5 %, PLAI +85 à +94 %, PLS −84 à −75 %, Nord 61,5 à 62,4 % "
        "de la période précédente. Pour tomber sur des chiffres ronds, un organisme par "
        "département (nord-habitat, artois-littoral) reprend l'écart au total du département, "
        "nord-habitat celui de D.I, et un organisme engagé dans un seul département "
        "(valenciennois) celui des PLAI.",
        "",
        "La consolidation (`cus consolider … --territoire region:32`, section « Compilation de "
        "l'offre nouvelle ») redonne le total, la moyenne annuelle, la part de PLAI, les "
        "fourchettes par organisme et la part de chaque département.",
        "",
        "## Diagnostics attendus de `cus check`",
        "",
        "Aucune erreur. Avertissements de vraisemblance (voulus : ils sont dans la note) :",
        "",
    ]
    out += [f"- {w}" for w in warnings]
    out += [
        "",
        "Et une information `I-SEG-PREFECT-LEVEL` (détail par EPCI retenu pour A.I, à la demande "
        "du préfet) pour chacun des organismes qui détaillent A.I par EPCI.",
        "",
        "## Fichiers",
        "",
        "| Fichier | Organisme | SIREN | Dép. | Parc | A.I 2011-2016 | Dév. % | PLAI % | EPCI détaillés | D.I six ans | Ventes / an |",
        "|---|---|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for name, o, siren, x in files:
        plai = o.member("PLAI")
        out.append(
            f"| {name} | {o.spec['name']} | {siren} | {', '.join(o.deps)} | {o.stock()} | {o.total()} | "
            f"{fr(pct(o.total(), o.stock()), 1)} | {fr(pct(plai, plai + o.member('PLUS')), 1)} | "
            f"{', '.join(EPCI_NAMES[e] for e in o.spec['epci']) or '—'} | {o.di_c6} | "
            f"{fr(sum(x['sales']) / 6, 1)} |")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------


def main() -> int:
    with CATALOGUE_FILE.open("rb") as f:
        cat = tomllib.load(f)
    assert cat["id"] == CATALOGUE_ID, cat["id"]
    codes = {i["code"]: i for i in cat["indicators"]}
    assert codes["D.I-ventes"]["requirement"] == "facultatif"
    assert "epci" in codes["A.I"]["levels"].get("prefect_request", [])
    epci = {e["siren"]: e for e in json.loads((GEO_DIR / "epci.json").read_text(encoding="utf-8"))}
    deps = {d["code"]: d for d in json.loads((GEO_DIR / "departements.json").read_text(encoding="utf-8"))}
    for d in ("59", "62"):
        assert deps[d]["region"] == REGION, d
    for e, name in EPCI_NAMES.items():
        assert epci[e]["nom"] == name, (e, epci[e]["nom"])
        assert len(epci[e]["departements"]) == 1 and epci[e]["departements"][0] in ("59", "62"), e
        EPCI_DEP[e] = epci[e]["departements"][0]
    assert len(ORGANISMS) == 30
    assert len({o["slug"] for o in ORGANISMS}) == 30
    for spec in ORGANISMS:
        for e in spec["epci"]:
            assert EPCI_DEP[e] in spec["stock"], (spec["slug"], e)
        for d in spec["stock"]:
            assert sum(s for e, s in spec["epci"].items() if EPCI_DEP[e] == d) <= 1, spec["slug"]

    rng = random.Random(SEED)
    taken = taken_sirens()
    sirens = []
    for _ in ORGANISMS:
        while True:
            s = siren_with_key(f"9{rng.randrange(10**7):07d}")
            if s not in taken:
                taken.add(s)
                sirens.append(s)
                break
    orgs = [Org(spec, random.Random(SEED + 1 + i)) for i, spec in enumerate(ORGANISMS)]
    balance(orgs)
    # Signature dates: most CUS were signed by the deadline of 30 June 2011 (L. 445-1), a few
    # later that year.
    dates = [datetime.date(2011, 5, 2) + datetime.timedelta(days=rng.randrange(60)) if i % 6
             else datetime.date(2011, 7, 4) + datetime.timedelta(days=rng.randrange(150))
             for i in range(len(orgs))]

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for f in OUT_DIR.iterdir():
        if f.is_file() and re.fullmatch(r"\d\d-.*\.json", f.name):
            f.unlink()
    files, extra, convs = [], [], []
    for i, (o, siren) in enumerate(zip(orgs, sirens)):
        conv, x = convention(o, siren, cat, dates[i].isoformat())
        expected = cells_expected(conv, cat)
        assert set(conv["values"]) == expected, (
            o.spec["slug"], sorted(set(conv["values"]) ^ expected)[:5])
        name = f"{i + 1:02d}-{o.spec['slug']}.json"
        text = json.dumps(envelope(conv), ensure_ascii=False, indent=2) + "\n"
        (OUT_DIR / name).write_text(text, encoding="utf-8")
        files.append((name, o, siren, x))
        convs.append((name, conv))
        extra.append(x)

    st = statistics(orgs, extra)
    prev = previous(st, orgs, sirens)
    got = check_ranges(st, prev)
    lines = report_lines(st, prev, got)
    (OUT_DIR / "periode-precedente.csv").write_text(previous_csv(prev), encoding="utf-8")
    warnings = expected_warnings(convs)
    (OUT_DIR / "README.md").write_text(readme(files, lines, warnings, cat), encoding="utf-8")
    for name, o, siren, _ in files:
        print(f"{name}: {o.spec['name']}, SIREN {siren}, parc {o.stock()}, A.I {o.total()}")
    print()
    for line in lines:
        print(line)
    print()
    print("Avertissements attendus de cus check :")
    for w in warnings:
        print(f"  {w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
