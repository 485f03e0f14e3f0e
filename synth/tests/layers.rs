//! The synth core reads bottom-up: each of its modules uses only the modules before it in
//! [`CORE`] (and modules outside the crate's tree of constructs that use nothing of the
//! crate, such as `diagnostics`). A module that reached up (say `json` using `render` to
//! render itself) would make the core a circle again; this test names the module, the
//! one it uses and the fix.

use std::collections::BTreeSet;
use std::path::Path;

/// The core, lowest first.
const CORE: &[&str] = &[
    "node",
    "stack_id",
    "pseudo",
    "json",
    "value",
    "handle",
    "intrinsics",
    "cross_stack",
    "render",
    "l1",
];

/// Modules outside the core that the core may use: they use nothing of the crate.
const LEAVES: &[&str] = &["diagnostics", "hashing"];

/// The source of a top-level module: `name.rs`, or every file under `name/`.
fn sources(src: &Path, name: &str) -> Vec<String> {
    let file = src.join(format!("{name}.rs"));
    if file.exists() {
        return vec![std::fs::read_to_string(file).unwrap()];
    }
    let mut out = Vec::new();
    let mut dirs = vec![src.join(name)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    out
}

/// The crate's top-level modules a source uses (`crate::x`, `crate::{x, y::z}`), comments
/// and doc comments left out (a doc link is not a use).
fn uses(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|p| ident(p.trim())));
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty() && m.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    out
}

fn violations(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (level, module) in CORE.iter().enumerate() {
        let below: BTreeSet<&str> = CORE[..level].iter().chain(LEAVES).copied().collect();
        for source in sources(src, module) {
            for used in uses(&source) {
                if used != *module && !below.contains(used.as_str()) {
                    found.push(format!(
                        "`{module}` uses `crate::{used}`, which is not below it in the core \
                         ({}); fix: move what it needs down, or the code that needs it up",
                        CORE.join(" < ")
                    ));
                }
            }
        }
    }
    for leaf in LEAVES {
        for source in sources(src, leaf) {
            for used in uses(&source) {
                if used != *leaf {
                    found.push(format!("`{leaf}` is used by the core and may use nothing of the crate, but uses `crate::{used}`"));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_reads_bottom_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_use_reaching_up_is_found() {
    assert_eq!(
        uses("use crate::render::{Render, ToJson};\n/// [`crate::cfn`]\nlet x = crate::{json::Json, value};"),
        ["json", "render", "value"].map(String::from).into_iter().collect()
    );
    // A copy of the core where `json` renders itself (as it did) is a violation.
    let dir = std::env::temp_dir().join(format!("escdk-layers-{}", std::process::id()));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in CORE.iter().chain(LEAVES) {
        let file = format!("{module}.rs");
        if src.join(&file).exists() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(src.join(&file), dir.join(&file)).unwrap();
        } else {
            copy_dir(&src.join(module), &dir.join(module));
        }
    }
    let json = dir.join("json.rs");
    let text = std::fs::read_to_string(&json).unwrap();
    std::fs::write(&json, format!("use crate::render::ToJson;\n{text}")).unwrap();
    let found = violations(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("`json` uses `crate::render`"),
        "{found:?}"
    );
}

/// The crate's top-level modules (a file or a folder under `src/`), each with the others
/// it uses; a module re-exported from another (`pub use stack::{scope, tags};` in lib.rs)
/// counts as that one.
fn module_graph(src: &Path) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut alias = std::collections::BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((parent, group)) = rest.split_once("::{") else {
            continue;
        };
        for name in group.trim_end_matches("};").split(',').map(str::trim) {
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                alias.insert(name.to_string(), parent.to_string());
            }
        }
    }
    let mut graph = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || !(path.is_dir() || path.extension().is_some_and(|e| e == "rs")) {
            continue;
        }
        let used: BTreeSet<String> = sources(src, &name)
            .iter()
            .flat_map(|s| uses(s))
            .map(|m| alias.get(&m).cloned().unwrap_or(m))
            .filter(|m| *m != name)
            .collect();
        graph.insert(name, used);
    }
    graph
}

/// A circle of modules each using the next, if there is one.
fn circle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut found = path[i..].to_vec();
            found.push(m.to_string());
            return Some(found);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_modules_of_a_crate_use_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let graph = module_graph(&root.join("synth/src"));
    assert!(
        graph.len() > 20 && graph["synthesize"].contains("stack"),
        "{graph:?}"
    );
    // The workspace's other crates hold to it too.
    for krate in ["synth", "constructs", "deploy", "codegen"] {
        if let Some(found) = circle(&module_graph(&root.join(krate).join("src"))) {
            panic!(
                "in {krate}, the modules {} use each other in a circle; fix: move what the \
                 lower one needs into it or below it, or the code that reaches up into the \
                 upper one",
                found.join(" -> ")
            );
        }
    }
    // A use reaching back up is found.
    let mut reaching = graph.clone();
    reaching
        .get_mut("node")
        .unwrap()
        .insert("synthesize".into());
    assert!(circle(&reaching).is_some_and(|c| c.contains(&"node".to_string())));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
