//! The floors of the house (lib.rs, README "Layout"): each module uses only the modules on the
//! floors below it, and modules on one floor never use each other in a circle. Read from the
//! `crate::` paths in `src/`, so an upward import fails here, not in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Floor of each top-level module. `testgen` is test-only support and may use anything.
const FLOORS: &[(&str, u8)] = &[
    ("model", 1),
    ("error", 1),
    ("config", 1),
    ("net", 2),
    ("consent", 2),
    ("fixture_server", 2),
    ("sources", 3),
    ("extract", 3),
    ("index", 4),
    ("rank", 5),
    ("crawl", 6),
    ("cli", 7),
    ("server", 7),
];

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Top-level modules a source text names through `crate::` (`crate::a::b`, `crate::{a, b::c}`),
/// comments left out. `Error` and `Result` are re-exports of `error`.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                group[..end].split(',').collect()
            } else {
                vec![rest]
            };
            for n in names {
                let word: String = n
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let module = match word.as_str() {
                    "Error" | "Result" => "error".to_string(),
                    "Config" => "config".to_string(),
                    w => w.to_string(),
                };
                if !module.is_empty() {
                    refs.insert(module);
                }
            }
        }
    }
    refs
}

#[test]
fn no_module_imports_from_a_higher_floor_or_in_a_circle() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if matches!(top.as_str(), "lib" | "main" | "testgen") {
            continue;
        }
        let Some(own) = floor(&top) else {
            panic!("src/{top} has no floor: add it to FLOORS here and to lib.rs's table");
        };
        let text = std::fs::read_to_string(file).unwrap();
        for dep in crate_refs(&text) {
            if dep == top || dep == "testgen" {
                continue;
            }
            let Some(theirs) = floor(&dep) else { continue };
            if theirs > own {
                upward.push(format!(
                    "{} (floor {own}) uses crate::{dep} (floor {theirs})",
                    rel.display()
                ));
            }
            graph.entry(top.clone()).or_default().insert(dep);
        }
    }
    assert!(
        upward.is_empty(),
        "imports from a higher floor:\n{}",
        upward.join("\n")
    );
    // A circle needs two modules on one floor using each other (directly or through others).
    assert_no_circle(&graph, "modules");
}

/// Fails naming the first two nodes that reach each other.
fn assert_no_circle(graph: &BTreeMap<String, BTreeSet<String>>, what: &str) {
    for (a, deps) in graph {
        for b in deps {
            let mut seen = BTreeSet::new();
            let mut stack = vec![b.clone()];
            while let Some(m) = stack.pop() {
                assert!(m != *a, "{what} {a} and {b} use each other in a circle");
                if seen.insert(m.clone()) {
                    stack.extend(graph.get(&m).into_iter().flatten().cloned());
                }
            }
        }
    }
}

/// `net` is the floor everything network stands on; its files must not lean on each other in
/// a circle either (the fetcher uses robots.txt handling, which gets the fetcher's GET as a
/// closure instead of importing it back).
#[test]
fn the_network_layer_has_no_circle_between_its_files() {
    let net = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/net");
    let mut files = Vec::new();
    rust_files(&net, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let deps = graph.entry(name.clone()).or_default();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for part in code.split("crate::net::").skip(1) {
                let dep: String = part
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if dep != name && dep.chars().next().is_some_and(char::is_lowercase) {
                    deps.insert(dep);
                }
            }
        }
    }
    assert!(graph.len() >= 8, "{graph:?}");
    assert_no_circle(&graph, "net files");
}

#[test]
fn the_check_reads_grouped_and_plain_paths() {
    let refs = crate_refs(
        "use crate::{model::Post, net::Fetcher};\nlet x = crate::Result::Ok(()); // crate::server",
    );
    assert_eq!(
        refs,
        BTreeSet::from(["model".into(), "net".into(), "error".into()])
    );
}
