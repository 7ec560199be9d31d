//! Hash-based routes (`#/comprendre`), so `dist/` works on any static web server.

/// A page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    /// "Remplir ma CUS", at one step of the guided path.
    Fill(FillStep),
    /// Open a sample convention (index in `cus_core::samples::SAMPLES`) in a new draft, then
    /// go to the first step.
    OpenSample(usize),
    /// « Évaluer ma CUS » (served by the Remplir module, which owns the drafts), at one step.
    Evaluate(EvalStep),
    /// Open a sample convention in a new draft, then go to the first step of « Évaluer ma CUS ».
    EvaluateSample(usize),
    /// « Simuler sur mon territoire », at one section.
    Simulate(SimStep),
    /// Open the fictional région of about 30 organisms in a new workspace.
    SimulateSample,
    /// « Se former »: exercises on the indicator definitions (served by its own module).
    Train(TrainRoute),
    /// "Comprendre les indicateurs", optionally focused on one indicator's card.
    Reference {
        focus: Option<CardLink>,
    },
    NotFound(String),
}

/// Pages of « Se former ». Module ids come from the data (embedded modules and trainers' packs),
/// so the module checks them, not the route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrainRoute {
    /// The modules, the learner's progress, the trainers' packs; with `code`, the exercises that
    /// cite an indicator code (`#/former?code=PP-1`, the link of a reference card).
    Home { code: Option<String> },
    /// A module's introduction: `#/former/<module>`.
    Module(String),
    /// Step `n` (1-based) of a module: `#/former/<module>/<n>`.
    Step(String, usize),
    /// A module's printable sheet: `#/former/<module>/fiche`.
    Sheet(String),
    /// The end of a module: score and what was confused, `#/former/<module>/bilan`.
    Summary(String),
    /// Step `n` of a module on a projector (large type, answers hidden until revealed):
    /// `#/former/<module>/projection/<n>`.
    Projector(String, usize),
    /// A trainer-led session: join it (`#/former/session?s=…`, a link the trainer hands out),
    /// run it, see its summary.
    Session { link: Option<String> },
    /// The trainer composes a session: `#/former/session/nouvelle`.
    Compose,
    /// The trainer's view of the trainees' progress files: `#/former/formateur`.
    Trainer,
}

impl TrainRoute {
    pub fn home() -> Route {
        Route::Train(TrainRoute::Home { code: None })
    }

    pub fn step(module: &str, n: usize) -> Route {
        Route::Train(TrainRoute::Step(module.to_string(), n))
    }

    pub fn module(module: &str) -> Route {
        Route::Train(TrainRoute::Module(module.to_string()))
    }

    pub fn sheet(module: &str) -> Route {
        Route::Train(TrainRoute::Sheet(module.to_string()))
    }

    pub fn summary(module: &str) -> Route {
        Route::Train(TrainRoute::Summary(module.to_string()))
    }

    pub fn projector(module: &str, n: usize) -> Route {
        Route::Train(TrainRoute::Projector(module.to_string(), n))
    }

    pub fn session() -> Route {
        Route::Train(TrainRoute::Session { link: None })
    }

    /// The exercises citing `code`.
    pub fn about(code: &str) -> Route {
        Route::Train(TrainRoute::Home {
            code: Some(code.to_string()),
        })
    }
}

/// A link to one indicator's card in « Comprendre »: `#/comprendre/<id>/<version>/<code>`.
/// Several versions of a catalogue share its id (the wordings of a text), so a link names the
/// version; links made before (`#/comprendre/<id>/<code>`) have none and open the current one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardLink {
    pub catalogue: String,
    pub version: Option<String>,
    pub code: String,
}

impl Route {
    /// The card of indicator `code` in version `version` of catalogue `catalogue`: where the
    /// citation of a diagnostic leads (`Diagnostic::article`, with the convention's catalogue).
    pub fn card(catalogue: &str, version: &str, code: &str) -> Route {
        Route::Reference {
            focus: Some(CardLink {
                catalogue: catalogue.to_string(),
                version: Some(version.to_string()),
                code: code.to_string(),
            }),
        }
    }

    /// Parse `location.hash` (with or without the leading `#`).
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| decode(v))
                .filter(|v| !v.is_empty())
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] | ["accueil"] => Route::Home,
            ["remplir"] => Route::Fill(FillStep::Organisme),
            ["remplir", "exemple", id] => {
                match cus_core::samples::SAMPLES.iter().position(|s| s.id == *id) {
                    Some(i) => Route::OpenSample(i),
                    None => Route::NotFound(path.to_string()),
                }
            }
            ["remplir", step] => match FillStep::from_slug(step) {
                Some(s) => Route::Fill(s),
                None => Route::NotFound(path.to_string()),
            },
            ["evaluer"] => Route::Evaluate(EvalStep::Choix),
            ["evaluer", "exemple", id] => {
                match cus_core::samples::SAMPLES.iter().position(|s| s.id == *id) {
                    Some(i) => Route::EvaluateSample(i),
                    None => Route::NotFound(path.to_string()),
                }
            }
            ["evaluer", step] => match EvalStep::from_slug(step) {
                Some(s) => Route::Evaluate(s),
                None => Route::NotFound(path.to_string()),
            },
            ["simuler"] => Route::Simulate(SimStep::Espace),
            ["simuler", "exemple"] => Route::SimulateSample,
            ["simuler", step] => match SimStep::from_slug(step) {
                Some(s) => Route::Simulate(s),
                None => Route::NotFound(path.to_string()),
            },
            ["former"] => Route::Train(TrainRoute::Home {
                code: param("code"),
            }),
            ["former", "session"] => Route::Train(TrainRoute::Session { link: param("s") }),
            ["former", "session", "nouvelle"] => Route::Train(TrainRoute::Compose),
            ["former", "formateur"] => Route::Train(TrainRoute::Trainer),
            ["former", m] => Route::Train(TrainRoute::Module(decode(m))),
            ["former", m, "fiche"] => Route::Train(TrainRoute::Sheet(decode(m))),
            ["former", m, "bilan"] => Route::Train(TrainRoute::Summary(decode(m))),
            ["former", m, "projection"] => Route::Train(TrainRoute::Projector(decode(m), 1)),
            ["former", m, "projection", n] => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Route::Train(TrainRoute::Projector(decode(m), n)),
                _ => Route::NotFound(path.to_string()),
            },
            ["former", m, n] => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Route::Train(TrainRoute::Step(decode(m), n)),
                _ => Route::NotFound(path.to_string()),
            },
            ["comprendre"] => Route::Reference { focus: None },
            ["comprendre", cat, code] => Route::Reference {
                focus: Some(CardLink {
                    catalogue: decode(cat),
                    version: None,
                    code: decode(code),
                }),
            },
            ["comprendre", cat, version, code] => Route::Reference {
                focus: Some(CardLink {
                    catalogue: decode(cat),
                    version: Some(decode(version)),
                    code: decode(code),
                }),
            },
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The hash that leads to this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".to_string(),
            Route::Fill(FillStep::Organisme) => "#/remplir".to_string(),
            Route::Fill(step) => format!("#/remplir/{}", step.slug()),
            Route::OpenSample(i) => match cus_core::samples::SAMPLES.get(*i) {
                Some(s) => format!("#/remplir/exemple/{}", s.id),
                None => "#/remplir".to_string(),
            },
            Route::Evaluate(EvalStep::Choix) => "#/evaluer".to_string(),
            Route::Evaluate(step) => format!("#/evaluer/{}", step.slug()),
            Route::EvaluateSample(i) => match cus_core::samples::SAMPLES.get(*i) {
                Some(s) => format!("#/evaluer/exemple/{}", s.id),
                None => "#/evaluer".to_string(),
            },
            Route::Simulate(SimStep::Espace) => "#/simuler".to_string(),
            Route::Simulate(step) => format!("#/simuler/{}", step.slug()),
            Route::SimulateSample => "#/simuler/exemple".to_string(),
            Route::Train(TrainRoute::Home { code: None }) => "#/former".to_string(),
            Route::Train(TrainRoute::Home { code: Some(c) }) => {
                format!("#/former?code={}", encode(c))
            }
            Route::Train(TrainRoute::Module(m)) => format!("#/former/{}", encode(m)),
            Route::Train(TrainRoute::Step(m, n)) => format!("#/former/{}/{n}", encode(m)),
            Route::Train(TrainRoute::Sheet(m)) => format!("#/former/{}/fiche", encode(m)),
            Route::Train(TrainRoute::Summary(m)) => format!("#/former/{}/bilan", encode(m)),
            Route::Train(TrainRoute::Projector(m, n)) => {
                format!("#/former/{}/projection/{n}", encode(m))
            }
            Route::Train(TrainRoute::Session { link: None }) => "#/former/session".to_string(),
            Route::Train(TrainRoute::Session { link: Some(l) }) => {
                format!("#/former/session?s={}", encode(l))
            }
            Route::Train(TrainRoute::Compose) => "#/former/session/nouvelle".to_string(),
            Route::Train(TrainRoute::Trainer) => "#/former/formateur".to_string(),
            Route::Reference { focus: None } => "#/comprendre".to_string(),
            Route::Reference { focus: Some(l) } => match &l.version {
                Some(v) => format!(
                    "#/comprendre/{}/{}/{}",
                    encode(&l.catalogue),
                    encode(v),
                    encode(&l.code)
                ),
                None => format!("#/comprendre/{}/{}", encode(&l.catalogue), encode(&l.code)),
            },
            Route::NotFound(p) => format!("#/{p}"),
        }
    }

    /// Title of the browser tab.
    pub fn title(&self) -> String {
        let page = match self {
            Route::Home => return "CUS indicateurs — conventions d'utilité sociale".to_string(),
            Route::Fill(FillStep::Organisme) => "Remplir ma CUS",
            Route::Fill(step) => {
                return format!("{} — Remplir ma CUS — CUS indicateurs", step.label_fr())
            }
            Route::OpenSample(_) => "Ouverture d'un exemple — Remplir ma CUS",
            Route::Evaluate(EvalStep::Choix) => "Évaluer ma CUS",
            Route::Evaluate(step) => {
                return format!("{} — Évaluer ma CUS — CUS indicateurs", step.label_fr())
            }
            Route::EvaluateSample(_) => "Ouverture d'un exemple — Évaluer ma CUS",
            Route::Simulate(SimStep::Espace) => "Simuler sur mon territoire",
            Route::Simulate(step) => {
                return format!(
                    "{} — Simuler sur mon territoire — CUS indicateurs",
                    step.label_fr()
                )
            }
            Route::SimulateSample => "Ouverture de l'exemple — Simuler sur mon territoire",
            Route::Train(TrainRoute::Home { code: None }) => "Se former",
            Route::Train(TrainRoute::Home { code: Some(c) }) => {
                return format!("Exercices sur {c} — Se former — CUS indicateurs")
            }
            Route::Train(TrainRoute::Module(_)) => "Module — Se former",
            Route::Train(TrainRoute::Step(_, n)) => {
                return format!("Étape {n} — Se former — CUS indicateurs")
            }
            Route::Train(TrainRoute::Sheet(_)) => "Fiche imprimable — Se former",
            Route::Train(TrainRoute::Summary(_)) => "Bilan du module — Se former",
            Route::Train(TrainRoute::Projector(_, n)) => {
                return format!("Projection, étape {n} — Se former — CUS indicateurs")
            }
            Route::Train(TrainRoute::Session { .. }) => "Session de formation — Se former",
            Route::Train(TrainRoute::Compose) => "Préparer une session — Se former",
            Route::Train(TrainRoute::Trainer) => "Vue du formateur — Se former",
            Route::Reference { .. } => "Comprendre les indicateurs",
            Route::NotFound(_) => "Page introuvable",
        };
        format!("{page} — CUS indicateurs")
    }

    /// Which top-level mode the route belongs to (for `aria-current` in the navigation).
    pub fn same_section(&self, other: &Route) -> bool {
        (self.is_fill() && other.is_fill())
            || (self.is_evaluate() && other.is_evaluate())
            || (self.is_simulate() && other.is_simulate())
            || (self.is_train() && other.is_train())
            || std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Is this a page of « Simuler sur mon territoire » (served by its own module)?
    pub fn is_simulate(&self) -> bool {
        matches!(self, Route::Simulate(_) | Route::SimulateSample)
    }

    /// Is this a page of « Se former » (served by its own module)?
    pub fn is_train(&self) -> bool {
        matches!(self, Route::Train(_))
    }

    /// Is this a page of « Remplir ma CUS » (served by its own module)?
    pub fn is_fill(&self) -> bool {
        matches!(self, Route::Fill(_) | Route::OpenSample(_))
    }

    /// Is this a page of « Évaluer ma CUS » (served by the Remplir module)?
    pub fn is_evaluate(&self) -> bool {
        matches!(self, Route::Evaluate(_) | Route::EvaluateSample(_))
    }

    /// Is this page served by the Remplir module (« Remplir ma CUS » or « Évaluer ma CUS »,
    /// which share the drafts)?
    pub fn in_remplir_module(&self) -> bool {
        self.is_fill() || self.is_evaluate()
    }
}

/// Steps of « Évaluer ma CUS ». The achievement pages (one per engagement of the catalogue, by
/// 1-based position) come from the data, so their labels are not here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvalStep {
    /// The convention evaluated (draft, file, sample) and the evaluation.
    Choix,
    /// The signature of the commitments and the avenants.
    Signature,
    /// The achievements of one engagement.
    Engagement(u8),
    /// Rates, gaps and justifications.
    Bilan,
    /// The printable evaluation report.
    Rapport,
    /// The export of the evaluation (the convention's file, with the signature and the
    /// achievements), without leaving « Évaluer ».
    Export,
}

impl EvalStep {
    pub fn slug(self) -> String {
        match self {
            EvalStep::Choix => "choix".to_string(),
            EvalStep::Signature => "signature".to_string(),
            EvalStep::Engagement(n) => format!("engagement-{n}"),
            EvalStep::Bilan => "bilan".to_string(),
            EvalStep::Rapport => "rapport".to_string(),
            EvalStep::Export => "export".to_string(),
        }
    }

    pub fn from_slug(s: &str) -> Option<EvalStep> {
        if let Some(n) = s.strip_prefix("engagement-") {
            return n
                .parse::<u8>()
                .ok()
                .filter(|n| *n >= 1)
                .map(EvalStep::Engagement);
        }
        [
            EvalStep::Choix,
            EvalStep::Signature,
            EvalStep::Bilan,
            EvalStep::Rapport,
            EvalStep::Export,
        ]
        .into_iter()
        .find(|f| f.slug() == s)
    }

    pub fn label_fr(self) -> String {
        match self {
            EvalStep::Choix => "Convention et évaluation".to_string(),
            EvalStep::Signature => "Signature et avenants".to_string(),
            EvalStep::Engagement(n) => format!("Réalisations, engagement {n}"),
            EvalStep::Bilan => "Bilan".to_string(),
            EvalStep::Rapport => "Rapport d'évaluation".to_string(),
            EvalStep::Export => "Export de l'évaluation".to_string(),
        }
    }
}

/// Steps of the guided path. The engagement pages (one per engagement of the catalogue, by
/// 1-based position) come from the data, so their labels are not here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FillStep {
    Organisme,
    Convention,
    Territoires,
    Segmentation,
    /// Dwellings owned per territory (optional; used by the ratios to the stock).
    Parc,
    Engagement(u8),
    Verification,
    /// The whole convention laid out for printing.
    Recapitulatif,
    /// Export to the State's file formats, and import of such a file.
    Export,
}

impl FillStep {
    /// The fixed steps before the engagement pages.
    pub const ALL: [FillStep; 5] = [
        FillStep::Organisme,
        FillStep::Convention,
        FillStep::Territoires,
        FillStep::Segmentation,
        FillStep::Parc,
    ];

    /// The fixed steps after the engagement pages.
    pub const LAST: [FillStep; 3] = [
        FillStep::Verification,
        FillStep::Recapitulatif,
        FillStep::Export,
    ];

    pub fn slug(self) -> String {
        match self {
            FillStep::Organisme => "organisme".to_string(),
            FillStep::Convention => "convention".to_string(),
            FillStep::Territoires => "territoires".to_string(),
            FillStep::Segmentation => "segmentation".to_string(),
            FillStep::Engagement(n) => format!("engagement-{n}"),
            FillStep::Parc => "parc".to_string(),
            FillStep::Verification => "verification".to_string(),
            FillStep::Recapitulatif => "recapitulatif".to_string(),
            FillStep::Export => "export".to_string(),
        }
    }

    pub fn from_slug(s: &str) -> Option<FillStep> {
        if let Some(n) = s.strip_prefix("engagement-") {
            return n
                .parse::<u8>()
                .ok()
                .filter(|n| *n >= 1)
                .map(FillStep::Engagement);
        }
        FillStep::ALL
            .into_iter()
            .chain(FillStep::LAST)
            .find(|f| f.slug() == s)
    }

    pub fn label_fr(self) -> String {
        match self {
            FillStep::Organisme => "Organisme".to_string(),
            FillStep::Convention => "Convention".to_string(),
            FillStep::Territoires => "Territoires".to_string(),
            FillStep::Segmentation => "Segmentation".to_string(),
            FillStep::Engagement(n) => format!("Engagement {n}"),
            FillStep::Parc => "Parc de logements".to_string(),
            FillStep::Verification => "Vérification".to_string(),
            FillStep::Recapitulatif => "Récapitulatif".to_string(),
            FillStep::Export => "Export et import".to_string(),
        }
    }
}

/// Sections of « Simuler sur mon territoire ».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimStep {
    /// The workspaces: choose, create, open a file, export.
    Espace,
    Territoire,
    Organismes,
    Consolidation,
    Objectifs,
    Scenarios,
    Compilation,
    /// The organisms' evaluation files side by side (reviewer of the regional synthesis).
    Evaluations,
    Export,
}

impl SimStep {
    pub const ALL: [SimStep; 9] = [
        SimStep::Espace,
        SimStep::Territoire,
        SimStep::Organismes,
        SimStep::Consolidation,
        SimStep::Objectifs,
        SimStep::Scenarios,
        SimStep::Compilation,
        SimStep::Evaluations,
        SimStep::Export,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            SimStep::Espace => "espace",
            SimStep::Territoire => "territoire",
            SimStep::Organismes => "organismes",
            SimStep::Consolidation => "consolidation",
            SimStep::Objectifs => "objectifs",
            SimStep::Scenarios => "scenarios",
            SimStep::Compilation => "compilation",
            SimStep::Evaluations => "evaluations",
            SimStep::Export => "export",
        }
    }

    pub fn from_slug(s: &str) -> Option<SimStep> {
        SimStep::ALL.into_iter().find(|x| x.slug() == s)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            SimStep::Espace => "Espace de simulation",
            SimStep::Territoire => "Territoire",
            SimStep::Organismes => "Organismes",
            SimStep::Consolidation => "Consolidation",
            SimStep::Objectifs => "Objectifs",
            SimStep::Scenarios => "Scénarios",
            SimStep::Compilation => "Compilation régionale",
            SimStep::Evaluations => "Évaluations",
            SimStep::Export => "Export et impression",
        }
    }
}

/// Percent-encode the few characters that matter in a hash segment (codes like `A.I`, `PP-LF-1 bis`).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_mode() {
        let cases = [
            ("", Route::Home),
            ("#", Route::Home),
            ("#/", Route::Home),
            ("#/accueil", Route::Home),
            ("#/remplir", Route::Fill(FillStep::Organisme)),
            ("#/remplir/convention", Route::Fill(FillStep::Convention)),
            (
                "#/remplir/engagement-2",
                Route::Fill(FillStep::Engagement(2)),
            ),
            (
                "#/remplir/engagement-0",
                Route::NotFound("remplir/engagement-0".into()),
            ),
            ("#/remplir/territoires", Route::Fill(FillStep::Territoires)),
            (
                "#/remplir/segmentation",
                Route::Fill(FillStep::Segmentation),
            ),
            (
                "#/remplir/inconnue",
                Route::NotFound("remplir/inconnue".into()),
            ),
            ("#/remplir/parc", Route::Fill(FillStep::Parc)),
            (
                "#/remplir/recapitulatif",
                Route::Fill(FillStep::Recapitulatif),
            ),
            ("#/remplir/export", Route::Fill(FillStep::Export)),
            ("#/remplir/exemple/petit-organisme", Route::OpenSample(0)),
            ("#/remplir/exemple/grand-organisme", Route::OpenSample(1)),
            (
                "#/remplir/exemple/inconnu",
                Route::NotFound("remplir/exemple/inconnu".into()),
            ),
            ("#/evaluer", Route::Evaluate(EvalStep::Choix)),
            ("#/evaluer/signature", Route::Evaluate(EvalStep::Signature)),
            (
                "#/evaluer/engagement-3",
                Route::Evaluate(EvalStep::Engagement(3)),
            ),
            ("#/evaluer/bilan", Route::Evaluate(EvalStep::Bilan)),
            ("#/evaluer/rapport", Route::Evaluate(EvalStep::Rapport)),
            (
                "#/evaluer/exemple/grand-organisme",
                Route::EvaluateSample(1),
            ),
            (
                "#/evaluer/engagement-0",
                Route::NotFound("evaluer/engagement-0".into()),
            ),
            ("#/simuler/", Route::Simulate(SimStep::Espace)),
            ("#/simuler/organismes", Route::Simulate(SimStep::Organismes)),
            ("#/simuler/exemple", Route::SimulateSample),
            (
                "#/simuler/inconnu",
                Route::NotFound("simuler/inconnu".into()),
            ),
            ("#/comprendre", Route::Reference { focus: None }),
            ("#/former", TrainRoute::home()),
            ("#/former?code=PP-1", TrainRoute::about("PP-1")),
            (
                "#/former?code=PP-LF-1%20bis",
                TrainRoute::about("PP-LF-1 bis"),
            ),
            ("#/former/part-plai", TrainRoute::module("part-plai")),
            ("#/former/part-plai/2", TrainRoute::step("part-plai", 2)),
            ("#/former/part-plai/fiche", TrainRoute::sheet("part-plai")),
            ("#/former/part-plai/bilan", TrainRoute::summary("part-plai")),
            (
                "#/former/part-plai/projection/3",
                TrainRoute::projector("part-plai", 3),
            ),
            ("#/former/session", TrainRoute::session()),
            (
                "#/former/session?s=Stage~part-plai",
                Route::Train(TrainRoute::Session {
                    link: Some("Stage~part-plai".into()),
                }),
            ),
            (
                "#/former/session/nouvelle",
                Route::Train(TrainRoute::Compose),
            ),
            ("#/former/formateur", Route::Train(TrainRoute::Trainer)),
            (
                "#/former/part-plai/0",
                Route::NotFound("former/part-plai/0".into()),
            ),
            ("#/inconnu", Route::NotFound("inconnu".into())),
        ];
        for (hash, want) in cases {
            assert_eq!(Route::from_hash(hash), want, "hash {hash:?}");
        }
    }

    #[test]
    fn sample_links_round_trip_and_belong_to_remplir() {
        for i in 0..cus_core::samples::SAMPLES.len() {
            let r = Route::OpenSample(i);
            assert_eq!(Route::from_hash(&r.to_hash()), r);
            assert!(r.is_fill() && r.same_section(&Route::Fill(FillStep::Export)));
        }
        assert!(!Route::Home.is_fill());
        assert!(!Route::Simulate(SimStep::Espace).same_section(&Route::OpenSample(0)));
        for step in SimStep::ALL {
            let r = Route::Simulate(step);
            assert_eq!(Route::from_hash(&r.to_hash()), r);
            assert!(r.same_section(&Route::SimulateSample) && r.is_simulate());
        }
    }

    #[test]
    fn evaluation_links_round_trip_and_have_their_own_mode() {
        for step in [
            EvalStep::Choix,
            EvalStep::Signature,
            EvalStep::Engagement(2),
            EvalStep::Bilan,
            EvalStep::Rapport,
        ] {
            let r = Route::Evaluate(step);
            assert_eq!(Route::from_hash(&r.to_hash()), r);
            assert!(r.is_evaluate() && r.in_remplir_module() && !r.is_fill());
            assert!(r.same_section(&Route::Evaluate(EvalStep::Choix)));
            assert!(!r.same_section(&Route::Fill(FillStep::Organisme)));
            assert!(r.title().ends_with("— CUS indicateurs"), "{}", r.title());
        }
        let s = Route::EvaluateSample(1);
        assert_eq!(Route::from_hash(&s.to_hash()), s);
        assert!(s.in_remplir_module() && s.same_section(&Route::Evaluate(EvalStep::Bilan)));
        assert_eq!(
            Route::Evaluate(EvalStep::Bilan).title(),
            "Bilan — Évaluer ma CUS — CUS indicateurs"
        );
    }

    #[test]
    fn training_links_round_trip_and_belong_to_the_mode() {
        for r in [
            TrainRoute::home(),
            TrainRoute::about("PP-LF-1 bis"),
            TrainRoute::module("cus-accession"),
            TrainRoute::step("cus-accession", 5),
            TrainRoute::sheet("cus-accession"),
        ] {
            assert_eq!(Route::from_hash(&r.to_hash()), r);
            assert!(r.is_train() && r.same_section(&TrainRoute::home()));
            assert!(!r.same_section(&Route::Home) && !r.is_fill() && !r.is_simulate());
            assert!(r.title().ends_with("— CUS indicateurs"), "{}", r.title());
        }
    }

    #[test]
    fn indicator_links_round_trip() {
        for (cat, version, code) in [
            ("cus2-logements-locatifs", "2026.11.0-r2017", "PP-1"),
            ("x", "1.0", "PP-LF-1 bis"),
            ("y", "2026.11.0", "A.I"),
        ] {
            let r = Route::card(cat, version, code);
            assert_eq!(Route::from_hash(&r.to_hash()), r);
        }
        assert_eq!(
            Route::card("x", "2026.11.0-r2017", "PP-LF-1 bis").to_hash(),
            "#/comprendre/x/2026.11.0-r2017/PP-LF-1%20bis"
        );
        // A link without a version (made before versions were named) still parses.
        let old = Route::from_hash("#/comprendre/cus2-logements-locatifs/PS-1");
        assert_eq!(
            old,
            Route::Reference {
                focus: Some(CardLink {
                    catalogue: "cus2-logements-locatifs".into(),
                    version: None,
                    code: "PS-1".into()
                })
            }
        );
        assert_eq!(
            Route::from_hash(&old.to_hash()),
            old,
            "a link without a version round-trips"
        );
    }

    #[test]
    fn titles_are_french() {
        assert_eq!(
            Route::Fill(FillStep::Territoires).title(),
            "Territoires — Remplir ma CUS — CUS indicateurs"
        );
        for step in FillStep::ALL.into_iter().chain([FillStep::Engagement(3)]) {
            assert_eq!(
                Route::from_hash(&Route::Fill(step).to_hash()),
                Route::Fill(step)
            );
        }
        assert!(Route::Home
            .title()
            .contains("conventions d'utilité sociale"));
    }
}
