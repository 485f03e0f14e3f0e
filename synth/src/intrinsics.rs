//! CloudFormation intrinsic functions as Rust values.
//!
//! An [`Expr`] can only refer to something that exists: `Ref` and `Fn::GetAtt` come from
//! handles ([`crate::Handle::reference`], [`crate::Handle::get_att`], the generated
//! `attr_*` accessors, [`crate::ParamHandle::reference`]) or from [`Pseudo`] parameters, and
//! every handle remembers its stack, so a handle used in another stack is an error at synth.
//! The other functions are in [`fns`].

pub use crate::json::Expr;
pub use crate::pseudo::Pseudo;

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
    use crate::handle::ConditionHandle;
    use crate::json::{Expr, Json, Kind};
    use std::rc::Rc;

    /// `Fn::Sub` with references written inline as `${Name}` or `${Name.Attribute}`; every
    /// name is checked at synth. A template without `${` (a literal ARN) is written as the
    /// plain string.
    pub fn sub(template: impl Into<String>) -> Expr {
        Expr(Rc::new(Kind::Sub(template.into(), Vec::new())))
    }

    /// `Fn::Sub` with a variable map.
    pub fn sub_with<K: Into<String>, V: Into<Json>>(
        template: impl Into<String>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Expr {
        Expr(Rc::new(Kind::Sub(
            template.into(),
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )))
    }

    /// `Fn::Join`: `values` is a list, or an expression that yields one.
    pub fn join(delimiter: impl Into<String>, values: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Join(delimiter.into(), values.into())))
    }

    /// `Fn::Select`.
    pub fn select(index: impl Into<Json>, list: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Select(index.into(), list.into())))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: impl Into<String>, source: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Split(delimiter.into(), source.into())))
    }

    /// `Fn::GetAZs` (pass [`super::Pseudo::Region`] or `""` for the stack's region).
    pub fn get_azs(region: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::GetAzs(region.into())))
    }

    /// `Fn::If` on a condition declared in the same stack.
    pub fn if_(
        condition: &ConditionHandle,
        then: impl Into<Json>,
        otherwise: impl Into<Json>,
    ) -> Expr {
        Expr(Rc::new(Kind::If(
            condition.target(),
            then.into(),
            otherwise.into(),
        )))
    }

    /// `Fn::Equals`.
    pub fn equals(a: impl Into<Json>, b: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Equals(a.into(), b.into())))
    }

    /// `Fn::And` (two to ten conditions).
    pub fn and(conditions: impl IntoIterator<Item = Expr>) -> Expr {
        Expr(Rc::new(Kind::And(
            conditions.into_iter().map(Json::from).collect(),
        )))
    }

    /// `Fn::Or` (two to ten conditions).
    pub fn or(conditions: impl IntoIterator<Item = Expr>) -> Expr {
        Expr(Rc::new(Kind::Or(
            conditions.into_iter().map(Json::from).collect(),
        )))
    }

    /// `Fn::Not`.
    pub fn not(condition: Expr) -> Expr {
        Expr(Rc::new(Kind::Not(condition.into())))
    }

    /// `Fn::FindInMap`.
    pub fn find_in_map(
        map: impl Into<Json>,
        top: impl Into<Json>,
        second: impl Into<Json>,
    ) -> Expr {
        Expr(Rc::new(Kind::FindInMap(
            map.into(),
            top.into(),
            second.into(),
        )))
    }

    /// `Fn::ImportValue` of another stack's export.
    pub fn import_value(export_name: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::ImportValue(export_name.into())))
    }

    /// `Fn::Base64`.
    pub fn base64(value: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Base64(value.into())))
    }

    /// `Fn::Cidr`.
    pub fn cidr(block: impl Into<Json>, count: impl Into<Json>, bits: impl Into<Json>) -> Expr {
        Expr(Rc::new(Kind::Cidr(block.into(), count.into(), bits.into())))
    }
}
