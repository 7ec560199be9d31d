//! A trainer-led session of « Se former »: the trainer composes it (modules in order, an optional
//! pack), hands out one file or link; each trainee enters a name once, runs the modules in that
//! order, and hands back a progress file named after them and the session, which records per
//! step the first-try and final results and the wrong options chosen; the trainer's view loads
//! many such files into one table (trainees × steps, first-try rates, the most chosen wrong
//! options), files of another session or damaged set aside with the reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Module;

/// Format of a session file.
pub const SESSION_FORMAT: &str = "cus-session-formation/1";
/// Format of a trainee's progress file.
pub const PROGRESS_FORMAT: &str = "cus-progres-formation/2";

/// A pack of exercises carried by the session (a trainer's own module, TOML).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionPack {
    /// Its file name (« module-bailleurs.toml »).
    pub name: String,
    pub text: String,
}

/// A session as the trainer composes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub format: String,
    /// Identifies the session in the trainees' files (derived from its content).
    pub id: String,
    pub title: String,
    /// Module ids, in the order the trainees run them.
    pub modules: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<SessionPack>,
}

/// FNV-1a, 64 bits: a stable id from the session's content (no randomness, no clock).
fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Lower-case letters and digits joined by dashes (« Formation DDTM 59 » → « formation-ddtm-59 »).
pub fn slug(s: &str) -> String {
    let folded = crate::text::normalise(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(40).collect()
}

impl Session {
    /// A session of these modules (ids, in order); `Err` (French) when it has no title or no
    /// module, or names a module twice.
    pub fn new(
        title: &str,
        modules: Vec<String>,
        pack: Option<SessionPack>,
    ) -> Result<Session, String> {
        let title = title.trim();
        if title.is_empty() {
            return Err(
                "Donnez un titre à la session (il nomme les fichiers des stagiaires).".into(),
            );
        }
        if modules.is_empty() {
            return Err("Choisissez au moins un module.".into());
        }
        for (i, m) in modules.iter().enumerate() {
            if modules[..i].contains(m) {
                return Err(format!(
                    "Le module « {m} » figure deux fois dans la session."
                ));
            }
        }
        let mut s = Session {
            format: SESSION_FORMAT.to_string(),
            id: String::new(),
            title: title.to_string(),
            modules,
            pack,
        };
        let body = serde_json::to_string(&s).unwrap_or_default();
        s.id = format!("{}-{:08x}", slug(title), fnv(&body) as u32);
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A session file; `Err`: why it is not one, in French.
    pub fn from_json(text: &str) -> Result<Session, String> {
        let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| {
                format!(
                    "Ce fichier n'est pas un fichier de session lisible (JSON illisible, ligne {}).",
                    e.line()
                )
            })?;
        match v.get("format").and_then(|f| f.as_str()) {
            Some(SESSION_FORMAT) => {}
            Some(PROGRESS_FORMAT) => {
                return Err(
                    "Ce fichier est la progression d'un stagiaire, pas une session : chargez-le dans la vue du formateur."
                        .into(),
                )
            }
            Some(other) => {
                return Err(format!(
                    "Ce fichier est au format « {other} », pas une session de formation."
                ))
            }
            None => return Err("Ce fichier n'est pas une session de formation (pas de champ « format »).".into()),
        }
        let s: Session = serde_json::from_value(v)
            .map_err(|e| format!("Ce fichier de session est incomplet ou abîmé : {e}."))?;
        if s.modules.is_empty() {
            return Err("Cette session ne contient aucun module.".into());
        }
        Ok(s)
    }

    /// The session in a link (`#/former/session?s=…`): title and modules, not a pack (a pack
    /// travels in the file). `None` when it carries a pack.
    pub fn to_link_param(&self) -> Option<String> {
        if self.pack.is_some() {
            return None;
        }
        let mut out = encode(&self.title);
        for m in &self.modules {
            out.push('~');
            out.push_str(&encode(m));
        }
        Some(out)
    }

    /// The session of a link.
    pub fn from_link_param(p: &str) -> Result<Session, String> {
        let mut parts = p.split('~');
        let title = decode(parts.next().unwrap_or_default())
            .ok_or("Ce lien de session est abîmé : recopiez-le en entier.")?;
        let modules: Option<Vec<String>> = parts.map(decode).collect();
        let modules = modules.ok_or("Ce lien de session est abîmé : recopiez-le en entier.")?;
        Session::new(&title, modules, None)
    }

    /// « progres-marie-dupont-formation-ddtm-59.json ».
    pub fn progress_file_name(&self, trainee: &str) -> String {
        format!("progres-{}-{}.json", slug(trainee), slug(&self.title))
    }
}

/// Percent-encoding of what is not a letter, a digit or `-_.` (a link stays one word).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a trainee did on one step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    /// Answers submitted.
    #[serde(default)]
    pub attempts: u32,
    /// Answered right at some attempt (the final result).
    #[serde(default)]
    pub success: bool,
    /// Answered right at the first attempt, the answer not shown.
    #[serde(default)]
    pub first_try: bool,
    /// The answer was shown before it was found.
    #[serde(default)]
    pub revealed: bool,
    /// A worked example read.
    #[serde(default)]
    pub seen: bool,
    /// The wrong options chosen (their text), in the order first chosen: the misconceptions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wrong: Vec<String>,
}

/// A learner's progress: per `module/exercise`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, StepRecord>,
}

/// The key of an exercise in a progress.
pub fn step_key(module: &str, exercise: &str) -> String {
    format!("{module}/{exercise}")
}

/// Counts of a score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    pub graded: usize,
    pub success: usize,
    pub first_try: usize,
}

impl std::ops::Add for Score {
    type Output = Score;
    fn add(self, o: Score) -> Score {
        Score {
            graded: self.graded + o.graded,
            success: self.success + o.success,
            first_try: self.first_try + o.first_try,
        }
    }
}

impl Progress {
    pub fn get(&self, module: &str, exercise: &str) -> Option<&StepRecord> {
        self.exercises.get(&step_key(module, exercise))
    }

    /// An answer submitted: right or not, with the wrong options it chose (none for a number
    /// or cells). Nothing changes once the step is answered right.
    pub fn answered(&mut self, module: &str, exercise: &str, correct: bool, wrong: &[String]) {
        let r = self
            .exercises
            .entry(step_key(module, exercise))
            .or_default();
        if r.success {
            return;
        }
        r.attempts += 1;
        for w in wrong {
            if !r.wrong.contains(w) {
                r.wrong.push(w.clone());
            }
        }
        if correct {
            r.success = true;
            r.first_try = r.attempts == 1 && !r.revealed;
        }
    }

    /// The answer shown without being found.
    pub fn revealed(&mut self, module: &str, exercise: &str) {
        let r = self
            .exercises
            .entry(step_key(module, exercise))
            .or_default();
        if !r.success {
            r.revealed = true;
        }
    }

    /// A worked example read; `true` when it was not yet.
    pub fn seen(&mut self, module: &str, exercise: &str) -> bool {
        let r = self
            .exercises
            .entry(step_key(module, exercise))
            .or_default();
        let new = !r.seen;
        r.seen = true;
        new
    }

    /// The score of a module.
    pub fn score(&self, m: &Module) -> Score {
        let mut s = Score::default();
        for ex in m.exercises.iter().filter(|e| e.kind.graded()) {
            s.graded += 1;
            if let Some(r) = self.get(&m.id, &ex.id) {
                s.success += usize::from(r.success);
                s.first_try += usize::from(r.first_try);
            }
        }
        s
    }

    /// Steps done in a module (answered right, or read for an example).
    pub fn done(&self, m: &Module) -> usize {
        m.exercises
            .iter()
            .filter(|e| self.get(&m.id, &e.id).is_some_and(|r| r.success || r.seen))
            .count()
    }
}

/// What a module's end says to the trainee: for each step where a wrong option was chosen, the
/// option and why it is wrong (the exercise's own feedback), and the codes to read again.
#[derive(Clone, Debug, PartialEq)]
pub struct Misconception {
    pub step: usize,
    pub title: String,
    /// (option chosen, why it is wrong).
    pub options: Vec<(String, String)>,
    pub codes: Vec<String>,
    pub catalogue: String,
    pub version: String,
}

/// The misconceptions of a module, from a progress.
pub fn misconceptions(m: &Module, p: &Progress) -> Vec<Misconception> {
    let mut out = Vec::new();
    for (i, ex) in m.exercises.iter().enumerate() {
        let Some(r) = p.get(&m.id, &ex.id) else {
            continue;
        };
        if r.wrong.is_empty() {
            continue;
        }
        let options = r
            .wrong
            .iter()
            .map(|w| {
                let why = ex
                    .choices
                    .iter()
                    .find(|c| &c.text == w)
                    .and_then(|c| c.feedback.clone())
                    .unwrap_or_else(|| ex.wrong.clone());
                (w.clone(), why)
            })
            .collect();
        out.push(Misconception {
            step: i + 1,
            title: ex.title.clone(),
            options,
            codes: ex.codes.clone(),
            catalogue: ex.catalogue.clone(),
            version: ex.version.clone(),
        });
    }
    out
}

/// A trainee's progress file for a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraineeFile {
    pub format: String,
    pub session_id: String,
    pub session_title: String,
    pub trainee: String,
    /// The session's modules, in order.
    pub modules: Vec<String>,
    /// When it was written (ISO 8601).
    #[serde(default)]
    pub exported_at: String,
    pub progress: Progress,
}

impl TraineeFile {
    pub fn new(session: &Session, trainee: &str, progress: &Progress, at: &str) -> TraineeFile {
        let steps: BTreeMap<String, StepRecord> = progress
            .exercises
            .iter()
            .filter(|(k, _)| {
                session
                    .modules
                    .iter()
                    .any(|m| k.split_once('/').is_some_and(|(km, _)| km == m))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        TraineeFile {
            format: PROGRESS_FORMAT.to_string(),
            session_id: session.id.clone(),
            session_title: session.title.clone(),
            trainee: trainee.trim().to_string(),
            modules: session.modules.clone(),
            exported_at: at.to_string(),
            progress: Progress { exercises: steps },
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<TraineeFile, String> {
        let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("fichier illisible (JSON abîmé, ligne {})", e.line()))?;
        match v.get("format").and_then(|f| f.as_str()) {
            Some(PROGRESS_FORMAT) => {}
            Some(SESSION_FORMAT) => {
                return Err(
                    "c'est le fichier de la session, pas la progression d'un stagiaire".into(),
                )
            }
            Some(other) => {
                return Err(format!(
                    "format « {other} », pas une progression de session"
                ))
            }
            None => {
                return Err(
                    "progression personnelle, sans session (exportée hors d'une session)".into(),
                )
            }
        }
        let f: TraineeFile =
            serde_json::from_value(v).map_err(|e| format!("fichier incomplet ou abîmé : {e}"))?;
        if f.trainee.trim().is_empty() {
            return Err("le nom du stagiaire manque".into());
        }
        Ok(f)
    }
}

/// One step (a column) of the trainer's view.
#[derive(Clone, Debug, PartialEq)]
pub struct StepColumn {
    pub module: String,
    pub exercise: String,
    /// « Part de PLAI — 2. Calculez la part ».
    pub label: String,
    pub graded: bool,
    /// Trainees right at the first attempt, in percent of those who answered.
    pub first_try_rate: Option<f64>,
    /// Wrong options, most chosen first: (option, trainees who chose it).
    pub wrong: Vec<(String, usize)>,
}

/// One trainee (a row) of the trainer's view.
#[derive(Clone, Debug, PartialEq)]
pub struct TraineeRow {
    pub trainee: String,
    pub file: String,
    /// Per step: the record, `None` when not reached.
    pub steps: Vec<Option<StepRecord>>,
    pub score: Score,
}

/// Many trainees' files of one session in one table.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainerView {
    pub session_title: String,
    pub steps: Vec<StepColumn>,
    pub trainees: Vec<TraineeRow>,
    /// Files not in the table: (file name, why), in French.
    pub set_aside: Vec<(String, String)>,
}

/// « 1er coup », « réussi », « réponse vue », « lu », « à retravailler », « — ».
pub fn cell_fr(r: Option<&StepRecord>) -> &'static str {
    match r {
        None => "—",
        Some(r) if r.first_try => "1er coup",
        Some(r) if r.success => "réussi",
        Some(r) if r.revealed => "réponse vue",
        Some(r) if r.seen => "lu",
        Some(r) if r.attempts > 0 => "à retravailler",
        Some(_) => "—",
    }
}

/// The trainer's view of `files` ((file name, text)) for `session`; the steps are those of the
/// session's modules found in `modules` (in the session's order). The session is the one the
/// first readable file names when `session` is `None`.
pub fn trainer_view(
    session: Option<&Session>,
    modules: &[&Module],
    files: &[(String, String)],
) -> TrainerView {
    let mut set_aside = Vec::new();
    let mut read: Vec<(String, TraineeFile)> = Vec::new();
    for (name, text) in files {
        match TraineeFile::from_json(text) {
            Ok(f) => read.push((name.clone(), f)),
            Err(why) => set_aside.push((name.clone(), why)),
        }
    }
    let (id, title, order) = match (session, read.first()) {
        (Some(s), _) => (s.id.clone(), s.title.clone(), s.modules.clone()),
        (None, Some((_, f))) => (
            f.session_id.clone(),
            f.session_title.clone(),
            f.modules.clone(),
        ),
        (None, None) => (String::new(), String::new(), Vec::new()),
    };
    let mut kept: Vec<(String, TraineeFile)> = Vec::new();
    for (name, f) in read {
        if f.session_id != id {
            set_aside.push((
                name,
                format!(
                    "autre session (« {} »), pas « {title} » : jamais mélangée",
                    f.session_title
                ),
            ));
        } else if kept
            .iter()
            .any(|(_, k)| slug(&k.trainee) == slug(&f.trainee))
        {
            set_aside.push((
                name,
                format!(
                    "{} figure déjà dans le tableau (un autre fichier)",
                    f.trainee
                ),
            ));
        } else {
            kept.push((name, f));
        }
    }
    let mut steps = Vec::new();
    for mid in &order {
        let Some(m) = modules.iter().find(|m| &m.id == mid) else {
            continue;
        };
        for (i, ex) in m.exercises.iter().enumerate() {
            steps.push(StepColumn {
                module: m.id.clone(),
                exercise: ex.id.clone(),
                label: format!("{} — {}. {}", m.title, i + 1, ex.title),
                graded: ex.kind.graded(),
                first_try_rate: None,
                wrong: Vec::new(),
            });
        }
    }
    let trainees: Vec<TraineeRow> = kept
        .iter()
        .map(|(name, f)| {
            let recs: Vec<Option<StepRecord>> = steps
                .iter()
                .map(|s| f.progress.get(&s.module, &s.exercise).cloned())
                .collect();
            let score = order
                .iter()
                .filter_map(|mid| modules.iter().find(|m| &m.id == mid))
                .map(|m| f.progress.score(m))
                .fold(Score::default(), |a, b| a + b);
            TraineeRow {
                trainee: f.trainee.clone(),
                file: name.clone(),
                steps: recs,
                score,
            }
        })
        .collect();
    for (c, s) in steps.iter_mut().enumerate() {
        let answered: Vec<&StepRecord> = trainees
            .iter()
            .filter_map(|t| t.steps[c].as_ref())
            .filter(|r| r.attempts > 0 || r.revealed)
            .collect();
        if s.graded && !answered.is_empty() {
            let right = answered.iter().filter(|r| r.first_try).count();
            s.first_try_rate = Some(right as f64 / answered.len() as f64 * 100.0);
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for r in &answered {
            for w in &r.wrong {
                match counts.iter_mut().find(|(x, _)| x == w) {
                    Some(e) => e.1 += 1,
                    None => counts.push((w.clone(), 1)),
                }
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        s.wrong = counts;
    }
    TrainerView {
        session_title: title,
        steps,
        trainees,
        set_aside,
    }
}

impl TrainerView {
    /// The table as CSV (UTF-8 with BOM, `;`, CRLF, as the app's other CSV): one line per
    /// trainee and step, then one per step with its first-try rate and wrong options.
    pub fn to_csv(&self) -> String {
        let q = |s: &str| {
            if s.contains([';', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::from("\u{feff}session;stagiaire;module;exercice;etape;resultat;essais;premier_coup;reussi;options_fausses\r\n");
        for t in &self.trainees {
            for (s, r) in self.steps.iter().zip(&t.steps) {
                let d = r.clone().unwrap_or_default();
                out.push_str(&format!(
                    "{};{};{};{};{};{};{};{};{};{}\r\n",
                    q(&self.session_title),
                    q(&t.trainee),
                    q(&s.module),
                    q(&s.exercise),
                    q(&s.label),
                    cell_fr(r.as_ref()),
                    d.attempts,
                    if d.first_try { "oui" } else { "non" },
                    if d.success { "oui" } else { "non" },
                    q(&d.wrong.join(" | "))
                ));
            }
        }
        for s in &self.steps {
            out.push_str(&format!(
                "{};(tous);{};{};{};taux du premier coup;;{};;{}\r\n",
                q(&self.session_title),
                q(&s.module),
                q(&s.exercise),
                q(&s.label),
                s.first_try_rate
                    .map(|r| crate::numfmt::format_fr(r, 1).replace('\u{202f}', " "))
                    .unwrap_or_default(),
                q(&s.wrong
                    .iter()
                    .map(|(w, n)| format!("{w} ({n})"))
                    .collect::<Vec<_>>()
                    .join(" | "))
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formation::{embedded, ExerciseType};

    #[test]
    fn a_session_travels_as_a_file_and_as_a_link() {
        let s = Session::new(
            "Formation DDTM 59 — jeudi",
            vec!["part-plai".into(), "case-vide".into()],
            None,
        )
        .unwrap();
        assert!(s.id.starts_with("formation-ddtm-59-jeudi-"), "{}", s.id);
        assert_eq!(Session::from_json(&s.to_json()).unwrap(), s);
        let link = s.to_link_param().unwrap();
        assert!(!link.contains(['&', '#', ' ', '?']), "{link}");
        assert_eq!(Session::from_link_param(&link).unwrap(), s);
        assert_eq!(
            s.progress_file_name("Marie-Hélène Dupont"),
            "progres-marie-helene-dupont-formation-ddtm-59-jeudi.json"
        );
        // (input, what the message says)
        let bad: Vec<(Result<Session, String>, &str)> = vec![
            (Session::new(" ", vec!["a".into()], None), "titre"),
            (Session::new("T", vec![], None), "au moins un module"),
            (
                Session::new("T", vec!["a".into(), "a".into()], None),
                "deux fois",
            ),
            (Session::from_json("{"), "JSON illisible"),
            (
                Session::from_json(r#"{"format":"cus-progres-formation/2"}"#),
                "vue du formateur",
            ),
            (
                Session::from_json(r#"{"format":"cus-indicateurs/3"}"#),
                "« cus-indicateurs/3 »",
            ),
            (Session::from_link_param("T~%ZZ"), "abîmé"),
        ];
        for (got, want) in bad {
            let e = got.unwrap_err();
            assert!(e.contains(want), "{e}");
        }
        let with_pack = Session::new(
            "T",
            vec!["x".into()],
            Some(SessionPack {
                name: "x.toml".into(),
                text: "id = \"x\"".into(),
            }),
        )
        .unwrap();
        assert_eq!(
            with_pack.to_link_param(),
            None,
            "a pack travels in the file"
        );
    }

    /// Two trainees who answered differently, a file of another session, a damaged file, a
    /// personal progress and the same trainee twice: the table, the rates, the wrong options,
    /// the files set aside and the CSV.
    #[test]
    fn the_trainers_view_puts_one_session_in_one_table() {
        let mods = embedded();
        let m = mods
            .iter()
            .find(|m| {
                m.exercises
                    .first()
                    .is_some_and(|e| e.kind == ExerciseType::ChoixUnique)
            })
            .expect("a module starting with a single-choice question");
        let ex = &m.exercises[0];
        let wrong_option = ex.choices.iter().find(|c| !c.correct).unwrap().text.clone();
        let s = Session::new("Session A", vec![m.id.clone()], None).unwrap();
        let other = Session::new("Session B", vec![m.id.clone()], None).unwrap();
        let mut right = Progress::default();
        right.answered(&m.id, &ex.id, true, &[]);
        let mut wrong = Progress::default();
        wrong.answered(&m.id, &ex.id, false, std::slice::from_ref(&wrong_option));
        wrong.answered(&m.id, &ex.id, false, std::slice::from_ref(&wrong_option));
        wrong.answered(&m.id, &ex.id, true, &[]);
        let at = "2026-12-07T10:00:00Z";
        let files = vec![
            (
                "a.json".to_string(),
                TraineeFile::new(&s, "Alice", &right, at).to_json(),
            ),
            (
                "b.json".to_string(),
                TraineeFile::new(&s, "Bruno", &wrong, at).to_json(),
            ),
            (
                "c.json".to_string(),
                TraineeFile::new(&other, "Chloé", &right, at).to_json(),
            ),
            (
                "d.json".to_string(),
                "{\"format\": \"cus-progres".to_string(),
            ),
            ("e.json".to_string(), r#"{"exercises": {}}"#.to_string()),
            (
                "f.json".to_string(),
                TraineeFile::new(&s, "alice", &right, at).to_json(),
            ),
        ];
        let refs: Vec<&Module> = mods.iter().collect();
        let v = trainer_view(Some(&s), &refs, &files);
        let names: Vec<&str> = v.trainees.iter().map(|t| t.trainee.as_str()).collect();
        assert_eq!(names, ["Alice", "Bruno"]);
        assert_eq!(v.steps.len(), m.exercises.len());
        assert_eq!(cell_fr(v.trainees[0].steps[0].as_ref()), "1er coup");
        assert_eq!(cell_fr(v.trainees[1].steps[0].as_ref()), "réussi");
        assert_eq!(v.trainees[1].steps[0].as_ref().unwrap().attempts, 3);
        assert_eq!(v.steps[0].first_try_rate, Some(50.0));
        assert_eq!(v.steps[0].wrong, vec![(wrong_option.clone(), 1)]);
        let aside: Vec<(&str, &str)> = v
            .set_aside
            .iter()
            .map(|(f, w)| (f.as_str(), w.as_str()))
            .collect();
        assert_eq!(aside.len(), 4, "{aside:?}");
        assert!(aside
            .iter()
            .any(|(f, w)| *f == "c.json" && w.contains("autre session (« Session B »)")));
        assert!(aside
            .iter()
            .any(|(f, w)| *f == "d.json" && w.contains("JSON abîmé")));
        assert!(aside
            .iter()
            .any(|(f, w)| *f == "e.json" && w.contains("sans session")));
        assert!(aside
            .iter()
            .any(|(f, w)| *f == "f.json" && w.contains("figure déjà")));
        // Without the session file, the first readable file names it.
        assert_eq!(trainer_view(None, &refs, &files[..2]).trainees.len(), 2);
        let csv = v.to_csv();
        assert!(csv.starts_with("\u{feff}session;stagiaire;"));
        assert!(csv.contains(&format!("Session A;Bruno;{};{};", m.id, ex.id)));
        assert!(csv.contains(";réussi;3;non;oui;"), "{csv}");
        assert!(csv.contains(";taux du premier coup;;50;;"), "{csv}");
        // The end of the module says what was confused, with the exercise's own feedback.
        let mis = misconceptions(m, &wrong);
        assert_eq!(mis.len(), 1);
        assert_eq!(mis[0].step, 1);
        assert_eq!(mis[0].options[0].0, wrong_option);
        assert!(!mis[0].options[0].1.is_empty());
        assert!(misconceptions(m, &right).is_empty());
    }
}
