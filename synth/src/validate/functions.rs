//! The arguments CloudFormation requires of its intrinsic functions, and where each may be
//! used. A template that breaks them is refused before anything is created ("Template
//! error" or "Template format error"); cfn-lint reports the same (E1017 to E1032, E6101,
//! E8003 to E8006). The reference check's walk calls [`check`] on every function it meets,
//! so the template is walked once for both.

use crate::json::JsonValue;

/// The template section a function is in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Section {
    Resources,
    Conditions,
    Outputs,
}

/// What a value yields, as far as the template says without deploying it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Yields {
    /// A string, number or boolean.
    Scalar,
    List,
    /// A JSON object that is no function.
    Object,
    Unknown,
}

/// Whether a parameter of this type is a list.
pub fn is_list_kind(kind: &str) -> bool {
    kind.starts_with("List<") || kind == "CommaDelimitedList"
}

const CONDITION_FUNCTIONS: [&str; 4] = ["Fn::And", "Fn::Equals", "Fn::Not", "Fn::Or"];

/// The one key of an intrinsic function's object.
fn function(v: &JsonValue) -> Option<(&str, &JsonValue)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, arg) = m.iter().next()?;
    let k = k.as_str();
    (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k, arg))
}

/// What `v` yields; `list_param` says whether a `Ref`'s name is a list parameter.
pub fn yields(v: &JsonValue, list_param: &dyn Fn(&str) -> bool) -> Yields {
    match v {
        JsonValue::Array(_) => Yields::List,
        JsonValue::String(_) | JsonValue::Number(_) | JsonValue::Bool(_) => Yields::Scalar,
        JsonValue::Null => Yields::Unknown,
        JsonValue::Object(_) => match function(v) {
            None => Yields::Object,
            Some(("Fn::GetAZs" | "Fn::Split" | "Fn::Cidr", _)) => Yields::List,
            Some(("Fn::Join" | "Fn::Sub" | "Fn::Base64" | "Fn::ImportValue", _)) => Yields::Scalar,
            Some(("Ref", JsonValue::String(name))) => match name.as_str() {
                "AWS::NotificationARNs" => Yields::List,
                "AWS::NoValue" => Yields::Unknown,
                n if list_param(n) => Yields::List,
                _ => Yields::Scalar,
            },
            Some(("Fn::If", JsonValue::Array(a))) if a.len() == 3 => {
                match (yields(&a[1], list_param), yields(&a[2], list_param)) {
                    (x, y) if x == y => x,
                    (Yields::Unknown, x) | (x, Yields::Unknown) => x,
                    _ => Yields::Unknown,
                }
            }
            Some(_) => Yields::Unknown,
        },
    }
}

/// A finding: what is wrong and what to do.
pub type Finding = (String, String);

/// An array of `n` items (`n.0..=n.1`), or a finding naming the function's form.
fn items<'v>(
    name: &str,
    arg: &'v JsonValue,
    n: (usize, usize),
    form: &str,
) -> Result<&'v [JsonValue], Finding> {
    match arg.as_array() {
        Some(a) if (n.0..=n.1).contains(&a.len()) => Ok(a),
        _ => Err((
            format!("`{name}` takes {form}"),
            format!("write it as `{name}: {form}`"),
        )),
    }
}

/// A literal whole number (a number, or a string of digits as CloudFormation also reads).
fn literal_int(v: &JsonValue) -> Option<Result<i64, ()>> {
    match v {
        JsonValue::Number(n) => Some(n.as_i64().ok_or(())),
        JsonValue::String(s) => Some(s.trim().parse().map_err(|_| ())),
        JsonValue::Bool(_) | JsonValue::Array(_) => Some(Err(())),
        JsonValue::Object(_) if function(v).is_none() => Some(Err(())),
        _ => None,
    }
}

/// A literal whole number in `range` (`Ok(None)` for a function, known only at deploy),
/// or `Err` for any other literal.
fn literal_in(v: &JsonValue, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>, ()> {
    match literal_int(v) {
        None => Ok(None),
        Some(Ok(n)) if range.contains(&n) => Ok(Some(n)),
        Some(_) => Err(()),
    }
}

/// Whether `v` is a condition as `Fn::And`, `Fn::Or` and `Fn::Not` take them.
pub fn is_condition(v: &JsonValue) -> bool {
    matches!(function(v), Some((k, _)) if k == "Condition" || CONDITION_FUNCTIONS.contains(&k))
}

/// A CIDR block's address bits and prefix length, if `s` is one.
fn cidr(s: &str) -> Option<(u32, u32)> {
    let (addr, prefix) = s.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    let bits = if addr.parse::<std::net::Ipv4Addr>().is_ok() {
        32
    } else if addr.parse::<std::net::Ipv6Addr>().is_ok() {
        128
    } else {
        return None;
    };
    (prefix <= bits).then_some((bits, prefix))
}

/// Whether `s` reads as a region name (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
fn region_like(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// The finding for function `name` with argument `arg` in `section`, if CloudFormation
/// would refuse it. Resolving names (`Ref`, `Fn::GetAtt`, conditions, mappings) is the
/// reference check's.
pub fn check(
    name: &str,
    arg: &JsonValue,
    section: Section,
    list_param: &dyn Fn(&str) -> bool,
) -> Option<Finding> {
    check_shape(name, arg, section, list_param).err()
}

/// A warning for function `name` with argument `arg` that CloudFormation accepts but that
/// cannot do what it is there for (cfn-lint's W8003 and W1020).
pub fn warning(name: &str, arg: &JsonValue) -> Option<Finding> {
    let literal = |v: &JsonValue| matches!(v, JsonValue::String(_) | JsonValue::Number(_));
    match (name, arg) {
        ("Fn::Equals", JsonValue::Array(a)) if a.len() == 2 && a.iter().all(literal) => {
            let always = if a[0] == a[1] { "true" } else { "false" };
            Some((
                format!("`Fn::Equals` compares two literals: it is always {always}"),
                "compare a parameter or a pseudo parameter with a literal".into(),
            ))
        }
        ("Fn::Sub", JsonValue::Array(a))
            if a.first()
                .and_then(JsonValue::as_str)
                .is_some_and(|t| !t.contains("${")) =>
        {
            Some((
                "`Fn::Sub` has no `${...}` to substitute: its variables are not used".into(),
                "write the string itself, or name the variables in it as ${Name}".into(),
            ))
        }
        _ => None,
    }
}

/// The fix for a list argument that is not one.
const LIST_FIX: &str =
    "pass a list of values, or a function that yields one (fns::split, fns::get_azs)";

/// `Fn::Join` (`joins`: `[delimiter, list]`) or `Fn::Split` (`[delimiter, string]`).
fn delimited(
    name: &str,
    arg: &JsonValue,
    list_param: &dyn Fn(&str) -> bool,
    joins: bool,
) -> Result<(), Finding> {
    let form = if joins {
        "[delimiter, [values]]"
    } else {
        "[delimiter, string]"
    };
    let a = items(name, arg, (2, 2), form)?;
    if !a[0].is_string() {
        return Err((
            format!("`{name}` takes a literal string as its delimiter"),
            "pass a string".into(),
        ));
    }
    let found = yields(&a[1], list_param);
    match (joins, found) {
        (true, Yields::Scalar | Yields::Object) => Err((
            format!("`{name}` joins a list; its second argument is not one"),
            LIST_FIX.into(),
        )),
        (false, Yields::List | Yields::Object) => Err((
            format!("`{name}` splits a string; its second argument is not one"),
            "pass a string, or a function that yields one".into(),
        )),
        _ => Ok(()),
    }
}

fn check_shape(
    name: &str,
    arg: &JsonValue,
    section: Section,
    list_param: &dyn Fn(&str) -> bool,
) -> Result<(), Finding> {
    let fail = |m: String, f: &str| Err((m, f.to_string()));
    if CONDITION_FUNCTIONS.contains(&name) && section != Section::Conditions {
        return fail(
            format!("`{name}` is a condition function: CloudFormation takes it only in the Conditions section"),
            "declare a condition with Stack::add_condition, and choose between values with fns::if_",
        );
    }
    match name {
        "Ref" if !arg.is_string() => fail(
            "`Ref` takes the name of a resource, parameter or pseudo parameter".into(),
            "refer through a handle, a parameter's reference or a Pseudo",
        ),
        "Fn::If" if section == Section::Conditions => fail(
            "`Fn::If` cannot be used in a condition".into(),
            "combine conditions with fns::and, fns::or and fns::not",
        ),
        "Fn::If" => {
            let a = items(
                name,
                arg,
                (3, 3),
                "[condition name, value if true, value if false]",
            )?;
            if !a[0].is_string() {
                return fail(
                    "`Fn::If` takes a condition's name first".into(),
                    "pass the condition's handle to fns::if_",
                );
            }
            Ok(())
        }
        "Fn::And" | "Fn::Or" => {
            let a = items(name, arg, (2, 10), "[2 to 10 conditions]")?;
            match a.iter().find(|c| !is_condition(c)) {
                Some(_) => fail(
                    format!("`{name}` takes conditions: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `{{\"Condition\": name}}`"),
                    "pass conditions (fns::equals, or a condition handle's expr())",
                ),
                None => Ok(()),
            }
        }
        "Fn::Not" => {
            let a = items(name, arg, (1, 1), "[one condition]")?;
            if is_condition(&a[0]) {
                Ok(())
            } else {
                fail(
                    "`Fn::Not` takes a condition: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `{\"Condition\": name}`".into(),
                    "pass a condition (fns::equals, or a condition handle's expr())",
                )
            }
        }
        "Fn::Equals" => {
            let a = items(name, arg, (2, 2), "[value, value]")?;
            match a
                .iter()
                .find(|v| matches!(yields(v, list_param), Yields::List | Yields::Object))
            {
                Some(_) => fail(
                    "`Fn::Equals` compares two strings; one of its values is a list or an object"
                        .into(),
                    "compare strings (fns::join or fns::select of a list)",
                ),
                None => Ok(()),
            }
        }
        "Fn::Join" => delimited(name, arg, list_param, true),
        "Fn::Select" => {
            let a = items(name, arg, (2, 2), "[index, list]")?;
            let index = match literal_int(&a[0]) {
                Some(Ok(i)) if i >= 0 => Some(i),
                Some(_) => {
                    return fail(
                        "`Fn::Select` takes a whole number from 0 as its index".into(),
                        "pass an index of 0 or more",
                    )
                }
                None => None,
            };
            match (&a[1], yields(&a[1], list_param)) {
                (_, Yields::Scalar | Yields::Object) => fail(
                    "`Fn::Select` picks from a list; its second argument is not one".into(),
                    LIST_FIX,
                ),
                (JsonValue::Array(list), _) if index.is_some_and(|i| i as usize >= list.len()) => {
                    fail(
                        format!(
                            "`Fn::Select` index {} is past the end of its list of {}",
                            index.unwrap_or_default(),
                            list.len()
                        ),
                        "pick an index below the list's length",
                    )
                }
                _ => Ok(()),
            }
        }
        "Fn::Split" => delimited(name, arg, list_param, false),
        "Fn::Sub" => {
            let (template, vars) = match arg {
                JsonValue::String(_) => return Ok(()),
                JsonValue::Array(a) if (1..=2).contains(&a.len()) => (&a[0], a.get(1)),
                _ => {
                    return fail(
                        "`Fn::Sub` takes a string, or [string, {variables}]".into(),
                        "use fns::sub or fns::sub_with",
                    )
                }
            };
            if !template.is_string() {
                return fail(
                    "`Fn::Sub` takes a literal string to substitute into".into(),
                    "use fns::sub or fns::sub_with",
                );
            }
            let Some(vars) = vars else { return Ok(()) };
            let Some(vars) = vars.as_object() else {
                return fail(
                    "`Fn::Sub`'s variables are an object of names to values".into(),
                    "use fns::sub_with",
                );
            };
            match vars
                .iter()
                .find(|(_, v)| matches!(yields(v, list_param), Yields::List | Yields::Object))
            {
                Some((k, _)) => fail(
                    format!(
                        "`Fn::Sub` variable `{}` is a list or an object; it substitutes strings",
                        k.as_str()
                    ),
                    "join the list first (fns::join)",
                ),
                None => Ok(()),
            }
        }
        "Fn::Base64" => match yields(arg, list_param) {
            Yields::List | Yields::Object => fail(
                "`Fn::Base64` encodes a string; its argument is not one".into(),
                "pass a string, or a function that yields one",
            ),
            _ => Ok(()),
        },
        "Fn::GetAZs" => match arg {
            JsonValue::String(s) if !s.is_empty() && !region_like(s) => fail(
                format!("`Fn::GetAZs` of `{s}`, which is not a region"),
                "pass \"\" or Pseudo::Region for the stack's region, or a region's name",
            ),
            JsonValue::String(_) => Ok(()),
            _ if function(arg).is_some() => Ok(()),
            _ => fail(
                "`Fn::GetAZs` takes a region's name".into(),
                "pass \"\" or Pseudo::Region for the stack's region",
            ),
        },
        "Fn::Cidr" => {
            let a = items(name, arg, (3, 3), "[ip block, count, cidr bits]")?;
            let block = match &a[0] {
                JsonValue::String(s) => match cidr(s) {
                    Some(b) => Some(b),
                    None => {
                        return fail(
                            format!("`Fn::Cidr` of `{s}`, which is not a CIDR block"),
                            "pass a block such as 10.0.0.0/16",
                        )
                    }
                },
                _ => None,
            };
            let Ok(count) = literal_in(&a[1], 1..=256) else {
                return fail(
                    "`Fn::Cidr` makes 1 to 256 blocks".into(),
                    "ask for 1 to 256 blocks",
                );
            };
            let Ok(bits) = literal_in(&a[2], 1..=128) else {
                return fail(
                    "`Fn::Cidr`'s cidr bits (each block's host bits) are 1 to 128".into(),
                    "pass the host bits of each block: 8 for a /24 from an IPv4 block",
                );
            };
            if let (Some((width, prefix)), Some(bits)) = (block, bits) {
                let free = i64::from(width) - i64::from(prefix) - bits;
                let room = if free < 0 { 0 } else { 1i64 << free.min(62) };
                if count.unwrap_or(1) > room {
                    return fail(
                        format!(
                            "`Fn::Cidr` cannot cut {} blocks of {bits} host bits from a /{prefix}",
                            count.unwrap_or(1)
                        ),
                        "use fewer or smaller blocks, or a larger block to cut them from",
                    );
                }
            }
            Ok(())
        }
        "Fn::FindInMap" => items(
            name,
            arg,
            (3, 3),
            "[mapping, top-level key, second-level key]",
        )
        .map(|_| ()),
        "Fn::ImportValue" => match yields(arg, list_param) {
            Yields::List | Yields::Object => fail(
                "`Fn::ImportValue` takes an export's name; its argument is not a string".into(),
                "pass the export's name",
            ),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> JsonValue {
        serde_json::from_value(v).unwrap()
    }

    fn of(name: &str, arg: serde_json::Value, section: Section) -> Option<String> {
        check(name, &node(arg), section, &|p| p == "Subnets").map(|f| f.0)
    }

    #[test]
    fn literal_comparisons_and_substitutions_without_variables_are_warned() {
        let w = |name: &str, v: serde_json::Value| warning(name, &node(v)).map(|f| f.0);
        assert!(w("Fn::Equals", json!(["a", "a"]))
            .unwrap()
            .contains("always true"));
        assert!(w("Fn::Equals", json!(["a", 1]))
            .unwrap()
            .contains("always false"));
        assert_eq!(w("Fn::Equals", json!([{"Ref": "AWS::Region"}, "a"])), None);
        assert!(w("Fn::Sub", json!(["x", {"A": "b"}])).is_some());
        assert_eq!(w("Fn::Sub", json!(["${A}", {"A": "b"}])), None);
        assert_eq!(w("Fn::Sub", json!("x")), None);
    }

    #[test]
    fn arguments_are_held_to_their_function_s_form() {
        use Section::*;
        let ok = [
            ("Fn::Join", json!([",", ["a", {"Ref": "X"}]]), Resources),
            ("Fn::Join", json!([",", {"Ref": "Subnets"}]), Resources),
            (
                "Fn::Join",
                json!([",", {"Fn::GetAtt": ["V", "Ids"]}]),
                Resources,
            ),
            ("Fn::Select", json!([1, ["a", "b"]]), Resources),
            ("Fn::Select", json!(["0", {"Fn::GetAZs": ""}]), Resources),
            (
                "Fn::Split",
                json!([",", {"Fn::ImportValue": "x"}]),
                Resources,
            ),
            ("Fn::Cidr", json!(["10.0.0.0/16", 256, 8]), Resources),
            ("Fn::Cidr", json!(["fd00::/56", 4, 64]), Resources),
            ("Fn::GetAZs", json!("us-gov-west-1"), Resources),
            ("Fn::GetAZs", json!({"Ref": "AWS::Region"}), Resources),
            (
                "Fn::And",
                json!([{"Condition": "A"}, {"Fn::Equals": ["a", "b"]}]),
                Conditions,
            ),
            ("Fn::Not", json!([{"Condition": "A"}]), Conditions),
            ("Fn::Sub", json!(["${A}", {"A": {"Ref": "X"}}]), Outputs),
            (
                "Fn::If",
                json!(["C", "a", {"Ref": "AWS::NoValue"}]),
                Outputs,
            ),
        ];
        for (name, arg, section) in ok {
            assert_eq!(of(name, arg.clone(), section), None, "{name} {arg}");
        }
        let bad = [
            ("Fn::Join", json!([",", "abc"]), Resources, "joins a list"),
            (
                "Fn::Join",
                json!([",", {"a": 1}]),
                Resources,
                "joins a list",
            ),
            (
                "Fn::Join",
                json!([",", {"Fn::Sub": "x"}]),
                Resources,
                "joins a list",
            ),
            (
                "Fn::Select",
                json!([5, ["a"]]),
                Resources,
                "index 5 is past the end of its list of 1",
            ),
            (
                "Fn::Select",
                json!([-1, ["a"]]),
                Resources,
                "whole number from 0",
            ),
            (
                "Fn::Select",
                json!(["x", ["a"]]),
                Resources,
                "whole number from 0",
            ),
            (
                "Fn::Select",
                json!([0, "a,b"]),
                Resources,
                "picks from a list",
            ),
            (
                "Fn::Split",
                json!([",", ["a"]]),
                Resources,
                "splits a string",
            ),
            (
                "Fn::Cidr",
                json!(["10.0.0.0/33", 4, 8]),
                Resources,
                "not a CIDR block",
            ),
            (
                "Fn::Cidr",
                json!(["10.0.0.0/16", 300, 8]),
                Resources,
                "1 to 256 blocks",
            ),
            (
                "Fn::Cidr",
                json!(["10.0.0.0/16", 4, 0]),
                Resources,
                "1 to 128",
            ),
            (
                "Fn::Cidr",
                json!(["10.0.0.0/24", 2, 8]),
                Resources,
                "cannot cut 2 blocks",
            ),
            (
                "Fn::GetAZs",
                json!("not-a-region"),
                Resources,
                "not a region",
            ),
            (
                "Fn::And",
                json!([{"Condition": "A"}]),
                Conditions,
                "2 to 10",
            ),
            (
                "Fn::Or",
                json!(vec![json!({"Condition": "A"}); 11]),
                Conditions,
                "2 to 10",
            ),
            (
                "Fn::Not",
                json!([{"Ref": "AWS::Region"}]),
                Conditions,
                "takes a condition",
            ),
            (
                "Fn::If",
                json!(["A", "x", "y"]),
                Conditions,
                "cannot be used in a condition",
            ),
            (
                "Fn::Equals",
                json!(["a", "b"]),
                Resources,
                "only in the Conditions section",
            ),
            (
                "Fn::Equals",
                json!([{"Fn::GetAZs": ""}, "b"]),
                Conditions,
                "list or an object",
            ),
            (
                "Fn::Sub",
                json!(["${A}", {"A": {"Fn::GetAZs": ""}}]),
                Resources,
                "variable `A` is a list",
            ),
            (
                "Fn::Sub",
                json!(["${A}", {"A": {"Ref": "Subnets"}}]),
                Resources,
                "variable `A` is a list",
            ),
            ("Fn::Base64", json!(["a"]), Resources, "encodes a string"),
            (
                "Fn::If",
                json!(["A", "x"]),
                Resources,
                "takes [condition name",
            ),
            ("Ref", json!(["A"]), Resources, "takes the name"),
        ];
        for (name, arg, section, expected) in bad {
            let found = of(name, arg.clone(), section).unwrap_or_default();
            assert!(found.contains(expected), "{name} {arg}: {found}");
        }
    }
}
