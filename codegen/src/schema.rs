//! Reads one resource provider schema into a model of Rust structs, fields and rules.

use crate::formats::{self, FormatCheck};
use crate::names;
use crate::patterns::{anchor_pattern, translate_pattern};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A resource type: its properties struct, the nested structs, and its `GetAtt` attributes.
pub struct ResourceModel {
    pub type_name: String,
    pub service: String,
    pub module: String,
    pub root: StructModel,
    pub structs: Vec<StructModel>,
    pub attributes: Vec<String>,
    /// Patterns this schema uses that were translated, as (original, translated).
    pub translated: Vec<(String, String)>,
    /// Where the type keeps tags: `("List" | "Map", property)`, from `tagging.tagProperty`.
    pub tagging: Option<(&'static str, String)>,
    /// The schema's top-level `allOf`: conditions on the values of its properties.
    pub conditions: Vec<Condition>,
}

/// A test of one property's literal value.
#[derive(Clone, Debug)]
pub enum Test {
    MinItems(u64),
    In(Vec<String>),
    NotIn(Vec<String>),
}

/// `when` every test holds (each property present), every `then` test holds on the
/// properties that are present. An `allOf` item without `if` always applies.
#[derive(Clone, Debug)]
pub struct Condition {
    pub when: Vec<(String, Test)>,
    pub then: Vec<(String, Test)>,
}

/// The tests of a `properties` object of an `allOf` branch (`minItems`, `enum`,
/// `not: {enum}`); any other keyword fails generation, so no condition is dropped.
fn tests(node: &Value) -> Result<Vec<(String, Test)>, String> {
    let mut out = Vec::new();
    let Some(props) = node.get("properties").and_then(Value::as_object) else {
        return Ok(out);
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (property, test) in props {
        for (key, value) in test.as_object().into_iter().flatten() {
            let t = match key.as_str() {
                "type" => continue,
                "minItems" => Test::MinItems(value.as_u64().unwrap_or(0)),
                "enum" => Test::In(strings(value)),
                "not"
                    if value.get("enum").is_some()
                        && value.as_object().is_some_and(|o| o.len() == 1) =>
                {
                    Test::NotIn(strings(&value["enum"]))
                }
                other => {
                    return Err(format!(
                        "allOf: `{other}` on {property} is not supported: add it to \
                         codegen/src/schema.rs (tests)"
                    ))
                }
            };
            out.push((property.clone(), t));
        }
    }
    Ok(out)
}

/// The schema's top-level `allOf` as conditions.
fn conditions(schema: &Value) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    for item in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let known = ["if", "then", "properties", "required", "type"];
        if let Some(k) = item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .find(|k| !known.contains(&k.as_str()))
        {
            return Err(format!(
                "allOf: `{k}` is not supported: add it to codegen/src/schema.rs"
            ));
        }
        match (item.get("if"), item.get("then")) {
            (Some(when), Some(then)) => out.push(Condition {
                when: tests(when)?,
                then: tests(then)?,
            }),
            (None, None) => out.push(Condition {
                when: Vec::new(),
                then: tests(item)?,
            }),
            _ => return Err("allOf: an `if` without `then` (or the reverse)".to_string()),
        }
    }
    Ok(out)
}

/// The tag property and its shape, from the schema's `tagging` metadata: a list of
/// `Key`/`Value` objects, or a map of strings.
fn tagging(schema: &Value) -> Option<(&'static str, String)> {
    let t = schema.get("tagging")?;
    if t.get("taggable").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let property = t
        .get("tagProperty")
        .and_then(Value::as_str)
        .unwrap_or("/properties/Tags")
        .strip_prefix("/properties/")?
        .to_string();
    let p = schema.get("properties")?.get(&property)?;
    match p.get("type").and_then(Value::as_str) {
        Some("array") => Some(("List", property)),
        Some("object") => Some(("Map", property)),
        _ => None,
    }
}

pub struct StructModel {
    pub name: String,
    pub description: String,
    pub fields: Vec<FieldModel>,
    pub combos: Vec<Combo>,
}

pub struct FieldModel {
    pub property: String,
    pub field: String,
    pub ty: Ty,
    pub required: bool,
    pub rule: RuleModel,
    pub description: String,
}

#[derive(Clone, Debug)]
pub enum Ty {
    Str,
    Int,
    Num,
    Bool,
    Json,
    Struct(String),
    List(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Clone, Debug, Default)]
pub struct RuleModel {
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub pattern: Option<String>,
    pub enum_values: Vec<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub items: Option<Box<RuleModel>>,
    pub key_pattern: Option<String>,
    /// Formats (cfn-lint's names) of which the value must have one.
    pub formats: Vec<String>,
}

impl RuleModel {
    pub fn is_empty(&self) -> bool {
        self.min_len.is_none()
            && self.max_len.is_none()
            && self.pattern.is_none()
            && self.enum_values.is_empty()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && !self.unique_items
            && self.items.as_ref().is_none_or(|i| i.is_empty())
            && self.key_pattern.is_none()
            && self.formats.is_empty()
    }
}

/// Constraints between properties of one object.
#[derive(Clone, Debug)]
pub enum Combo {
    /// `anyOf: [{required: [..]}, ..]`: at least one alternative's properties are all present.
    AnyOf(Vec<Vec<String>>),
    /// `oneOf: [{required: [..]}, ..]`: exactly one alternative holds.
    OneOf(Vec<Vec<String>>),
    /// `dependencies` / `dependentRequired`: when the first is set, the others must be.
    Requires(String, Vec<String>),
    /// cfn-lint's `dependentExcluded`: when the first is set, the others must not be.
    Excludes(String, Vec<String>),
    /// cfn-lint's `requiredXor`: exactly one of these is set.
    Xor(Vec<String>),
    /// cfn-lint's `requiredOr`: at least one of these is set.
    Or(Vec<String>),
}

/// The formats a value must have one of: its `format`, or an `anyOf` of formats
/// (`AWS::KMS::Key.Arn` or `.Id` or an alias). Empty when any of them is unchecked.
fn formats(node: &Value) -> Result<Vec<String>, String> {
    let names: Vec<&str> = match node.get("format").and_then(Value::as_str) {
        Some(f) => vec![f],
        None => match node.get("anyOf").and_then(Value::as_array) {
            Some(alts)
                if alts.iter().all(|a| {
                    a.get("format").is_some() && a.get("type").is_none() && a.get("$ref").is_none()
                }) =>
            {
                alts.iter()
                    .filter_map(|a| a.get("format").and_then(Value::as_str))
                    .collect()
            }
            _ => Vec::new(),
        },
    };
    let mut checked = Vec::new();
    for name in names {
        if let FormatCheck::Unchecked(_) = formats::lookup(name)? {
            return Ok(Vec::new());
        }
        checked.push(name.to_string());
    }
    Ok(checked)
}

/// Older (non-registry) resource types whose `Fn::GetAtt` reads any property, not only the
/// read-only ones, as cfn-lint records them (`cfnlint/schema/_getatts.py`): `GetAtt Bus.Name`.
const ANY_PROPERTY_GETATT: &[&str] = &[
    "AWS::Events::EventBus",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
];

struct Ctx<'a> {
    definitions: &'a Map<String, Value>,
    structs: BTreeMap<String, StructModel>,
    by_pointer: BTreeMap<String, String>,
    /// Structs keyed by their schema without descriptions: the same shape is one struct.
    by_shape: BTreeMap<String, String>,
    translated: Vec<(String, String)>,
    type_name: &'a str,
}

impl ResourceModel {
    pub fn from_schema(type_name: &str, schema: &Value) -> Result<Self, String> {
        let parts: Vec<&str> = type_name.split("::").collect();
        let [_, service, resource] = parts[..] else {
            return Err(format!("unexpected type name {type_name}"));
        };
        let empty = Map::new();
        let definitions = schema
            .get("definitions")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let read_only: Vec<String> = schema
            .get("readOnlyProperties")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .filter_map(|p| p.strip_prefix("/properties/"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let mut cx = Ctx {
            definitions,
            structs: BTreeMap::new(),
            by_pointer: BTreeMap::new(),
            by_shape: BTreeMap::new(),
            translated: Vec::new(),
            type_name,
        };
        let top_level_read_only: Vec<&str> = read_only
            .iter()
            .filter(|p| !p.contains('/'))
            .map(String::as_str)
            .collect();
        let conditions = conditions(schema).map_err(|e| format!("{type_name}: {e}"))?;
        let root = cx.struct_model(
            &format!("Cfn{}", names::type_name(resource)),
            schema,
            "#",
            &top_level_read_only,
        )?;
        // `Fn::GetAtt` reads a path of object keys; a path through array items (`*`) is no
        // attribute.
        let mut attributes: Vec<String> = read_only
            .iter()
            .filter(|p| !p.contains('*'))
            .map(|p| p.replace('/', "."))
            .collect();
        if ANY_PROPERTY_GETATT.contains(&type_name) {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                attributes.extend(props.keys().cloned());
            }
            attributes.sort();
            attributes.dedup();
        }
        let mut translated = cx.translated;
        translated.sort();
        translated.dedup();
        Ok(ResourceModel {
            type_name: type_name.to_string(),
            service: service.to_lowercase(),
            module: names::snake_case(resource),
            root,
            structs: cx.structs.into_values().collect(),
            attributes,
            translated,
            tagging: tagging(schema),
            conditions,
        })
    }
}

fn description(node: &Value) -> String {
    let text = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let first_paragraph = text.split("\n\n").next().unwrap_or("");
    first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The schema of an object with its descriptions removed, as a canonical string.
fn shape_key(node: &Value) -> String {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| k.as_str() != "description")
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(node).to_string()
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn required_alternatives(v: &Value) -> Option<Vec<Vec<String>>> {
    let alts = v.as_array()?;
    let mut out = Vec::new();
    for alt in alts {
        let obj = alt.as_object()?;
        if obj.keys().any(|k| k != "required") {
            return None;
        }
        out.push(string_list(obj.get("required")));
    }
    Some(out)
}

impl Ctx<'_> {
    fn struct_model(
        &mut self,
        name: &str,
        node: &Value,
        pointer: &str,
        skip: &[&str],
    ) -> Result<StructModel, String> {
        let empty = Map::new();
        let props = node
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = string_list(node.get("required"));
        let mut fields = Vec::new();
        for (prop, schema) in props {
            if skip.contains(&prop.as_str()) {
                continue;
            }
            let hint = names::type_name(prop);
            let (ty, rule) =
                self.resolve(schema, &format!("{pointer}/properties/{prop}"), &hint)?;
            fields.push(FieldModel {
                property: prop.clone(),
                field: names::field_name(prop),
                ty,
                required: required.contains(prop),
                rule,
                description: description(schema),
            });
        }
        let mut combos = Vec::new();
        let known = |p: &String| props.contains_key(p) && !skip.contains(&p.as_str());
        if let Some(alts) = node.get("anyOf").and_then(required_alternatives) {
            if alts.iter().flatten().all(known) {
                combos.push(Combo::AnyOf(alts));
            }
        }
        if let Some(alts) = node.get("oneOf").and_then(required_alternatives) {
            if alts.iter().flatten().all(known) {
                combos.push(Combo::OneOf(alts));
            }
        }
        for key in ["dependencies", "dependentRequired"] {
            if let Some(deps) = node.get(key).and_then(Value::as_object) {
                for (p, needs) in deps {
                    let needs = string_list(Some(needs));
                    if known(p) && needs.iter().all(known) && !needs.is_empty() {
                        combos.push(Combo::Requires(p.clone(), needs));
                    }
                }
            }
        }
        if let Some(deps) = node.get("dependentExcluded").and_then(Value::as_object) {
            for (p, excl) in deps {
                let excl: Vec<String> = string_list(Some(excl)).into_iter().filter(known).collect();
                if known(p) && !excl.is_empty() {
                    combos.push(Combo::Excludes(p.clone(), excl));
                }
            }
        }
        let xor = string_list(node.get("requiredXor"));
        if !xor.is_empty() && xor.iter().all(known) {
            combos.push(Combo::Xor(xor));
        }
        let or = string_list(node.get("requiredOr"));
        if !or.is_empty() && or.iter().all(known) {
            combos.push(Combo::Or(or));
        }
        Ok(StructModel {
            name: name.to_string(),
            description: description(node),
            fields,
            combos,
        })
    }

    fn register_struct(
        &mut self,
        pointer: &str,
        wanted: &str,
        node: &Value,
    ) -> Result<String, String> {
        if let Some(name) = self.by_pointer.get(pointer) {
            return Ok(name.clone());
        }
        let shape = shape_key(node);
        if let Some(name) = self.by_shape.get(&shape) {
            return Ok(name.clone());
        }
        let mut name = names::type_name(wanted);
        while self.structs.contains_key(&name) || self.by_pointer.values().any(|n| n == &name) {
            name.push_str("Property");
        }
        self.by_pointer.insert(pointer.to_string(), name.clone());
        self.by_shape.insert(shape, name.clone());
        let model = self.struct_model(&name, node, pointer, &[])?;
        self.structs.insert(name.clone(), model);
        Ok(name)
    }

    fn pattern(&mut self, p: &str) -> Result<String, String> {
        let t = translate_pattern(p)
            .and_then(|t| anchor_pattern(&t))
            .map_err(|e| format!("{}: {e}", self.type_name))?;
        // Synth compiles these with the same crate; one that does not compile would silently
        // check nothing, so it fails generation instead.
        regex::Regex::new(&t).map_err(|e| {
            format!(
                "{}: pattern {p:?} (as {t:?}) does not compile in Rust's regex: {e}; add a translation \
                 to PATTERN_TRANSLATIONS in codegen/src/patterns.rs",
                self.type_name
            )
        })?;
        if t != p {
            self.translated.push((p.to_string(), t.clone()));
        }
        Ok(t)
    }

    fn scalar_rule(&mut self, node: &Value, rule: &mut RuleModel) -> Result<(), String> {
        let num = |k: &str| node.get(k).and_then(Value::as_f64);
        let int = |k: &str| node.get(k).and_then(Value::as_u64);
        rule.min_len = rule.min_len.or(int("minLength"));
        rule.max_len = rule.max_len.or(int("maxLength"));
        rule.minimum = rule.minimum.or(num("minimum"));
        rule.maximum = rule.maximum.or(num("maximum"));
        rule.min_items = rule.min_items.or(int("minItems"));
        rule.max_items = rule.max_items.or(int("maxItems"));
        if node.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            rule.unique_items = true;
        }
        if rule.pattern.is_none() {
            if let Some(p) = node.get("pattern").and_then(Value::as_str) {
                rule.pattern = Some(self.pattern(p)?);
            }
        }
        if rule.formats.is_empty() {
            rule.formats = formats(node).map_err(|e| format!("{}: {e}", self.type_name))?;
        }
        if rule.enum_values.is_empty() {
            if let Some(values) = node.get("enum").and_then(Value::as_array) {
                rule.enum_values = values
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
            }
        }
        Ok(())
    }

    /// Resolves a property schema to its Rust type and the constraints on its literal values.
    fn resolve(
        &mut self,
        node: &Value,
        pointer: &str,
        hint: &str,
    ) -> Result<(Ty, RuleModel), String> {
        let mut rule = RuleModel::default();
        self.resolve_into(node, pointer, hint, &mut rule)
            .map(|ty| (ty, rule))
    }

    fn resolve_into(
        &mut self,
        node: &Value,
        pointer: &str,
        hint: &str,
        rule: &mut RuleModel,
    ) -> Result<Ty, String> {
        // Constraints written beside a `$ref` or `oneOf` apply too, so collect them first.
        self.scalar_rule(node, rule)?;
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let def_name = r
                .strip_prefix("#/definitions/")
                .ok_or_else(|| format!("{}: non-local $ref {r}", self.type_name))?;
            let def = self
                .definitions
                .get(def_name)
                .ok_or_else(|| format!("{}: missing definition {def_name}", self.type_name))?
                .clone();
            return self.resolve_into(&def, &format!("#/definitions/{def_name}"), def_name, rule);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = node.get(key).and_then(Value::as_array) {
                // Alternatives that only constrain presence or format do not change the type.
                let typed: Vec<&Value> = alts
                    .iter()
                    .filter(|a| a.get("$ref").is_some() || a.get("type").is_some())
                    .collect();
                if typed.is_empty() {
                    continue;
                }
                // Prefer the structured alternative (the others are legacy JSON-string forms).
                let preferred = typed.iter().find(|a| {
                    a.get("$ref").is_some()
                        || matches!(
                            a.get("type").and_then(Value::as_str),
                            Some("array" | "object")
                        )
                });
                return match preferred {
                    Some(alt) => self.resolve_into(alt, pointer, hint, rule),
                    None => Ok(Ty::Json),
                };
            }
        }
        let ty = match node.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(_) => return Ok(Ty::Json),
            None if node.get("properties").is_some() => "object",
            None if node.get("enum").is_some() => "string",
            None => return Ok(Ty::Json),
        };
        Ok(match ty {
            "string" => Ty::Str,
            "integer" => Ty::Int,
            "number" => Ty::Num,
            "boolean" => Ty::Bool,
            "array" => {
                let mut item_rule = RuleModel::default();
                let item_ty = match node.get("items") {
                    Some(items) => self.resolve_into(
                        items,
                        &format!("{pointer}/items"),
                        &format!("{hint}Item"),
                        &mut item_rule,
                    )?,
                    None => Ty::Json,
                };
                // A list format (`AWS::EC2::Subnet.Ids`) is its items' format.
                let mut each = Vec::new();
                for f in &rule.formats {
                    if let Ok(FormatCheck::Each(one)) = formats::lookup(f) {
                        each.push(one.to_string());
                    }
                }
                if !each.is_empty() {
                    rule.formats.clear();
                    item_rule.formats = each;
                }
                if !item_rule.is_empty() {
                    rule.items = Some(Box::new(item_rule));
                }
                Ty::List(Box::new(item_ty))
            }
            "object" => {
                if node
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
                {
                    Ty::Struct(self.register_struct(pointer, hint, node)?)
                } else if let Some(pp) = node.get("patternProperties").and_then(Value::as_object) {
                    match pp.iter().next() {
                        Some((key_pattern, value)) if pp.len() == 1 => {
                            rule.key_pattern = Some(self.pattern(key_pattern)?);
                            let mut value_rule = RuleModel::default();
                            let vt = self.resolve_into(
                                value,
                                &format!("{pointer}/patternProperties"),
                                &format!("{hint}Value"),
                                &mut value_rule,
                            )?;
                            if !value_rule.is_empty() {
                                rule.items = Some(Box::new(value_rule));
                            }
                            Ty::Map(Box::new(vt))
                        }
                        _ => Ty::Json,
                    }
                } else if let Some(ap) = node.get("additionalProperties").filter(|v| v.is_object())
                {
                    let mut value_rule = RuleModel::default();
                    let vt = self.resolve_into(
                        ap,
                        &format!("{pointer}/additionalProperties"),
                        &format!("{hint}Value"),
                        &mut value_rule,
                    )?;
                    if !value_rule.is_empty() {
                        rule.items = Some(Box::new(value_rule));
                    }
                    Ty::Map(Box::new(vt))
                } else {
                    Ty::Json
                }
            }
            _ => Ty::Json,
        })
    }
}
