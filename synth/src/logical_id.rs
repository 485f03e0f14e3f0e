//! Logical IDs from construct paths.
//!
//! A resource at `EventStore/Resource` gets `EventStore` plus the first 8 hex digits of the
//! SHA-256 of its path: `EventStore5C0A3F2B`. The readable part leaves out `Resource` and
//! `Default` and non-alphanumeric characters; the hash keeps two paths that read the same
//! (`A/BC` and `AB/C`) apart. A resource added directly at the top of a stack keeps its id
//! as given (when it is alphanumeric), as in the CDK. IDs depend on the path only, so they
//! are stable across runs, machines and code reorderings.

use sha2::{Digest, Sha256};

/// CloudFormation's limit on logical ID length.
pub const MAX_LEN: usize = 255;

/// The logical ID for a path (its components below the stack).
pub fn from_path(components: &[&str]) -> String {
    if let [only] = components {
        if !only.is_empty()
            && only.len() <= MAX_LEN
            && only.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return (*only).to_string();
        }
    }
    // Each component's letters and digits are appended in place; `previous` is where the
    // last one kept stands in `human`.
    let mut human = String::with_capacity(MAX_LEN + 8);
    let mut previous = 0..0;
    for (i, c) in components.iter().enumerate() {
        let is_last = i + 1 == components.len();
        if (*c == "Resource" || *c == "Default") && is_last && i > 0 {
            continue;
        }
        let start = human.len();
        // Every byte of a multi-byte character is above 0x7F, so none is kept.
        for &b in c.as_bytes() {
            if b.is_ascii_alphanumeric() {
                human.push(char::from(b));
            }
        }
        // `Table/Table` reads as `Table`; the hash still tells the paths apart.
        if start == human.len() || human[previous.clone()] == human[start..] {
            human.truncate(start);
            continue;
        }
        previous = start..human.len();
    }
    let digest = Sha256::digest(components.join("/").as_bytes());
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut hash = String::with_capacity(8);
    for b in &digest[..4] {
        hash.push(char::from(HEX[usize::from(b >> 4)]));
        hash.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    if human.is_empty() {
        human.push('R');
    }
    human.truncate(MAX_LEN - hash.len());
    human.push_str(&hash);
    human
}

/// A physical name (a bus or rule name) unique to a construct path: the stack name and the
/// path joined with `-`, without `Resource`/`Default`; when longer than `max_len`, cut and
/// ended with a hash of the full path so that two long paths never share a name. Only
/// ASCII letters, digits, `-` and `_` are kept, which every AWS name rule accepts.
pub fn physical_name(stack: &str, path: &str, max_len: usize) -> String {
    let parts: Vec<&str> = std::iter::once(stack)
        .chain(path.split('/'))
        .filter(|p| !p.is_empty() && *p != "Resource" && *p != "Default")
        .collect();
    let clean: String = parts
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    // A name that kept every character is readable as it is; one that lost some (`Uni日本`
    // and `Uni中国` both clean to `Uni`) gets the path's hash, so two paths never share it.
    let lossless = clean.len() == parts.join("-").len();
    if clean.len() <= max_len && lossless {
        return clean;
    }
    let digest = Sha256::digest(format!("{stack}/{path}").as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let keep = max_len.saturating_sub(hash.len() + 1).min(clean.len());
    format!("{}-{hash}", &clean[..keep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_alphanumeric_id_is_kept() {
        assert_eq!(from_path(&["Orders"]), "Orders");
    }

    #[test]
    fn nested_path_gets_readable_part_and_hash() {
        let id = from_path(&["EventStore", "Resource"]);
        assert!(id.starts_with("EventStore"), "{id}");
        assert_eq!(id.len(), "EventStore".len() + 8);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn ids_are_pinned() {
        // Golden values: changing the algorithm would replace every deployed resource.
        assert_eq!(from_path(&["EventStore", "Resource"]), "EventStore2707B901");
        assert_eq!(from_path(&["Bus", "Archive"]), "BusArchive0A85F1D1");
    }

    #[test]
    fn ids_that_lose_characters_still_give_distinct_names() {
        let a = physical_name("Shop", "Uni日本/Bus", 64);
        let b = physical_name("Shop", "Uni中国/Bus", 64);
        assert_ne!(a, b);
        assert!(a.starts_with("Shop-Uni-Bus-") && a.is_ascii(), "{a}");
    }

    #[test]
    fn physical_names_follow_the_path_and_stay_within_limits() {
        assert_eq!(
            physical_name("Shop", "Orders/EventBus", 256),
            "Shop-Orders-EventBus"
        );
        assert_ne!(
            physical_name("Shop", "A/Bus", 256),
            physical_name("Shop", "B/Bus", 256)
        );
        let long_a = physical_name("Shop", &format!("{}/A/Rule", "x".repeat(80)), 64);
        let long_b = physical_name("Shop", &format!("{}/B/Rule", "x".repeat(80)), 64);
        assert_eq!(long_a.len(), 64);
        assert_ne!(long_a, long_b);
    }

    #[test]
    fn paths_that_read_the_same_do_not_collide() {
        assert_ne!(from_path(&["A", "BC"]), from_path(&["AB", "C"]));
    }

    #[test]
    fn invalid_characters_are_dropped_and_length_is_capped() {
        let id = from_path(&["my-table!", "x".repeat(400).as_str()]);
        assert!(id.len() <= MAX_LEN);
        assert!(id.starts_with("mytable"));
        let nothing_readable = from_path(&["--", "Resource"]);
        assert_eq!(nothing_readable.len(), 9, "{nothing_readable}");
        assert!(nothing_readable.starts_with('R'));
    }
    #[test]
    fn ids_of_repeated_dropped_and_non_ascii_components_are_pinned() {
        // Golden values, as the ids of `ids_are_pinned`.
        let cases: [(&[&str], &str); 8] = [
            (&["Table", "Table", "Resource"], "TableF732B821"),
            (&["Queue", "Queue", "Queue"], "QueueE83198A5"),
            (&["Ünï日", "x"], "nx57D3C948"),
            (&["a-b", "a_b", "Default"], "abA7AB2677"),
            (&["日本"], "RCF2ABF0C"),
            (&["A", "Resource"], "ADD8358CB"),
            (&["Resource"], "Resource"),
            (
                &[
                    "Very",
                    "LongComponentNameThatGoesOnAndOnAndOnAndOnAndOnAndOnAndOn",
                    "AnotherQuiteLongComponentNameHereToo",
                    "Default",
                ],
                "VeryLongComponentNameThatGoesOnAndOnAndOnAndOnAndOnAndOnAndOnAnotherQuiteLongComponentNameHereTooE86F473D",
            ),
        ];
        for (path, id) in cases {
            assert_eq!(from_path(path), id, "{path:?}");
        }
    }
}
