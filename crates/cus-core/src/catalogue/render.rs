//! Markdown rendering of catalogues, for people (`cus catalogue --format markdown`,
//! `docs/indicateurs.md`). Generated from the data: nothing is typed twice.

use super::{Catalogue, Indicator};

/// Render catalogues as one Markdown document, in French.
pub fn render_markdown(cats: &[Catalogue]) -> String {
    let mut s = String::new();
    s.push_str("# Indicateurs des conventions d'utilité sociale\n\n");
    s.push_str(
        "Document généré à partir des fichiers de `data/catalogue/` par `cus catalogue --format \
         markdown` : ne pas le modifier à la main.\n\n",
    );
    s.push_str(
        "| Catalogue | Identifiant | Version | Signature | Indicateurs |\n|---|---|---|---|---|\n",
    );
    for c in cats {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            c.title,
            c.id,
            c.version,
            signing_fr(c),
            c.indicators.len()
        ));
    }
    for c in cats {
        s.push_str(&format!("\n## {}\n\n", c.title));
        s.push_str(&format!(
            "Identifiant `{}`, version {} ; {} ; CUS {} ; signature {}.\n",
            c.id,
            c.version,
            c.generation.label_fr(),
            c.kind.label_fr(),
            signing_fr(c)
        ));
        if let Some(pa) = &c.priority_area {
            s.push_str(&format!("Zones prioritaires de référence : {pa}.\n"));
        }
        s.push('\n');
        if !c.evaluations.is_empty() {
            s.push_str("Évaluations (années de la convention couvertes, l'année 1 étant celle de la signature) :\n\n");
            for e in &c.evaluations {
                s.push_str(&format!(
                    "- {} : années {} à {} — {} ; source : {}, {}",
                    e.label,
                    e.first_year,
                    e.last_year,
                    e.wording.label_fr(),
                    c.source(&e.source.source)
                        .map(|x| x.short_name().to_string())
                        .unwrap_or_else(|| e.source.source.clone()),
                    e.source.article
                ));
                if let Some(n) = &e.wording_note {
                    s.push_str(&format!(". {n}"));
                }
                s.push('\n');
            }
            s.push('\n');
        }
        s.push_str("Sources :\n\n");
        for src in &c.sources {
            s.push_str(&format!("- {} — {}", src.title, src.version));
            if let Some(u) = &src.url {
                s.push_str(&format!(" ({u})"));
            }
            s.push('\n');
        }
        for n in &c.notes {
            s.push_str(&format!("\n> {n}\n"));
        }
        for e in &c.engagements {
            let inds: Vec<&Indicator> = c
                .indicators
                .iter()
                .filter(|i| i.engagement == e.id)
                .collect();
            if inds.is_empty() {
                continue;
            }
            s.push_str(&format!("\n### {} — {}\n\n", e.area, e.label));
            match &e.wording_note {
                Some(n) => s.push_str(&format!(
                    "*Engagement : {} ({}).*\n",
                    e.wording.label_fr(),
                    n.trim_end_matches('.')
                )),
                None => s.push_str(&format!("*Engagement : {}.*\n", e.wording.label_fr())),
            }
            for i in inds {
                render_indicator(&mut s, c, i);
            }
        }
    }
    s
}

fn signing_fr(c: &Catalogue) -> String {
    match &c.signing.until {
        Some(u) => format!("du {} au {}", c.signing.from, u),
        None => format!("à partir du {}", c.signing.from),
    }
}

fn render_indicator(s: &mut String, c: &Catalogue, i: &Indicator) {
    s.push_str(&format!("\n#### {} — {}\n\n", i.code, i.short_label));
    s.push_str(&format!("> {}\n\n", i.label));
    s.push_str(&format!("- Statut du libellé : {}", i.wording.label_fr()));
    if let Some(n) = &i.wording_note {
        s.push_str(&format!(" ({n})"));
    }
    s.push('\n');
    s.push_str(&format!("- Définition : {}\n", i.definition));
    s.push_str(&format!(
        "- Valeur : {} ({})\n",
        i.value.kind_fr(),
        i.value.unit_fr()
    ));
    if let super::ValueKind::Pourcentage {
        numerator,
        denominator,
    } = &i.value
    {
        s.push_str(&format!(
            "- Numérateur : {numerator} ; dénominateur : {denominator}\n"
        ));
    }
    if let Some(max) = i.text_limit() {
        s.push_str(&format!(
            "- Longueur : {} caractères au plus\n",
            crate::numfmt::format_fr(f64::from(max), 0)
        ));
    }
    s.push_str(&format!("- Périodicité : {}\n", i.periods.describe_fr()));
    let allowed: Vec<&str> = i.levels.allowed.iter().map(|l| l.label_fr()).collect();
    s.push_str(&format!("- Maille : {}", allowed.join(", ")));
    if !i.levels.prefect_request.is_empty() {
        let pr: Vec<&str> = i
            .levels
            .prefect_request
            .iter()
            .map(|l| l.label_fr())
            .collect();
        s.push_str(&format!(" ; à la demande du préfet : {}", pr.join(", ")));
    }
    s.push('\n');
    for b in &i.splits.breakdowns {
        let m: Vec<&str> = b.members.iter().map(|m| m.code.as_str()).collect();
        s.push_str(&format!("- {} : {}\n", b.label, m.join(" / ")));
    }
    if !i.splits.parts.is_empty() {
        let p: Vec<&str> = i.splits.parts.iter().map(|p| p.label.as_str()).collect();
        s.push_str(&format!("- Parts : {}\n", p.join(" ; ")));
    }
    s.push_str(&format!("- Caractère : {}\n", i.requirement.label_fr()));
    s.push_str(&format!("- Source : {}", c.citation(i)));
    if let Some(d) = &i.source.detail {
        s.push_str(&format!(" — {d}"));
    }
    s.push('\n');
}
