//! Stacks and the construct tree.
//!
//! A [`Stack`] holds parameters, conditions, mappings, resources and outputs. Constructs
//! work through a [`Scope`]: a position (path) in the stack's construct tree. Each
//! `scope.child(id)` or `scope.add(id, props)` extends the path; a path is taken once, and
//! the resource's logical ID comes from its path (see [`crate::logical_id`]).
//!
//! ```
//! use escdk_synth::{Stack, cfn::sqs::CfnQueue};
//! let mut stack = Stack::new("Demo");
//! let queue = stack.root().add("Jobs", CfnQueue {
//!     message_retention_period: Some(1_209_600.into()),
//!     sqs_managed_sse_enabled: Some(true.into()),
//!     ..Default::default()
//! });
//! assert_eq!(queue.logical_id(), "Jobs");
//! let out = stack.synth().unwrap();
//! assert!(out.to_json().contains("AWS::SQS::Queue"));
//! ```

use crate::asset::{self, Asset};
use crate::diagnostics::{Diagnostic, Severity, SynthError};
use crate::handle::{ConditionHandle, Handle, ParamHandle, StackId};
use crate::intrinsics::{fns, Expr};
use crate::json::{Json, JsonValue};
use crate::l1::{Check, Props, Render, Resource, ToJson};
use crate::logical_id;
use crate::validate;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::Path;

/// What happens to a resource when it is deleted from the stack or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Delete,
    Retain,
    RetainExceptOnCreate,
    Snapshot,
}

impl Policy {
    fn name(self) -> &'static str {
        match self {
            Policy::Delete => "Delete",
            Policy::Retain => "Retain",
            Policy::RetainExceptOnCreate => "RetainExceptOnCreate",
            Policy::Snapshot => "Snapshot",
        }
    }
}

/// The resource attributes other than `Type` and `Properties`.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    pub depends_on: Vec<Handle<()>>,
    pub condition: Option<ConditionHandle>,
    pub deletion_policy: Option<Policy>,
    pub update_replace_policy: Option<Policy>,
    pub metadata: Option<Json>,
}

/// A template parameter with its constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `String`, `Number`, `List<Number>`, `CommaDelimitedList`, or an AWS-specific type.
    pub kind: String,
    pub description: Option<String>,
    pub default: Option<Json>,
    pub allowed_values: Vec<Json>,
    pub allowed_pattern: Option<String>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub constraint_description: Option<String>,
    pub no_echo: bool,
}

impl Parameter {
    /// A `String` parameter with no constraints.
    pub fn string() -> Self {
        Parameter::of_kind("String")
    }
    /// A `Number` parameter with no constraints.
    pub fn number() -> Self {
        Parameter::of_kind("Number")
    }
    pub fn of_kind(kind: &str) -> Self {
        Parameter {
            kind: kind.to_string(),
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            constraint_description: None,
            no_echo: false,
        }
    }
}

/// A stack output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Json,
    pub description: Option<String>,
    pub export_name: Option<Json>,
    pub condition: Option<ConditionHandle>,
}

impl Output {
    pub fn new(value: impl Into<Json>) -> Self {
        Output {
            value: value.into(),
            description: None,
            export_name: None,
            condition: None,
        }
    }
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    pub fn export(mut self, name: impl Into<Json>) -> Self {
        self.export_name = Some(name.into());
        self
    }
    /// Only output the value when `condition` holds.
    pub fn condition(mut self, condition: &ConditionHandle) -> Self {
        self.condition = Some(condition.clone());
        self
    }
}

pub(crate) struct ResourceEntry {
    pub(crate) path: String,
    pub(crate) props: Box<dyn Props>,
    pub(crate) options: ResourceOptions,
    pub(crate) overrides: Vec<(String, Json)>,
}

/// A CloudFormation stack being built.
pub struct Stack {
    pub(crate) id: StackId,
    name: String,
    description: Option<String>,
    parameters: IndexMap<String, Parameter>,
    conditions: IndexMap<String, Expr>,
    mappings: IndexMap<String, Json>,
    pub(crate) resources: IndexMap<String, ResourceEntry>,
    outputs: IndexMap<String, Output>,
    /// Construct path -> what took it (for duplicate ids).
    paths: HashMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    assets: Vec<Asset>,
    artifacts: IndexMap<String, String>,
}

/// The result of synthesizing one stack.
#[derive(Debug, Clone)]
pub struct Synthesized {
    pub stack_name: String,
    pub template: JsonValue,
    pub warnings: Vec<Diagnostic>,
    pub assets: Vec<Asset>,
    json: String,
}

impl Synthesized {
    /// The template as JSON, two-space indented, with a final newline. Byte-identical for
    /// the same program on any machine.
    pub fn to_json(&self) -> String {
        self.json.clone()
    }

    /// The template as YAML.
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(&self.template).unwrap_or_else(|e| format!("# yaml error: {e}\n"))
    }

    /// Size in bytes of the JSON template, as deploy would send it.
    pub fn size(&self) -> usize {
        self.json.len()
    }
}

/// A position in a stack's construct tree.
pub struct Scope<'a> {
    stack: &'a mut Stack,
    path: String,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && !id.contains('/')
}

impl Scope<'_> {
    /// The path below the stack, `""` at the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full path, starting with the stack name.
    pub fn full_path(&self) -> String {
        join_path(&self.stack.name, &self.path)
    }

    fn child_path(&mut self, id: &str, what: &str) -> String {
        let clean = if valid_id(id) {
            id.to_string()
        } else {
            let fixed = id.replace('/', "-");
            let fixed = if fixed.is_empty() {
                "Unnamed".to_string()
            } else {
                fixed
            };
            self.error(
                format!("construct id `{id}` is not valid: ids are non-empty and contain no `/`"),
                format!("use an id such as `{fixed}`"),
            );
            fixed
        };
        let path = join_path(&self.path, &clean);
        if let Some(previous) = self.stack.paths.get(&path) {
            let message = format!(
                "duplicate construct id `{clean}`: `{}` is already taken by a {previous}",
                join_path(&self.stack.name, &path)
            );
            self.stack.diagnostics.push(Diagnostic::error(
                join_path(&self.stack.name, &path),
                message,
                "give each construct under the same parent its own id",
            ));
        } else {
            self.stack.paths.insert(path.clone(), what.to_string());
        }
        path
    }

    /// A child scope for a construct with this id.
    pub fn child(&mut self, id: &str) -> Scope<'_> {
        let path = self.child_path(id, "construct");
        Scope {
            stack: self.stack,
            path,
        }
    }

    /// Adds a resource at `<this path>/<id>` and returns its handle.
    pub fn add<T: Resource>(&mut self, id: &str, props: T) -> Handle<T> {
        self.add_boxed(id, T::TYPE_NAME, Box::new(props))
    }

    fn add_boxed<T>(&mut self, id: &str, type_name: &str, props: Box<dyn Props>) -> Handle<T> {
        let path = self.child_path(id, type_name);
        let components: Vec<&str> = path.split('/').collect();
        let lid = logical_id::from_path(&components);
        let full = join_path(&self.stack.name, &path);
        if let Some(other) = self.stack.resources.get(&lid) {
            if other.path != full {
                let message = format!(
                    "logical ID `{lid}` of `{full}` collides with `{}`",
                    other.path
                );
                self.stack.diagnostics.push(Diagnostic::error(
                    full.clone(),
                    message,
                    "rename one of the two constructs",
                ));
            }
        } else if self.stack.parameters.contains_key(&lid) {
            self.stack.diagnostics.push(Diagnostic::error(
                full.clone(),
                format!("logical ID `{lid}` is already used by a parameter"),
                "rename the construct or the parameter",
            ));
        } else {
            self.stack.resources.insert(
                lid.clone(),
                ResourceEntry {
                    path: full.clone(),
                    props,
                    options: ResourceOptions::default(),
                    overrides: Vec::new(),
                },
            );
        }
        Handle::new(self.stack.id, lid, full)
    }

    /// Adds a custom resource (`Custom::<Name>`) at `<this path>/<id>`.
    pub fn add_custom(
        &mut self,
        id: &str,
        props: crate::custom::CustomResource,
    ) -> Handle<crate::custom::CustomResource> {
        let type_name = props.resource_type.clone();
        self.add_boxed(id, &type_name, Box::new(props))
    }

    /// Registers a directory asset (for example Lambda code) and returns the bucket and key
    /// the template should point at. A missing or empty directory is an error at synth.
    pub fn add_asset(&mut self, dir: &Path) -> (Expr, String) {
        let full = self.full_path();
        let hash = match asset::hash_dir(dir) {
            Ok(h) => h,
            Err(e) => {
                self.error(
                    format!("asset directory `{}` cannot be read: {e}", dir.display()),
                    "point the code path at a directory that holds the handler files",
                );
                "0".repeat(64)
            }
        };
        let asset = Asset {
            path: full,
            source: dir.to_path_buf(),
            hash,
        };
        let key = asset.key();
        // One upload per content: functions sharing a code directory share the asset.
        if !self.stack.assets.iter().any(|a| a.hash == asset.hash) {
            self.stack.assets.push(asset);
        }
        (fns::sub(asset::ASSET_BUCKET), key)
    }

    /// A physical name unique to this scope's path in its stack (see
    /// [`logical_id::physical_name`]), for resources AWS requires a name for.
    pub fn physical_name(&self, max_len: usize) -> String {
        logical_id::physical_name(&self.stack.name, &self.path, max_len)
    }

    /// The physical name a child with this id would get (see [`Scope::physical_name`]).
    pub fn child_physical_name(&self, id: &str, max_len: usize) -> String {
        logical_id::physical_name(&self.stack.name, &join_path(&self.path, id), max_len)
    }

    /// Records an error at this path; synth will fail and show it.
    pub fn error(&mut self, message: impl Into<String>, fix: impl Into<String>) {
        let path = self.full_path();
        self.stack
            .diagnostics
            .push(Diagnostic::error(path, message, fix));
    }

    /// Records an error about one property of this construct's props.
    pub fn prop_error(
        &mut self,
        property: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        let path = self.full_path();
        self.stack
            .diagnostics
            .push(Diagnostic::error(path, message, fix).with_property(property));
    }

    /// Records a warning at this path.
    pub fn warning(&mut self, message: impl Into<String>, fix: impl Into<String>) {
        let path = self.full_path();
        self.stack
            .diagnostics
            .push(Diagnostic::warning(path, message, fix));
    }

    /// The stack this scope is in.
    pub fn stack(&mut self) -> &mut Stack {
        self.stack
    }
}

fn join_path(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

impl Stack {
    /// A new, empty stack. The name must be a valid CloudFormation stack name (checked at
    /// synth).
    pub fn new(name: impl Into<String>) -> Self {
        Stack {
            id: StackId::next(),
            name: name.into(),
            description: None,
            parameters: IndexMap::new(),
            conditions: IndexMap::new(),
            mappings: IndexMap::new(),
            resources: IndexMap::new(),
            outputs: IndexMap::new(),
            paths: HashMap::new(),
            diagnostics: Vec::new(),
            assets: Vec::new(),
            artifacts: IndexMap::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn set_description(&mut self, description: impl Into<String>) {
        self.description = Some(description.into());
    }

    /// The root of the construct tree.
    pub fn root(&mut self) -> Scope<'_> {
        Scope {
            stack: self,
            path: String::new(),
        }
    }

    fn top_level_name(&mut self, kind: &str, name: &str, taken: bool) {
        let valid = !name.is_empty()
            && name.len() <= logical_id::MAX_LEN
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            let path = join_path(&self.name, name);
            self.diagnostics.push(Diagnostic::error(
                path,
                format!("{kind} name `{name}` is not valid: CloudFormation allows 1 to 255 letters and digits"),
                "use only letters and digits",
            ));
        }
        if taken {
            let path = join_path(&self.name, name);
            self.diagnostics.push(Diagnostic::error(
                path,
                format!("{kind} `{name}` is declared twice"),
                format!("give each {kind} its own name"),
            ));
        }
    }

    /// Declares a parameter.
    pub fn add_parameter(&mut self, name: &str, parameter: Parameter) -> ParamHandle {
        let taken = self.parameters.contains_key(name) || self.resources.contains_key(name);
        self.top_level_name("parameter", name, taken);
        if !taken {
            self.parameters.insert(name.to_string(), parameter);
        }
        ParamHandle {
            stack: self.id,
            name: name.to_string(),
        }
    }

    /// Declares a condition (an expression built from `fns::equals`, `fns::and`, ...).
    pub fn add_condition(&mut self, name: &str, condition: Expr) -> ConditionHandle {
        let taken = self.conditions.contains_key(name);
        self.top_level_name("condition", name, taken);
        if !taken {
            self.conditions.insert(name.to_string(), condition);
        }
        ConditionHandle {
            stack: self.id,
            name: name.to_string(),
        }
    }

    /// Declares a mapping (`{TopKey: {SecondKey: value}}`).
    pub fn add_mapping(&mut self, name: &str, mapping: Json) {
        let taken = self.mappings.contains_key(name);
        self.top_level_name("mapping", name, taken);
        if !taken {
            self.mappings.insert(name.to_string(), mapping);
        }
    }

    /// Declares an output.
    pub fn add_output(&mut self, name: &str, output: Output) {
        let taken = self.outputs.contains_key(name);
        self.top_level_name("output", name, taken);
        if !taken {
            self.outputs.insert(name.to_string(), output);
        }
    }

    fn entry(&self, lid: &str, stack: StackId) -> Option<&ResourceEntry> {
        (stack == self.id)
            .then(|| self.resources.get(lid))
            .flatten()
    }

    /// The typed properties of a resource of this stack.
    pub fn get<T: Resource>(&self, handle: &Handle<T>) -> Option<&T> {
        self.entry(&handle.logical_id, handle.stack)?
            .props
            .as_any()
            .downcast_ref()
    }

    /// The typed properties of a resource of this stack, to change them (grants do).
    pub fn get_mut<T: Resource>(&mut self, handle: &Handle<T>) -> Option<&mut T> {
        if handle.stack != self.id {
            return None;
        }
        self.resources
            .get_mut(&handle.logical_id)?
            .props
            .as_any_mut()
            .downcast_mut()
    }

    /// The resource attributes (`DependsOn`, `DeletionPolicy`, ...) of a resource.
    pub fn options_mut<T>(&mut self, handle: &Handle<T>) -> Option<&mut ResourceOptions> {
        if handle.stack != self.id {
            return None;
        }
        Some(&mut self.resources.get_mut(&handle.logical_id)?.options)
    }

    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` together.
    pub fn set_removal_policy<T>(&mut self, handle: &Handle<T>, policy: Policy) {
        if let Some(o) = self.options_mut(handle) {
            o.deletion_policy = Some(policy);
            o.update_replace_policy = Some(policy);
        }
    }

    /// `from` depends on `on` (`DependsOn`).
    pub fn add_dependency<A, B>(&mut self, from: &Handle<A>, on: &Handle<B>) {
        let on = on.erase();
        if let Some(o) = self.options_mut(from) {
            o.depends_on.push(on);
        }
    }

    /// Escape hatch, like the CDK's `addPropertyOverride`: sets the value at a dotted path
    /// below `Properties` after rendering (`"Tags"`, `"LoggingConfig.LogFormat"`). The result
    /// is still checked for references and limits, and by cfn-lint in the tests.
    pub fn add_property_override<T>(
        &mut self,
        handle: &Handle<T>,
        path: &str,
        value: impl Into<Json>,
    ) {
        if handle.stack != self.id {
            return;
        }
        if let Some(e) = self.resources.get_mut(&handle.logical_id) {
            e.overrides.push((path.to_string(), value.into()));
        }
    }

    /// A resource's properties rendered as the template would hold them, without any
    /// validation (for tests and debugging).
    pub fn render_properties<T>(&self, handle: &Handle<T>) -> Option<JsonValue> {
        let e = self.entry(&handle.logical_id, handle.stack)?;
        let mut cx = Render::new(self.id);
        let mut props = e.props.render(&mut cx);
        for (path, value) in &e.overrides {
            set_path(&mut props, path, value.to_json(&mut cx));
        }
        Some(props)
    }

    /// The handle of a resource added at `path` (components below the stack), when it exists
    /// and has type `T`. For escape hatches on resources a construct created.
    pub fn handle_of<T: Resource>(&self, path: &[&str]) -> Option<Handle<T>> {
        let full = join_path(&self.name, &path.join("/"));
        let (lid, entry) = self.resources.iter().find(|(_, e)| e.path == full)?;
        entry.props.as_any().downcast_ref::<T>()?;
        Some(Handle::new(self.id, lid.clone(), full))
    }

    /// Publishes a text a construct produces for people (the event store's SQL, say), printed
    /// by the CLI's `sql NAME` verb for artifacts named `sql/NAME`.
    pub fn add_artifact(&mut self, name: &str, text: String) {
        self.artifacts.insert(name.to_string(), text);
    }

    /// The texts constructs published, by name.
    pub fn artifacts(&self) -> &IndexMap<String, String> {
        &self.artifacts
    }

    /// Findings recorded so far (before synth's own checks).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The directory assets registered by constructs.
    pub fn assets(&self) -> &[Asset] {
        &self.assets
    }

    /// Number of resources so far.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// Validates and renders the template. On failure, every error is returned (with the
    /// warnings) and nothing is rendered for writing.
    pub fn synth(&self) -> Result<Synthesized, SynthError> {
        let mut diags = self.diagnostics.clone();
        validate::stack_name(&self.name, &mut diags);

        let mut cx = Render::new(self.id);
        let mut resources = serde_json::Map::new();
        let mut ids: Vec<&String> = self.resources.keys().collect();
        ids.sort();
        for lid in ids {
            let e = &self.resources[lid];
            let mut check = Check::default();
            e.props.check(&mut check);
            for v in check.violations {
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
            let before = cx.foreign.len();
            let mut props = e.props.render(&mut cx);
            for (path, value) in &e.overrides {
                set_path(&mut props, path, value.to_json(&mut cx));
            }
            validate::names::check(e.props.type_name(), &props, &e.path, lid, &mut diags);
            for name in cx.foreign.drain(before..) {
                diags.push(
                    Diagnostic::error(
                        e.path.clone(),
                        format!("refers to `{name}` through a handle from another stack"),
                        "cross-stack references are not automatic: export an Output from the other \
                         stack and read it with fns::import_value, or pass it as a Parameter",
                    )
                    .with_logical_id(lid.clone()),
                );
            }
            resources.insert(lid.clone(), self.render_resource(e, props, &mut cx));
        }

        let mut t = serde_json::Map::new();
        t.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
        if let Some(d) = &self.description {
            t.insert("Description".into(), d.clone().into());
        }
        if !self.parameters.is_empty() {
            let p = self
                .parameters
                .iter()
                .map(|(k, p)| (k.clone(), render_parameter(p, &mut cx)))
                .collect();
            t.insert("Parameters".into(), JsonValue::Object(p));
        }
        if !self.conditions.is_empty() {
            let c = self
                .conditions
                .iter()
                .map(|(k, c)| (k.clone(), c.to_json(&mut cx)))
                .collect();
            t.insert("Conditions".into(), JsonValue::Object(c));
        }
        if !self.mappings.is_empty() {
            let m = self
                .mappings
                .iter()
                .map(|(k, m)| (k.clone(), m.to_json(&mut cx)))
                .collect();
            t.insert("Mappings".into(), JsonValue::Object(m));
        }
        t.insert("Resources".into(), JsonValue::Object(resources));
        if !self.outputs.is_empty() {
            let mut names: Vec<&String> = self.outputs.keys().collect();
            names.sort();
            let o = names
                .into_iter()
                .map(|k| (k.clone(), render_output(&self.outputs[k], &mut cx)))
                .collect();
            t.insert("Outputs".into(), JsonValue::Object(o));
        }
        for name in cx.foreign.drain(..) {
            diags.push(Diagnostic::error(
                self.name.clone(),
                format!("a parameter, condition or output refers to `{name}` of another stack"),
                "export an Output from the other stack and read it with fns::import_value",
            ));
        }
        let template = JsonValue::Object(t);
        validate::references::check(&self.name, &template, &mut diags);
        validate::names::check_unique(&self.name, &template, &mut diags);
        let mut json = serde_json::to_string_pretty(&template).unwrap_or_default();
        json.push('\n');
        validate::limits::check(&self.name, &template, json.len(), &mut diags);

        diags.sort_by_key(|d| d.severity);
        if diags.iter().any(Diagnostic::is_error) {
            return Err(SynthError { diagnostics: diags });
        }
        Ok(Synthesized {
            stack_name: self.name.clone(),
            template,
            warnings: diags
                .into_iter()
                .filter(|d| d.severity == Severity::Warning)
                .collect(),
            assets: self.assets.clone(),
            json,
        })
    }

    fn render_resource(&self, e: &ResourceEntry, props: JsonValue, cx: &mut Render) -> JsonValue {
        let mut r = serde_json::Map::new();
        r.insert("Type".into(), e.props.type_name().into());
        if props.as_object().is_some_and(|o| !o.is_empty()) {
            r.insert("Properties".into(), props);
        }
        let mut deps: Vec<String> = e
            .options
            .depends_on
            .iter()
            .map(|h| {
                if h.stack != self.id {
                    cx.foreign_reference(&h.logical_id);
                }
                h.logical_id.clone()
            })
            .collect();
        deps.sort();
        deps.dedup();
        if !deps.is_empty() {
            r.insert("DependsOn".into(), deps.into());
        }
        if let Some(c) = &e.options.condition {
            if c.stack != self.id {
                cx.foreign_reference(&c.name);
            }
            r.insert("Condition".into(), c.name.clone().into());
        }
        if let Some(p) = e.options.deletion_policy {
            r.insert("DeletionPolicy".into(), p.name().into());
        }
        if let Some(p) = e.options.update_replace_policy {
            r.insert("UpdateReplacePolicy".into(), p.name().into());
        }
        let mut metadata = match &e.options.metadata {
            Some(m) => m.to_json(cx),
            None => JsonValue::Object(serde_json::Map::new()),
        };
        if let Some(m) = metadata.as_object_mut() {
            m.insert("escdk:path".into(), e.path.clone().into());
        }
        r.insert("Metadata".into(), metadata);
        JsonValue::Object(r)
    }
}

fn render_parameter(p: &Parameter, cx: &mut Render) -> JsonValue {
    let mut m = serde_json::Map::new();
    m.insert("Type".into(), p.kind.clone().into());
    if let Some(d) = &p.description {
        m.insert("Description".into(), d.clone().into());
    }
    if let Some(d) = &p.default {
        m.insert("Default".into(), d.to_json(cx));
    }
    if !p.allowed_values.is_empty() {
        let v = p.allowed_values.iter().map(|v| v.to_json(cx)).collect();
        m.insert("AllowedValues".into(), JsonValue::Array(v));
    }
    if let Some(a) = &p.allowed_pattern {
        m.insert("AllowedPattern".into(), a.clone().into());
    }
    if let Some(n) = p.min_length {
        m.insert("MinLength".into(), n.into());
    }
    if let Some(n) = p.max_length {
        m.insert("MaxLength".into(), n.into());
    }
    if let Some(n) = p.min_value {
        m.insert("MinValue".into(), n.to_json(cx));
    }
    if let Some(n) = p.max_value {
        m.insert("MaxValue".into(), n.to_json(cx));
    }
    if let Some(c) = &p.constraint_description {
        m.insert("ConstraintDescription".into(), c.clone().into());
    }
    if p.no_echo {
        m.insert("NoEcho".into(), true.into());
    }
    JsonValue::Object(m)
}

fn render_output(o: &Output, cx: &mut Render) -> JsonValue {
    let mut m = serde_json::Map::new();
    if let Some(d) = &o.description {
        m.insert("Description".into(), d.clone().into());
    }
    m.insert("Value".into(), o.value.to_json(cx));
    if let Some(e) = &o.export_name {
        m.insert(
            "Export".into(),
            serde_json::json!({ "Name": e.to_json(cx) }),
        );
    }
    if let Some(c) = &o.condition {
        if c.stack != cx.stack() {
            cx.foreign_reference(&c.name);
        }
        m.insert("Condition".into(), c.name.clone().into());
    }
    JsonValue::Object(m)
}

/// Sets `value` at a dotted path in an object, creating objects on the way.
fn set_path(target: &mut JsonValue, path: &str, value: JsonValue) {
    let mut cur = target;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = JsonValue::Object(serde_json::Map::new());
        }
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i + 1 == parts.len() {
            obj.insert((*part).to_string(), value);
            return;
        }
        cur = obj
            .entry((*part).to_string())
            .or_insert_with(|| JsonValue::Object(serde_json::Map::new()));
    }
}
