//! Handles: what adding a resource, parameter or condition returns, and the only way to
//! refer to it.

use crate::json::{Expr, Target};
use crate::stack_id::StackId;
use std::marker::PhantomData;

/// A resource of type `T` in a stack. Cheap to clone.
pub struct Handle<T> {
    pub(crate) stack: StackId,
    pub(crate) logical_id: String,
    pub(crate) path: String,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle {
            stack: self.stack,
            logical_id: self.logical_id.clone(),
            path: self.path.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({} at {})", self.logical_id, self.path)
    }
}

impl<T> Handle<T> {
    pub(crate) fn new(stack: StackId, logical_id: String, path: String) -> Self {
        Handle {
            stack,
            logical_id,
            path,
            _type: PhantomData,
        }
    }

    /// The resource's logical ID in its template.
    pub fn logical_id(&self) -> &str {
        &self.logical_id
    }

    /// The construct path the resource was added at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `Ref` to this resource (what it returns depends on the resource type: a table's name,
    /// a queue's URL, a function's name).
    pub fn reference(&self) -> Expr {
        Expr::named_ref(self.stack, &self.logical_id)
    }

    /// `Fn::GetAtt` of an attribute. Prefer the generated `attr_*` accessors; a name the
    /// resource type does not have is an error at synth.
    pub fn get_att(&self, attribute: &str) -> Expr {
        Expr::named_get_att(self.stack, &self.logical_id, attribute)
    }

    /// The same handle, untyped (for `DependsOn`).
    pub fn erase(&self) -> Handle<()> {
        Handle::new(self.stack, self.logical_id.clone(), self.path.clone())
    }
}

/// A template parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamHandle {
    pub(crate) stack: StackId,
    pub(crate) name: String,
}

impl ParamHandle {
    /// `Ref` to the parameter's value.
    pub fn reference(&self) -> Expr {
        Expr::named_ref(self.stack, &self.name)
    }

    /// The parameter's logical name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A template condition.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionHandle {
    pub(crate) stack: StackId,
    pub(crate) name: String,
}

impl ConditionHandle {
    pub(crate) fn target(&self) -> Target {
        Target::Named {
            stack: self.stack,
            name: self.name.clone(),
        }
    }

    /// `{"Condition": name}`, for use inside other conditions.
    pub fn expr(&self) -> Expr {
        Expr::condition(self.stack, &self.name)
    }

    /// The condition's logical name.
    pub fn name(&self) -> &str {
        &self.name
    }
}
