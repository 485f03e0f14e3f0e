//! The functions held to the C contracts of `memcpy`, `memmove`, `memcmp` and `bcmp`: every
//! length through each width's boundaries and past the `rep movsb` threshold, at every
//! alignment of source and destination, overlapping both ways, with bytes outside the
//! range left alone; comparisons of unsigned bytes where the first difference decides.
//!
//! In a release build for musl the tests call the C names, which this crate then defines
//! for the whole program (the test harness runs on them too); elsewhere they call the Rust
//! names. The expected results come from byte loops the compiler cannot turn into calls of
//! the functions under test (`black_box` on every byte).
#![cfg(target_arch = "x86_64")]

use std::hint::black_box;

#[cfg(all(target_env = "musl", not(debug_assertions)))]
mod under_test {
    extern "C" {
        fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8;
        fn memmove(d: *mut u8, s: *const u8, n: usize) -> *mut u8;
        fn memcmp(l: *const u8, r: *const u8, n: usize) -> i32;
        fn bcmp(l: *const u8, r: *const u8, n: usize) -> i32;
    }
    // The crate must be linked for its symbols to replace musl's.
    use escdk_mem as _;

    pub unsafe fn copy(d: *mut u8, s: *const u8, n: usize) {
        assert_eq!(
            unsafe { memcpy(d, s, n) },
            d,
            "memcpy returns its destination"
        );
    }
    pub unsafe fn move_bytes(d: *mut u8, s: *const u8, n: usize) {
        assert_eq!(
            unsafe { memmove(d, s, n) },
            d,
            "memmove returns its destination"
        );
    }
    pub unsafe fn compare(l: *const u8, r: *const u8, n: usize) -> i32 {
        let c = unsafe { memcmp(l, r, n) };
        assert_eq!(
            unsafe { bcmp(l, r, n) } == 0,
            c == 0,
            "bcmp agrees with memcmp on equality"
        );
        c
    }
}
#[cfg(not(all(target_env = "musl", not(debug_assertions))))]
mod under_test {
    pub use escdk_mem::{compare, copy, move_bytes};
}
use under_test::{compare, copy, move_bytes};

/// Lengths through every branch: each width's two ends, 64/65 (the `rep movsb` threshold)
/// and long copies.
fn lengths() -> impl Iterator<Item = usize> {
    (0..=140).chain([255, 256, 257, 1000, 4096, 4099])
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| black_box((i as u8).wrapping_mul(37).wrapping_add(seed)))
        .collect()
}

/// `dst[at..at + n] = src[from..from + n]`, a byte at a time, reading all before writing.
fn reference_move(buf: &[u8], src: &[u8], from: usize, at: usize, n: usize) -> Vec<u8> {
    let taken: Vec<u8> = (0..n).map(|i| black_box(src[from + i])).collect();
    let mut out: Vec<u8> = buf.iter().map(|&b| black_box(b)).collect();
    for (i, b) in taken.into_iter().enumerate() {
        out[at + i] = black_box(b);
    }
    out
}

#[test]
fn copy_writes_exactly_the_bytes_asked_for_at_any_alignment() {
    const GUARD: usize = 40;
    for n in lengths() {
        for from in 0..8 {
            for at in 0..8 {
                let src = pattern(n + from, 1);
                let dst = pattern(n + at + GUARD, 200);
                let want = reference_move(&dst, &src, from, at, n);
                let mut got = dst.clone();
                // SAFETY: both buffers hold the ranges, which are in different vectors.
                unsafe { copy(got.as_mut_ptr().add(at), src.as_ptr().add(from), n) };
                assert!(
                    got == want,
                    "copy of {n} bytes from offset {from} to offset {at}"
                );
            }
        }
    }
}

#[test]
fn move_copies_overlapping_ranges_either_way() {
    for n in lengths().filter(|&n| n <= 1000) {
        for shift in -70isize..=70 {
            let from = 80usize;
            let at = from.checked_add_signed(shift).unwrap();
            let buf = pattern(n + 160, 7);
            let want = reference_move(&buf, &buf, from, at, n);
            let mut got = buf.clone();
            let p = got.as_mut_ptr();
            // SAFETY: both ranges lie within `got` (n + 160 bytes, offsets at most 150).
            unsafe { move_bytes(p.add(at), p.add(from), n) };
            assert!(got == want, "move of {n} bytes by {shift}");
        }
    }
}

fn reference_compare(l: &[u8], r: &[u8]) -> i32 {
    for (a, b) in l.iter().zip(r) {
        let (a, b) = (black_box(*a), black_box(*b));
        if a != b {
            return if a < b { -1 } else { 1 };
        }
    }
    0
}

#[test]
fn compare_orders_by_the_first_differing_byte_as_unsigned() {
    for n in lengths().filter(|&n| n <= 300) {
        let base = pattern(n, 3);
        let mut same = base.clone();
        same.push(0); // a longer buffer: only n bytes are read
                      // SAFETY: both hold at least n bytes.
        assert_eq!(
            unsafe { compare(base.as_ptr(), same.as_ptr(), n) },
            0,
            "{n} equal bytes"
        );
        for at in 0..n {
            // Above and below at `at` (0x01 against 0xFF checks the bytes are unsigned),
            // with a later byte differing the other way, which must not decide.
            for (x, y) in [(0x01u8, 0xFFu8), (0xFF, 0x01), (0x7F, 0x80), (0x00, 0x01)] {
                let mut l = base.clone();
                let mut r = base.clone();
                l[at] = x;
                r[at] = y;
                if at + 1 < n {
                    l[n - 1] = y;
                    r[n - 1] = x;
                }
                let want = reference_compare(&l, &r);
                // SAFETY: both hold n bytes.
                let got = unsafe { compare(l.as_ptr(), r.as_ptr(), n) };
                assert_eq!(
                    got.signum(),
                    want,
                    "{n} bytes differing first at {at} ({x:#x} against {y:#x})"
                );
            }
        }
    }
}
