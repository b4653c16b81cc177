//! Every export read back by its format's real parser: Mermaid's own (in Node), D2.js
//! (D2's compiler as WebAssembly) and Debian's `plantuml`. They are not Rust crates, so
//! these tests are ignored by `cargo test` and run by CI after it installs the tools
//! (`cargo test --test external_parsers -- --ignored`; see `.ci/run` and
//! `scripts/external-parsers/`). A missing tool fails them: they never pass unchecked.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use authflow::SourceFile;
use authflow::check::paths::verdict_paths;
use authflow::render::{Diagram, Mark, render_d2, render_mermaid, render_plantuml};
use authflow::syntax::parse;

/// Flows beyond the catalogue: every extension, and text full of the characters each
/// format treats specially.
const EXTRA: &[&str] = &[
    "---\ntitle: \"Every extension: *bold* <b> ${x} #1; 100%\"\n---\nautonumber\n\
     box \"Client; \\\"app\\\" #1\" fe be\nnote left of fe: \"a;b\\n**c** <d> ${e}\"\n\
     fe -> be: \"login\"\nalt \"valid; #1 <ok>\"\n  be -> auth_server_be: \"redeem\"\n\
     loop 2 \"poll: %% $$\"\n    auth_server_be -> auth_server_be: \"認可\"\n  end\n\
     note over be, auth_server_be: \"both\"\nelse\n  opt\n    auth_server_be -> fe: \"\"\n\
     end\nend\nwait 11m\nnote right of auth_server_be: \"done\"\n",
    "\"end\" -> \"note\": \"end\"\n\"a-b\" -> \"end\": \"//it// ~x --s-- __u__ \\\\n\"\n\
     box \"end\" x\nx -> x: \"'quote' `tick` [link] {brace} | pipe\"\n",
];

fn catalogue() -> Vec<PathBuf> {
    common::catalogue_flows()
}

/// Writes each flow's exports (numbered, titled, with its verdict's marks) into `dir`
/// and returns the files by extension.
fn export_all(dir: &Path) -> Vec<PathBuf> {
    let mut sources: Vec<(String, String)> = catalogue()
        .iter()
        .map(|path| {
            let name = path.to_string_lossy().replace(['/', '\\'], "__");
            (name, std::fs::read_to_string(path).unwrap())
        })
        .collect();
    sources.extend(
        EXTRA
            .iter()
            .enumerate()
            .map(|(i, text)| (format!("extra{i}"), text.to_string())),
    );
    let mut files = Vec::new();
    for (name, text) in &sources {
        let file = SourceFile::new(name.as_str(), text.as_str());
        let flow = parse(&file).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let verdict = verdict_paths(&flow, &file, &Default::default(), &Default::default()).ok();
        let mut diagram = Diagram::from_flow(&flow)
            .numbered(&flow, &file)
            .titled(&flow);
        let arrows: Vec<usize> = flow.messages().map(|m| m.span.start).collect();
        if let Some(verdict) = &verdict {
            diagram.marks = verdict
                .violations
                .iter()
                .filter_map(|v| {
                    Some(Mark {
                        arrow: arrows.binary_search(&v.span.start).ok()?,
                        id: v.id,
                        severity: v.severity,
                        line: file.line_col(v.span.start).0,
                        message: &v.message,
                    })
                })
                .collect();
        }
        let names = flow.participant_order();
        for extension in ["mmd", "d2", "puml"] {
            let mut out = Vec::new();
            match extension {
                "mmd" => render_mermaid(&diagram, &names, &mut out),
                "d2" => render_d2(&diagram, &mut out),
                _ => render_plantuml(&diagram, &mut out),
            }
            .unwrap();
            let path = dir.join(format!("{name}.{extension}"));
            std::fs::write(&path, out).unwrap();
            files.push(path);
        }
    }
    files
}

fn with_extension<'a>(files: &'a [PathBuf], extension: &str) -> Vec<&'a PathBuf> {
    files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == extension))
        .collect()
}

#[test]
#[ignore = "needs Node with scripts/external-parsers installed; CI runs it"]
fn mermaid_and_d2_parse_every_export() {
    let dir = common::scratch("external", "node");
    let files = export_all(&dir);
    let mut readable = with_extension(&files, "mmd");
    readable.extend(with_extension(&files, "d2"));
    let output = Command::new("node")
        .arg("scripts/external-parsers/parse.mjs")
        .args(&readable)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains(&format!("{} files read, 0 failed", readable.len())),
        "{summary}"
    );
}

#[test]
#[ignore = "needs Debian's plantuml; CI runs it"]
fn plantuml_parses_every_export() {
    let dir = common::scratch("external", "plantuml");
    let files = export_all(&dir);
    let puml = with_extension(&files, "puml");
    let output = Command::new("plantuml")
        .args(["-checkonly", "-failfast2"])
        .args(&puml)
        .output()
        .expect("plantuml runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // A file PlantUML cannot read does fail the check.
    let broken = dir.join("broken.puml");
    std::fs::write(&broken, "@startuml\nP1 -> : x\nnot a statement\n@enduml\n").unwrap();
    let status = Command::new("plantuml")
        .args(["-checkonly", "-failfast2"])
        .arg(&broken)
        .status()
        .unwrap();
    assert!(!status.success());
}
