//! `json_text::pretty` writes what `serde_json::to_string_pretty` writes (and a newline):
//! every template of the default app, and values built to reach each escape and number form.

use escdk_synth::json_text::pretty;
use escdk_synth::node::Node;
use serde_json::{json, Value};

fn same_as_serde_json(v: &Value) {
    let expected = format!("{}\n", serde_json::to_string_pretty(v).unwrap());
    assert_eq!(pretty(&Node::from(v)), expected);
}

#[test]
fn every_template_of_the_default_app_is_written_as_serde_json_writes_it() {
    let app = escdk_examples::app();
    let out = app.synth(&[]).expect("the default app synthesizes");
    assert!(out.len() >= 5);
    for s in &out {
        same_as_serde_json(s.template());
        assert_eq!(s.to_json(), pretty(s.tree()), "{}", s.stack_name);
    }
}

#[test]
fn escapes_numbers_and_empty_containers_are_written_as_serde_json_writes_them() {
    let every_byte: String = (0u8..=0x7F).map(char::from).collect();
    same_as_serde_json(&json!({
        "ascii": every_byte,
        "unicode": "café – 日本 🦀 \u{2028}\u{FEFF}",
        "quotes": "a \"quoted\" \\ back\\slash / slash",
        "numbers": [0, -1, 1, u64::MAX, i64::MIN, 0.5, -2.25, 1e300, 1.0e-7, 3.0, 123456789.125],
        "empty": {"object": {}, "array": [], "string": ""},
        "nested": [[[]], [{}], [null, true, false]],
        "key \"with\"\nescapes\u{1}": "value"
    }));
    // An escaped byte at every offset of a long string, next to multi-byte characters:
    // the scan that skips eight bytes at a time must stop at each.
    for escape in ["\"", "\\", "\n", "\u{1f}", "\u{7f}"] {
        for at in 0..24 {
            let s = format!("{}{escape}é{}", "a".repeat(at), "b".repeat(at % 9));
            same_as_serde_json(&json!([s, format!("日本{s}")]));
        }
    }
    // And at every offset of strings of every length up to 40 (a string is checked for
    // escapes a word at a time, the last word overlapping: each length and offset is a
    // different word and place in it), with the bytes around the edges of what escapes.
    for escape in ["\"", "\\", "\u{0}", "\u{1f}", "\t"] {
        for len in 1..=40 {
            for at in 0..len {
                let s: String = (0..len)
                    .map(|i| {
                        if i == at {
                            escape.to_string()
                        } else {
                            ["!", "#", "[", "]", " "][i % 5].to_string()
                        }
                    })
                    .collect();
                same_as_serde_json(&json!(s));
            }
        }
    }
    for scalar in [json!(null), json!(1.5), json!("x"), json!([]), json!({})] {
        same_as_serde_json(&scalar);
    }
}

#[test]
fn nesting_deeper_than_the_indentation_buffer_is_indented_as_serde_json_does() {
    // Objects and arrays alternating, 50 levels deep (the writer copies indentation from a
    // run of spaces for 31 levels and takes a loop below that).
    let mut v = json!({"leaf": [1, "two", {}]});
    for depth in 0..50 {
        v = if depth % 2 == 0 {
            json!([v, depth])
        } else {
            json!({"level": v, "n": depth})
        };
        same_as_serde_json(&v);
    }
}

#[test]
fn strings_of_every_short_length_are_copied_whole() {
    // The writer copies up to 32 bytes by overlapping moves of a head and a tail: every
    // length on both sides of each width, as keys and values, ASCII and multi-byte, and
    // after an escape (which starts the next run at an odd place).
    for n in 0..=40 {
        let ascii: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let wide: String = "é日".chars().cycle().take(n).collect();
        for s in [
            ascii.clone(),
            wide,
            format!("\n{ascii}"),
            format!("{ascii}\"{ascii}"),
        ] {
            same_as_serde_json(&json!({ s.clone(): s }));
        }
    }
}
