//! Custom resources (`Custom::<Name>`): a Lambda-backed resource with free-form properties.
//! CloudFormation's registry schema for `AWS::CloudFormation::CustomResource` allows only
//! `ServiceToken`, so custom resources get this hand-written type, added with
//! [`crate::Scope::add_custom`].

use crate::json::{Json, JsonValue};
use crate::l1::{Check, Props, Validate};
use crate::render::{Render, ToJson};
use crate::units::Duration;
use crate::value::{Map, Value};
use std::any::Any;

/// A custom resource: its type name, the function that implements it, and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomResource {
    /// `Custom::` followed by up to 60 letters, digits and `_@-`.
    pub resource_type: String,
    /// The ARN of the Lambda function (or SNS topic) that handles the requests.
    pub service_token: Value<String>,
    pub properties: Map<Json>,
    /// `ServiceTimeout`: how long CloudFormation waits for the handler's answer (1 second
    /// to 1 hour; CloudFormation's default is 1 hour). Set it to the handler's own bound.
    pub service_timeout: Option<Duration>,
}

impl CustomResource {
    pub fn new(resource_type: impl Into<String>, service_token: impl Into<Value<String>>) -> Self {
        CustomResource {
            resource_type: resource_type.into(),
            service_token: service_token.into(),
            properties: Map::new(),
            service_timeout: None,
        }
    }

    /// Sets `ServiceTimeout` (whole seconds, 1 to 3600).
    pub fn with_service_timeout(mut self, timeout: Duration) -> Self {
        self.service_timeout = Some(timeout);
        self
    }

    /// Adds a property.
    pub fn with(mut self, name: &str, value: impl Into<Json>) -> Self {
        self.properties.insert(name.to_string(), value.into());
        self
    }
}

impl Props for CustomResource {
    fn type_name(&self) -> &str {
        &self.resource_type
    }

    fn render(&self, cx: &mut Render) -> JsonValue {
        let mut m = crate::json::JsonMap::new();
        m.insert("ServiceToken", self.service_token.to_json(cx));
        if let Some(t) = self.service_timeout {
            // Checked to be whole seconds in `check`.
            m.insert("ServiceTimeout", t.to_seconds().unwrap_or(0).into());
        }
        for (k, v) in &self.properties {
            m.insert(k.clone(), v.to_json(cx));
        }
        JsonValue::Object(m)
    }

    fn check(&self, cx: &mut Check) {
        let name = self.resource_type.strip_prefix("Custom::").unwrap_or("");
        let valid = !name.is_empty()
            && name.len() <= 60
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_@-".contains(c));
        if !valid {
            cx.violation(
                format!("`{}` is not a custom resource type", self.resource_type),
                "name it `Custom::` followed by up to 60 letters, digits, `_`, `@` or `-`".into(),
            );
        }
        for k in self.properties.keys() {
            if k == "ServiceToken"
                || k == "ServiceTimeout"
                || k.is_empty()
                || !k.chars().all(|c| c.is_ascii_alphanumeric())
            {
                cx.violation(
                    format!("property name `{k}` is not allowed"),
                    "use letters and digits, and not ServiceToken or ServiceTimeout (each has its own field)"
                        .into(),
                );
            }
        }
        if let Some(t) = self.service_timeout {
            if !t.to_seconds().is_some_and(|s| (1..=3600).contains(&s)) {
                cx.violation(
                    format!(
                        "ServiceTimeout {} is not 1 second to 1 hour in whole seconds",
                        t.human()
                    ),
                    "set a timeout of 1 to 3600 seconds".into(),
                );
            }
        }
        self.service_token.validate(&crate::l1::Rule::NONE, cx);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
