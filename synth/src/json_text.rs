//! The JSON text escdk writes (templates, manifests): two-space indented with a final
//! newline, byte for byte what `serde_json::to_string_pretty` writes followed by `\n`
//! (`tests/json_text.rs` holds the two together). Written straight into one `String`
//! instead of through serde's generic serializer and `io::Write`, which took most of a
//! synth's serialization time.

use crate::json::JsonValue;
use std::fmt::Write;

/// `value` (a rendered tree, [`crate::node::Node`]) as pretty JSON text with a final newline.
///
/// ```
/// let v = serde_json::json!({"Type": "AWS::SQS::Queue", "Properties": {"Tags": []}});
/// assert_eq!(
///     escdk_synth::json_text::pretty(&v.clone().into()),
///     format!("{}\n", serde_json::to_string_pretty(&v).unwrap())
/// );
/// ```
pub fn pretty(value: &JsonValue) -> String {
    pretty_into(value, String::with_capacity(4096))
}

/// [`pretty`], written into `out` (after what it holds). Given the capacity the text will
/// need, it is written without growing the buffer, which would copy what it holds each
/// time it doubles (a 50 KB template grown from 4 KB: four copies; the time saved is
/// within the noise, since glibc mostly grows the buffer in place).
pub fn pretty_into(value: &JsonValue, mut out: String) -> String {
    write_value(value, 0, &mut out);
    out.push('\n');
    out
}

/// A newline, then two spaces a level: one fixed-size copy from a run of spaces into the
/// buffer's spare room (a move the compiler inlines, where a copy of the exact length is a
/// call to the C library's `memcpy`, slow for a few bytes on musl), then the length set to
/// what it should be. Deeper levels, never seen in a template, take a loop.
#[inline(always)]
fn newline_indent(depth: usize, out: &mut String) {
    const RUN: usize = 64;
    const SPACES: &[u8; RUN] = b"\n                                                               ";
    let n = 1 + 2 * depth;
    if n <= RUN {
        out.reserve(RUN);
        // SAFETY: only ASCII bytes are written, so the text stays UTF-8.
        let bytes = unsafe { out.as_mut_vec() };
        let len = bytes.len();
        let spare = &mut bytes.spare_capacity_mut()[..RUN];
        for (dst, src) in spare.iter_mut().zip(SPACES) {
            dst.write(*src);
        }
        // SAFETY: `RUN >= n` bytes past `len` were just written, within the capacity.
        unsafe { bytes.set_len(len + n) };
    } else {
        out.push('\n');
        for _ in 1..n {
            out.push(' ');
        }
    }
}

fn write_value(value: &JsonValue, depth: usize, out: &mut String) {
    match value {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(true) => out.push_str("true"),
        JsonValue::Bool(false) => out.push_str("false"),
        // `Number`'s `Display` is its JSON form (integers as they are, floats as serde_json
        // serializes them); writing to a `String` cannot fail.
        JsonValue::Number(n) => {
            let _ = write!(out, "{n}");
        }
        JsonValue::String(s) => write_str(s, out),
        JsonValue::Array(items) if items.is_empty() => out.push_str("[]"),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(depth + 1, out);
                write_value(item, depth + 1, out);
            }
            newline_indent(depth, out);
            out.push(']');
        }
        JsonValue::Object(map) if map.is_empty() => out.push_str("{}"),
        JsonValue::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(depth + 1, out);
                write_str(key, out);
                out.push_str(": ");
                write_value(item, depth + 1, out);
            }
            newline_indent(depth, out);
            out.push('}');
        }
    }
}

/// Whether a word of bytes holds one that is escaped (below 0x20, `"` or `\\`): exact as
/// to whether any does, not which.
macro_rules! dirty {
    ($w:expr, $t:ty) => {{
        const ONES: $t = <$t>::MAX / 0xFF;
        const HIGH: $t = ONES * 0x80;
        let w: $t = $w;
        // The high bit of a byte is set in each mask where the word has such a byte (and
        // may be in bytes above it): the three masks are joined, and tested once.
        let zero_in = |x: $t| x.wrapping_sub(ONES) & !x;
        let below_space = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = zero_in(w ^ (ONES * <$t>::from(b'"')));
        let backslash = zero_in(w ^ (ONES * <$t>::from(b'\\')));
        (below_space | quote | backslash) & HIGH != 0
    }};
}

/// A JSON string, escaped as serde_json escapes: `"` and `\`, the short forms of
/// backspace, form feed, newline, carriage return and tab, `\u00xx` (lowercase) for the
/// other control characters; everything else as it is.
#[inline(always)]
fn write_str(s: &str, out: &mut String) {
    // Most strings have nothing to escape: copied whole between their quotes, here in the
    // caller; the others are escaped out of line.
    if clean(s.as_bytes()) {
        crate::short_copy::push_quoted(out, s);
    } else {
        write_escaped(s, out);
    }
}

#[inline(never)]
fn write_escaped(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push('"');
    let (mut start, mut i) = (0, 0);
    loop {
        i = next_escape(bytes, i);
        // Only ASCII bytes are escaped, so `start..i` is on character boundaries.
        crate::short_copy::push(out, &s[start..i]);
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0C => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
        i += 1;
        start = i;
    }
    out.push('"');
}

fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether no byte of `bytes` is escaped: on x86-64, 16 bytes at a time from 8 bytes on
/// ([`sse2::clean`]); else, and for shorter strings, a word at a time ([`clean_words`]).
#[inline(always)]
fn clean(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if bytes.len() >= 8 {
        return sse2::clean(bytes);
    }
    clean_words(bytes)
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };

    /// Whether any of the 16 bytes is escaped (below 0x20, `"` or `\\`).
    #[inline(always)]
    fn dirty(x: __m128i) -> bool {
        // SAFETY: SSE2 is part of x86-64, so these are available on every CPU it runs on.
        unsafe {
            let below_space = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
            let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
            _mm_movemask_epi8(_mm_or_si128(below_space, _mm_or_si128(quote, backslash))) != 0
        }
    }

    /// Whether no byte of `bytes` (at least 8 of them) is escaped: 8 to 15 bytes as two
    /// overlapping words in one register, longer ones 16 bytes at a time with the last 16
    /// overlapping the ones before.
    pub(super) fn clean(bytes: &[u8]) -> bool {
        let n = bytes.len();
        assert!(n >= 8);
        let p = bytes.as_ptr();
        // SAFETY: every load reads inside `bytes`: 8 bytes at 0 and at n - 8 (n >= 8), 16
        // bytes at i with i + 16 < n, and at n - 16 (n >= 16); SSE2 is part of x86-64.
        unsafe {
            if n < 16 {
                let head = p.cast::<i64>().read_unaligned();
                let tail = p.add(n - 8).cast::<i64>().read_unaligned();
                return !dirty(_mm_set_epi64x(tail, head));
            }
            let mut i = 0;
            while i + 16 < n {
                if dirty(_mm_loadu_si128(p.add(i).cast())) {
                    return false;
                }
                i += 16;
            }
            !dirty(_mm_loadu_si128(p.add(n - 16).cast()))
        }
    }
}

/// Whether no byte of `bytes` is escaped: read a word at a time, the last word
/// overlapping the one before it (no byte-by-byte tail but for strings under 4 bytes).
fn clean_words(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap_or([0; 4]));
    match n {
        0..=3 => !bytes.iter().any(|&b| escaped(b)),
        4..=7 => !(dirty!(u32_at(0), u32) || dirty!(u32_at(n - 4), u32)),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if dirty!(u64_at(i), u64) {
                    return false;
                }
                i += 8;
            }
            !dirty!(u64_at(n - 8), u64)
        }
    }
}

/// The index of the first byte at or after `i` that is escaped (`bytes.len()` if none):
/// eight bytes at a time while none of them is (which one is found byte by byte).
fn next_escape(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if dirty!(u64::from_le_bytes(word), u64) {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !escaped(bytes[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length to 48, an escaped byte (each kind) at every offset, and bytes that are
    /// not escaped around it (ASCII, and UTF-8's bytes of 0x80 and over): the fast check
    /// and the word check agree with the byte-by-byte definition.
    #[test]
    fn the_clean_checks_agree_with_escaped_byte_by_byte() {
        let fillers = [
            b'a', b' ', b'~', 0x7f, 0x80, 0xc3, 0xff, b'!', b'#', b'[', b']',
        ];
        let escapes = [0x00, 0x01, 0x0a, 0x1f, b'"', b'\\'];
        for n in 0..=48usize {
            for &fill in &fillers {
                let plain = vec![fill; n];
                let expected = !plain.iter().any(|&b| escaped(b));
                assert_eq!(clean(&plain), expected, "n {n} fill {fill:#x}");
                assert_eq!(clean_words(&plain), expected, "n {n} fill {fill:#x}");
                for at in 0..n {
                    for &e in &escapes {
                        let mut bytes = plain.clone();
                        bytes[at] = e;
                        assert!(!clean(&bytes), "n {n} fill {fill:#x}: {e:#x} at {at}");
                        assert!(!clean_words(&bytes), "n {n} fill {fill:#x}: {e:#x} at {at}");
                    }
                }
            }
        }
    }
}
