//! Template parameters: a type CloudFormation knows, and a default that its own constraints
//! accept (CloudFormation refuses either at deploy time).

use crate::diagnostics::Diagnostic;
use crate::json::Json;
use crate::parts::Parameter;

const PLAIN_TYPES: [&str; 4] = ["String", "Number", "List<Number>", "CommaDelimitedList"];

/// Whether CloudFormation accepts `kind` as a parameter type.
fn known_type(kind: &str) -> bool {
    PLAIN_TYPES.contains(&kind)
        || (kind.starts_with("AWS::") && !kind.contains(char::is_whitespace))
        || (kind.starts_with("List<AWS::") && kind.ends_with('>'))
}

/// The checks of one parameter, at `<stack>/Parameters/<name>`.
pub fn check(stack: &str, name: &str, p: &Parameter, diags: &mut Vec<Diagnostic>) {
    let at = format!("{stack}/Parameters/{name}");
    let mut error = |property: &str, message: String, fix: String| {
        diags.push(Diagnostic::error(at.clone(), message, fix).with_property(property));
    };
    if !known_type(&p.kind) {
        let closest = crate::diagnostics::closest(&PLAIN_TYPES, &p.kind).unwrap_or("String");
        error(
            "Type",
            format!("`{}` is not a parameter type", p.kind),
            format!("use String, Number, List<Number>, CommaDelimitedList or an AWS-specific type (did you mean `{closest}`?)"),
        );
    }
    let limits = [
        (
            "MinLength",
            p.min_length.map(f64::from),
            p.max_length.map(f64::from),
        ),
        ("MinValue", p.min_value, p.max_value),
    ];
    for (property, min, max) in limits {
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                let upper = property.replace("Min", "Max");
                error(
                    property,
                    format!("{property} {min} is above {upper} {max}: no value is accepted"),
                    "swap or correct the limits".into(),
                );
            }
        }
    }
    if let Some(pattern) = &p.allowed_pattern {
        let anchored = crate::l1::Pattern::owned(format!("^(?:{pattern})$"));
        if anchored.is_match("").is_none() {
            error(
                "AllowedPattern",
                format!("the allowed pattern `{pattern}` is not a regular expression"),
                "fix the pattern".into(),
            );
        }
    }
    let Some(default) = &p.default else {
        return;
    };
    let text = match default {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if !p.allowed_values.is_empty() && !p.allowed_values.contains(default) {
        error(
            "Default",
            format!(
                "the default {} is not one of the allowed values",
                text.clone().unwrap_or_default()
            ),
            "make the default one of the allowed values".into(),
        );
    }
    let Some(text) = text else {
        return;
    };
    let numbers = match p.kind.as_str() {
        "Number" => Some(vec![text.as_str()]),
        "List<Number>" => Some(text.split(',').collect()),
        _ => None,
    };
    if let Some(bad) = numbers
        .unwrap_or_default()
        .into_iter()
        .find(|n| n.trim().parse::<f64>().map_or(true, |f| !f.is_finite()))
    {
        error(
            "Default",
            format!(
                "the default `{text}` is not a {}: `{bad}` is not a number",
                p.kind
            ),
            "give a number (List<Number>: numbers separated by commas)".into(),
        );
    }
    if let Some(pattern) = &p.allowed_pattern {
        // Matched as a schema's pattern is (l1::Pattern: without compiling a regex where
        // the simple matcher reads it; regex also says whether it is one).
        let anchored = crate::l1::Pattern::owned(format!("^(?:{pattern})$"));
        match anchored.is_match(&text) {
            Some(false) => error(
                "Default",
                format!("the default `{text}` does not match the allowed pattern `{pattern}`"),
                "change the default or the pattern".into(),
            ),
            Some(true) => {}
            // Reported above.
            None => {}
        }
    }
    let len = text.chars().count() as u32;
    if p.min_length.is_some_and(|m| len < m) || p.max_length.is_some_and(|m| len > m) {
        error(
            "Default",
            format!(
                "the default `{text}` is {len} characters, outside the parameter's length limits"
            ),
            "change the default or the limits".into(),
        );
    }
    if let Ok(n) = text.parse::<f64>() {
        if p.min_value.is_some_and(|m| n < m) || p.max_value.is_some_and(|m| n > m) {
            error(
                "Default",
                format!("the default {text} is outside the parameter's value limits"),
                "change the default or the limits".into(),
            );
        }
    }
}
