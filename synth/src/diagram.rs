//! `diagram`: a Mermaid flowchart of synthesized stacks, grouped by construct, with the
//! wiring references and grants create. A resource points at what it refers to: a
//! function at its role, a role at the tables and buses its grants name (`grants`), a rule
//! at its targets; an import points at the resource another stack exports. `DependsOn` is
//! dotted. The output is sorted, so it only changes when the app does.

use crate::json::JsonValue;
use crate::scope::below_stack;
use crate::synthesize::Synthesized;
use std::collections::{BTreeMap, BTreeSet};

use std::fmt::Write;

fn node_id(stack: &str, lid: &str) -> String {
    let clean: String = format!("{stack}_{lid}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("n_{clean}")
}

fn group_id(path: &str) -> String {
    let clean: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("g_{clean}")
}

fn label(text: &str) -> String {
    text.replace('"', "'")
}

/// Where a reference was found, for the edge's label.
fn kind_at(path: &[&str]) -> &'static str {
    if path
        .iter()
        .any(|p| *p == "PolicyDocument" || *p == "Policies")
    {
        "grants"
    } else {
        "uses"
    }
}

/// Names referenced in a value (`Ref`, `Fn::GetAtt`, `${Name}` in `Fn::Sub`) and imports.
fn references(
    v: &JsonValue,
    path: &mut Vec<String>,
    out: &mut Vec<(String, &'static str)>,
    imports: &mut Vec<(String, &'static str)>,
) {
    let here = || {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        kind_at(&parts)
    };
    match v {
        JsonValue::Object(m) => {
            if let Some(JsonValue::String(r)) = m.get("Ref") {
                out.push((r.clone(), here()));
            }
            if let Some(JsonValue::Array(a)) = m.get("Fn::GetAtt") {
                if let Some(JsonValue::String(r)) = a.first() {
                    out.push((r.clone(), here()));
                }
            }
            if let Some(JsonValue::String(name)) = m.get("Fn::ImportValue") {
                imports.push((name.clone(), here()));
            }
            let sub = match m.get("Fn::Sub") {
                Some(JsonValue::String(s)) => Some(s.as_str()),
                Some(JsonValue::Array(a)) => a.first().and_then(JsonValue::as_str),
                _ => None,
            };
            if let Some(s) = sub {
                for part in s.split("${").skip(1) {
                    if let Some(name) = part.split('}').next() {
                        let name = name.split('.').next().unwrap_or(name);
                        out.push((name.to_string(), here()));
                    }
                }
            }
            for (k, x) in m {
                path.push(k.to_string());
                references(x, path, out, imports);
                path.pop();
            }
        }
        JsonValue::Array(a) => {
            for x in a {
                references(x, path, out, imports);
            }
        }
        _ => {}
    }
}

/// The flowchart of `stacks`.
pub fn mermaid(stacks: &[Synthesized]) -> String {
    // Export name -> node it exports.
    let mut exported: BTreeMap<String, String> = BTreeMap::new();
    for s in stacks {
        for o in s.tree()["Outputs"].as_object().into_iter().flatten() {
            let (Some(name), Some(value)) = (o.1["Export"]["Name"].as_str(), o.1.get("Value"))
            else {
                continue;
            };
            let mut refs = Vec::new();
            references(value, &mut Vec::new(), &mut refs, &mut Vec::new());
            if let Some((lid, _)) = refs.first() {
                exported.insert(name.to_string(), node_id(&s.stack_name, lid));
            }
        }
    }
    let mut out = String::from("flowchart LR\n");
    // (from, to) -> label; a grant outranks a plain use of the same resource.
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut edge = |from: String, to: String, kind: String| {
        let e = edges.entry((from, to)).or_insert_with(|| kind.clone());
        if kind.starts_with("grants") {
            *e = kind;
        }
    };
    for s in stacks {
        let resources = s.tree()["Resources"].as_object();
        let ids: BTreeSet<&str> = resources
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
        // Construct (path without its last part) -> resources.
        let mut groups: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (lid, r) in resources.into_iter().flatten() {
            let path = crate::metadata::construct_path(r).unwrap_or(lid);
            let below = below_stack(path, &s.stack_name);
            let (group, last) = below.rsplit_once('/').unwrap_or(("", below));
            // A construct's main resource is named after the construct.
            let last = if last == "Resource" {
                group.rsplit('/').next().unwrap_or(last)
            } else {
                last
            };
            let short_type = r["Type"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("AWS::");
            groups.entry(group.to_string()).or_default().push((
                node_id(&s.stack_name, lid),
                format!("{last}<br/><i>{short_type}</i>"),
            ));
            let from = node_id(&s.stack_name, lid);
            let mut refs = Vec::new();
            let mut imports = Vec::new();
            references(&r["Properties"], &mut Vec::new(), &mut refs, &mut imports);
            for (to, kind) in refs {
                if ids.contains(to.as_str()) && to != lid.as_str() {
                    edge(from.clone(), node_id(&s.stack_name, &to), kind.into());
                }
            }
            for (name, kind) in imports {
                if let Some(to) = exported.get(&name) {
                    edge(from.clone(), to.clone(), format!("{kind} (import)"));
                }
            }
            for d in r["DependsOn"].as_array().into_iter().flatten() {
                if let Some(d) = d.as_str() {
                    edge(from.clone(), node_id(&s.stack_name, d), "depends".into());
                }
            }
        }
        let _ = writeln!(
            out,
            "  subgraph {}[\"{}\"]",
            group_id(&s.stack_name),
            label(&s.stack_name)
        );
        for (group, nodes) in &groups {
            let indent = if group.is_empty() { "    " } else { "      " };
            if !group.is_empty() {
                let _ = writeln!(
                    out,
                    "    subgraph {}[\"{}\"]",
                    group_id(&format!("{}/{group}", s.stack_name)),
                    label(group)
                );
            }
            for (id, text) in nodes {
                let _ = writeln!(out, "{indent}{id}[\"{}\"]", label(text));
            }
            if !group.is_empty() {
                out.push_str("    end\n");
            }
        }
        out.push_str("  end\n");
    }
    for ((from, to), kind) in &edges {
        let arrow = if kind == "depends" { "-.->" } else { "-->" };
        let _ = writeln!(out, "  {from} {arrow}|{kind}| {to}");
    }
    out
}
