//! The schemas' patterns matched without compiling a regex (synth/src/l1/simple_pattern.rs)
//! answer as `regex` does: every pattern the generated L1 code holds, with the tree codegen
//! parsed it to, on values made to sit at the edges of each one (its own literal
//! characters repeated to the counts around its limits, strings drawn at random from them)
//! and on a fixed corpus with Unicode, empty and very long values.

mod support;

use escdk_synth::l1::Pattern;

/// The patterns of the generated code, as codegen parsed them (`escdk_synth::cfn::patterns`):
/// each once.
fn generated_patterns() -> Vec<&'static Pattern> {
    let found: Vec<&'static Pattern> = escdk_synth::cfn::patterns().collect();
    let mut sources: Vec<&str> = found.iter().map(|p| p.source()).collect();
    sources.sort_unstable();
    sources.dedup();
    assert_eq!(sources.len(), found.len(), "a pattern is generated twice");
    found
}

/// Values around `pattern`: its characters, alone and repeated, and a fixed corpus.
fn values_for(pattern: &str) -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        "a",
        "A",
        "z",
        "0",
        "9",
        "_",
        "-",
        ".",
        "/",
        ":",
        " ",
        "\n",
        "\t",
        "@",
        "$",
        "*",
        "é",
        "café",
        "日本",
        "٣",
        "\u{00A0}",
        "\u{2028}",
        "Ⅻ",
        "a b",
        "ab-cd_ef",
        "sg-0123abcd",
        "subnet-0123456789abcdef0",
        "vpc-12345678",
        "alias/my-key",
        "123456789012",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:kms:us-east-1:123456789012:key/abc",
        "project: shop-1",
        "a*b",
        "-leading",
        "trailing-",
        "UPPER",
        "x".repeat(65).as_str(),
        "1".repeat(13).as_str(),
        "a".repeat(300).as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let chars: Vec<char> = pattern
        .chars()
        .filter(|c| !"^$()[]{}\\|?*+".contains(*c))
        .collect();
    for c in &chars {
        for n in [1, 2, 8, 12, 17, 32, 63, 64, 65, 128, 256, 513] {
            values.push(c.to_string().repeat(n));
        }
    }
    // The pattern's own literal text (with its metacharacters removed) and its prefix.
    let text: String = chars.iter().collect();
    values.push(text.clone());
    values.push(text.chars().take(text.chars().count() / 2).collect());
    // And strings drawn at random (a fixed seed) from those characters and a few others,
    // of every length to 80: what reaches the optional groups and the alternations.
    let mut pool = chars.clone();
    pool.extend(['a', 'Z', '5', '-', ':', '/', '.', ' ', 'é', '\n']);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15 ^ pattern.len() as u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..200 {
        let len = (next() % 81) as usize;
        values.push(
            (0..len)
                .map(|_| pool[(next() % pool.len() as u64) as usize])
                .collect(),
        );
    }
    values
}

#[test]
fn the_simple_matcher_answers_as_regex_does_on_every_generated_pattern() {
    let patterns = generated_patterns();
    assert!(patterns.len() > 80, "read {} patterns", patterns.len());
    let mut simple = 0;
    let mut compared = 0;
    for pattern in &patterns {
        let source = pattern.source();
        if pattern.is_simple() {
            simple += 1;
        }
        for v in values_for(source) {
            compared += 1;
            assert_eq!(
                pattern.is_match(&v),
                pattern.regex_match(&v),
                "pattern {source:?} on {v:?}"
            );
        }
    }
    // Most of the schemas' patterns are simple: that is the point of the matcher.
    assert!(
        simple * 10 > patterns.len() * 9,
        "{simple} of {} read",
        patterns.len()
    );
    assert!(compared > 30_000, "{compared}");
}

#[test]
fn codegen_wrote_every_pattern_as_the_matcher_parses_it_now() {
    let patterns = generated_patterns();
    assert!(patterns.len() > 80, "read {} patterns", patterns.len());
    for p in patterns {
        assert!(
            p.built_as_parsed(),
            "the tree generated for {:?} is not what it parses to: run `cargo run -p escdk-codegen`",
            p.source()
        );
    }
}
