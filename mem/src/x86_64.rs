//! The x86-64 implementations: unaligned register-wide moves, `rep movsb` beyond 64 bytes.

use core::arch::asm;
use core::ptr::{read_unaligned as load, write_unaligned as store};

/// Copies `n <= 64` bytes from `s` to `d` with two (or four) overlapping moves from the
/// start and the end. Every load comes before any store, so the ranges may overlap: the
/// four 16-byte moves above 32 bytes are written out for that reason.
///
/// # Safety
/// `d` and `s` are valid for `n` bytes.
#[inline(always)]
unsafe fn copy_short(d: *mut u8, s: *const u8, n: usize) {
    // SAFETY: each access lies within the first `n` bytes of its range; the branches
    // give the width whose two moves cover `n` bytes exactly or with overlap.
    unsafe {
        if n >= 32 {
            let a = load(s.cast::<u128>());
            let b = load(s.add(16).cast::<u128>());
            let c = load(s.add(n - 32).cast::<u128>());
            let e = load(s.add(n - 16).cast::<u128>());
            store(d.cast::<u128>(), a);
            store(d.add(16).cast::<u128>(), b);
            store(d.add(n - 32).cast::<u128>(), c);
            store(d.add(n - 16).cast::<u128>(), e);
        } else if n >= 16 {
            head_tail::<u128>(d, s, n);
        } else if n >= 8 {
            head_tail::<u64>(d, s, n);
        } else if n >= 4 {
            head_tail::<u32>(d, s, n);
        } else if n >= 2 {
            head_tail::<u16>(d, s, n);
        } else if n == 1 {
            *d = *s;
        }
    }
}

/// Copies `n` bytes, `size_of::<T>() <= n <= 2 * size_of::<T>()`, as one `T` from the
/// start and one from the end: both loads before either store.
///
/// # Safety
/// `d` and `s` are valid for `n` bytes, and `n` is in that range.
#[inline(always)]
unsafe fn head_tail<T>(d: *mut u8, s: *const u8, n: usize) {
    let tail = n - core::mem::size_of::<T>();
    // SAFETY: both accesses lie within the first `n` bytes of their range.
    unsafe {
        let a = load(s.cast::<T>());
        let b = load(s.add(tail).cast::<T>());
        store(d.cast::<T>(), a);
        store(d.add(tail).cast::<T>(), b);
    }
}

/// Copies `n` bytes from `s` to `d`, front to back (`memcpy`).
///
/// # Safety
/// `d` and `s` are valid for `n` bytes and do not overlap (or `d` is at or before `s`).
#[inline]
pub unsafe fn copy(d: *mut u8, s: *const u8, n: usize) {
    if n <= 64 {
        // SAFETY: as the caller promises.
        unsafe { copy_short(d, s, n) };
    } else {
        // SAFETY: `rep movsb` moves rcx bytes from rsi to rdi, ascending (the direction
        // flag is clear, as the ABI guarantees at every call).
        unsafe {
            asm!("rep movsb", inout("rcx") n => _, inout("rdi") d => _, inout("rsi") s => _,
                 options(nostack, preserves_flags));
        }
    }
}

/// Copies `n` bytes from `s` to `d`, which may overlap (`memmove`).
///
/// # Safety
/// `d` and `s` are valid for `n` bytes.
#[inline]
pub unsafe fn move_bytes(d: *mut u8, s: *const u8, n: usize) {
    if n <= 64 {
        // SAFETY: as the caller promises; the short copy loads before it stores.
        unsafe { copy_short(d, s, n) };
    } else if (d as usize).wrapping_sub(s as usize) >= n {
        // `d` is before `s` or past its end: a forward copy reads each byte before it is
        // overwritten.
        // SAFETY: as the caller promises.
        unsafe { copy(d, s, n) };
    } else {
        // `d` is inside `s`'s range: back to front, the direction flag set for the one
        // instruction and cleared again.
        // SAFETY: rsi and rdi start at the last byte of each range; `rep movsb` with the
        // direction flag set moves rcx bytes descending.
        unsafe {
            asm!("std", "rep movsb", "cld",
                 inout("rcx") n => _, inout("rdi") d.add(n - 1) => _,
                 inout("rsi") s.add(n - 1) => _, options(nostack));
        }
    }
}

/// Compares `n` bytes as unsigned chars (`memcmp`): negative, zero or positive as the
/// first differing byte of `l` is below, equal to or above `r`'s.
///
/// # Safety
/// `l` and `r` are valid for `n` bytes.
#[inline]
pub unsafe fn compare(l: *const u8, r: *const u8, n: usize) -> i32 {
    // Words are compared as big-endian numbers: the lowest address is the most significant
    // byte, so the first differing byte decides.
    let order = |a: u64, b: u64| i32::from(a > b) - i32::from(a < b);
    // SAFETY: every access lies within the first `n` bytes of both ranges.
    unsafe {
        if n >= 8 {
            let mut i = 0;
            while i + 8 <= n {
                let a = load(l.add(i).cast::<u64>());
                let b = load(r.add(i).cast::<u64>());
                if a != b {
                    return order(a.swap_bytes(), b.swap_bytes());
                }
                i += 8;
            }
            if i == n {
                return 0;
            }
            // The last eight bytes: those shared with the words before are equal.
            let a = load(l.add(n - 8).cast::<u64>());
            let b = load(r.add(n - 8).cast::<u64>());
            order(a.swap_bytes(), b.swap_bytes())
        } else if n >= 4 {
            // The first four bytes above the last four (they overlap for n < 8).
            let word = |p: *const u8| {
                (u64::from(load(p.cast::<u32>()).swap_bytes()) << 32)
                    | u64::from(load(p.add(n - 4).cast::<u32>()).swap_bytes())
            };
            order(word(l), word(r))
        } else {
            let mut i = 0;
            while i < n {
                let (a, b) = (*l.add(i), *r.add(i));
                if a != b {
                    return i32::from(a) - i32::from(b);
                }
                i += 1;
            }
            0
        }
    }
}
