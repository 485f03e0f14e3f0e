//! Copies of a few bytes without a call to the C library's `memcpy`, for the keys and
//! values the JSON text is written from, by the thousand. A copy of a length known only at run
//! time is a call to `memcpy`, which musl makes with `rep movsq` and byte moves, slow for
//! a few bytes (BENCHMARKS.md: 7.7 % of a musl build's recipe synth, before these); glibc's
//! is fast either way. Up to [`SHORT`] bytes are copied here by two overlapping moves of a
//! head and a tail of one width, which write exactly the bytes copied and nothing beyond.

/// The longest copy made here; longer ones go to `memcpy`, which is fast for them.
pub(crate) const SHORT: usize = 32;

/// Copies `src` to `dst` and returns `true` when it is at most [`SHORT`] bytes; else
/// writes nothing and returns `false`.
///
/// # Safety
/// `dst` is valid for writes of `src.len()` bytes and does not overlap `src`.
unsafe fn copy_short(src: &[u8], dst: *mut u8) -> bool {
    let n = src.len();
    let from = src.as_ptr();
    // SAFETY: each arm covers 0..n with moves that stay inside it (the caller's promise
    // for `dst`, the slice's for `src`): `head_and_tail` at a width of at most `n`.
    unsafe {
        match n {
            0 => {}
            1..=3 => {
                *dst = *from;
                *dst.add(n / 2) = *from.add(n / 2);
                *dst.add(n - 1) = *from.add(n - 1);
            }
            4..=7 => head_and_tail::<u32>(from, dst, n),
            8..=15 => head_and_tail::<u64>(from, dst, n),
            16..=SHORT => head_and_tail::<u128>(from, dst, n),
            _ => return false,
        }
    }
    true
}

/// Moves the first and the last `size_of::<W>()` bytes of `n` from `from` to `dst`: all
/// `n` of them when `n` is at most twice that width.
///
/// # Safety
/// `size_of::<W>() <= n`; `from` is valid for reads and `dst` for writes of `n` bytes.
unsafe fn head_and_tail<W: Copy>(from: *const u8, dst: *mut u8, n: usize) {
    let w = std::mem::size_of::<W>();
    // SAFETY: `0..w` and `n - w..n` lie inside `0..n` (the caller's promise).
    unsafe {
        let (head, tail) = (from.cast::<W>(), from.add(n - w).cast::<W>());
        dst.cast::<W>().write_unaligned(head.read_unaligned());
        dst.add(n - w)
            .cast::<W>()
            .write_unaligned(tail.read_unaligned());
    }
}

/// Appends `s` to `out`.
pub(crate) fn push(out: &mut String, s: &str) {
    out.reserve(s.len());
    // SAFETY: the bytes written are those of `s`, whole, so the text stays UTF-8; the
    // spare room holds at least `s.len()` bytes and is not `s`'s.
    unsafe {
        let bytes = out.as_mut_vec();
        let len = bytes.len();
        if copy_short(s.as_bytes(), bytes.as_mut_ptr().add(len)) {
            bytes.set_len(len + s.len());
        } else {
            bytes.extend_from_slice(s.as_bytes());
        }
    }
}

/// Appends `s` between two `"` to `out` (a JSON string with nothing to escape), with one
/// check for room.
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    let n = s.len();
    out.reserve(n + 2);
    // SAFETY: the bytes written are `"`, those of `s` whole and `"`, so the text stays
    // UTF-8; the spare room holds at least `n + 2` bytes and is not `s`'s.
    unsafe {
        let bytes = out.as_mut_vec();
        let len = bytes.len();
        let at = bytes.as_mut_ptr().add(len);
        at.write(b'"');
        if !copy_short(s.as_bytes(), at.add(1)) {
            std::ptr::copy_nonoverlapping(s.as_ptr(), at.add(1), n);
        }
        at.add(1 + n).write(b'"');
        bytes.set_len(len + n + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_is_copied_whole_and_nothing_beyond() {
        let source: String = (0..SHORT + 8)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        for n in 0..=SHORT + 8 {
            let s = &source[..n];
            // Appended after what a buffer holds, whose spare room is filled with a marker
            // that must survive past the copy.
            let mut out = String::with_capacity(64);
            out.push_str("xyz");
            // SAFETY: writes ASCII into the spare room, then leaves the length as it was.
            unsafe {
                let v = out.as_mut_vec();
                v.spare_capacity_mut().iter_mut().for_each(|b| {
                    b.write(b'#');
                });
            }
            let mut quoted = out.clone();
            quoted.reserve_exact(64 - quoted.capacity().min(64));
            push(&mut out, s);
            assert_eq!(out, format!("xyz{s}"));
            let room = unsafe { std::slice::from_raw_parts(out.as_ptr(), 64) };
            assert!(
                room[3 + n..].iter().all(|b| *b == b'#'),
                "length {n} wrote beyond"
            );
            // The same between quotes.
            // SAFETY: as above.
            unsafe {
                let v = quoted.as_mut_vec();
                v.spare_capacity_mut().iter_mut().for_each(|b| {
                    b.write(b'#');
                });
            }
            let cap = quoted.capacity();
            push_quoted(&mut quoted, s);
            assert_eq!(quoted, format!("xyz\"{s}\""));
            let room = unsafe { std::slice::from_raw_parts(quoted.as_ptr(), cap) };
            assert!(
                room[5 + n..].iter().all(|b| *b == b'#'),
                "length {n} between quotes wrote beyond"
            );
        }
        let mut out = String::new();
        push(&mut out, "é日🦀");
        assert_eq!(out, "é日🦀");
    }
}
