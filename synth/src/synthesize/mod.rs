//! Synthesis: aspects run, every stack renders (handles of other stacks become imports),
//! producers get the exports their consumers import, stacks are ordered by dependency
//! (a cycle is an error naming both paths), then each template is checked (references,
//! names, limits) and serialized. Any error anywhere: nothing is produced.

mod exports;
mod registry;

use crate::asset::Asset;
use crate::cross_stack::{self, Import};
use crate::diagnostics::{Diagnostic, Severity, SynthError};
use crate::hashing::{HashMap, IndexMap};
use crate::json::{JsonMap, JsonValue};
use crate::l1::Check;
use crate::parts::{Output, Parameter};
use crate::render::{Render, ToJson};
use crate::rules;
use crate::stack::{ResourceEntry, Stack};
use crate::stack_id::StackId;
use crate::validate;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The result of synthesizing one stack.
#[derive(Debug, Clone)]
pub struct Synthesized {
    pub stack_name: String,
    /// The rendered template ([`Synthesized::tree`]).
    tree: JsonValue,
    /// The same as `serde_json::Value`, made on first use ([`Synthesized::template`]).
    template: std::sync::OnceLock<serde_json::Value>,
    pub warnings: Vec<Diagnostic>,
    /// Findings of kind info (from aspects), printed by the CLI.
    pub infos: Vec<Diagnostic>,
    pub assets: Vec<Asset>,
    /// Stacks to deploy before this one: those it imports from, and those added with
    /// [`Stack::add_stack_dependency`].
    pub dependencies: Vec<String>,
    /// Tags applied at the stack's root: passed to CloudFormation at deploy.
    pub tags: BTreeMap<String, String>,
    pub termination_protection: bool,
    /// The account and region the stack is bound to, if any.
    pub account: Option<String>,
    pub region: Option<String>,
    /// What the rules found ([`crate::rules`]).
    pub rules: crate::rules::Summary,
    json: String,
}

impl Synthesized {
    /// The template as a `serde_json::Value` (keys in the template's order), for tests and
    /// tools: made from [`Synthesized::tree`] on first use.
    pub fn template(&self) -> &serde_json::Value {
        self.template.get_or_init(|| (&self.tree).into())
    }

    /// The rendered template as the checks read it, without a conversion.
    pub fn tree(&self) -> &JsonValue {
        &self.tree
    }

    /// The template as JSON, two-space indented, with a final newline. Byte-identical for
    /// the same program on any machine.
    pub fn to_json(&self) -> String {
        self.json.clone()
    }

    /// [`Synthesized::to_json`] without a copy.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The template as YAML.
    pub fn to_yaml(&self) -> String {
        crate::yaml::to_string(&self.tree)
    }

    /// Size in bytes of the JSON template, as deploy would send it.
    pub fn size(&self) -> usize {
        self.json.len()
    }
}

/// One stack rendered, before exports are added and checks run.
struct Rendered {
    stack: Stack,
    template: JsonMap,
    diags: Vec<Diagnostic>,
    imports: Vec<(Import, String)>,
    depends_on: BTreeSet<StackId>,
}

/// Drops `value`, or, in a process that ends with the command (`App::run`), leaves it to
/// the OS with the rest of the process: freeing a large tree block by block takes longer
/// than the process has left (2 % of the platform's synth in instructions).
pub(crate) fn discard<T>(value: T, ends_process: bool) {
    if ends_process {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// How a stack came to depend on another it does not import from, in a cycle's message.
const EXPLICIT: &str = "Stack::add_stack_dependency";

/// Synthesizes `stacks` together; the result is in the same order. Renders every stack
/// (what each imports decides what the others export), then finishes
/// (rules, references, limits, serialization) the stacks named in `wanted` and the stacks
/// they depend on, or every stack when `wanted` is empty.
/// With `ends_process`, what is not returned is left to the OS ([`discard`]).
pub(crate) fn synth_stacks(
    stacks: &[Stack],
    rules: crate::rules::Mode,
    wanted: &[String],
    ends_process: bool,
) -> Result<Vec<Synthesized>, SynthError> {
    let producers: Rc<HashMap<StackId, String>> = Rc::new(
        stacks
            .iter()
            .map(|s| (s.id(), s.name().to_string()))
            .collect(),
    );
    let mut rendered: Vec<Rendered> = stacks
        .iter()
        .map(|s| {
            crate::aspects::run(s);
            render(s, &producers)
        })
        .collect();
    let index: HashMap<StackId, usize> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id(), i))
        .collect();

    // Exports for the imports, and the stack dependency graph.
    let mut exports: Vec<BTreeMap<String, Import>> = vec![BTreeMap::new(); stacks.len()];
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); stacks.len()];
    let mut first_use: HashMap<(usize, usize), String> = HashMap::default();
    let mut diagnostics = Vec::new();
    for (i, r) in rendered.iter().enumerate() {
        for (import, user) in &r.imports {
            let Some(&p) = index.get(&import.producer) else {
                continue;
            };
            if exports[p]
                .insert(import.output_id(), import.clone())
                .is_none()
            {
                diagnostics.extend(exports::check_import(
                    &stacks[i],
                    &rendered[p].stack,
                    &rendered[p].template,
                    import,
                    user,
                ));
            }
            first_use.entry((i, p)).or_insert_with(|| user.clone());
        }
        for d in &r.depends_on {
            if let Some(&p) = index.get(d) {
                first_use
                    .entry((i, p))
                    .or_insert_with(|| r.stack.name().to_string());
            }
        }
        for (other, _) in &r.stack.read().dependencies {
            if let Some(&p) = index.get(other) {
                first_use
                    .entry((i, p))
                    .or_insert_with(|| EXPLICIT.to_string());
            }
        }
        let explicit: Vec<StackId> = r.stack.read().dependencies.iter().map(|d| d.0).collect();
        for id in r
            .imports
            .iter()
            .map(|(i, _)| i.producer)
            .chain(r.depends_on.iter().copied())
            .chain(explicit)
        {
            if let Some(&p) = index.get(&id) {
                if !deps[i].contains(&p) {
                    deps[i].push(p);
                }
            }
        }
    }
    for r in &rendered {
        for (name, other) in r.stack.read().dependencies.iter().map(|d| (&d.1, d.0)) {
            if !index.contains_key(&other) {
                diagnostics.push(Diagnostic::error(
                    r.stack.name(),
                    format!("depends on stack `{name}`, which is not in this app"),
                    format!("add `{name}` to the app, or remove the dependency"),
                ));
            }
        }
    }
    if let Err(cycle) = cross_stack::order(&deps) {
        let hops: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let (a, b) = (stacks[w[0]].name(), stacks[w[1]].name());
                match first_use.get(&(w[0], w[1])) {
                    Some(at) if at != EXPLICIT => format!("`{a}` uses `{b}` (at {at})"),
                    _ => format!("`{a}` depends on `{b}` ({EXPLICIT})"),
                }
            })
            .collect();
        diagnostics.push(Diagnostic::error(
            stacks[cycle[0]].name(),
            format!("stacks depend on each other in a cycle: {}", hops.join(", ")),
            "move the shared resource into its own stack that both use, or pass the value the other way (a parameter)",
        ));
    }

    // The named stacks and, transitively, what they depend on.
    let mut needed: Vec<bool> = stacks
        .iter()
        .map(|s| wanted.is_empty() || wanted.iter().any(|w| w == s.name()))
        .collect();
    let mut todo: Vec<usize> = (0..stacks.len()).filter(|&i| needed[i]).collect();
    while let Some(i) = todo.pop() {
        for &p in &deps[i] {
            if !needed[p] {
                needed[p] = true;
                todo.push(p);
            }
        }
    }
    let mut out = Vec::with_capacity(stacks.len());
    for (i, r) in rendered.drain(..).enumerate() {
        if !needed[i] {
            // Not finished, but its constructs' errors are errors of the app all the same.
            let mut r = r;
            let diags = std::mem::take(&mut r.diags);
            diagnostics.extend(diags.into_iter().filter(Diagnostic::is_error));
            discard(r, ends_process);
            continue;
        }
        let dependencies = deps[i]
            .iter()
            .map(|&p| stacks[p].name().to_string())
            .collect();
        match finish(r, &exports[i], dependencies, rules) {
            Ok(s) => out.push(s),
            Err(e) => diagnostics.extend(e.diagnostics),
        }
    }
    diagnostics.extend(registry::check_activations(&out));
    diagnostics.extend(exports::check_unique(&out));
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.sort_by_key(|d| d.severity);
        return Err(SynthError { diagnostics });
    }
    Ok(out)
}

/// Renders one stack's sections (resources in logical ID order).
fn render(stack: &Stack, producers: &Rc<HashMap<StackId, String>>) -> Rendered {
    let data = stack.read();
    let mut diags = data.diagnostics.clone();
    let construct_time = diags.len();
    validate::stack_name(stack.name(), &mut diags);
    let mut cx = Render::in_app(stack.id(), producers.clone());
    let mut imports = Vec::new();
    let mut depends_on = BTreeSet::new();
    let mut resources = JsonMap::with_capacity(data.resources.len());
    let mut ids: Vec<&String> = data.resources.keys().collect();
    ids.sort();
    let tags = crate::tags::Resolver::new(stack.name(), &data.tags);
    for lid in ids {
        let e = &data.resources[lid];
        let mut check = Check::default();
        e.props.check(&mut check);
        let typed = check.violations;
        let mut props = e.props.render(&mut cx);
        for (path, value) in &e.overrides {
            let value = value.as_ref().map(|v| v.to_json(&mut cx));
            if let Err(why) = props.set_path(path, value) {
                diags.push(
                    Diagnostic::error(
                        e.path.clone(),
                        format!("property override `{path}`: {why}"),
                        "address an existing item by its index, or override the whole list",
                    )
                    .with_logical_id(lid.clone())
                    .with_property(format!("Properties.{path}")),
                );
            }
        }
        let mut violations = typed;
        if let (Some(shape), Some(object)) = (e.props.shape(), props.as_object()) {
            // Conditions between property values need the rendered values. Overrides
            // bypass the typed structs: then the whole result is checked against the
            // schema's shape (a property the type has, each value's JSON type and rules),
            // each violation reported once when the typed check found it too.
            let mut check = Check::default();
            if e.overrides.is_empty() {
                shape.check_conditions(object, &mut check);
            } else {
                shape.check(object, &mut check);
            }
            let new: Vec<_> = check
                .violations
                .into_iter()
                .filter(|v| !violations.contains(v))
                .collect();
            violations.extend(new);
        }
        for v in violations {
            diags.push(
                Diagnostic::error(e.path.clone(), v.message, v.fix)
                    .with_logical_id(lid.clone())
                    .with_property(if v.property.is_empty() {
                        "Properties".to_string()
                    } else {
                        format!("Properties.{}", v.property)
                    }),
            );
        }
        tags.apply(e, lid, &mut props, &mut diags);
        let resource = validate::Resource {
            type_name: e.props.type_name(),
            props: &props,
            path: &e.path,
            logical_id: lid,
        };
        validate::names::check(&resource, &mut diags);
        validate::lint::check(&resource, &mut diags);
        validate::quotas::check(&resource, &mut diags);
        validate::documents::check(&resource, &mut diags);
        validate::sections::check_removal(
            e.props.type_name(),
            &e.options,
            &e.path,
            lid,
            &mut diags,
        );
        take_crossings(&mut cx, &e.path, Some(lid), &mut imports, &mut diags);
        let resource = render_resource(e, props, &mut cx, &mut depends_on);
        take_crossings(&mut cx, &e.path, Some(lid), &mut imports, &mut diags);
        // Logical IDs are the keys of a map: each is added once.
        resources.push(lid.clone(), resource);
    }

    let mut t = JsonMap::new();
    t.insert("AWSTemplateFormatVersion", "2010-09-09".into());
    if let Some(d) = &data.props.description {
        t.insert("Description", d.clone().into());
    }
    for (name, p) in &data.parameters {
        validate::parameters::check(stack.name(), name, p, &mut diags);
    }
    section(&mut t, "Parameters", &data.parameters, |p| {
        render_parameter(p, &mut cx)
    });
    section(&mut t, "Conditions", &data.conditions, |c| {
        c.to_json(&mut cx)
    });
    section(&mut t, "Mappings", &data.mappings, |m| m.to_json(&mut cx));
    take_crossings(&mut cx, stack.name(), None, &mut imports, &mut diags);
    t.insert("Resources", JsonValue::Object(resources));
    let mut names: Vec<&String> = data.outputs.keys().collect();
    names.sort();
    let mut outputs = JsonMap::new();
    for k in names {
        let output = render_output(&data.outputs[k], &mut cx);
        let at = format!("{}/Outputs/{k}", stack.name());
        if output["Value"]
            .as_object()
            .is_some_and(|v| v.len() == 1 && v.contains_key("Fn::ImportValue"))
        {
            // cfn-lint W6001: an output that only repeats another stack's export.
            diags.push(Diagnostic::warning(
                at.clone(),
                "this output only repeats a value another stack of the app exports",
                "read the value from the stack that owns it (its export), or output something this stack computes",
            ));
        }
        outputs.push(k.clone(), output);
        take_crossings(&mut cx, &at, None, &mut imports, &mut diags);
    }
    if !outputs.is_empty() {
        t.insert("Outputs", JsonValue::Object(outputs));
    }
    drop(data);
    drop_repeats(&mut diags, construct_time);
    Rendered {
        stack: stack.clone(),
        template: t,
        diags,
        imports,
        depends_on,
    }
}

/// Drops a finding on a resource's property that a construct already reported as an
/// error when it was built (the first `construct_time` findings): a construct at the
/// resource's path or its parent's (`Fn` for `Fn/Resource`), on the property of that
/// name (a table's `GlobalSecondaryIndexes` covers `GlobalSecondaryIndexes[0].IndexName`).
/// The construct's message, in the units it was given in ("100 MiB"), stays; the rendered
/// value's ("100 is below the minimum 128") would say the same mistake again.
fn drop_repeats(diags: &mut Vec<Diagnostic>, construct_time: usize) {
    let rendered = diags.split_off(construct_time);
    let reported = |d: &Diagnostic| {
        let Some(property) = d
            .property
            .as_deref()
            .and_then(|p| p.strip_prefix("Properties."))
        else {
            return false;
        };
        let name = property.split(['.', '[']).next().unwrap_or(property);
        let parent = d.path.rsplit_once('/').map_or("", |(p, _)| p);
        d.logical_id.is_some()
            && diags.iter().any(|b| {
                b.is_error()
                    && b.property.as_deref() == Some(name)
                    && (b.path == d.path || b.path == parent)
            })
    };
    let kept: Vec<Diagnostic> = rendered.into_iter().filter(|d| !reported(d)).collect();
    diags.extend(kept);
}

fn section<T>(
    t: &mut JsonMap,
    name: &'static str,
    items: &IndexMap<String, T>,
    mut f: impl FnMut(&T) -> JsonValue,
) {
    if !items.is_empty() {
        // The keys of a map: each is added once.
        let mut m = JsonMap::with_capacity(items.len());
        for (k, v) in items {
            m.push(k.clone(), f(v));
        }
        t.insert(name, JsonValue::Object(m));
    }
}

/// Moves what crossed stacks while rendering `path` out of the context: imports are kept,
/// names of stacks outside the app (or conditions, which cannot cross) are errors.
fn take_crossings(
    cx: &mut Render,
    path: &str,
    lid: Option<&String>,
    imports: &mut Vec<(Import, String)>,
    diags: &mut Vec<Diagnostic>,
) {
    imports.extend(cx.imports.drain(..).map(|i| (i, path.to_string())));
    for name in cx.foreign.drain(..) {
        let mut d = Diagnostic::error(
            path,
            format!("refers to `{name}` of another stack, which cannot be imported here"),
            "a handle of another stack is imported only when both stacks are in one App (add them, then synth the App); a condition cannot cross stacks: declare it in this stack",
        );
        if let Some(l) = lid {
            d = d.with_logical_id(l.clone());
        }
        diags.push(d);
    }
}

/// Adds the exports, checks, serializes.
fn finish(
    mut r: Rendered,
    exports: &BTreeMap<String, Import>,
    dependencies: Vec<String>,
    rules: crate::rules::Mode,
) -> Result<Synthesized, SynthError> {
    let name = r.stack.name().to_string();
    if !exports.is_empty() {
        let outputs = r
            .template
            .get_or_insert_with("Outputs", || JsonValue::Object(JsonMap::new()));
        if let Some(outputs) = outputs.as_object_mut() {
            for (id, import) in exports {
                if outputs.contains_key(id) {
                    r.diags.push(Diagnostic::error(
                        format!("{name}/Outputs/{id}"),
                        format!(
                            "output `{id}` is also the export of `{}` that another stack imports",
                            import.export_name
                        ),
                        "rename your output (names starting with `Export` are escdk's)",
                    ));
                    continue;
                }
                outputs.insert(id.clone(), import.output());
            }
            outputs.sort_keys();
        }
    }
    let mut template = JsonValue::Object(r.template);
    let mut diags = r.diags;
    // The references first: the rules read who refers to whom from what the check found
    // (they change only resources' metadata, which holds no reference).
    let edges = validate::references::check(&name, &template, &mut diags);
    let rules = crate::rules::run(r.stack.id(), &mut template, &edges, rules, &mut diags);
    validate::names::check_unique(&name, &template, &mut diags);
    validate::lint::check_subnets(&name, &template, &mut diags);
    validate::quotas::check_security_groups(&name, &template, &mut diags);
    // Templates here take 1.3 to 1.6 KB a resource; memory reserved and not written is
    // never touched, so the estimate errs high.
    let resources = template["Resources"].as_object().map_or(0, |r| r.len());
    let json =
        crate::json_text::pretty_into(&template, String::with_capacity(8192 + 2048 * resources));
    validate::limits::check(&name, &template, json.len(), &mut diags);
    diags.sort_by_key(|d| d.severity);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(SynthError { diagnostics: diags });
    }
    let data = r.stack.read();
    Ok(Synthesized {
        stack_name: name.clone(),
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .cloned()
            .collect(),
        infos: diags
            .into_iter()
            .filter(|d| d.severity == Severity::Info)
            .collect(),
        assets: data.assets.clone(),
        dependencies,
        tags: crate::tags::Resolver::new(&name, &data.tags).stack_tags(),
        termination_protection: data.props.termination_protection,
        account: data.props.env.account.clone(),
        region: data.props.env.region.clone(),
        rules,
        tree: template,
        template: std::sync::OnceLock::new(),
        json,
    })
}

fn render_resource(
    e: &ResourceEntry,
    props: JsonValue,
    cx: &mut Render,
    stack_deps: &mut BTreeSet<StackId>,
) -> JsonValue {
    let mut r = JsonMap::with_capacity(4);
    r.push("Type", e.props.type_name().into());
    if props.as_object().is_some_and(|o| !o.is_empty()) {
        r.push("Properties", props);
    }
    let mut deps: Vec<String> = Vec::new();
    for h in &e.options.depends_on {
        if h.stack == cx.stack() {
            deps.push(h.logical_id.clone());
        } else if cx.is_producer(h.stack) {
            // A resource of another stack: that whole stack is deployed first.
            stack_deps.insert(h.stack);
        } else {
            cx.foreign_reference(&h.logical_id);
        }
    }
    deps.sort();
    deps.dedup();
    if !deps.is_empty() {
        r.push("DependsOn", deps.into());
    }
    if let Some(c) = &e.options.condition {
        if c.stack != cx.stack() {
            cx.foreign_reference(&c.name);
        }
        r.push("Condition", c.name.clone().into());
    }
    if let Some(p) = e.options.deletion_policy {
        r.push("DeletionPolicy", p.name().into());
    }
    if let Some(p) = e.options.update_replace_policy {
        r.push("UpdateReplacePolicy", p.name().into());
    }
    let mut metadata = match &e.options.metadata {
        Some(m) => m.to_json(cx),
        None => JsonValue::Object(JsonMap::with_capacity(1)),
    };
    if let Some(m) = metadata.as_object_mut() {
        m.insert(crate::metadata::PATH, e.path.clone().into());
    }
    r.push("Metadata", metadata);
    JsonValue::Object(r)
}

fn render_parameter(p: &Parameter, cx: &mut Render) -> JsonValue {
    let mut m = JsonMap::new();
    m.insert("Type", p.kind.clone().into());
    if let Some(d) = &p.description {
        m.insert("Description", d.clone().into());
    }
    if let Some(d) = &p.default {
        m.insert("Default", d.to_json(cx));
    }
    if !p.allowed_values.is_empty() {
        let v = p.allowed_values.iter().map(|v| v.to_json(cx)).collect();
        m.insert("AllowedValues", JsonValue::Array(v));
    }
    if let Some(a) = &p.allowed_pattern {
        m.insert("AllowedPattern", a.clone().into());
    }
    if let Some(n) = p.min_length {
        m.insert("MinLength", n.into());
    }
    if let Some(n) = p.max_length {
        m.insert("MaxLength", n.into());
    }
    if let Some(n) = p.min_value {
        m.insert("MinValue", n.to_json(cx));
    }
    if let Some(n) = p.max_value {
        m.insert("MaxValue", n.to_json(cx));
    }
    if let Some(c) = &p.constraint_description {
        m.insert("ConstraintDescription", c.clone().into());
    }
    if p.no_echo {
        m.insert("NoEcho", true.into());
    }
    JsonValue::Object(m)
}

fn render_output(o: &Output, cx: &mut Render) -> JsonValue {
    let mut m = JsonMap::new();
    if let Some(d) = &o.description {
        m.insert("Description", d.clone().into());
    }
    m.insert("Value", o.value.to_json(cx));
    if let Some(e) = &o.export_name {
        m.insert("Export", JsonValue::one("Name", e.to_json(cx)));
    }
    if let Some(c) = &o.condition {
        if c.stack != cx.stack() {
            cx.foreign_reference(&c.name);
        }
        m.insert("Condition", c.name.clone().into());
    }
    JsonValue::Object(m)
}

/// Synthesis of one stack alone, defined with synthesis (the stack knows nothing of it).
impl Stack {
    /// Validates and renders this stack alone. A handle of another stack is an error here;
    /// add both stacks to one [`crate::App`] to have the reference exported and imported.
    /// The rule pack is not run (see [`synth_with_rules`](Self::synth_with_rules)).
    pub fn synth(&self) -> Result<Synthesized, SynthError> {
        self.synth_with_rules(rules::Mode::Off)
    }

    /// [`synth`](Self::synth), with the rule pack run as `rules` says ([`crate::rules`]).
    pub fn synth_with_rules(&self, rules: rules::Mode) -> Result<Synthesized, SynthError> {
        let mut all = synth_stacks(std::slice::from_ref(self), rules, &[], false)?;
        Ok(all.remove(0))
    }
}
