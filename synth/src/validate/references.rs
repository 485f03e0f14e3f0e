//! Every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `DependsOn`, condition and mapping name in
//! the rendered template resolves, `GetAtt` names an attribute the type has, and resources do
//! not depend on each other in a cycle (CloudFormation rejects all of these at deploy time).
//!
//! This runs on the rendered JSON, so it also covers property overrides and raw documents.

use super::functions::{self, Section};
use super::sections;
use crate::cfn::attributes_of;
use crate::diagnostics::{Diagnostic, Severity};
use crate::hashing::{HashMap, HashSet};
use crate::json::JsonValue;
use crate::pseudo::Pseudo;

/// How a `DependsOn` is named in a finding (the one reference that is an error when the
/// resource it names may not exist, as in cfn-lint).
const DEPENDS_ON: &str = "`DependsOn`";

/// The names a template declares, borrowed from it (looked up once for every reference).
struct Names<'a> {
    parameters: HashSet<&'a str>,
    /// Logical ID to resource type and the ID's rank among the template's logical IDs in
    /// sorted order (the dependency graph's node).
    resources: HashMap<&'a str, (&'a str, u32)>,
    /// Parameters whose values are lists, and those marked `NoEcho`.
    list_parameters: HashSet<&'a str>,
    no_echo: HashSet<&'a str>,
    conditions: HashSet<&'a str>,
    mappings: HashMap<&'a str, &'a JsonValue>,
    /// The condition of each resource that has one (empty in most templates).
    conditional: HashMap<&'a str, &'a str>,
    /// For a condition `Fn::And` of others (`{"Condition": ...}`), those others: when it
    /// holds, so do they.
    conjuncts: HashMap<&'a str, Vec<&'a str>>,
}

impl Names<'_> {
    /// Whether `condition` holding makes `target` hold: the same name, or `target` one of
    /// its `Fn::And`'s conditions, however deep (a bounded walk: conditions can refer to
    /// each other in a cycle, which CloudFormation refuses on its own).
    fn implies(&self, condition: &str, target: &str) -> bool {
        let mut todo = vec![condition];
        let mut seen = 0;
        while let Some(c) = todo.pop() {
            if c == target {
                return true;
            }
            seen += 1;
            if seen > 64 {
                return false;
            }
            if let Some(more) = self.conjuncts.get(c) {
                todo.extend(more.iter().copied());
            }
        }
        false
    }
}

/// Walks one resource (or output, or condition) of a template whose strings live for `'a`.
struct Walker<'a, 'd> {
    names: &'d Names<'a>,
    /// Error location: the construct path, when the resource has one, else made from
    /// `place` (only for an error).
    path: Option<&'a str>,
    place: Place<'d>,
    lid: Option<&'a str>,
    /// The property being walked, as the template's own keys (copied only for an error).
    prop: Vec<&'a str>,
    /// Ranks of the resources the current resource depends on (for the cycle check), in
    /// the order found, with repeats.
    edges: Vec<u32>,
    /// The section walked (in `Conditions`, evaluated before any resource exists).
    section: Section,
    /// Inside an `Fn::ImportValue`, resolved before any resource exists.
    in_import: bool,
    /// The parameters, conditions and mappings the template uses.
    used: &'d mut Used<'a>,
    /// Conditions known to hold where the walk is: the resource's or output's own, and
    /// those of the `Fn::If`s whose first branch it is in.
    holds: Vec<&'a str>,
    diags: &'d mut Vec<Diagnostic>,
}

/// The members of a template's `section`, in the template's order.
fn declared<'a>(
    template: &'a JsonValue,
    section: &str,
) -> impl Iterator<Item = (&'a str, &'a JsonValue)> {
    template
        .get(section)
        .and_then(JsonValue::as_object)
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
}

/// Where a walk is, for an error without a construct path: `stack/lid` for a resource,
/// `stack/section/name` for an output or condition.
#[derive(Clone, Copy)]
struct Place<'d> {
    stack: &'d str,
    section: Option<&'static str>,
    name: &'d str,
}

impl Place<'_> {
    fn path(&self) -> String {
        match self.section {
            Some(section) => format!("{}/{section}/{}", self.stack, self.name),
            None => format!("{}/{}", self.stack, self.name),
        }
    }
}

impl<'a> Walker<'a, '_> {
    fn error(&mut self, message: String, fix: &str) {
        self.report(Severity::Error, message, fix);
    }

    /// A finding where the walk is.
    fn report(&mut self, severity: Severity, message: String, fix: &str) {
        let path = self.path.map_or_else(|| self.place.path(), str::to_string);
        let mut d = Diagnostic::error(path, message, fix);
        d.severity = severity;
        if let Some(l) = self.lid {
            d = d.with_logical_id(l);
        }
        if !self.prop.is_empty() {
            d = d.with_property(self.prop.join("."));
        }
        self.diags.push(d);
    }

    /// A condition can read parameters and pseudo parameters only: an error for the
    /// resource `lid` there, and whether this is a condition.
    fn resource_in_condition(&mut self, lid: &str) -> bool {
        if self.in_import {
            self.error(
                format!("`Fn::ImportValue` reads resource `{lid}`: an import is resolved before any resource exists"),
                "import by a literal export name, or one made from parameters and pseudo parameters",
            );
            return true;
        }
        if self.section == Section::Conditions {
            self.error(
                format!("the condition reads resource `{lid}`: conditions are evaluated before any resource exists"),
                "base the condition on a parameter or a pseudo parameter; or choose between the values with `Fn::If` where they are used",
            );
        }
        self.section == Section::Conditions
    }

    fn check_ref(&mut self, name: &'a str) {
        if let Some(&(_, rank)) = self.names.resources.get(name) {
            if !self.resource_in_condition(name) {
                self.edges.push(rank);
                self.check_exists(name, "`Ref`");
            }
        } else if self.names.parameters.contains(name) {
            self.used.parameters.insert(name);
            if self.section == Section::Outputs && self.names.no_echo.contains(name) {
                self.error(
                    format!("the output shows parameter `{name}`, which is `NoEcho`: its value would be printed in the clear by every describe-stacks"),
                    "do not output a secret; pass it as a Secrets Manager reference instead",
                );
            }
        } else if !Pseudo::ALL.iter().any(|p| p.name() == name) {
            self.error(
                format!("`Ref` to `{name}`, which is not a resource, parameter or pseudo parameter of this stack"),
                "refer to resources through their handles, and add the resource to this stack",
            );
        }
    }

    fn check_get_att(&mut self, lid: &'a str, attr: &str) {
        let found = self.names.resources.get(lid).copied();
        if self.section == Section::Conditions || self.in_import {
            if found.is_some() {
                self.resource_in_condition(lid);
            }
            return;
        }
        match found {
            None => self.error(
                format!("`Fn::GetAtt` on `{lid}`, which is not a resource of this stack"),
                "use the attribute accessors of a handle to a resource in this stack",
            ),
            Some((type_name, rank)) => {
                self.edges.push(rank);
                self.check_exists(lid, "`Fn::GetAtt`");
                if let Some(attrs) = attributes_of(type_name) {
                    if !attrs.contains(&attr) {
                        self.error(
                            format!("`{type_name}` has no attribute `{attr}` for `Fn::GetAtt`"),
                            &format!("use one of: {}", attrs.join(", ")),
                        );
                    }
                }
            }
        }
    }

    fn check_sub(&mut self, template: &'a str, vars: Option<&crate::json::JsonMap>) {
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                self.error(
                    format!("`Fn::Sub` string has an unclosed `${{`: `{template}`"),
                    "close the variable with `}`, or write `${!` for a literal `${`",
                );
                return;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if name.starts_with('!') || vars.is_some_and(|v| v.contains_key(name)) {
                continue;
            }
            if self.names.list_parameters.contains(name) {
                self.error(
                    format!("`Fn::Sub` substitutes `${{{name}}}`, a list parameter: it substitutes strings"),
                    "join the list into a variable: fns::sub_with(.., [(name, fns::join(\",\", list))])",
                );
            }
            match name.split_once('.') {
                Some((lid, attr)) if !name.starts_with("AWS::") => self.check_get_att(lid, attr),
                _ => self.check_ref(name),
            }
        }
    }

    /// A reference to a resource with a condition, from where that condition is not known
    /// to hold: when it is false the resource is not created and CloudFormation refuses
    /// the template ("Unresolved resource dependencies"). A warning for `Ref`, `GetAtt`
    /// and `Sub`, as cfn-lint's W1001; an error for `DependsOn`, as its E3005.
    fn check_exists(&mut self, lid: &str, how: &str) {
        let Some(&condition) = self.names.conditional.get(lid) else {
            return;
        };
        if self.holds.iter().any(|h| self.names.implies(h, condition)) {
            return;
        }
        let message = format!(
            "{how} to `{lid}`, which exists only when condition `{condition}` is true: when it \
             is false, CloudFormation refuses the template (unresolved dependency)"
        );
        let (severity, fix) = if how == DEPENDS_ON {
            (
                Severity::Error,
                format!(
                    "give this resource the same condition (`{condition}`), or remove the \
                     dependency"
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "give this the same condition (`{condition}`), or choose the value with \
                     `Fn::If` on `{condition}` (`fns::if_`, `AWS::NoValue` when it is false)"
                ),
            )
        };
        self.report(severity, message, &fix);
    }

    /// `Fn::FindInMap` with literal keys: both are in the mapping (CloudFormation fails the
    /// deploy on a key it lacks: "Unable to get mapping").
    fn check_keys(&mut self, map: &str, mapping: &JsonValue, args: &[JsonValue]) {
        let (Some(top), Some(second)) = (
            args.get(1).and_then(JsonValue::as_str),
            args.get(2).and_then(JsonValue::as_str),
        ) else {
            return;
        };
        let Some(entry) = mapping.get(top) else {
            let keys = mapping
                .as_object()
                .map(|m| m.keys().map(|k| k.as_str()).collect::<Vec<_>>());
            self.error(
                format!("`Fn::FindInMap` on `{map}` with key `{top}`, which the mapping lacks"),
                &format!(
                    "use one of its keys: {}",
                    keys.unwrap_or_default().join(", ")
                ),
            );
            return;
        };
        if entry.get(second).is_none() {
            let keys = entry
                .as_object()
                .map(|m| m.keys().map(|k| k.as_str()).collect::<Vec<_>>());
            self.error(
                format!("`Fn::FindInMap` on `{map}`, `{top}` with key `{second}`, which the mapping lacks"),
                &format!("use one of its keys: {}", keys.unwrap_or_default().join(", ")),
            );
        }
    }

    fn check_condition(&mut self, name: &'a str) {
        self.used.conditions.insert(name);
        if !self.names.conditions.contains(name) {
            self.error(
                format!("condition `{name}` is not declared in this stack"),
                "declare it with Stack::add_condition and use its handle",
            );
        }
    }

    fn walk(&mut self, v: &'a JsonValue) {
        match v {
            JsonValue::Array(items) => {
                for item in items {
                    self.walk(item);
                }
            }
            JsonValue::Object(m) => {
                if m.len() == 1 {
                    let (k, arg) = m.iter().next().expect("one entry");
                    let k = k.as_str();
                    if k == "Ref" || k.starts_with("Fn::") {
                        let names = self.names;
                        let lists = |p: &str| names.list_parameters.contains(p);
                        if let Some((message, fix)) = functions::check(k, arg, self.section, &lists)
                        {
                            self.error(message, &fix);
                        } else if let Some((message, fix)) = functions::warning(k, arg) {
                            self.report(Severity::Warning, message, &fix);
                        }
                    }
                    match (k, arg) {
                        ("Ref", JsonValue::String(name)) => return self.check_ref(name),
                        ("Fn::GetAtt", JsonValue::Array(a)) => {
                            if let (Some(lid), Some(attr)) = (
                                a.first().and_then(JsonValue::as_str),
                                a.get(1).and_then(JsonValue::as_str),
                            ) {
                                self.check_get_att(lid, attr);
                            }
                            return;
                        }
                        ("Fn::GetAtt", JsonValue::String(s)) => {
                            if let Some((lid, attr)) = s.split_once('.') {
                                self.check_get_att(lid, attr);
                            }
                            return;
                        }
                        ("Fn::Sub", JsonValue::String(s)) => return self.check_sub(s, None),
                        ("Fn::Sub", JsonValue::Array(a)) => {
                            let vars = a.get(1).and_then(JsonValue::as_object);
                            if let Some(s) = a.first().and_then(JsonValue::as_str) {
                                self.check_sub(s, vars);
                            }
                            if let Some(vars) = vars {
                                for v in vars.values() {
                                    self.walk(v);
                                }
                            }
                            return;
                        }
                        ("Fn::If", JsonValue::Array(a)) => {
                            let c = a.first().and_then(JsonValue::as_str);
                            if let Some(c) = c {
                                self.check_condition(c);
                            }
                            for (i, branch) in a.iter().enumerate().skip(1) {
                                let held = i == 1 && c.is_some();
                                if held {
                                    self.holds.extend(c);
                                }
                                self.walk(branch);
                                if held {
                                    self.holds.pop();
                                }
                            }
                            return;
                        }
                        ("Condition", JsonValue::String(c)) => return self.check_condition(c),
                        ("Fn::ImportValue", _) => {
                            let outer = std::mem::replace(&mut self.in_import, true);
                            self.walk(arg);
                            self.in_import = outer;
                            return;
                        }
                        ("Fn::FindInMap", JsonValue::Array(a)) => {
                            if let Some(map) = a.first().and_then(JsonValue::as_str) {
                                self.used.mappings.insert(map);
                                if let Some(mapping) = self.names.mappings.get(map) {
                                    self.check_keys(map, mapping, a);
                                } else {
                                    self.error(
                                        format!("`Fn::FindInMap` on `{map}`, which is not a mapping of this stack"),
                                        "declare it with Stack::add_mapping",
                                    );
                                }
                            }
                            for x in a.iter().skip(1) {
                                self.walk(x);
                            }
                            return;
                        }
                        _ => {}
                    }
                }
                for (k, v) in m {
                    self.prop.push(k);
                    self.walk(v);
                    self.prop.pop();
                }
            }
            _ => {}
        }
    }
}

/// The parameters, conditions and mappings a template's resources, outputs and conditions
/// use.
#[derive(Default)]
struct Used<'a> {
    parameters: HashSet<&'a str>,
    conditions: HashSet<&'a str>,
    mappings: HashSet<&'a str>,
}

/// Which resources refer to which in a template's properties (`Ref`, `Fn::GetAtt`, and
/// resources named in `Fn::Sub`, as the check reads them), by position in `Resources`.
#[derive(Debug, Default)]
pub struct Edges {
    /// For each resource, the positions of the others its properties refer to, ascending.
    pub property: Vec<Vec<u32>>,
}

/// The references in `template`'s resource properties, without checking them (what
/// [`check`] returns, for a template not checked by it).
pub fn edges(template: &JsonValue) -> Edges {
    check("", template, &mut Vec::new())
}

/// Checks every reference in a rendered template; returns who refers to whom.
pub fn check(stack: &str, template: &JsonValue, diags: &mut Vec<Diagnostic>) -> Edges {
    let empty = crate::json::JsonMap::new();
    let resources = template
        .get("Resources")
        .and_then(JsonValue::as_object)
        .unwrap_or(&empty);
    // Ranks in sorted order: the graph is walked as a sorted map would be, so the cycle
    // reported is the same whatever the template's order.
    let mut sorted: Vec<&str> = resources.keys().map(|k| k.as_str()).collect();
    sorted.sort_unstable();
    let rank: HashMap<&str, u32> = sorted
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, i as u32))
        .collect();
    let parameters_where = |test: &dyn Fn(&JsonValue) -> bool| -> HashSet<&str> {
        declared(template, "Parameters")
            .filter(|(_, p)| test(p))
            .map(|(k, _)| k)
            .collect()
    };
    let conditional: HashMap<&str, &str> = resources
        .iter()
        .filter_map(|(k, r)| Some((k.as_str(), r.get("Condition")?.as_str()?)))
        .collect();
    let names = Names {
        list_parameters: parameters_where(&|p| {
            p.get("Type")
                .and_then(JsonValue::as_str)
                .is_some_and(functions::is_list_kind)
        }),
        no_echo: parameters_where(
            &|p| matches!(p.get("NoEcho"), Some(v) if v.as_bool() == Some(true) || v.as_str() == Some("true")),
        ),
        parameters: parameters_where(&|_| true),
        resources: resources
            .iter()
            .map(|(k, r)| {
                let type_name = r.get("Type").and_then(JsonValue::as_str).unwrap_or("");
                (k.as_str(), (type_name, rank[k.as_str()]))
            })
            .collect(),
        conditions: declared(template, "Conditions").map(|(k, _)| k).collect(),
        mappings: declared(template, "Mappings").collect(),
        // Needed only to clear a reference to a conditional resource.
        conjuncts: if conditional.is_empty() {
            HashMap::default()
        } else {
            conjuncts(template)
        },
        conditional,
    };
    let mut used = Used::default();
    let mut graph: Vec<Vec<u32>> = vec![Vec::new(); sorted.len()];
    // Resource ranks as positions in the template, and the property edges by position.
    let mut position = vec![0u32; sorted.len()];
    for (i, k) in resources.keys().enumerate() {
        position[rank[k.as_str()] as usize] = i as u32;
    }
    let mut property = Vec::with_capacity(sorted.len());
    for (lid, r) in resources {
        let path = crate::metadata::construct_path(r);
        let mut w = Walker {
            names: &names,
            path,
            place: Place {
                stack,
                section: None,
                name: lid,
            },
            lid: Some(lid),
            prop: vec!["Properties"],
            edges: Vec::new(),
            section: Section::Resources,
            in_import: false,
            used: &mut used,
            holds: r
                .get("Condition")
                .and_then(JsonValue::as_str)
                .into_iter()
                .collect(),
            diags,
        };
        if let Some(p) = r.get("Properties") {
            w.walk(p);
        }
        let own = rank[lid.as_str()];
        let mut referred: Vec<u32> = w
            .edges
            .iter()
            .filter(|&&e| e != own)
            .map(|&e| position[e as usize])
            .collect();
        referred.sort_unstable();
        referred.dedup();
        property.push(referred);
        w.prop = vec!["DependsOn"];
        let deps: Vec<&str> = match r.get("DependsOn") {
            Some(JsonValue::String(s)) => vec![s.as_str()],
            Some(JsonValue::Array(a)) => a.iter().filter_map(JsonValue::as_str).collect(),
            _ => Vec::new(),
        };
        for d in deps {
            if d == lid.as_str() {
                w.error(
                    format!("`{lid}` depends on itself"),
                    "remove the dependency",
                );
            } else if let Some(&(_, r)) = names.resources.get(d) {
                w.edges.push(r);
                w.check_exists(d, DEPENDS_ON);
            } else {
                w.error(
                    format!("`DependsOn` names `{d}`, which is not a resource of this stack"),
                    "depend on a handle of a resource in this stack",
                );
            }
        }
        w.prop = vec!["Condition"];
        if let Some(c) = r.get("Condition").and_then(JsonValue::as_str) {
            w.check_condition(c);
        }
        let mut edges = std::mem::take(&mut w.edges);
        edges.retain(|&e| e != own);
        edges.sort_unstable();
        edges.dedup();
        graph[own as usize] = edges;
    }
    for section in ["Conditions", "Outputs"] {
        if let Some(m) = template.get(section).and_then(JsonValue::as_object) {
            for (name, v) in m {
                let mut w = Walker {
                    names: &names,
                    path: None,
                    place: Place {
                        stack,
                        section: Some(section),
                        name,
                    },
                    lid: None,
                    prop: Vec::new(),
                    edges: Vec::new(),
                    section: if section == "Conditions" {
                        Section::Conditions
                    } else {
                        Section::Outputs
                    },
                    in_import: false,
                    used: &mut used,
                    holds: v
                        .get("Condition")
                        .and_then(JsonValue::as_str)
                        .filter(|_| section == "Outputs")
                        .into_iter()
                        .collect(),
                    diags,
                };
                w.walk(v);
                let lists = |p: &str| names.list_parameters.contains(p);
                let found = if section == "Conditions" {
                    sections::condition(v)
                } else {
                    sections::output(v, &lists)
                };
                if let Some((message, fix)) = found {
                    diags.push(Diagnostic::error(
                        format!("{stack}/{section}/{name}"),
                        message,
                        fix,
                    ));
                }
            }
        }
    }
    for (name, m) in declared(template, "Mappings") {
        if let Some((message, fix)) = sections::mapping(m) {
            diags.push(Diagnostic::error(
                format!("{stack}/Mappings/{name}"),
                message,
                fix,
            ));
        }
    }
    for (section, what, used) in [
        ("Parameters", "parameter", &used.parameters),
        ("Conditions", "condition", &used.conditions),
        ("Mappings", "mapping", &used.mappings),
    ] {
        for (name, _) in declared(template, section).filter(|(k, _)| !used.contains(k)) {
            diags.push(Diagnostic::warning(
                format!("{stack}/{section}/{name}"),
                format!("{what} `{name}` is declared but nothing uses it"),
                "use it, or remove it from the stack",
            ));
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        let cycle: Vec<&str> = cycle.iter().map(|&r| sorted[r as usize]).collect();
        let path = resources
            .get(cycle[0])
            .and_then(crate::metadata::construct_path)
            .unwrap_or(stack)
            .to_string();
        diags.push(Diagnostic::error(
            path,
            format!(
                "resources depend on each other in a cycle: {}",
                cycle.join(" -> ")
            ),
            "break the cycle: pass a name you choose instead of a reference, or move one \
             reference into a separate resource (for example a policy)",
        ));
    }
    Edges { property }
}

/// For each condition that is an `Fn::And`, the conditions it names directly
/// (`{"Condition": name}` among its operands).
fn conjuncts(template: &JsonValue) -> HashMap<&str, Vec<&str>> {
    declared(template, "Conditions")
        .filter_map(|(name, c)| {
            let operands = c.get("Fn::And")?.as_array()?;
            let named = operands
                .iter()
                .filter_map(|o| o.get("Condition")?.as_str())
                .collect();
            Some((name, named))
        })
        .collect()
}

/// A dependency cycle, as the list of nodes that closes it (its first node again at its
/// end), if there is one. Node `n`'s successors are `graph[n]`, sorted.
fn find_cycle(graph: &[Vec<u32>]) -> Option<Vec<u32>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut marks = vec![Mark::New; graph.len()];
    for start in 0..graph.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search; the stack holds (node, its unvisited successors,
        // taken from the end).
        let mut stack: Vec<(u32, Vec<u32>)> = Vec::new();
        marks[start] = Mark::Active;
        stack.push((start as u32, graph[start].clone()));
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match next.pop() {
                Some(succ) => match marks[succ as usize] {
                    Mark::New => {
                        marks[succ as usize] = Mark::Active;
                        stack.push((succ, graph[succ as usize].clone()));
                    }
                    Mark::Active => {
                        let from = stack.iter().position(|(n, _)| *n == succ).unwrap_or(0);
                        let mut cycle: Vec<u32> = stack[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(succ);
                        return Some(cycle);
                    }
                    Mark::Done => {}
                },
                None => {
                    marks[node as usize] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph of single-letter nodes (`A` is node 0), successors sorted.
    fn graph(edges: &[(&str, &str)]) -> Vec<Vec<u32>> {
        let node = |s: &str| u32::from(s.as_bytes()[0] - b'A');
        let mut g: Vec<Vec<u32>> = Vec::new();
        for (a, b) in edges {
            let (a, b) = (node(a), node(b));
            g.resize(g.len().max(a.max(b) as usize + 1), Vec::new());
            g[a as usize].push(b);
            g[a as usize].sort_unstable();
        }
        g
    }

    #[test]
    fn property_edges_are_by_position_in_the_template_whatever_its_order() {
        // Not in sorted order: positions and sorted ranks differ.
        let template = crate::json::JsonValue::from(serde_json::json!({"Resources": {
            "Zeta": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Alpha"}}},
            "Alpha": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Alpha"}}},
            "Mid": {"Type": "AWS::SQS::Queue", "DependsOn": "Zeta", "Properties": {
                "QueueName": {"Fn::Sub": "${Alpha}-${Zeta.Arn}-${AWS::Region}"},
                "Tags": [{"Key": "k", "Value": {"Fn::Sub": ["${Named}", {"Named": "x"}]}}]
            }}
        }}));
        let edges = edges(&template);
        // Zeta refers to Alpha; Alpha only to itself (left out); Mid to both through
        // `Fn::Sub`, while its `DependsOn` and the Sub variable `Named` are not references.
        assert_eq!(edges.property, vec![vec![1], vec![], vec![0, 1]]);
    }

    #[test]
    fn finds_a_cycle() {
        let c = find_cycle(&graph(&[("A", "B"), ("B", "C"), ("C", "A")])).unwrap();
        assert_eq!(c.first(), c.last());
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn a_diamond_is_not_a_cycle() {
        assert_eq!(
            find_cycle(&graph(&[("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])),
            None
        );
    }
}
