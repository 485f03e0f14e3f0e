//! One policy statement, for every kind of policy document: a role's or user's grants, a
//! role's trust, and the resource policies of keys, queues, topics and buckets.

use super::principal::Principal;
use escdk_synth::{fns, ConditionHandle, Expr, Json, Pseudo};

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A policy statement: an effect on actions (or all but `not_actions`) on resources (or all
/// but `not_resources`), for a principal in resource and trust policies, under conditions.
///
/// ```
/// use escdk_constructs::iam::{PolicyStatement, Principal};
/// use escdk_synth::fns;
///
/// let publish = PolicyStatement::allow(["sns:Publish"], [fns::sub("arn:topic")])
///     .sid("CloudWatchPublishes")
///     .principal(Principal::service("cloudwatch.amazonaws.com"))
///     .condition("StringEquals", "aws:SourceAccount", fns::sub("${AWS::AccountId}"));
/// assert_eq!(publish.actions, ["sns:Publish"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<Json>,
    pub not_resources: Vec<Json>,
    /// `{operator: {key: value}}`.
    pub conditions: Option<Json>,
    /// Written only where this template condition holds (`Fn::If`).
    pub only_if: Option<ConditionHandle>,
}

impl PolicyStatement {
    fn new<A: Into<String>>(
        effect: Effect,
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Expr>,
    ) -> Self {
        PolicyStatement {
            sid: None,
            effect,
            principal: None,
            actions: actions.into_iter().map(Into::into).collect(),
            not_actions: Vec::new(),
            resources: resources.into_iter().map(Json::from).collect(),
            not_resources: Vec::new(),
            conditions: None,
            only_if: None,
        }
    }

    /// Allows `actions` on `resources` (ARNs: resource attributes or `fns::sub` strings).
    pub fn allow<A: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Expr>,
    ) -> Self {
        Self::new(Effect::Allow, actions, resources)
    }

    /// Denies `actions` on `resources`.
    pub fn deny<A: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Expr>,
    ) -> Self {
        Self::new(Effect::Deny, actions, resources)
    }

    /// `action` on `*`: only for an action with no resource-level permission (the caller
    /// says why next to it); the security test admits exactly these.
    pub fn allow_any_resource(action: &str) -> Self {
        Self::allow([action], []).on_any_resource()
    }

    /// Allows `action` with no resource: a trust policy's `sts:AssumeRole*`.
    pub fn assume(action: &str, principal: Principal) -> Self {
        Self::allow([action], []).principal(principal)
    }

    /// Names the statement (`Sid`).
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_string());
        self
    }

    /// Who the statement is about (resource and trust policies only).
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// The statement applies to every resource (`"*"`): in a key policy, the key itself.
    pub fn on_any_resource(mut self) -> Self {
        self.resources = vec![Json::from("*")];
        self
    }

    /// Applies to every action but `actions` (`NotAction`), replacing the actions.
    pub fn not_actions<A: Into<String>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.actions.clear();
        self.not_actions = actions.into_iter().map(Into::into).collect();
        self
    }

    /// Applies to every resource but `resources` (`NotResource`), replacing the resources.
    pub fn not_resources(mut self, resources: impl IntoIterator<Item = Expr>) -> Self {
        self.resources.clear();
        self.not_resources = resources.into_iter().map(Json::from).collect();
        self
    }

    /// Adds the condition `operator: {key: value}` (e.g. `Bool`, `aws:SecureTransport`,
    /// `"false"`); conditions under one operator are merged.
    pub fn condition(mut self, operator: &str, key: &str, value: impl Into<Json>) -> Self {
        let mut conditions = match self.conditions.take() {
            Some(Json::Object(m)) => m,
            _ => Default::default(),
        };
        let entry = conditions.get_or_insert_with(operator.to_string(), || {
            Json::object(Vec::<(&str, Json)>::new())
        });
        if let Json::Object(keys) = entry {
            keys.insert(key.to_string(), value.into());
        }
        self.conditions = Some(Json::Object(conditions));
        self
    }

    /// Replaces the conditions with `conditions` (`{operator: {key: value}}`).
    pub fn conditions(mut self, conditions: Json) -> Self {
        self.conditions = Some(conditions);
        self
    }

    /// Writes the statement only where the template condition `condition` holds.
    pub fn only_if(mut self, condition: &ConditionHandle) -> Self {
        self.only_if = Some(condition.clone());
        self
    }

    /// Whether `other` can join this statement by adding its actions: everything but the
    /// actions is the same, and neither is named or inverted.
    pub(crate) fn merges_with(&self, other: &PolicyStatement) -> bool {
        self.sid.is_none()
            && other.sid.is_none()
            && self.not_actions.is_empty()
            && other.not_actions.is_empty()
            && self.effect == other.effect
            && self.principal == other.principal
            && self.resources == other.resources
            && self.not_resources == other.not_resources
            && self.conditions == other.conditions
            && self.only_if == other.only_if
    }

    pub(crate) fn to_json(&self) -> Json {
        let sorted = |list: &[String]| {
            let mut list = list.to_vec();
            list.sort();
            list.dedup();
            Json::from(list)
        };
        let mut fields = Vec::new();
        if let Some(sid) = &self.sid {
            fields.push(("Sid", Json::from(sid.as_str())));
        }
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        fields.push(("Effect", Json::from(effect)));
        if let Some(p) = &self.principal {
            fields.push(("Principal", p.to_json()));
        }
        if self.not_actions.is_empty() {
            fields.push(("Action", sorted(&self.actions)));
        } else {
            fields.push(("NotAction", sorted(&self.not_actions)));
        }
        if !self.resources.is_empty() {
            fields.push(("Resource", Json::Array(self.resources.clone())));
        }
        if !self.not_resources.is_empty() {
            fields.push(("NotResource", Json::Array(self.not_resources.clone())));
        }
        if let Some(c) = &self.conditions {
            fields.push(("Condition", c.clone()));
        }
        let statement = Json::object(fields);
        match &self.only_if {
            Some(condition) => Json::from(fns::if_(condition, statement, Pseudo::NoValue)),
            None => statement,
        }
    }
}
