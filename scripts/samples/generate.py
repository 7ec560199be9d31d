#!/usr/bin/env python3
"""Generate the sample conventions of data/samples/ (fictional organisms, fictional figures).

Run from the repository root:

    python3 scripts/samples/generate.py

Python 3.11, standard library only. The output is reproducible: a fixed seed, a fixed iteration
order and a fixed JSON layout, so two runs write byte-identical files.

The list of cells of each sample is derived here from the catalogue TOML with the same rules as
`Convention::cells` in crates/cus-core/src/convention/mod.rs (indicators used, rows, splits
totals first, periods); it is written to data/samples/manifest.json and the Rust test
crates/cus-core/tests/samples.rs checks that both derivations give exactly the same keys.
"""

from __future__ import annotations

import json
import math
import pathlib
import random
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "cus2-logements-locatifs.toml"
CATALOGUE_ID = "cus2-logements-locatifs"
CATALOGUE_VERSION = "2026.11.0"
GEO_VINTAGE = 2021
GEO_DIR = ROOT / "data" / "geo" / str(GEO_VINTAGE)
OUT_DIR = ROOT / "data" / "samples"
SEED = 20261125
CONVENTION_YEARS = 6


# ---------------------------------------------------------------------------------------------
# SIREN (Luhn key, as cus_core::organisme::check_siren)
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
    """Complete 8 digits with the Luhn key digit."""
    assert len(prefix8) == 8 and prefix8.isdigit()
    for k in range(10):
        if luhn_ok(prefix8 + str(k)):
            return prefix8 + str(k)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Cells: same rules as Convention::cells (crates/cus-core/src/convention/mod.rs)
# ---------------------------------------------------------------------------------------------


def uses(conv: dict, ind: dict) -> bool:
    return ind["requirement"] == "obligatoire" or ind["code"] in conv["segmentation"]


def levels(conv: dict, ind: dict) -> list[str]:
    seg = conv["segmentation"].get(ind["code"])
    if seg and seg.get("levels"):
        return list(seg["levels"])
    return ind["levels"]["allowed"][:1]


def rows(conv: dict, ind: dict, geo: "Geo") -> list[str]:
    seg = conv["segmentation"].get(ind["code"])
    if seg and seg.get("rows") is not None:
        return list(seg["rows"])
    out: list[str] = []
    for level in levels(conv, ind):
        if level == "organisme":
            out.append("organisme")
        elif level == "departement":
            out.extend(f"departement:{d}" for d in conv["departements"])
        elif level == "epci":
            out.extend(f"epci:{e}" for e in conv["epci"])
        elif level == "segment":
            out.extend(f"segment:{s['id']}" for s in conv.get("segments", []))
        elif level == "region":
            regions = sorted(
                {geo.departements[d]["region"] for d in conv["departements"] if d in geo.departements}
            )
            out.extend(f"region:{r}" for r in regions)
        else:
            raise ValueError(f"unknown level {level}")
    return out


def splits(ind: dict) -> list[tuple[tuple, str | None]]:
    """(members, part): every combination of members (None = total of that breakdown, first),
    each followed by its parts."""
    sp = ind.get("splits", {})
    combos: list[tuple] = [()]
    for b in sp.get("breakdowns", []):
        combos = [c + (m,) for c in combos for m in [None] + [x["code"] for x in b["members"]]]
    out = []
    for members in combos:
        out.append((members, None))
        for p in sp.get("parts", []):
            out.append((members, p["id"]))
    return out


def split_key(members: tuple, part: str | None) -> str:
    s = "valeur" if not members else "+".join("total" if m is None else m for m in members)
    if part is not None:
        s += "/" + part
    return s


def periods(ind: dict) -> list[str]:
    p = ind["periods"]
    out = []
    if p.get("reference"):
        out.append("ref")
    if p.get("yearly"):
        out.extend(f"a{n}" for n in range(1, CONVENTION_YEARS + 1))
    out.extend(f"c{n}" for n in p.get("cumulative", []))
    return out


def key(code: str, row: str, members: tuple, part: str | None, period: str) -> str:
    return f"{code}|{row}|{split_key(members, part)}|{period}"


def cells(conv: dict, cat: dict, geo: "Geo") -> list[str]:
    out = []
    for ind in cat["indicators"]:
        if not uses(conv, ind):
            continue
        sp = splits(ind)
        per = periods(ind)
        for row in rows(conv, ind, geo):
            for members, part in sp:
                for p in per:
                    out.append(key(ind["code"], row, members, part, p))
    return out


# ---------------------------------------------------------------------------------------------
# Geo referential
# ---------------------------------------------------------------------------------------------


class Geo:
    def __init__(self, directory: pathlib.Path):
        deps = json.loads((directory / "departements.json").read_text(encoding="utf-8"))
        self.departements = {d["code"]: d for d in deps}
        epci = json.loads((directory / "epci.json").read_text(encoding="utf-8"))
        self.epci = {e["siren"]: e for e in epci}

    def largest_epci(self, departements: list[str]) -> list[dict]:
        """EPCI whose main département (first listed) is one of `departements`, largest first
        (ties: SIREN)."""
        found = [e for e in self.epci.values() if e["departements"][0] in departements]
        return sorted(found, key=lambda e: (-e["population"], e["siren"]))

    def population(self, dep: str) -> int:
        return sum(e["population"] for e in self.epci.values() if e["departements"][0] == dep)


# ---------------------------------------------------------------------------------------------
# Value generators. Counts are ints; percentages are kept in tenths (ints) and written with one
# decimal; every derived value is obtained by flooring a product by a factor ≤ 1, which keeps
# parts ≤ totals, cumulative at 3 years ≤ at 6 years and EPCI ≤ département by construction.
# ---------------------------------------------------------------------------------------------


def largest_remainder(total: int, shares: list[float]) -> list[int]:
    s = sum(shares)
    raw = [total * x / s for x in shares]
    base = [math.floor(r) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def tenths(x: float) -> int:
    return int(round(x * 10))


class Profile:
    """What a sample organism looks like: stock per département, financing mix, rates."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class Builder:
    def __init__(self, conv: dict, cat: dict, geo: Geo, profile: Profile, rng: random.Random):
        self.conv, self.cat, self.geo, self.p, self.rng = conv, cat, geo, profile, rng
        self.values: dict[str, float | int] = {}
        # Main département of each declared EPCI.
        self.epci_dep = {e: geo.epci[e]["departements"][0] for e in conv["epci"]}
        self.epci_share = self._epci_shares()

    def u(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def _epci_shares(self) -> dict[str, float]:
        """Share of the département's stock (and commitments) located in each declared EPCI:
        social housing is concentrated in towns, so a bit more than the population share; the
        shares of one département never add up to more than 0.92."""
        shares: dict[str, float] = {}
        for d in self.conv["departements"]:
            members = [e for e in self.conv["epci"] if self.epci_dep[e] == d]
            pop = self.geo.population(d)
            raw = {e: min(0.9, 1.3 * self.geo.epci[e]["population"] / pop) for e in members}
            total = sum(raw.values())
            scale = min(1.0, 0.92 / total) if total else 1.0
            for e in members:
                shares[e] = raw[e] * scale
        return shares

    def set(self, k: str, v: int | float) -> None:
        assert k not in self.values, k
        self.values[k] = v

    # -- PP-1: counts by financing, "dont" parts, reference / cumulative at 3 and 6 years -------

    def pp1(self, ind: dict, row_list: list[str]) -> None:
        code = ind["code"]
        bds = ind["splits"]["breakdowns"]
        assert len(bds) == 1, f"{code}: one breakdown expected"
        members = [m["code"] for m in bds[0]["members"]]
        parts = [p["id"] for p in ind["splits"].get("parts", [])]
        per = periods(ind)
        assert per == ["ref", "c3", "c6"], f"{code}: periods {per}"
        # dep -> member -> period -> int ; dep -> member -> part -> period -> int
        dep_m: dict[str, dict[str, dict[str, int]]] = {}
        dep_parts: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
        for d in self.conv["departements"]:
            stock = self.p.stock[d]
            t6 = round(stock * self.p.pp1_rate6 * self.u(0.85, 1.15))
            m6 = dict(zip(members, largest_remainder(t6, [self.p.pp1_mix[m] for m in members])))
            vals: dict[str, dict[str, int]] = {}
            for m in members:
                r3 = self.p.pp1_r3_override.get(m, self.u(0.42, 0.52))
                rref = self.p.pp1_ref_override.get(m, self.u(0.35, 0.55))
                vals[m] = {
                    "c6": m6[m],
                    "c3": math.floor(m6[m] * r3),
                    "ref": round(m6[m] * rref),
                }
            dep_m[d] = vals
            pv: dict[str, dict[str, dict[str, int]]] = {}
            for m in members:
                pv[m] = {}
                for part in parts:
                    base = self.p.pp1_part_rate[part][d]
                    f = min(1.0, base + self.u(-0.05, 0.05))
                    pv[m][part] = {p: math.floor(vals[m][p] * f) for p in per}
            dep_parts[d] = pv

        def emit(row: str, mv: dict, pv: dict) -> None:
            for p in per:
                self.set(key(code, row, (None,), None, p), sum(mv[m][p] for m in members))
                for part in parts:
                    self.set(
                        key(code, row, (None,), part, p), sum(pv[m][part][p] for m in members)
                    )
                for m in members:
                    self.set(key(code, row, (m,), None, p), mv[m][p])
                    for part in parts:
                        self.set(key(code, row, (m,), part, p), pv[m][part][p])

        for row in row_list:
            kind, _, c = row.partition(":")
            if kind == "departement":
                emit(row, dep_m[c], dep_parts[c])
            elif kind == "epci":
                d = self.epci_dep[c]
                mv, pv = {}, {}
                for m in members:
                    k = self.epci_share[c] * self.u(0.9, 1.0)
                    mv[m] = {p: math.floor(dep_m[d][m][p] * k) for p in per}
                    pv[m] = {}
                    for part in parts:
                        # Towns hold the QPV and the urban renewal sites: smaller "hors" share.
                        g = self.u(0.8, 0.95) if part == "hors-qpv" else self.u(0.9, 1.0)
                        pv[m][part] = {p: math.floor(dep_parts[d][m][part][p] * k * g) for p in per}
                emit(row, mv, pv)
            else:
                raise ValueError(f"{code}: row {row} not handled")

    # -- Percentages per year (+ reference), optional "dont" part ----------------------------

    def pct(self, ind: dict, row_list: list[str], spec: dict) -> None:
        code = ind["code"]
        assert not ind.get("splits", {}).get("breakdowns"), f"{code}: no breakdown expected"
        parts = [p["id"] for p in ind.get("splits", {}).get("parts", [])]
        per = periods(ind)
        assert per == ["ref"] + [f"a{n}" for n in range(1, 7)], f"{code}: periods {per}"
        lo, hi = spec.get("clip", (0.0, 100.0))

        def series() -> dict[str, int]:
            out = {"ref": tenths(self.u(*spec["ref"]))}
            x = self.u(*spec["a1"])
            for n in range(1, 7):
                if n > 1:
                    x += self.u(*spec["step"])
                x = max(lo, min(hi, x))
                out[f"a{n}"] = tenths(x)
            return out

        def with_parts(total: dict[str, int]) -> dict:
            out = {None: total}
            for part in parts:
                f = self.u(*spec["part"][part])
                out[part] = {p: math.floor(v * f) for p, v in total.items()}
            return out

        def emit(row: str, vals: dict) -> None:
            for part in [None] + parts:
                for p in per:
                    self.set(key(code, row, (), part, p), vals[part][p] / 10)

        dep_vals = {d: with_parts(series()) for d in self.conv["departements"]}
        for row in row_list:
            kind, _, c = row.partition(":")
            if kind == "departement":
                emit(row, dep_vals[c])
            elif kind == "epci":
                d = self.epci_dep[c]
                if f"departement:{d}" in row_list:
                    # Detail of a département row: never above the département's value (same
                    # factor for the value and its parts, so that parts stay below the value).
                    k = {p: self.u(0.85, 1.0) for p in per}
                    emit(
                        row,
                        {
                            part: {p: math.floor(v * k[p]) for p, v in dv.items()}
                            for part, dv in dep_vals[d].items()
                        },
                    )
                else:
                    emit(row, with_parts(series()))
            elif kind == "organisme":
                emit(row, with_parts(series()))
            else:
                raise ValueError(f"{code}: row {row} not handled")

    # -- Counts at 3 and 6 years (+ reference), no split -------------------------------------

    def cumulative_count(self, ind: dict, row_list: list[str], spec: dict) -> None:
        code = ind["code"]
        assert not ind.get("splits", {}).get("breakdowns") and not ind.get("splits", {}).get("parts")
        per = periods(ind)
        assert per == ["ref", "c3", "c6"], f"{code}: periods {per}"
        for row in row_list:
            kind, _, d = row.partition(":")
            assert kind == "departement", f"{code}: row {row} not handled"
            stock = self.p.stock[d]
            c6 = round(stock * self.u(*spec["rate6"]))
            c3 = math.floor(c6 * self.u(0.42, 0.52))
            ref = spec.get("ref_override", {}).get(d)
            if ref is None:
                ref = round(stock * self.u(*spec["ref_rate"]))
            for p, v in (("ref", ref), ("c3", c3), ("c6", c6)):
                self.set(key(code, row, (), None, p), v)

    # -- G-1: euros per dwelling and per year, at the organism's level -------------------------

    def g1(self, ind: dict, row_list: list[str]) -> None:
        code = ind["code"]
        per = periods(ind)
        assert per == ["ref"] + [f"a{n}" for n in range(1, 7)], f"{code}: periods {per}"
        assert row_list == ["organisme"], f"{code}: rows {row_list}"
        x = self.p.g1_ref
        self.set(key(code, "organisme", (), None, "ref"), x)
        for n in range(1, 7):
            x = min(1300, round(x * (1 + self.u(*self.p.g1_growth))))
            self.set(key(code, "organisme", (), None, f"a{n}"), x)

    def build(self) -> dict[str, float | int]:
        for ind in self.cat["indicators"]:
            if not uses(self.conv, ind):
                continue
            code = ind["code"]
            row_list = rows(self.conv, ind, self.geo)
            if code == "PP-1":
                self.pp1(ind, row_list)
            elif code in PCT_SPECS:
                self.pct(ind, row_list, PCT_SPECS[code])
            elif code in COUNT_SPECS:
                spec = dict(COUNT_SPECS[code])
                spec.update(self.p.count_overrides.get(code, {}))
                self.cumulative_count(ind, row_list, spec)
            elif code == "G-1":
                self.g1(ind, row_list)
            else:
                raise SystemExit(
                    f"L'indicateur {code} est utilisé mais le générateur ne sait pas le remplir : "
                    "complétez scripts/samples/generate.py."
                )
        return self.values


# Percentages: reference range, first year range, yearly step range, bounds; parts as a share
# of the value ("dont hors QPV").
PCT_SPECS = {
    # F/G dwellings reaching A to E after works, among the F/G stock.
    "PP-2": {"ref": (5.0, 8.0), "a1": (8.0, 11.0), "step": (0.8, 2.2), "clip": (0.0, 30.0)},
    # Rehabilitated dwellings among the whole stock.
    "PP-3": {"ref": (1.5, 3.0), "a1": (1.8, 3.2), "step": (-0.3, 0.4), "clip": (0.5, 6.0)},
    # Allocations outside QPV to the first income quartile (legal floor: 25 %).
    "PS-1": {"ref": (16.0, 23.0), "a1": (21.0, 24.5), "step": (0.4, 1.4), "clip": (0.0, 40.0)},
    # Allocations to priority households (L. 441-1).
    "PS-2": {"ref": (34.0, 44.0), "a1": (40.0, 46.0), "step": (0.0, 1.0), "clip": (0.0, 60.0)},
    # Transfers of tenants already in social housing, among allocations.
    "PP-5": {"ref": (18.0, 24.0), "a1": (20.0, 25.0), "step": (0.0, 1.0), "clip": (0.0, 40.0)},
    # Allocations to DALO households, "dont hors QPV".
    "PS-3": {
        "ref": (3.5, 6.0),
        "a1": (5.0, 7.0),
        "step": (0.0, 0.8),
        "clip": (0.0, 15.0),
        "part": {"hors-qpv": (0.55, 0.75)},
    },
}

# Counts at 3 and 6 years as a share of the département's stock.
COUNT_SPECS = {
    # Dwellings put on sale.
    "PP-4": {"rate6": (0.012, 0.02), "ref_rate": (0.002, 0.006)},
    # Dwellings made accessible to people with reduced mobility.
    "SR-1": {"rate6": (0.015, 0.025), "ref_rate": (0.006, 0.01)},
}


# ---------------------------------------------------------------------------------------------
# The two samples
# ---------------------------------------------------------------------------------------------


def petit(geo: Geo) -> tuple[dict, Profile, list[str]]:
    dep = "88"
    # The two largest agglomerations of the Vosges (Épinal on the Moselle, Saint-Dié on the
    # Meurthe: the "two valleys"), both with QPV, where PS-1 applies.
    epci = [
        e["siren"]
        for e in geo.largest_epci([dep])
        if e["type"] in ("CA", "CU", "METRO") and e["zus"]
    ][:2]
    conv = {
        "name": "Exemple fictif — petit OPH des Vosges, CUS 2021-2026",
        "organisme": {
            "raison_sociale": "Habitat des Deux Vallées, office public de l'habitat (fictif)",
            "siren": siren_with_key("98804172"),
            "kind": "oph",
            "siege_departement": dep,
        },
        "catalogue": {"id": CATALOGUE_ID, "version": CATALOGUE_VERSION},
        "signing_year": 2021,
        "geo_vintage": GEO_VINTAGE,
        "departements": [dep],
        "epci": epci,
        "segmentation": {},
    }
    profile = Profile(
        stock={dep: 1512},
        pp1_rate6=0.045,
        pp1_mix={"PLAI": 0.35, "PLUS": 0.57, "PLS": 0.08},
        # No PLS before the 4th year (explicit zeros), none in the reference period either.
        pp1_r3_override={"PLS": 0.0},
        pp1_ref_override={"PLS": 0.0},
        pp1_part_rate={"hors-qpv": {dep: 0.85}, "hors-ru": {dep: 0.92}},
        # No sale in the reference period: an explicit 0, not an empty cell.
        count_overrides={"PP-4": {"ref_override": {dep: 0}}},
        g1_ref=1176,
        g1_growth=(0.010, 0.016),
    )
    # Cells deliberately left empty: reference of the "hors rénovation urbaine" parts (not
    # known before the NPNRU convention) and reference of PS-1 in the second EPCI.
    empty = [key("PP-1", f"departement:{dep}", (m,), "hors-ru", "ref") for m in (None, "PLAI", "PLUS", "PLS")]
    empty.append(key("PS-1", f"epci:{epci[1]}", (), None, "ref"))
    return conv, profile, empty


def grand(geo: Geo) -> tuple[dict, Profile, list[str]]:
    deps = ["02", "59", "60", "62", "76", "80"]
    stock = {"59": 17500, "62": 10500, "80": 4800, "02": 3200, "60": 4100, "76": 4900}
    assert sum(stock.values()) == 45000
    # The largest EPCI of each département, then the next largest of the six départements, up
    # to 15; ordered by département then size.
    ranked = geo.largest_epci(deps)
    chosen = {next(e["siren"] for e in ranked if e["departements"][0] == d) for d in deps}
    for e in ranked:
        if len(chosen) >= 15:
            break
        chosen.add(e["siren"])
    epci = [e["siren"] for d in deps for e in ranked if e["departements"][0] == d and e["siren"] in chosen]
    for e in epci:
        assert geo.epci[e]["departements"] == [geo.epci[e]["departements"][0]], e
    conv = {
        "name": "Exemple fictif — grande ESH des Hauts-de-France et de Normandie, CUS 2022-2027",
        "organisme": {
            "raison_sociale": "Logis des Trois Estuaires, SA d'HLM (fictive)",
            "siren": siren_with_key("95962080"),
            "kind": "esh",
            "siege_departement": "59",
        },
        "catalogue": {"id": CATALOGUE_ID, "version": CATALOGUE_VERSION},
        "signing_year": 2022,
        "geo_vintage": GEO_VINTAGE,
        "departements": deps,
        "epci": epci,
        "segmentation": {
            # Detail by EPCI asked by the prefect for the new supply and the energy renovation.
            "PP-1": {"levels": ["departement", "epci"]},
            "PP-2": {"levels": ["departement", "epci"]},
            # Optional indicators retained (R. 445-5-1).
            "PP-5": {"levels": ["departement"]},
            "PS-3": {"levels": ["departement"]},
        },
    }
    profile = Profile(
        stock=stock,
        pp1_rate6=0.085,
        pp1_mix={"PLAI": 0.32, "PLUS": 0.48, "PLS": 0.20},
        pp1_r3_override={},
        pp1_ref_override={},
        pp1_part_rate={
            "hors-qpv": {"59": 0.66, "62": 0.72, "80": 0.78, "02": 0.80, "60": 0.74, "76": 0.70},
            "hors-ru": {"59": 0.86, "62": 0.90, "80": 0.93, "02": 0.94, "60": 0.91, "76": 0.88},
        },
        count_overrides={},
        g1_ref=1068,
        g1_growth=(0.006, 0.014),
    )
    return conv, profile, []


# ---------------------------------------------------------------------------------------------


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    with CATALOGUE_FILE.open("rb") as f:
        cat = tomllib.load(f)
    if (cat["id"], cat["version"]) != (CATALOGUE_ID, CATALOGUE_VERSION):
        raise SystemExit(
            f"{CATALOGUE_FILE} est le catalogue {cat['id']} {cat['version']}, "
            f"pas {CATALOGUE_ID} {CATALOGUE_VERSION} : mettez à jour le générateur."
        )
    geo = Geo(GEO_DIR)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {
        "generator": "scripts/samples/generate.py",
        "seed": SEED,
        "catalogue": {"id": CATALOGUE_ID, "version": CATALOGUE_VERSION},
        "geo_vintage": GEO_VINTAGE,
        "samples": [],
    }
    for i, (name, make) in enumerate((("petit-organisme", petit), ("grand-organisme", grand))):
        conv, profile, empty = make(geo)
        assert luhn_ok(conv["organisme"]["siren"])
        rng = random.Random(SEED + i)
        all_cells = cells(conv, cat, geo)
        assert len(set(all_cells)) == len(all_cells), f"{name}: duplicate cells"
        values = Builder(conv, cat, geo, profile, rng).build()
        stray = sorted(set(values) - set(all_cells))
        assert not stray, f"{name}: keys that are not cells: {stray[:5]}"
        missing = [c for c in all_cells if c not in values]
        assert not missing, f"{name}: cells without a value: {missing[:5]}"
        for k in empty:
            del values[k]
        conv["values"] = {k: values[k] for k in sorted(values)}
        # The unit of each indicator whose text leaves it open: a number of dwellings.
        units = {i["code"]: i["unit_choices"][0] for i in cat["indicators"] if i.get("unit_choices") and uses(conv, i)}
        if units:
            conv["units"] = units
        (OUT_DIR / f"{name}.json").write_text(dump(conv), encoding="utf-8")
        manifest["samples"].append(
            {
                "file": f"{name}.json",
                "cells": len(all_cells),
                "values": len(values),
                "empty": [c for c in all_cells if c in set(empty)],
                "cell_keys": all_cells,
            }
        )
        zeros = sum(1 for v in values.values() if v == 0)
        print(f"{name}: {len(all_cells)} cellules, {len(values)} valeurs ({zeros} zéros), {len(empty)} vides")
    (OUT_DIR / "manifest.json").write_text(dump(manifest), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
