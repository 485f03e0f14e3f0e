//! Stacks: a [`Stack`] is a cheap, clonable handle to one stack's contents (parameters,
//! conditions, mappings, resources, outputs, tags, aspects). Constructs work through a
//! [`Scope`], a path in the stack's construct tree, and keep their own
//! scope, so a user writes a stack in the order they think of it: a parameter after the
//! resources, two sibling scopes at once, an output before the last construct.
//!
//! ```
//! use escdk_synth::{Stack, Output, cfn::sqs::CfnQueue};
//! let stack = Stack::new("Demo");
//! let root = stack.root();
//! let (jobs, retries) = (root.child("Jobs"), root.child("Retries"));
//! let queue = jobs.add("Resource", CfnQueue {
//!     message_retention_period: Some(1_209_600.into()),
//!     sqs_managed_sse_enabled: Some(true.into()),
//!     ..Default::default()
//! });
//! stack.add_output("JobsUrl", Output::new(queue.reference()));
//! retries.add("Resource", CfnQueue { sqs_managed_sse_enabled: Some(true.into()), ..Default::default() });
//! assert!(queue.logical_id().starts_with("Jobs"));
//! assert!(stack.synth().unwrap().to_json().contains("AWS::SQS::Queue"));
//! ```

pub mod aspects;
pub mod scope;
pub mod tags;

use crate::asset::Asset;
use crate::diagnostics::Diagnostic;
use crate::handle::{ConditionHandle, Handle, ParamHandle};
use crate::hashing::{HashMap, IndexMap};
use crate::json::Expr;
use crate::json::{Json, JsonValue};
use crate::l1::{Props, Resource};
use crate::logical_id;
use crate::parts::{Output, Parameter, Policy, ResourceOptions};
use crate::pseudo::Pseudo;
use crate::render::{Render, ToJson};
use crate::stack_id::StackId;
use aspects::AspectEntry;
use scope::{join_path, Scope};
use std::cell::RefCell;
use std::rc::Rc;
use tags::TagRule;

/// Where a stack deploys: an account and a region, each given or left to the credentials
/// that deploy it (an environment-agnostic stack).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Environment {
    /// A stack for this account and region.
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        Environment {
            account: Some(account.into()),
            region: Some(region.into()),
        }
    }

    /// A stack for this region, in whatever account deploys it. (escdk reads nothing from
    /// the shell's environment at synth, so a template never depends on who runs synth.)
    pub fn region(region: impl Into<String>) -> Self {
        Environment {
            account: None,
            region: Some(region.into()),
        }
    }
}

/// Options of a stack, as the CDK's `StackProps`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StackProps {
    pub description: Option<String>,
    /// Account and region; `Default` is environment-agnostic (`AWS::Region` at deploy).
    pub env: Environment,
    /// CloudFormation refuses to delete the stack while this is set (deploy sets it).
    pub termination_protection: bool,
}

pub(crate) struct ResourceEntry {
    pub(crate) path: String,
    pub(crate) props: Box<dyn Props>,
    pub(crate) options: ResourceOptions,
    /// `(path, Some(value))` sets, `(path, None)` deletes.
    pub(crate) overrides: Vec<(String, Option<Json>)>,
}

/// What a stack holds; behind the [`Stack`] handle's `RefCell`. Borrows are short and never
/// held while user code runs.
pub(crate) struct StackData {
    pub(crate) props: StackProps,
    pub(crate) parameters: IndexMap<String, Parameter>,
    pub(crate) conditions: IndexMap<String, Expr>,
    pub(crate) mappings: IndexMap<String, Json>,
    pub(crate) resources: IndexMap<String, ResourceEntry>,
    pub(crate) outputs: IndexMap<String, Output>,
    /// Construct path -> what took it (for duplicate ids).
    pub(crate) paths: HashMap<String, String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) assets: Vec<Asset>,
    pub(crate) artifacts: IndexMap<String, String>,
    pub(crate) tags: Vec<TagRule>,
    pub(crate) aspects: Vec<AspectEntry>,
    /// Stacks this one must be deployed after, besides those it imports from.
    pub(crate) dependencies: Vec<(StackId, String)>,
}

pub(crate) struct StackCell {
    pub(crate) id: StackId,
    pub(crate) name: String,
    pub(crate) data: RefCell<StackData>,
}

/// A CloudFormation stack being built: a handle, cheap to clone; clones are the same stack.
#[derive(Clone)]
pub struct Stack(pub(crate) Rc<StackCell>);

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stack({})", self.0.name)
    }
}

impl PartialEq for Stack {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

/// A placeholder while a resource's props are lent to a closure (see [`Stack::update`]).
#[derive(Debug)]
struct Lent;

impl Props for Lent {
    fn type_name(&self) -> &str {
        "escdk::Lent"
    }
    fn render(&self, _: &mut Render) -> JsonValue {
        JsonValue::Null
    }
    fn check(&self, _: &mut crate::l1::Check) {}
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl Stack {
    /// A new, empty, environment-agnostic stack. The name must be a valid CloudFormation
    /// stack name (checked at synth).
    pub fn new(name: impl Into<String>) -> Self {
        Stack::with_props(name, StackProps::default())
    }

    /// A new stack with options (description, environment, termination protection).
    pub fn with_props(name: impl Into<String>, props: StackProps) -> Self {
        Stack(Rc::new(StackCell {
            id: StackId::next(),
            name: name.into(),
            data: RefCell::new(StackData {
                props,
                parameters: IndexMap::default(),
                conditions: IndexMap::default(),
                mappings: IndexMap::default(),
                resources: IndexMap::default(),
                outputs: IndexMap::default(),
                paths: HashMap::default(),
                diagnostics: Vec::new(),
                assets: Vec::new(),
                artifacts: IndexMap::default(),
                tags: Vec::new(),
                aspects: Vec::new(),
                dependencies: Vec::new(),
            }),
        }))
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub(crate) fn id(&self) -> StackId {
        self.0.id
    }

    pub(crate) fn data(&self) -> std::cell::RefMut<'_, StackData> {
        self.0.data.borrow_mut()
    }

    pub(crate) fn read(&self) -> std::cell::Ref<'_, StackData> {
        self.0.data.borrow()
    }

    pub fn set_description(&self, description: impl Into<String>) {
        self.data().props.description = Some(description.into());
    }

    /// The stack's options.
    pub fn props(&self) -> StackProps {
        self.read().props.clone()
    }

    /// The root of the construct tree.
    pub fn root(&self) -> Scope {
        Scope::root(self.clone())
    }

    /// The region as a template value: the literal when the stack has one, else
    /// `AWS::Region`, resolved at deploy.
    pub fn region(&self) -> Json {
        match &self.read().props.env.region {
            Some(r) => Json::from(r.as_str()),
            None => Json::from(Pseudo::Region),
        }
    }

    /// The account as a template value (see [`Stack::region`]).
    pub fn account(&self) -> Json {
        match &self.read().props.env.account {
            Some(a) => Json::from(a.as_str()),
            None => Json::from(Pseudo::AccountId),
        }
    }

    /// `other` is deployed before this stack (imports add this on their own).
    pub fn add_stack_dependency(&self, other: &Stack) {
        if other.id() == self.id() {
            return;
        }
        self.data()
            .dependencies
            .push((other.id(), other.name().to_string()));
    }

    pub(crate) fn push_diagnostic(&self, d: Diagnostic) {
        self.data().diagnostics.push(d);
    }

    fn top_level_name(&self, kind: &str, name: &str, taken: bool) {
        let valid = !name.is_empty()
            && name.len() <= logical_id::MAX_LEN
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        let path = join_path(self.name(), name);
        if !valid {
            self.push_diagnostic(Diagnostic::error(
                path.clone(),
                format!("{kind} name `{name}` is not valid: CloudFormation allows 1 to 255 letters and digits"),
                "use only letters and digits",
            ));
        }
        if taken {
            self.push_diagnostic(Diagnostic::error(
                path,
                format!("{kind} `{name}` is declared twice"),
                format!("give each {kind} its own name"),
            ));
        }
    }

    /// Declares a parameter.
    pub fn add_parameter(&self, name: &str, parameter: Parameter) -> ParamHandle {
        let taken = {
            let d = self.read();
            d.parameters.contains_key(name) || d.resources.contains_key(name)
        };
        self.top_level_name("parameter", name, taken);
        if !taken {
            self.data().parameters.insert(name.to_string(), parameter);
        }
        ParamHandle {
            stack: self.id(),
            name: name.to_string(),
        }
    }

    /// Declares a condition (an expression built from `fns::equals`, `fns::and`, ...).
    pub fn add_condition(&self, name: &str, condition: Expr) -> ConditionHandle {
        let taken = self.read().conditions.contains_key(name);
        self.top_level_name("condition", name, taken);
        if !taken {
            self.data().conditions.insert(name.to_string(), condition);
        }
        ConditionHandle {
            stack: self.id(),
            name: name.to_string(),
        }
    }

    /// Declares a mapping (`{TopKey: {SecondKey: value}}`).
    pub fn add_mapping(&self, name: &str, mapping: Json) {
        let taken = self.read().mappings.contains_key(name);
        self.top_level_name("mapping", name, taken);
        if !taken {
            self.data().mappings.insert(name.to_string(), mapping);
        }
    }

    /// Whether the stack has a mapping of this name (constructs that share one add it once).
    pub fn has_mapping(&self, name: &str) -> bool {
        self.read().mappings.contains_key(name)
    }

    /// The condition declared under `name`, if any (constructs that share one declare it
    /// once and look it up after).
    pub fn condition(&self, name: &str) -> Option<ConditionHandle> {
        self.read()
            .conditions
            .contains_key(name)
            .then(|| ConditionHandle {
                stack: self.id(),
                name: name.to_string(),
            })
    }

    /// Declares an output.
    pub fn add_output(&self, name: &str, output: Output) {
        let taken = self.read().outputs.contains_key(name);
        self.top_level_name("output", name, taken);
        if !taken {
            self.data().outputs.insert(name.to_string(), output);
        }
    }

    /// Whether the handle is of this stack; records an error naming `what` when not (a
    /// handle of another stack given to this stack's methods would otherwise do nothing).
    pub(crate) fn owns<T>(&self, handle: &Handle<T>, what: &str) -> bool {
        if handle.stack == self.id() {
            return true;
        }
        self.push_diagnostic(Diagnostic::error(
            handle.path.clone(),
            format!(
                "`{what}` was called on stack `{}` with a handle of another stack",
                self.name()
            ),
            format!(
                "call it on the stack the resource belongs to (`{}`)",
                handle.path.split('/').next().unwrap_or_default()
            ),
        ));
        false
    }

    /// A copy of the typed properties of a resource of this stack.
    pub fn get<T: Resource>(&self, handle: &Handle<T>) -> Option<T> {
        if handle.stack != self.id() {
            return None;
        }
        self.read()
            .resources
            .get(&handle.logical_id)?
            .props
            .as_any()
            .downcast_ref::<T>()
            .cloned()
    }

    /// Changes the typed properties of a resource (grants do). The closure may use the
    /// stack: the properties are lent to it, not borrowed from the stack.
    pub fn update<T: Resource, R>(
        &self,
        handle: &Handle<T>,
        f: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        if !self.owns(handle, "update") {
            return None;
        }
        let mut props = {
            let mut d = self.data();
            let entry = d.resources.get_mut(&handle.logical_id)?;
            std::mem::replace(&mut entry.props, Box::new(Lent))
        };
        let result = props.as_any_mut().downcast_mut::<T>().map(f);
        if let Some(entry) = self.data().resources.get_mut(&handle.logical_id) {
            entry.props = props;
        }
        result
    }

    /// Changes the resource attributes (`DependsOn`, `Condition`, `DeletionPolicy`, ...).
    pub fn update_options<T>(&self, handle: &Handle<T>, f: impl FnOnce(&mut ResourceOptions)) {
        if !self.owns(handle, "update_options") {
            return;
        }
        if let Some(e) = self.data().resources.get_mut(&handle.logical_id) {
            f(&mut e.options);
        }
    }

    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` together.
    pub fn set_removal_policy<T>(&self, handle: &Handle<T>, policy: Policy) {
        self.update_options(handle, |o| {
            o.deletion_policy = Some(policy);
            // `RetainExceptOnCreate` is a DeletionPolicy only; a replacement keeps the old
            // resource.
            o.update_replace_policy = Some(match policy {
                Policy::RetainExceptOnCreate => Policy::Retain,
                other => other,
            });
        });
    }

    /// `from` depends on `on` (`DependsOn`). When `on` is in another stack of the app, this
    /// stack is deployed after that one instead.
    pub fn add_dependency<A, B>(&self, from: &Handle<A>, on: &Handle<B>) {
        let on = on.erase();
        self.update_options(from, |o| o.depends_on.push(on));
    }

    /// Escape hatch, like the CDK's `addPropertyOverride`: sets the value at a dotted path
    /// below `Properties` after rendering (`"Tags"`, `"LoggingConfig.LogFormat"`; a number
    /// addresses a list item: `"GlobalSecondaryIndexes.0.Projection"`). The result
    /// is still checked for references and limits, and by cfn-lint in the tests.
    pub fn add_property_override<T>(&self, handle: &Handle<T>, path: &str, value: impl Into<Json>) {
        if !self.owns(handle, "add_property_override") {
            return;
        }
        if let Some(e) = self.data().resources.get_mut(&handle.logical_id) {
            e.overrides.push((path.to_string(), Some(value.into())));
        }
    }

    /// Escape hatch, like the CDK's `addPropertyDeletionOverride`: removes the property at a
    /// dotted path below `Properties` after rendering (list items by index:
    /// `GlobalSecondaryIndexes.0.ProvisionedThroughput`).
    pub fn add_property_deletion<T>(&self, handle: &Handle<T>, path: &str) {
        if !self.owns(handle, "add_property_deletion") {
            return;
        }
        if let Some(e) = self.data().resources.get_mut(&handle.logical_id) {
            e.overrides.push((path.to_string(), None));
        }
    }

    /// A resource's properties rendered as the template would hold them, without any
    /// validation (for tests and debugging).
    pub fn render_properties<T>(&self, handle: &Handle<T>) -> Option<JsonValue> {
        if handle.stack != self.id() {
            return None;
        }
        let d = self.read();
        let e = d.resources.get(&handle.logical_id)?;
        let mut cx = Render::new(self.id());
        let mut props = e.props.render(&mut cx);
        for (path, value) in &e.overrides {
            let value = value.as_ref().map(|v| v.to_json(&mut cx));
            let _ = props.set_path(path, value);
        }
        Some(props)
    }

    /// The handle of a resource added at `path` (components below the stack), when it exists
    /// and has type `T`. For escape hatches on resources a construct created.
    pub fn handle_of<T: Resource>(&self, path: &[&str]) -> Option<Handle<T>> {
        let full = join_path(self.name(), &path.join("/"));
        let d = self.read();
        let (lid, entry) = d.resources.iter().find(|(_, e)| e.path == full)?;
        entry.props.as_any().downcast_ref::<T>()?;
        Some(Handle::new(self.id(), lid.clone(), full))
    }

    /// Publishes a text a construct produces for people (the event store's SQL, say), printed
    /// by the CLI's `sql NAME` verb for artifacts named `sql/NAME`.
    pub fn add_artifact(&self, name: &str, text: String) {
        self.data().artifacts.insert(name.to_string(), text);
    }

    /// A text a construct published, by name.
    pub fn artifact(&self, name: &str) -> Option<String> {
        self.read().artifacts.get(name).cloned()
    }

    /// What the constructs reported as they were built, so far. Synth's own checks of the
    /// template (schemas, names, references, limits, rules) come later: their warnings
    /// and notes are in [`Synthesized::warnings`](crate::Synthesized::warnings) and
    /// [`infos`](crate::Synthesized::infos), their errors in the
    /// [`SynthError`](crate::SynthError) that `synth()` returns.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.read().diagnostics.clone()
    }

    /// The directory assets registered by constructs.
    pub fn assets(&self) -> Vec<Asset> {
        self.read().assets.clone()
    }

    /// Number of resources so far.
    pub fn resource_count(&self) -> usize {
        self.read().resources.len()
    }
}
