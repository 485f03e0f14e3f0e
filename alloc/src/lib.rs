//! [`SynthAlloc`]: a global allocator for a short process that allocates many small
//! blocks and exits, as a synth does.
//!
//! Blocks of up to [`MAX_SMALL`] bytes (and alignment up to 16) come from 64 size classes
//! of 16 bytes each, every thread with its own and no lock: a freed block goes on its
//! class's free list and is the next one that class hands out. A class with an empty list
//! cuts a new block from the current chunk (128 KiB, mapped from the OS and populated
//! whole) while the chunk has room; when it runs out, the smallest free block of a larger
//! class is split, the rest going to the free lists in blocks of class sizes (largest
//! first), and only when there is none is a new chunk mapped; the tail of a chunk too
//! short for a block goes to the free lists the same way. Cutting first costs nothing in
//! memory (the chunk's pages are there already) and fewer instructions than a split
//! (BENCHMARKS.md). A block that grows (`realloc`) while it is the last one cut from the
//! chunk takes the room after it in place, as a growing string or vector often is. Blocks
//! are never merged, and chunks never returned, so memory in use stays at its peak until
//! the process ends. Splitting is what
//! lets a program's later work live in what its start-up freed (a command-line parser's
//! tables: a quarter of a synth's heap went unused before, BENCHMARKS.md). Anything
//! larger, or aligned more strictly, goes to the system allocator.
//!
//! With musl (or the `larger-classes` feature) five more classes serve blocks up to
//! [`MAX_CLASSED`] (32 KiB) in powers of two from the same chunks: musl's `malloc` maps
//! and unmaps each such block on its own, every mapping faulted in afresh, which made a
//! musl build of the synth program some 15 % slower than with these classes
//! (BENCHMARKS.md). glibc serves those sizes well from its heap, and there the classes
//! only cost memory.
//!
//! Compared with glibc's `malloc` this does less per call (no headers, no bins to sort,
//! no consolidation), which one synth in a process feels (BENCHMARKS.md). Where the same
//! large trees are built and dropped many times over, reusing freed blocks in the order
//! they were freed scatters the next tree over memory, and glibc, which merges freed
//! memory, is faster; a long-running program should keep the system allocator.
//!
//! ```
//! #[global_allocator]
//! static ALLOC: escdk_alloc::SynthAlloc = escdk_alloc::SynthAlloc::new();
//!
//! let v: Vec<u32> = (0..100).collect();
//! assert_eq!(v.iter().sum::<u32>(), 4950);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr::{self, null_mut};

/// The largest block of the classes 16 bytes apart.
pub const MAX_SMALL: usize = 1024;
const GRAIN: usize = 16;
const SMALL_CLASSES: usize = MAX_SMALL / GRAIN;
/// The power-of-two classes above [`MAX_SMALL`] (2 KiB to 32 KiB), where they are used.
const LARGER_CLASSES: usize = if cfg!(any(target_env = "musl", feature = "larger-classes")) {
    5
} else {
    0
};
/// The largest block the classes serve; larger ones go to the system allocator.
pub const MAX_CLASSED: usize = MAX_SMALL << LARGER_CLASSES;
const CLASSES: usize = SMALL_CLASSES + LARGER_CLASSES;
const _: () = assert!(MAX_CLASSED <= CHUNK, "a class's block must fit in a chunk");
const _: () = assert!(CLASSES <= 128, "a class is a bit of `State::stocked`");
const _: () = assert!(
    MAX_SMALL / GRAIN == SMALL_CLASSES && GRAIN == 1 << 4,
    "the fast paths' class"
);
const CHUNK: usize = 128 * 1024;

/// The allocator; see the module's documentation. Each thread has size classes and a
/// chunk of its own (no lock); a block freed on another thread joins that thread's lists.
/// What a thread holds when it ends stays with it: this is an allocator for a process
/// that does its work on one thread.
pub struct SynthAlloc(());

struct State {
    free: [*mut u8; CLASSES],
    /// Bit `c % 64` of word `c / 64` is set when `free[c]` may hold a block: set when a
    /// block is given, cleared only when a split finds the list empty, so that taking a
    /// block off a list (the common case) does not touch it.
    stocked: [u64; 2],
    next: *mut u8,
    end: *mut u8,
}

thread_local! {
    // No destructor and a constant initializer: reachable for as long as the thread is.
    static STATE: UnsafeCell<State> = const {
        UnsafeCell::new(State { free: [null_mut(); CLASSES], stocked: [0; 2], next: null_mut(), end: null_mut() })
    };
}

impl SynthAlloc {
    /// The allocator (it holds no memory until a thread allocates).
    pub const fn new() -> Self {
        SynthAlloc(())
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // SAFETY: the state is this thread's, and `f` neither re-enters the allocator nor
        // keeps the reference.
        STATE.with(|s| f(unsafe { &mut *s.get() }))
    }
}

impl Default for SynthAlloc {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of `size` bytes (at most [`MAX_SMALL`], alignment at most [`GRAIN`]): one
/// class every 16 bytes, 1 to 16 bytes the first (a zero-sized block takes the first too).
#[inline(always)]
fn small_class(size: usize) -> usize {
    size.saturating_sub(1) / GRAIN
}

/// Whether a layout is served by [`small_class`]: what the fast paths of `alloc` and
/// `dealloc` test first.
#[inline(always)]
fn is_small(layout: Layout) -> bool {
    layout.size() <= MAX_SMALL && layout.align() <= GRAIN
}

/// The size class of a layout the classes serve, or `None` for the system allocator.
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size();
    if is_small(layout) {
        Some(small_class(size))
    } else if layout.align() > GRAIN || size > MAX_CLASSED {
        None
    } else {
        // 1 KiB + 1 to 2 KiB is the first larger class, and so on, doubling.
        let log2 = size.next_power_of_two().trailing_zeros() as usize;
        Some(SMALL_CLASSES + log2 - (MAX_SMALL.trailing_zeros() as usize + 1))
    }
}

/// The largest class whose blocks fit in `len` bytes (`len` at least [`GRAIN`]).
fn largest_within(len: usize) -> usize {
    if len <= MAX_SMALL {
        len / GRAIN - 1
    } else {
        let log2 = (usize::BITS - 1 - len.leading_zeros()) as usize;
        let first_larger = MAX_SMALL.trailing_zeros() as usize + 1;
        let top = MAX_CLASSED.trailing_zeros() as usize;
        if log2 < first_larger || LARGER_CLASSES == 0 {
            SMALL_CLASSES - 1
        } else {
            SMALL_CLASSES + log2.min(top) - first_larger
        }
    }
}

/// The bytes a block of class `c` holds.
fn class_size(c: usize) -> usize {
    if c < SMALL_CLASSES {
        (c + 1) * GRAIN
    } else {
        MAX_SMALL << (c - SMALL_CLASSES + 1)
    }
}

impl State {
    /// The head of class `c`'s free list (taken off it), or null when the list is empty.
    /// The list's bit in `stocked` is left as it is.
    #[inline(always)]
    unsafe fn pop(&mut self, c: usize) -> *mut u8 {
        let head = self.free[c];
        if !head.is_null() {
            // SAFETY: a free block holds the address of the next one in its first word.
            self.free[c] = unsafe { head.cast::<*mut u8>().read() };
        }
        head
    }

    /// A block of class `c`: the head of its free list, else [`State::refill`].
    #[inline(always)]
    unsafe fn take(&mut self, c: usize) -> *mut u8 {
        // SAFETY: the caller's class is one of ours.
        let block = unsafe { self.pop(c) };
        if block.is_null() {
            // SAFETY: as for this function.
            unsafe { self.refill(c) }
        } else {
            block
        }
    }

    /// A block of class `c`, whose free list is empty: cut from the chunk, else split from
    /// a larger free block, else cut from a new chunk.
    #[cold]
    #[inline(never)]
    unsafe fn refill(&mut self, c: usize) -> *mut u8 {
        let size = class_size(c);
        let left = (self.end as usize) - (self.next as usize);
        if left < size {
            // SAFETY: `stocked_above` names a class whose list holds a block; the rest of
            // that block, past the first `size` bytes, is the block's own.
            while let Some(larger) = self.stocked_above(c) {
                let block = unsafe { self.pop(larger) };
                if block.is_null() {
                    // Emptied by `pop` since its bit was set.
                    self.stocked[larger / 64] &= !(1 << (larger % 64));
                    continue;
                }
                unsafe { self.give_span(block.add(size), class_size(larger) - size) };
                return block;
            }
            // SAFETY: the chunk's tail is cut by nothing else.
            unsafe { self.give_span(self.next, left) };
            let chunk = fresh_chunk();
            if chunk.is_null() {
                return chunk;
            }
            self.next = chunk;
            // SAFETY: the chunk is CHUNK bytes long.
            self.end = unsafe { chunk.add(CHUNK) };
        }
        let block = self.next;
        // SAFETY: at least `size` bytes remain in the chunk.
        self.next = unsafe { block.add(size) };
        block
    }

    /// Makes `block`, of class `a`, a block of class `b` (larger) where it is the last cut
    /// from the chunk and the chunk has room for the difference; says whether it did.
    fn grow_last(&mut self, block: *mut u8, a: usize, b: usize) -> bool {
        let (at, next, end) = (block as usize, self.next as usize, self.end as usize);
        if at + class_size(a) != next || end - at < class_size(b) {
            return false;
        }
        // SAFETY: `at + class_size(b)` is within the chunk (checked above).
        self.next = unsafe { block.add(class_size(b)) };
        true
    }

    /// The smallest class above `c` whose bit in `stocked` is set.
    fn stocked_above(&self, c: usize) -> Option<usize> {
        let bits = (self.stocked[1] as u128) << 64 | self.stocked[0] as u128;
        let above = bits & !((2u128 << c) - 1);
        (above != 0).then(|| above.trailing_zeros() as usize)
    }

    /// Puts a block of class `c` on its free list.
    #[inline(always)]
    unsafe fn give(&mut self, c: usize, block: *mut u8) {
        // SAFETY: every block is at least GRAIN bytes and GRAIN-aligned.
        unsafe { block.cast::<*mut u8>().write(self.free[c]) };
        self.free[c] = block;
        self.stocked[c / 64] |= 1 << (c % 64);
    }

    /// Puts the `len` bytes at `start` (16-aligned, a multiple of 16, used by nothing) on
    /// the free lists, in blocks of the largest classes that fit.
    unsafe fn give_span(&mut self, mut start: *mut u8, mut len: usize) {
        while len >= GRAIN {
            let c = largest_within(len);
            // SAFETY: the block lies within the span.
            unsafe {
                self.give(c, start);
                start = start.add(class_size(c));
            }
            len -= class_size(c);
        }
    }
}

// SAFETY: blocks of a class are `class_size(c)` bytes (at least the layout's size),
// 16-aligned (chunks are 16-aligned, and every cut and split a multiple of 16), handed out
// once until given back (a split block's parts are disjoint); layouts outside
// the classes go to `System` both ways, and `class` depends only on the layout, which
// the caller passes back unchanged (or, for `realloc`, as the old layout).
unsafe impl GlobalAlloc for SynthAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_small(layout) {
            let c = small_class(layout.size());
            // SAFETY: see the impl.
            return self.with(|s| unsafe { s.take(c) });
        }
        match class(layout) {
            // SAFETY: see the impl.
            Some(c) => self.with(|s| unsafe { s.take(c) }),
            // SAFETY: the caller's layout is valid.
            None => unsafe { System.alloc(layout) },
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_small(layout) {
            let c = small_class(layout.size());
            // SAFETY: `ptr` came from `alloc` with this layout, so from class `c`.
            return self.with(|s| unsafe { s.give(c, ptr) });
        }
        match class(layout) {
            // SAFETY: `ptr` came from `alloc` with this layout, so from class `c`.
            Some(c) => self.with(|s| unsafe { s.give(c, ptr) }),
            // SAFETY: `ptr` came from `System` with this layout.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            Some(_) => {
                // SAFETY: the caller's layout is valid.
                let p = unsafe { self.alloc(layout) };
                if !p.is_null() {
                    // SAFETY: the block holds at least `layout.size()` bytes.
                    unsafe { ptr::write_bytes(p, 0, layout.size()) };
                }
                p
            }
            // SAFETY: the caller's layout is valid.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn realloc(&self, old: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded to the alignment, is valid.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new)) {
            (Some(a), Some(b)) if a == b => old,
            // The block last cut from the chunk grows in place while the chunk has room:
            // nothing to copy, and no smaller block left behind.
            (Some(a), Some(b)) if b > a && self.with(|s| s.grow_last(old, a, b)) => old,
            // SAFETY: both blocks came from `System` with these layouts.
            (None, None) => unsafe { System.realloc(old, layout, new_size) },
            _ => {
                // SAFETY: `new` is a valid layout; both blocks hold at least the bytes
                // copied; `old` is freed with the layout it was allocated with.
                unsafe {
                    let p = self.alloc(new);
                    if !p.is_null() {
                        ptr::copy_nonoverlapping(old, p, layout.size().min(new_size));
                        self.dealloc(old, layout);
                    }
                    p
                }
            }
        }
    }
}

/// A chunk of `CHUNK` bytes, 16-aligned, or null. On Linux an anonymous mapping made
/// resident at once (`MAP_POPULATE`): a chunk is used up before the next is taken, and one
/// call mapping its 32 pages costs less than 32 page faults (BENCHMARKS.md).
#[cfg(target_os = "linux")]
fn fresh_chunk() -> *mut u8 {
    extern "C" {
        fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    }
    const PROT_READ: i32 = 1;
    const PROT_WRITE: i32 = 2;
    const MAP_PRIVATE: i32 = 2;
    const MAP_ANONYMOUS: i32 = 0x20;
    const MAP_POPULATE: i32 = 0x8000;
    let (prot, flags) = (
        PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
    );
    // SAFETY: a new private anonymous mapping aliases nothing; it is page-aligned.
    let p = unsafe { mmap(null_mut(), CHUNK, prot, flags, -1, 0) };
    if p as isize == -1 {
        null_mut()
    } else {
        p
    }
}

/// A chunk of `CHUNK` bytes, 16-aligned, or null: from the system allocator.
#[cfg(not(target_os = "linux"))]
fn fresh_chunk() -> *mut u8 {
    // SAFETY: CHUNK is a valid, non-zero size and GRAIN a power of two.
    unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, GRAIN)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_block_grows_only_within_the_chunk() {
        // A chunk of 128 bytes in a buffer: a 32-byte block (class 1) at 32 was cut last.
        let mut chunk = [0u128; 8];
        let base = chunk.as_mut_ptr().cast::<u8>();
        let at = |n: usize| base.wrapping_add(n);
        let mut s = State {
            free: [null_mut(); CLASSES],
            stocked: [0; 2],
            next: at(64),
            end: at(128),
        };
        // To 96 bytes (class 5): it ends at the chunk's end.
        assert!(s.grow_last(at(32), 1, 5));
        assert_eq!(s.next, at(128));
        // To 112 bytes (class 6): past the chunk's end, so not in place.
        assert!(!s.grow_last(at(32), 5, 6));
        assert_eq!(s.next, at(128));
        // A block that is not the last cut does not grow.
        assert!(!s.grow_last(at(0), 1, 2));
    }
}
