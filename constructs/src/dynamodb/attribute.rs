//! Key attributes.

/// The type of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    String,
    Number,
    Binary,
}

impl AttributeType {
    pub fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
        }
    }
}

/// A key attribute: name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub kind: AttributeType,
}

impl Attribute {
    pub fn string(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::String,
        }
    }
    pub fn number(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::Number,
        }
    }
    pub fn binary(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::Binary,
        }
    }
}
