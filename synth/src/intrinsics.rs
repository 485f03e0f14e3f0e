//! CloudFormation intrinsic functions as Rust values.
//!
//! An [`Expr`] can only refer to something that exists: `Ref` and `Fn::GetAtt` come from
//! handles ([`crate::Handle::reference`], [`crate::Handle::get_att`], the generated
//! `attr_*` accessors, [`crate::ParamHandle::reference`]) or from [`Pseudo`] parameters, and
//! every handle remembers its stack, so a handle used in another stack is an error at synth.
//! The other functions are in [`fns`].

use crate::handle::StackId;
use crate::json::{Json, JsonValue};
use crate::l1::{Render, ToJson};

/// An intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr(pub(crate) Box<Kind>);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Ref(Target),
    GetAtt(Target, String),
    Sub(String, Vec<(String, Json)>),
    Join(String, Json),
    Select(Json, Json),
    Split(String, Json),
    GetAzs(Json),
    If(Target, Json, Json),
    Equals(Json, Json),
    And(Vec<Json>),
    Or(Vec<Json>),
    Not(Json),
    Condition(Target),
    FindInMap(Json, Json, Json),
    ImportValue(Json),
    Base64(Json),
    Cidr(Json, Json, Json),
}

/// What a `Ref`, `GetAtt` or condition names: a stack-scoped name, or a pseudo parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Named { stack: StackId, name: String },
    Pseudo(Pseudo),
}

/// CloudFormation's pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    AccountId,
    NotificationArns,
    NoValue,
    Partition,
    Region,
    StackId,
    StackName,
    UrlSuffix,
}

impl Pseudo {
    /// The name CloudFormation knows it by, e.g. `AWS::Region`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }

    /// Every pseudo parameter, for checking `Ref` and `${..}` names.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::NotificationArns,
        Pseudo::NoValue,
        Pseudo::Partition,
        Pseudo::Region,
        Pseudo::StackId,
        Pseudo::StackName,
        Pseudo::UrlSuffix,
    ];
}

impl From<Pseudo> for Expr {
    fn from(p: Pseudo) -> Self {
        Expr(Box::new(Kind::Ref(Target::Pseudo(p))))
    }
}
impl From<Pseudo> for Json {
    fn from(p: Pseudo) -> Self {
        Json::from(Expr::from(p))
    }
}

impl Expr {
    pub(crate) fn named_ref(stack: StackId, name: &str) -> Expr {
        Expr(Box::new(Kind::Ref(Target::Named {
            stack,
            name: name.to_string(),
        })))
    }

    pub(crate) fn named_get_att(stack: StackId, name: &str, attribute: &str) -> Expr {
        Expr(Box::new(Kind::GetAtt(
            Target::Named {
                stack,
                name: name.to_string(),
            },
            attribute.to_string(),
        )))
    }

    pub(crate) fn condition(stack: StackId, name: &str) -> Expr {
        Expr(Box::new(Kind::Condition(Target::Named {
            stack,
            name: name.to_string(),
        })))
    }
}

impl Target {
    /// A name of another stack of the app, as `Fn::ImportValue`.
    fn import(&self, cx: &mut Render, attribute: Option<&str>) -> Option<JsonValue> {
        match self {
            Target::Named { stack, name } => cx.import(*stack, name, attribute),
            Target::Pseudo(_) => None,
        }
    }

    fn render(&self, cx: &mut Render) -> String {
        match self {
            Target::Pseudo(p) => p.name().to_string(),
            Target::Named { stack, name } => {
                if *stack != cx.stack() {
                    cx.foreign_reference(name);
                }
                name.clone()
            }
        }
    }
}

impl ToJson for Expr {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        let list = |items: Vec<JsonValue>| JsonValue::Array(items);
        match &*self.0 {
            Kind::Ref(t) => t
                .import(cx, None)
                .unwrap_or_else(|| JsonValue::one("Ref", t.render(cx))),
            Kind::GetAtt(t, attr) => t.import(cx, Some(attr)).unwrap_or_else(|| {
                JsonValue::one("Fn::GetAtt", list(vec![t.render(cx).into(), attr.into()]))
            }),
            Kind::Sub(template, vars) if vars.is_empty() => JsonValue::one("Fn::Sub", template),
            Kind::Sub(template, vars) => {
                let vars: crate::json::JsonMap = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json(cx)))
                    .collect();
                JsonValue::one("Fn::Sub", list(vec![template.into(), vars.into()]))
            }
            Kind::Join(d, values) => {
                JsonValue::one("Fn::Join", list(vec![d.into(), values.to_json(cx)]))
            }
            Kind::Select(i, list_) => {
                JsonValue::one("Fn::Select", list(vec![i.to_json(cx), list_.to_json(cx)]))
            }
            Kind::Split(d, source) => {
                JsonValue::one("Fn::Split", list(vec![d.into(), source.to_json(cx)]))
            }
            Kind::GetAzs(region) => JsonValue::one("Fn::GetAZs", region.to_json(cx)),
            Kind::If(c, a, b) => JsonValue::one(
                "Fn::If",
                list(vec![c.render(cx).into(), a.to_json(cx), b.to_json(cx)]),
            ),
            Kind::Equals(a, b) => {
                JsonValue::one("Fn::Equals", list(vec![a.to_json(cx), b.to_json(cx)]))
            }
            Kind::And(v) => JsonValue::one(
                "Fn::And",
                v.iter().map(|c| c.to_json(cx)).collect::<Vec<_>>(),
            ),
            Kind::Or(v) => JsonValue::one(
                "Fn::Or",
                v.iter().map(|c| c.to_json(cx)).collect::<Vec<_>>(),
            ),
            Kind::Not(c) => JsonValue::one("Fn::Not", list(vec![c.to_json(cx)])),
            Kind::Condition(c) => JsonValue::one("Condition", c.render(cx)),
            Kind::FindInMap(m, a, b) => JsonValue::one(
                "Fn::FindInMap",
                list(vec![m.to_json(cx), a.to_json(cx), b.to_json(cx)]),
            ),
            Kind::ImportValue(v) => JsonValue::one("Fn::ImportValue", v.to_json(cx)),
            Kind::Base64(v) => JsonValue::one("Fn::Base64", v.to_json(cx)),
            Kind::Cidr(a, b, c) => JsonValue::one(
                "Fn::Cidr",
                list(vec![a.to_json(cx), b.to_json(cx), c.to_json(cx)]),
            ),
        }
    }
}

/// The intrinsic functions other than `Ref` and `Fn::GetAtt` (those come from handles).
///
/// ```
/// use escdk_synth::{fns, Pseudo};
/// let arn = fns::sub("arn:${AWS::Partition}:s3:::my-bucket/*");
/// let azs = fns::get_azs(Pseudo::Region);
/// let first_az = fns::select(0, azs);
/// let csv = fns::join(",", vec![fns::sub("${AWS::Region}"), first_az]);
/// # let _ = (arn, csv);
/// ```
pub mod fns {
    use super::{Expr, Json, Kind};
    use crate::handle::ConditionHandle;

    /// `Fn::Sub` with references written inline as `${Name}` or `${Name.Attribute}`; every
    /// name is checked at synth.
    pub fn sub(template: impl Into<String>) -> Expr {
        Expr(Box::new(Kind::Sub(template.into(), Vec::new())))
    }

    /// `Fn::Sub` with a variable map.
    pub fn sub_with<K: Into<String>, V: Into<Json>>(
        template: impl Into<String>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Expr {
        Expr(Box::new(Kind::Sub(
            template.into(),
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )))
    }

    /// `Fn::Join`: `values` is a list, or an expression that yields one.
    pub fn join(delimiter: impl Into<String>, values: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Join(delimiter.into(), values.into())))
    }

    /// `Fn::Select`.
    pub fn select(index: impl Into<Json>, list: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Select(index.into(), list.into())))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: impl Into<String>, source: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Split(delimiter.into(), source.into())))
    }

    /// `Fn::GetAZs` (pass [`super::Pseudo::Region`] or `""` for the stack's region).
    pub fn get_azs(region: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::GetAzs(region.into())))
    }

    /// `Fn::If` on a condition declared in the same stack.
    pub fn if_(
        condition: &ConditionHandle,
        then: impl Into<Json>,
        otherwise: impl Into<Json>,
    ) -> Expr {
        Expr(Box::new(Kind::If(
            condition.target(),
            then.into(),
            otherwise.into(),
        )))
    }

    /// `Fn::Equals`.
    pub fn equals(a: impl Into<Json>, b: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Equals(a.into(), b.into())))
    }

    /// `Fn::And` (two to ten conditions).
    pub fn and(conditions: impl IntoIterator<Item = Expr>) -> Expr {
        Expr(Box::new(Kind::And(
            conditions.into_iter().map(Json::from).collect(),
        )))
    }

    /// `Fn::Or` (two to ten conditions).
    pub fn or(conditions: impl IntoIterator<Item = Expr>) -> Expr {
        Expr(Box::new(Kind::Or(
            conditions.into_iter().map(Json::from).collect(),
        )))
    }

    /// `Fn::Not`.
    pub fn not(condition: Expr) -> Expr {
        Expr(Box::new(Kind::Not(condition.into())))
    }

    /// `Fn::FindInMap`.
    pub fn find_in_map(
        map: impl Into<Json>,
        top: impl Into<Json>,
        second: impl Into<Json>,
    ) -> Expr {
        Expr(Box::new(Kind::FindInMap(
            map.into(),
            top.into(),
            second.into(),
        )))
    }

    /// `Fn::ImportValue` of another stack's export.
    pub fn import_value(export_name: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::ImportValue(export_name.into())))
    }

    /// `Fn::Base64`.
    pub fn base64(value: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Base64(value.into())))
    }

    /// `Fn::Cidr`.
    pub fn cidr(block: impl Into<Json>, count: impl Into<Json>, bits: impl Into<Json>) -> Expr {
        Expr(Box::new(Kind::Cidr(
            block.into(),
            count.into(),
            bits.into(),
        )))
    }
}
