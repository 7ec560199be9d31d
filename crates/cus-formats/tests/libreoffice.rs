//! The workbooks as LibreOffice reads them: printed to PDF, and re-saved then imported back
//! (the convention's workbooks, and the consolidation of the fictional région sample).
//!
//! Needs LibreOffice (`soffice`, Debian's `libreoffice-calc-nogui`) and poppler (`pdfinfo`,
//! `pdftotext`, Debian's `poppler-utils`), both installed by `./x setup`. Without them these
//! tests fail with a message saying so: a print check that silently skips is no check.
//!
//! `KEEP_PRINT=1` keeps the files and PDFs of the consolidation test under Cargo's temporary
//! directory (`target/tmp/libreoffice-consolidation-*`) to look at them.
//!
//! Each test runs LibreOffice with its own profile directory (`-env:UserInstallation`), so that
//! tests and parallel runs don't share one, and under a time limit.

mod common;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{Data, Reader};
use cus_core::convention::Convention;
use cus_formats::{Format, Mode};

/// Longest a LibreOffice conversion may take (a few seconds here; a cold start on a busy
/// machine is slower).
const SOFFICE_TIMEOUT: Duration = Duration::from_secs(180);

/// Printed pages of each sheet of the large sample (`grand-organisme`), in order. A sheet is
/// fitted to one page wide unless that prints it under half size (`MIN_PRINT_SCALE` in
/// `workbook/print.rs`): then to as many pages wide as keep it at half size or more, its row labels
/// repeated on each. Every sheet is short enough for one page tall.
/// - the cover: on one page (51 rows, labels and values side by side);
/// - PP-1: 38 columns (16 periods × splits), about 1,7 m of columns: 4 pages wide;
/// - PS-3: 16 columns, about 62 cm: 2 pages wide;
/// - the 8 other indicator sheets: 5 to 9 columns, one page each.
const SHEET_PAGES: [(&str, usize); 12] = [
    ("Couverture", 1),
    ("PP-1", 4),
    ("PP-2", 1),
    ("PP-3", 1),
    ("PP-4", 1),
    ("PS-1", 1),
    ("PS-2", 1),
    ("SR-1", 1),
    ("G-1", 1),
    ("PP-5", 1),
    ("PS-3", 2),
    // The organism-level table, calculated.
    ("Niveau organisme", 2),
];

fn sample(id: &str) -> Convention {
    cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| s.convention())
        .unwrap_or_else(|| panic!("sample {id}"))
}

/// A fresh directory for one test under Cargo's temporary directory.
fn work_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("libreoffice-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run a tool; a missing one fails the test with the way to install it.
fn run(cmd: &mut Command, package: &str) -> std::process::Child {
    match cmd.stdin(Stdio::null()).spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{:?} est introuvable : lancez ./x setup (paquet Debian {package}). / {:?} not \
             found: run ./x setup (Debian package {package}).",
            cmd.get_program(),
            cmd.get_program()
        ),
        Err(e) => panic!("{:?}: {e}", cmd.get_program()),
    }
}

/// Convert `files` with LibreOffice to `target` (`pdf`, `ods`, `xlsx`) into `outdir`, with the
/// profile `profile`; panics on a failure or after [`SOFFICE_TIMEOUT`].
fn soffice(profile: &Path, target: &str, files: &[PathBuf], outdir: &Path) {
    let url = format!(
        "file://{}",
        profile
            .display()
            .to_string()
            .replace('%', "%25")
            .replace(' ', "%20")
    );
    let mut cmd = Command::new("soffice");
    cmd.arg(format!("-env:UserInstallation={url}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
        ])
        .arg(outdir)
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: `soffice` is a script that starts `soffice.bin`; on a timeout the
    // whole group is ended.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let start = Instant::now();
    let mut child = run(&mut cmd, "libreoffice-calc-nogui");
    loop {
        match child.try_wait().unwrap() {
            Some(_) => break,
            None if start.elapsed() > SOFFICE_TIMEOUT => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                panic!("soffice --convert-to {target}: still running after {SOFFICE_TIMEOUT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let out = child.wait_with_output().unwrap();
    for f in files {
        let stem = f.file_stem().unwrap().to_string_lossy();
        let made = outdir.join(format!("{stem}.{target}"));
        assert!(
            out.status.success() && made.exists(),
            "soffice --convert-to {target} {}: {}\n{}\n{}",
            f.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What a poppler tool prints about `pdf` (`after`: arguments after the file name).
fn poppler(tool: &str, args: &[&str], pdf: &Path, after: &[&str]) -> String {
    let out = run(
        Command::new(tool)
            .args(args)
            .arg(pdf)
            .args(after)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "poppler-utils",
    )
    .wait_with_output()
    .unwrap();
    assert!(out.status.success(), "{tool} {}: {out:?}", pdf.display());
    String::from_utf8(out.stdout).unwrap()
}

/// The text of each page of a PDF (`pdftotext -layout`, pages split at form feeds), checked
/// against the page count of `pdfinfo`.
fn pages(pdf: &Path) -> Vec<String> {
    let info = poppler("pdfinfo", &[], pdf, &[]);
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8"], pdf, &["-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    assert_eq!(pages.len(), count, "{}", pdf.display());
    pages
}

/// Runs of white space as one space, trimmed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A cover cell as LibreOffice shows it.
fn shown(d: &Data) -> Option<String> {
    match d {
        Data::String(s) if !s.is_empty() => Some(s.clone()),
        Data::Float(f) if f.fract() == 0.0 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

#[test]
fn the_large_sample_prints_landscape_with_the_cover_on_one_page() {
    let started = Instant::now();
    let conv = sample("grand-organisme");
    let dir = work_dir("print");
    let mut files = Vec::new();
    let mut exported = Vec::new();
    for (format, ext) in [(Format::Xlsx, "xlsx"), (Format::Ods, "ods")] {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        // Distinct stems: both PDFs go to the same directory.
        let path = dir.join(format!("grand-organisme-{ext}.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        files.push(path);
        exported.push((format, ext, bytes));
    }
    soffice(&dir.join("profile"), "pdf", &files, &dir);

    let expected: Vec<&str> = SHEET_PAGES
        .iter()
        .flat_map(|(sheet, n)| std::iter::repeat_n(*sheet, *n))
        .collect();
    let total = expected.len();
    assert_eq!(total, 17);
    let organism = &conv.organisme.raison_sociale;
    for (format, ext, bytes) in &exported {
        let pdf = dir.join(format!("grand-organisme-{ext}.pdf"));
        let pages = pages(&pdf);
        assert_eq!(pages.len(), total, "{ext}: pages");
        let size = poppler("pdfinfo", &[], &pdf, &[]);
        assert!(
            size.contains("841.89 x 595.304 pts (A4)"),
            "{ext}: every page A4 landscape: {size}"
        );
        // The footer, last line of every page: organism, sheet, page number.
        for (i, (page, sheet)) in pages.iter().zip(&expected).enumerate() {
            let footer = page
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            assert_eq!(
                squash(footer),
                format!("{organism} {sheet} Page {} / {total}", i + 1),
                "{ext}: footer of page {}",
                i + 1
            );
        }
        // Each cover label with its value on its line, on the cover's page.
        let cover = match format {
            Format::Xlsx => calamine::Xlsx::new(std::io::Cursor::new(bytes))
                .unwrap()
                .worksheet_range("Couverture")
                .unwrap(),
            _ => calamine::Ods::new(std::io::Cursor::new(bytes))
                .unwrap()
                .worksheet_range("Couverture")
                .unwrap(),
        };
        let page = &pages[0];
        let page_words = squash(page);
        let lines: Vec<String> = page.lines().map(squash).collect();
        let mut checked = 0;
        for row in cover.rows() {
            let (Some(label), Some(value)) =
                (row.first().and_then(shown), row.get(1).and_then(shown))
            else {
                continue;
            };
            let label = squash(&label);
            let first = value.split_whitespace().next().unwrap_or_default();
            assert!(
                lines.iter().any(|l| l
                    .find(&label)
                    .is_some_and(|at| l[at + label.len()..].contains(first))),
                "{ext}: « {label} » and its value « {first} » are not on one line of the cover \
                 page:\n{page}"
            );
            for word in value.split_whitespace() {
                // A word LibreOffice wraps at its hyphen (« 2022- » then « 2027 ») is whole.
                let wrapped = |w: &str| {
                    w.match_indices('-')
                        .any(|(i, _)| page_words.contains(&format!("{} {}", &w[..=i], &w[i + 1..])))
                };
                assert!(
                    page_words.contains(word) || wrapped(word),
                    "{ext}: « {word} » (value of « {label} ») is not on the cover page"
                );
            }
            checked += 1;
        }
        assert!(checked >= 30, "{ext}: only {checked} cover rows checked");
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("print check: {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn workbooks_resaved_by_libreoffice_import_back_identical() {
    let started = Instant::now();
    let conv = sample("grand-organisme");
    let dir = work_dir("resave");
    let mut files = Vec::new();
    for (format, ext) in [(Format::Ods, "ods"), (Format::Xlsx, "xlsx")] {
        let path = dir.join(format!("export-{ext}.{ext}"));
        std::fs::write(&path, common::export(&conv, format, Mode::Final)).unwrap();
        files.push(path);
    }
    let profile = dir.join("profile");
    // Each export re-saved in both formats: ODS → ODS and XLSX, XLSX → ODS and XLSX.
    for target in ["ods", "xlsx"] {
        let out = dir.join(format!("as-{target}"));
        std::fs::create_dir_all(&out).unwrap();
        soffice(&profile, target, &files, &out);
        for from in ["ods", "xlsx"] {
            let name = format!("export-{from}.{target}");
            let bytes = std::fs::read(out.join(&name)).unwrap();
            let back = common::read_back(&bytes, &name);
            let what = format!("{from} re-saved as {target}");
            assert_eq!(back.convention, conv, "{what}");
            assert_eq!(back.mode, Mode::Final, "{what}");
            assert_eq!(
                back.exported_at.as_deref(),
                Some(common::EXPORT_DATE),
                "{what}"
            );
            // The checksum on the cover still matches: nothing was changed.
            assert!(back.notes.is_empty(), "{what}: {:?}", back.notes);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("re-save check: {:.1} s", started.elapsed().as_secs_f64());
}

/// The convention of `tests/fixtures/evaluation.json`: signed by an avenant, with achievements.
fn evaluated() -> Convention {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/evaluation.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_evaluation_sheets_print_landscape_and_survive_a_resave() {
    let started = Instant::now();
    let conv = evaluated();
    let dir = work_dir("evaluation");
    let mut files = Vec::new();
    for (format, ext) in [(Format::Ods, "ods"), (Format::Xlsx, "xlsx")] {
        let path = dir.join(format!("evaluation-{ext}.{ext}"));
        std::fs::write(&path, common::export(&conv, format, Mode::Final)).unwrap();
        files.push(path);
    }
    let profile = dir.join("profile");
    soffice(&profile, "pdf", &files, &dir);
    let organism = &conv.organisme.raison_sociale;
    for ext in ["ods", "xlsx"] {
        let pdf = dir.join(format!("evaluation-{ext}.pdf"));
        let pages = pages(&pdf);
        let size = poppler("pdfinfo", &[], &pdf, &[]);
        assert!(
            size.contains("841.89 x 595.304 pts (A4)"),
            "{ext}: every page A4 landscape: {size}"
        );
        let total = pages.len();
        // The sheet of each page, from its footer (organism, sheet, page number).
        let sheets: Vec<String> = pages
            .iter()
            .enumerate()
            .map(|(i, page)| {
                let footer = squash(
                    page.lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or(""),
                );
                let inner = footer
                    .strip_prefix(&format!("{organism} "))
                    .and_then(|f| f.strip_suffix(&format!(" Page {} / {total}", i + 1)))
                    .unwrap_or_else(|| panic!("{ext}: footer of page {}: {footer}", i + 1));
                inner.to_string()
            })
            .collect();
        for sheet in [
            "PP-1 évaluation",
            "PP-2 évaluation",
            "Signature et réalisations",
        ] {
            let n = sheets.iter().filter(|s| *s == sheet).count();
            // One page each: the ten columns fit one page wide, the few rows one page tall.
            assert_eq!(n, 1, "{ext}: pages of {sheet}: {sheets:?}");
        }
        // Rates (and the figures of a percentage) with one decimal: PP-2 year 1, 3 ÷ 20 =
        // 15 % achieved for 10 % committed, 150 %.
        let pp2 = squash(&pages[sheets.iter().position(|s| s == "PP-2 évaluation").unwrap()]);
        assert!(
            pp2.contains("10.0 15.0 150.0 5.0") || pp2.contains("10,0 15,0 150,0 5,0"),
            "{ext}: {pp2}"
        );
        let eval = &pages[sheets.iter().position(|s| s == "PP-1 évaluation").unwrap()];
        let words = squash(eval);
        for w in [
            "Engagement",
            "Réalisé",
            // (The header wraps in its column.)
            "Taux de",
            "réalisation (%)",
            "Écart",
            "Justification",
            "80 % de l'objectif de PP-1",
        ] {
            assert!(words.contains(w), "{ext}: « {w} » not printed:\n{eval}");
        }
    }
    // Re-saved by LibreOffice in both formats: the same convention, achievements included.
    for target in ["ods", "xlsx"] {
        let out = dir.join(format!("as-{target}"));
        std::fs::create_dir_all(&out).unwrap();
        soffice(&profile, target, &files, &out);
        for from in ["ods", "xlsx"] {
            let name = format!("evaluation-{from}.{target}");
            let back = common::read_back(&std::fs::read(out.join(&name)).unwrap(), &name);
            assert_eq!(back.convention, conv, "{from} re-saved as {target}");
            assert!(back.notes.is_empty(), "{name}: {:?}", back.notes);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "evaluation print and re-save: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The workspace of the fictional région sample (`data/samples/territoire/`): every file of the
/// folder on the Hauts-de-France (`region:32`), each with its import diagnostics counted as the
/// command line does, the duplicate pair resolved as it does (the last file kept).
fn region_workspace() -> cus_core::consolidation::Workspace {
    use cus_core::consolidation::{duplicates, Workspace, WorkspaceFile};
    use cus_core::diagnostic::Severity;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/territoire");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    names.sort();
    assert!(names.len() >= 25, "{names:?}");
    let cats = common::catalogues();
    let mut ws = Workspace::new("Hauts-de-France (échantillon fictif)");
    ws.territory = Some("region:32".parse().unwrap());
    ws.geo_vintage = Some(2026);
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap();
        let imported = cus_formats::import(&bytes, &name, cats)
            .unwrap_or_else(|d| panic!("{name}: {:?}", d.first().map(|x| &x.message)));
        let conv = imported.convention;
        let mut diags = imported.notes;
        diags.extend(cus_core::rules::validate(
            &conv,
            common::catalogue_of(&conv),
            conv.referential(),
        ));
        let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
        ws.files.push(WorkspaceFile {
            id: name.clone(),
            file_name: name.clone(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            convention: conv,
            excluded: false,
        });
    }
    for group in duplicates(&ws.files) {
        if let Some((_, others)) = group.split_last() {
            for &i in others {
                ws.files[i].excluded = true;
            }
        }
    }
    ws
}

/// Numbers printed with more than `max` decimals (`27.434456928839`), French or English
/// separator.
fn long_decimals(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 1..chars.len() {
        if !matches!(chars[i], '.' | ',') || !chars[i - 1].is_ascii_digit() {
            continue;
        }
        let decimals = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if decimals > max {
            let start = (0..i)
                .rev()
                .take_while(|&j| chars[j].is_ascii_digit())
                .last()
                .unwrap_or(i);
            out.push(chars[start..i + 1 + decimals].iter().collect());
        }
    }
    out
}

/// Is the sheet `name` of a workbook (`ext`: `ods` or `xlsx`) hidden, as calamine reads it?
fn hidden(bytes: &[u8], ext: &str, name: &str) -> bool {
    let cursor = std::io::Cursor::new(bytes);
    let sheets = match ext {
        "ods" => calamine::Ods::new(cursor)
            .unwrap()
            .sheets_metadata()
            .to_vec(),
        _ => calamine::Xlsx::new(cursor)
            .unwrap()
            .sheets_metadata()
            .to_vec(),
    };
    let sheet = sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{ext}: no sheet {name}"));
    sheet.visible != calamine::SheetVisible::Visible
}

/// The consolidation of the fictional région sample printed by LibreOffice. Before the
/// technical sheet was hidden and the figures rounded, its ODS printed 135 pages here (49 of
/// them the workspace JSON of « espace », long texts spilling pages to the right) and its XLSX
/// 230 (portrait, no fitting); the issue counted 79.
#[test]
fn the_region_consolidation_prints_without_its_technical_sheet_and_with_rounded_figures() {
    use cus_formats::consolidation::{
        consolidate_workspace, export_consolidation, import_workspace, WORKSPACE_SHEET,
    };
    let started = Instant::now();
    let ws = region_workspace();
    let run = consolidate_workspace(&ws, None, common::catalogues()).unwrap();
    let dir = work_dir("consolidation");
    let mut files = Vec::new();
    for (format, ext) in [(Format::Ods, "ods"), (Format::Xlsx, "xlsx")] {
        let bytes = export_consolidation(&ws, None, format).unwrap();
        let name = format!("region-{ext}.{ext}");
        // The workbook still reopens as the workspace, its technical sheet hidden.
        assert_eq!(import_workspace(&name, &bytes).unwrap(), ws, "{ext}");
        assert!(
            hidden(&bytes, ext, WORKSPACE_SHEET),
            "{ext}: « espace » shown"
        );
        assert!(!hidden(&bytes, ext, "Synthèse"), "{ext}");
        let path = dir.join(&name);
        std::fs::write(&path, &bytes).unwrap();
        files.push(path);
    }
    let profile = dir.join("profile");
    soffice(&profile, "pdf", &files, &dir);
    // A compilation figure with many decimals: the PLAI share of the new supply.
    let share = run
        .compilation
        .iter()
        .find_map(|c| c.plai_share.as_ref().map(|(v, _)| *v))
        .expect("a PLAI share in the compilation");
    assert!(
        (share * 1000.0).fract() != 0.0,
        "{share}: not a long decimal"
    );
    for ext in ["ods", "xlsx"] {
        let pages = pages(&dir.join(format!("region-{ext}.pdf")));
        eprintln!("{ext}: {} pages", pages.len());
        // Measured with LibreOffice 7.4: 39 pages in both formats before the calendar
        // alignment, 47 after it (the files were signed in 2019, 2020 and 2021: calendar years
        // 2019–2026 and one column per cumulative window, and PP-2, PP-3, G-1 consolidated
        // over the files sharing their definition); 135 before the print set-up; 73 with the
        // « Évaluations » sheet (26 pages: 9 organisms' evaluations, every line and total).
        // 84 with the regional synthesis in one sheet per section (issue 25: « Compilation
        // PP-1 » … « Compilation G-1 », « Méthode et sources ») instead of one « Compilation ».
        assert!(
            (75..=95).contains(&pages.len()),
            "{ext}: {} pages",
            pages.len()
        );
        for (i, page) in pages.iter().enumerate() {
            for raw in [
                "cus-espace-simulation",
                "\"format\"",
                "\"convention\"",
                "feuille technique, ne pas",
            ] {
                assert!(
                    !page.contains(raw),
                    "{ext}: page {} prints the technical sheet ({raw}):\n{page}",
                    i + 1
                );
            }
            let long = long_decimals(page, 3);
            assert!(
                long.is_empty(),
                "{ext}: page {}: figures not rounded: {long:?}\n{page}",
                i + 1
            );
        }
        let all = pages
            .iter()
            .map(|p| squash(p))
            .collect::<Vec<_>>()
            .join(" ");
        let rounded = format!("{share:.1}");
        assert!(
            all.contains(&format!(" {rounded} "))
                || all.contains(&format!(" {} ", rounded.replace('.', ","))),
            "{ext}: the PLAI share {share} is not printed as {rounded}"
        );
    }
    // Re-saved by LibreOffice in both formats: still the workspace, « espace » still hidden.
    for target in ["ods", "xlsx"] {
        let out = dir.join(format!("as-{target}"));
        std::fs::create_dir_all(&out).unwrap();
        soffice(&profile, target, &files, &out);
        for from in ["ods", "xlsx"] {
            let name = format!("region-{from}.{target}");
            let bytes = std::fs::read(out.join(&name)).unwrap();
            let back = import_workspace(&name, &bytes)
                .unwrap_or_else(|e| panic!("{from} re-saved as {target}: {e}"));
            assert_eq!(back, ws, "{from} re-saved as {target}");
            assert!(
                hidden(&bytes, target, WORKSPACE_SHEET),
                "{from} re-saved as {target}"
            );
        }
    }
    if std::env::var_os("KEEP_PRINT").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "consolidation print and re-save: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The regional synthesis of the CRH Nord-Pas-de-Calais case (30 first-generation CUS and the
/// previous period's figures, `cus-core/tests/cases/synthesis/`), printed by LibreOffice from
/// the workbook: a few pages per section, and every key sentence printed whole, figures
/// included.
#[test]
fn the_regional_synthesis_prints_every_key_sentence() {
    use cus_core::consolidation::{parse_previous, Workspace};
    let started = Instant::now();
    let dir_in =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../cus-core/tests/cases/synthesis/crh-2012");
    let mut names: Vec<String> = std::fs::read_dir(&dir_in)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 30);
    let cats = common::catalogues();
    let mut ws = Workspace::new("CRH Nord-Pas-de-Calais 2012 (fictif)");
    ws.territory = Some("region:32".parse().unwrap());
    ws.geo_vintage = Some(2026);
    for name in &names {
        let bytes = std::fs::read(dir_in.join(name)).unwrap();
        let imported = cus_formats::import(&bytes, name, cats).unwrap();
        let mut f = cus_formats::consolidation::read_organism(imported, name, cats);
        f.id = format!("f{}", ws.files.len() + 1);
        ws.files.push(f);
    }
    ws.previous =
        parse_previous(&std::fs::read_to_string(dir_in.join("periode-precedente.csv")).unwrap())
            .unwrap();
    let run = cus_formats::consolidation::consolidate_workspace(&ws, None, cats).unwrap();
    let sentences: Vec<String> = run
        .synthesis
        .sections
        .iter()
        .flat_map(|s| s.sentences.iter().map(|p| p.text.clone()))
        .collect();
    assert!(sentences.len() >= 12, "{sentences:?}");
    let dir = work_dir("synthese");
    let bytes = cus_formats::consolidation::export_consolidation(&ws, None, Format::Ods).unwrap();
    let path = dir.join("crh.ods");
    std::fs::write(&path, &bytes).unwrap();
    soffice(&dir.join("profile"), "pdf", &[path], &dir);
    let pages = pages(&dir.join("crh.pdf"));
    eprintln!("regional synthesis workbook: {} pages", pages.len());
    // Measured with LibreOffice 7.4: 41 pages (« Synthèse » and the 12 indicator sheets of a
    // first-generation CUS, the synthesis's 4 sheets, « Évaluations », nothing of « espace »).
    assert!((30..=60).contains(&pages.len()), "{} pages", pages.len());
    let flat = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
            .collect()
    };
    let all = flat(&pages.join(""));
    for s in &sentences {
        assert!(all.contains(&flat(s)), "not printed whole: {s}");
    }
    if std::env::var_os("KEEP_PRINT").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "regional synthesis print: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
