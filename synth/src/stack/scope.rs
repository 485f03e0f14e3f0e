//! [`Scope`]: a position (path) in a stack's construct tree. Each `scope.child(id)` or
//! `scope.add(id, props)` extends the path; a path is taken once, and a resource's logical
//! ID comes from its path (see [`crate::logical_id`]).
//!
//! A scope is a value: clone it, hold two siblings at once, keep one in a construct to add
//! resources under it later. Every method takes `&self`.

use super::{ResourceEntry, Stack};
use crate::asset::{self, Asset};
use crate::custom::CustomResource;
use crate::diagnostics::{Diagnostic, PropertyErrors};
use crate::handle::Handle;
use crate::intrinsics::{fns, Expr};
use crate::l1::{Props, Resource};
use crate::logical_id;
use crate::parts::ResourceOptions;
use std::path::Path;

/// A position in a stack's construct tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    stack: Stack,
    path: String,
}

pub(crate) fn join_path(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => {
            let mut path = String::with_capacity(a.len() + 1 + b.len());
            path.push_str(a);
            path.push('/');
            path.push_str(b);
            path
        }
    }
}

/// The part of a full construct path below its stack (`Stack/A/B` -> `A/B`).
pub(crate) fn below_stack<'a>(full: &'a str, stack: &str) -> &'a str {
    full.strip_prefix(stack)
        .map_or(full, |p| p.strip_prefix('/').unwrap_or(p))
}

/// Whether `path` (below the stack) is `scope` or inside it, by whole components; every
/// path is under the root (`""`).
pub(crate) fn is_under(path: &str, scope: &str) -> bool {
    scope.is_empty()
        || path == scope
        || (path.starts_with(scope) && path.as_bytes().get(scope.len()) == Some(&b'/'))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && !id.contains('/')
}

impl Scope {
    pub(crate) fn root(stack: Stack) -> Scope {
        Scope {
            stack,
            path: String::new(),
        }
    }

    /// The path below the stack, `""` at the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full path, starting with the stack name.
    pub fn full_path(&self) -> String {
        join_path(self.stack.name(), &self.path)
    }

    /// The last component of the path (the construct's id), `""` at the root.
    pub fn id(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }

    /// The stack this scope is in.
    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    fn child_path(&self, id: &str, what: &str) -> String {
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
        let previous = self.stack.read().paths.get(&path).cloned();
        match previous {
            Some(previous) => {
                let full = join_path(self.stack.name(), &path);
                self.stack.push_diagnostic(Diagnostic::error(
                    full.clone(),
                    format!("duplicate construct id `{clean}`: `{full}` is already taken by a {previous}"),
                    "give each construct under the same parent its own id",
                ));
            }
            None => {
                self.stack
                    .data()
                    .paths
                    .insert(path.clone(), what.to_string());
            }
        }
        path
    }

    /// A child scope for a construct with this id.
    pub fn child(&self, id: &str) -> Scope {
        let path = self.child_path(id, "construct");
        Scope {
            stack: self.stack.clone(),
            path,
        }
    }

    /// Adds a resource at `<this path>/<id>` and returns its handle.
    pub fn add<T: Resource>(&self, id: &str, props: T) -> Handle<T> {
        self.add_boxed(id, T::TYPE_NAME, Box::new(props))
    }

    /// Adds a custom resource (`Custom::<Name>`) at `<this path>/<id>`.
    pub fn add_custom(&self, id: &str, props: CustomResource) -> Handle<CustomResource> {
        let type_name = props.resource_type.clone();
        self.add_boxed(id, &type_name, Box::new(props))
    }

    fn add_boxed<T>(&self, id: &str, type_name: &str, props: Box<dyn Props>) -> Handle<T> {
        let path = self.child_path(id, type_name);
        let components: Vec<&str> = path.split('/').collect();
        let lid = logical_id::from_path(&components);
        let full = join_path(self.stack.name(), &path);
        let clash = {
            let d = self.stack.read();
            match d.resources.get(&lid) {
                Some(other) if other.path != full => Some(Diagnostic::error(
                    full.clone(),
                    format!(
                        "logical ID `{lid}` of `{full}` collides with `{}`",
                        other.path
                    ),
                    "rename one of the two constructs",
                )),
                Some(_) => None,
                None if d.parameters.contains_key(&lid) => Some(Diagnostic::error(
                    full.clone(),
                    format!("logical ID `{lid}` is already used by a parameter"),
                    "rename the construct or the parameter",
                )),
                None => {
                    drop(d);
                    self.stack.data().resources.insert(
                        lid.clone(),
                        ResourceEntry {
                            path: full.clone(),
                            props,
                            options: ResourceOptions::default(),
                            overrides: Vec::new(),
                        },
                    );
                    None
                }
            }
        };
        if let Some(d) = clash {
            self.stack.push_diagnostic(d);
        }
        Handle::new(self.stack.id(), lid, full)
    }

    /// Registers a directory asset (for example Lambda code) and returns the bucket and key
    /// the template should point at. A missing or empty directory is an error at synth.
    pub fn add_asset(&self, dir: &Path) -> (Expr, String) {
        let hash = match asset::hash_dir(dir) {
            Ok(h) => h,
            Err(e) => {
                self.error(
                    format!("asset directory `{}` cannot be read: {e}", dir.display()),
                    "point the code path at a directory that holds the handler files (and fix what the message names)",
                );
                "0".repeat(64)
            }
        };
        let asset = Asset {
            path: self.full_path(),
            source: dir.to_path_buf(),
            hash,
        };
        let key = asset.key();
        // One upload per content: functions sharing a code directory share the asset.
        let mut d = self.stack.data();
        if !d.assets.iter().any(|a| a.hash == asset.hash) {
            d.assets.push(asset);
        }
        (fns::sub(asset::ASSET_BUCKET), key)
    }

    /// A physical name unique to this scope's path in its stack (see
    /// [`logical_id::physical_name`]), for resources AWS requires a name for.
    pub fn physical_name(&self, max_len: usize) -> String {
        logical_id::physical_name(self.stack.name(), &self.path, max_len)
    }

    /// The physical name a child with this id would get (see [`Scope::physical_name`]).
    pub fn child_physical_name(&self, id: &str, max_len: usize) -> String {
        logical_id::physical_name(self.stack.name(), &join_path(&self.path, id), max_len)
    }

    /// Records an error at this path; synth will fail and show it.
    pub fn error(&self, message: impl Into<String>, fix: impl Into<String>) {
        self.stack
            .push_diagnostic(Diagnostic::error(self.full_path(), message, fix));
    }

    /// Records an error about one property of this construct's props.
    pub fn prop_error(&self, property: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.stack.push_diagnostic(
            Diagnostic::error(self.full_path(), message, fix).with_property(property),
        );
    }

    /// Records a warning at this path.
    pub fn warning(&self, message: impl Into<String>, fix: impl Into<String>) {
        self.stack
            .push_diagnostic(Diagnostic::warning(self.full_path(), message, fix));
    }

    /// Records something the user should know at this path (printed by synth and deploy).
    pub fn info(&self, message: impl Into<String>) {
        self.stack
            .push_diagnostic(Diagnostic::info(self.full_path(), message));
    }

    /// A context value (`escdk.json`, `escdk.context.json`, `--context key=value`), as the
    /// CDK's `tryGetContext`; `None` when no value is set.
    pub fn try_get_context(&self, key: &str) -> Option<serde_json::Value> {
        crate::context::get(key)
    }
}

impl PropertyErrors for Scope {
    fn property_error(&self, property: &str, message: String, fix: String) {
        self.prop_error(property, message, fix);
    }
}
