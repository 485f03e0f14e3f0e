//! `memcpy`, `memmove`, `memcmp` and `bcmp` for a static musl build of the synth program.
//!
//! musl's own are written for size, not for the many short copies and comparisons a synth
//! makes (strings of a few to a few dozen bytes, in the hundreds of thousands): its x86-64
//! `memcpy` moves bytes one at a time until the destination is aligned and then starts
//! `rep movsq`, which costs tens of cycles before it moves anything, and its `memcmp` and
//! `bcmp` compare a byte at a time. In a musl build of the recipe's synth process they
//! were 17 % of the samples; with these it took a tenth to a quarter less time in three runs
//! of four (BENCHMARKS.md).
//!
//! Copies of up to 64 bytes are two to four overlapping moves of a register's width from
//! the start and the end (every load before any store, so overlapping ranges are copied
//! right as well); longer ones are `rep movsb`, which CPUs with fast short strings (Ice
//! Lake and later) run at their best. Comparisons read eight bytes at a time and compare
//! byte-swapped words, so the first differing byte decides, as the C standard asks.
//!
//! The symbols exist only in an optimized (release) build for `x86_64-unknown-linux-musl`:
//! there they take the place of musl's (a static link takes the first definition it
//! meets, and this crate comes before libc). Anywhere else the crate holds the same
//! functions under their own names ([`copy`], [`move_bytes`], [`compare`]) and changes
//! nothing, which is how the tests hold them to the C functions' contracts on any
//! machine; `scripts/test` also runs them as musl's replacement. Unoptimized code never
//! stands in for `memcpy`: the compiler may call `memcpy` to copy a fixed-size value, and
//! the copy would call itself.
//!
//! `#![no_builtins]`: nothing in this crate is turned into a call to the functions it
//! defines.
//!
//! ```
//! let src = *b"a synth copies many short strings";
//! let mut dst = [0u8; 33];
//! // SAFETY: both buffers hold 33 bytes and do not overlap.
//! unsafe { escdk_mem::copy(dst.as_mut_ptr(), src.as_ptr(), 33) };
//! assert_eq!(dst, src);
//! // SAFETY: both strings hold 3 bytes.
//! assert!(unsafe { escdk_mem::compare(b"abc".as_ptr(), b"abd".as_ptr(), 3) } < 0);
//! ```
#![no_std]
#![no_builtins]

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use x86_64::{compare, copy, move_bytes};

/// The C library's names, for a release build for musl on x86-64.
#[cfg(all(target_arch = "x86_64", target_env = "musl", not(debug_assertions)))]
mod symbols {
    use super::{compare, copy, move_bytes};

    /// C's `memcpy`.
    ///
    /// # Safety
    /// `d` and `s` are valid for `n` bytes, and do not overlap.
    #[no_mangle]
    pub unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
        // SAFETY: as the caller promises.
        unsafe { copy(d, s, n) };
        d
    }

    /// C's `memmove`.
    ///
    /// # Safety
    /// `d` and `s` are valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn memmove(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
        // SAFETY: as the caller promises.
        unsafe { move_bytes(d, s, n) };
        d
    }

    /// C's `memcmp`.
    ///
    /// # Safety
    /// `l` and `r` are valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn memcmp(l: *const u8, r: *const u8, n: usize) -> i32 {
        // SAFETY: as the caller promises.
        unsafe { compare(l, r, n) }
    }

    /// `bcmp`: zero when the bytes are equal (what Rust's `==` on slices calls).
    ///
    /// # Safety
    /// `l` and `r` are valid for `n` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn bcmp(l: *const u8, r: *const u8, n: usize) -> i32 {
        // SAFETY: as the caller promises.
        unsafe { compare(l, r, n) }
    }
}
