//! The allocator held to what `GlobalAlloc` promises: blocks the size and alignment asked
//! for, contents kept across `realloc` within and between size classes and to and from
//! the system allocator, zeroed blocks zero even when reused, a freed block reused by its
//! class first and split for smaller ones once the chunk runs out, never for larger, and
//! no block handed out twice while threads allocate at once. This test
//! binary also runs on it as its global allocator (the test harness, its threads and all).
//! `scripts/test` runs these twice: as built for glibc, and with the `larger-classes`
//! feature, the configuration a musl build has.

use escdk_alloc::{SynthAlloc, MAX_CLASSED, MAX_SMALL};
use std::alloc::{GlobalAlloc, Layout};
use std::collections::HashSet;

#[global_allocator]
static GLOBAL: SynthAlloc = SynthAlloc::new();

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn blocks_are_the_size_and_alignment_asked_for_and_distinct() {
    let a = SynthAlloc::new();
    let mut seen = Vec::new();
    let larger = [
        1500,
        2047,
        2048,
        2049,
        4096,
        10_000,
        MAX_CLASSED - 1,
        MAX_CLASSED,
        MAX_CLASSED + 1,
        70_000,
    ];
    for size in (1..=MAX_SMALL + 64).chain(larger) {
        for align in [1, 2, 8, 16, 32, 64] {
            let l = layout(size, align);
            let p = unsafe { a.alloc(l) };
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0, "size {size} align {align}");
            unsafe { p.write_bytes(size as u8, size) };
            assert!(
                !seen.iter().any(|(q, _)| *q == p),
                "size {size} align {align}: a live block handed out again"
            );
            seen.push((p, l));
        }
    }
    // No two live blocks overlap.
    let mut spans: Vec<(usize, usize)> =
        seen.iter().map(|(p, l)| (*p as usize, l.size())).collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap: {w:?}");
    }
    for (p, l) in seen {
        let bytes = unsafe { std::slice::from_raw_parts(p, l.size()) };
        assert!(
            bytes.iter().all(|b| *b == l.size() as u8),
            "a block was written by another"
        );
        unsafe { a.dealloc(p, l) };
    }
}

/// Runs `f` on a thread of its own: its free lists hold nothing the test did not free.
fn on_a_fresh_thread(f: impl FnOnce() + Send + 'static) {
    std::thread::spawn(f).join().unwrap();
}

/// Takes blocks of `l` until one is `target` (a freed block split for the request), and
/// says how many came before it; each of those is cut from the chunk, the one after the
/// other. Panics when `target` is not taken before a chunk's worth of blocks.
fn take_until(a: &SynthAlloc, l: Layout, target: *mut u8) -> usize {
    let step = l.size().next_multiple_of(16);
    let mut previous: Option<*mut u8> = None;
    for n in 0..=(128 * 1024 / step) + 1 {
        let q = unsafe { a.alloc(l) };
        if q == target {
            return n;
        }
        if let Some(prev) = previous {
            assert_eq!(
                q as usize,
                prev as usize + step,
                "block {n} was not cut from the chunk after the one before it"
            );
        }
        previous = Some(q);
    }
    panic!("the freed block was not split when the chunk ran out");
}

#[test]
fn the_chunk_serves_first_then_a_freed_larger_block_is_split_before_a_new_chunk() {
    on_a_fresh_thread(|| {
        let a = SynthAlloc::new();
        let l870 = layout(870, 8);
        let p = unsafe { a.alloc(l870) };
        unsafe { a.dealloc(p, l870) };
        // 865..=880 bytes is the class of 870.
        let again = unsafe { a.alloc(layout(880, 16)) };
        assert_eq!(p, again, "the class's freed block was not reused");
        unsafe { a.dealloc(again, layout(880, 16)) };
        // A larger request never gets it.
        let larger = unsafe { a.alloc(layout(881, 8)) };
        assert_ne!(p, larger, "a block went to a larger class");
        // 849..=864 bytes has no free block of its own: blocks are cut from the chunk
        // while it has room (at least one: the chunk was new), and when it runs out the
        // 880 bytes are split, the first 864 for the request and the last 16 kept.
        let before = take_until(&a, layout(860, 8), p);
        assert!(
            before > 0,
            "the free block was split while the chunk had room"
        );
        let back = unsafe { a.alloc(layout(16, 16)) };
        assert_eq!(back as usize, p as usize + 864, "the rest was not kept");
        unsafe {
            p.write_bytes(1, 864);
            back.write_bytes(2, 16);
            larger.write_bytes(3, 881);
        }
        let bytes = unsafe { std::slice::from_raw_parts(p, 864) };
        assert!(bytes.iter().all(|b| *b == 1), "the parts overlap");
    });
}

/// Runs `f` on a thread of its own, failing if it has not finished in 20 seconds (a split
/// that keeps looking at an empty list never would).
fn on_a_fresh_thread_in_time(f: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    match finished.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(()) => worker.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => worker.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the allocation did not finish: a split kept looking at an empty list")
        }
    }
}

#[test]
fn a_class_emptied_by_taking_its_block_is_passed_over_when_splitting() {
    on_a_fresh_thread_in_time(|| {
        let a = SynthAlloc::new();
        // The 880-byte class gets a block and gives it out again: its list is empty, though
        // taking a block does not say so in the bitmap of stocked lists.
        let l880 = layout(880, 8);
        let p = unsafe { a.alloc(l880) };
        unsafe { a.dealloc(p, l880) };
        let taken = unsafe { a.alloc(l880) };
        assert_eq!(p, taken, "the class's freed block was not reused");
        // A larger class holds a block.
        let l1000 = layout(1000, 8);
        let r = unsafe { a.alloc(l1000) };
        unsafe { a.dealloc(r, l1000) };
        // When the chunk runs out, a smaller request is split from the 1000-byte block,
        // the 880-byte class (nearer, but empty) passed over.
        let before = take_until(&a, layout(860, 8), r);
        assert!(
            before > 0,
            "the free block was split while the chunk had room"
        );
        // The 880-byte block is still the caller's: nothing was cut from it.
        unsafe { taken.write_bytes(7, 880) };
        let rest = unsafe { a.alloc(layout(130, 8)) };
        assert_eq!(
            rest as usize,
            r as usize + 864,
            "the rest of the split block was not kept"
        );
        let bytes = unsafe { std::slice::from_raw_parts(taken, 880) };
        assert!(
            bytes.iter().all(|b| *b == 7),
            "a block in use was handed out"
        );
    });
}

#[test]
fn the_block_last_cut_grows_in_place_and_any_other_moves() {
    on_a_fresh_thread_in_time(|| {
        let a = SynthAlloc::new();
        // Classes no block of this thread was freed to yet: each block is cut from the chunk.
        let p = unsafe { a.alloc(layout(600, 8)) };
        unsafe { p.write_bytes(5, 600) };
        let grown = unsafe { a.realloc(p, layout(600, 8), 900) };
        assert_eq!(grown, p, "the block last cut was moved to grow");
        let bytes = unsafe { std::slice::from_raw_parts(grown, 600) };
        assert!(
            bytes.iter().all(|b| *b == 5),
            "growing in place lost the contents"
        );
        // The next block is cut after the grown one (912 bytes: its new class).
        let q = unsafe { a.alloc(layout(700, 8)) };
        assert_eq!(
            q as usize,
            p as usize + 912,
            "the chunk did not give up what the block took"
        );
        unsafe { q.write_bytes(9, 700) };
        // No longer the last cut: growing it moves it, and the block after it is untouched.
        unsafe { grown.write_bytes(6, 900) };
        let moved = unsafe { a.realloc(grown, layout(900, 8), 1000) };
        assert_ne!(
            moved, p,
            "a block with another cut after it grew over that one"
        );
        let bytes = unsafe { std::slice::from_raw_parts(moved, 900) };
        assert!(bytes.iter().all(|b| *b == 6), "moving lost the contents");
        let after = unsafe { std::slice::from_raw_parts(q, 700) };
        assert!(
            after.iter().all(|b| *b == 9),
            "the next block was written over"
        );
    });
}

#[cfg(any(target_env = "musl", feature = "larger-classes"))]
#[test]
fn a_freed_larger_block_serves_its_power_of_two_class_then_smaller_ones() {
    on_a_fresh_thread(a_larger_block_split);
}

#[cfg(any(target_env = "musl", feature = "larger-classes"))]
fn a_larger_block_split() {
    let a = SynthAlloc::new();
    let l3000 = layout(3000, 8);
    let p = unsafe { a.alloc(l3000) };
    unsafe { p.write_bytes(1, 3000) };
    unsafe { a.dealloc(p, l3000) };
    // 2049..=4096 bytes is the class of 3000; 4097 is the one above.
    let above = unsafe { a.alloc(layout(4097, 8)) };
    assert_ne!(p, above, "a block went to a larger class");
    let again = unsafe { a.alloc(layout(4096, 16)) };
    assert_eq!(p, again, "the class's freed block was not reused");
    // The whole class size is the block's: writing 4096 bytes touches no other block.
    unsafe { again.write_bytes(2, 4096) };
    unsafe { above.write_bytes(4, 4097) };
    let bytes = unsafe { std::slice::from_raw_parts(again, 4096) };
    assert!(
        bytes.iter().all(|b| *b == 2),
        "a neighbouring block overlapped"
    );
    // Freed again, and split for a 100-byte block once the chunk runs out: the rest
    // (3984 bytes) goes to the lists as 2048, 1024 and 912 bytes, each served from its
    // place in the block.
    unsafe { a.dealloc(again, layout(4096, 16)) };
    let before = take_until(&a, layout(100, 8), p);
    assert!(
        before > 0,
        "the free block was split while the chunk had room"
    );
    let b2048 = unsafe { a.alloc(layout(2048, 8)) };
    let b1024 = unsafe { a.alloc(layout(1024, 8)) };
    let b912 = unsafe { a.alloc(layout(900, 8)) };
    let at = |q: *mut u8| q as usize - p as usize;
    assert_eq!((at(b2048), at(b1024), at(b912)), (112, 2160, 3184));
}

/// Blocks of every class, freed in a scattered order and taken again by other classes,
/// through many chunks: no live block ever overlaps another or loses its contents.
#[test]
fn splitting_and_chunk_tails_never_hand_out_a_live_byte() {
    let a = SynthAlloc::new();
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..40_000u32 {
        let r = next();
        if live.len() > 50 && r % 5 < 2 {
            let (p, l, tag) = live.swap_remove((r >> 8) as usize % live.len());
            let bytes = unsafe { std::slice::from_raw_parts(p, l.size()) };
            assert!(
                bytes.iter().all(|b| *b == tag),
                "a live block was overwritten"
            );
            unsafe { a.dealloc(p, l) };
        } else {
            // Mostly small, some up to the largest class.
            let size = if r % 9 == 0 {
                1 + (r >> 16) as usize % MAX_CLASSED
            } else {
                1 + (r >> 16) as usize % 600
            };
            let l = layout(size, 1 << ((r >> 40) % 5));
            let p = unsafe { a.alloc(l) };
            assert!(!p.is_null());
            assert_eq!(p as usize % l.align(), 0);
            let tag = (i % 251) as u8;
            unsafe { p.write_bytes(tag, size) };
            live.push((p, l, tag));
        }
    }
    let mut spans: Vec<(usize, usize)> = live
        .iter()
        .map(|(p, l, _)| (*p as usize, l.size()))
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap: {w:?}");
    }
    for (p, l, tag) in live {
        let bytes = unsafe { std::slice::from_raw_parts(p, l.size()) };
        assert!(bytes.iter().all(|b| *b == tag));
        unsafe { a.dealloc(p, l) };
    }
}

#[test]
fn zeroed_blocks_are_zero_when_reused() {
    let a = SynthAlloc::new();
    for size in [
        1,
        16,
        100,
        MAX_SMALL,
        MAX_SMALL + 1,
        10_000,
        MAX_CLASSED,
        MAX_CLASSED + 1,
    ] {
        let l = layout(size, 8);
        let p = unsafe { a.alloc(l) };
        unsafe { p.write_bytes(0xAB, size) };
        unsafe { a.dealloc(p, l) };
        let z = unsafe { a.alloc_zeroed(l) };
        let bytes = unsafe { std::slice::from_raw_parts(z, size) };
        assert!(bytes.iter().all(|b| *b == 0), "size {size} not zeroed");
        unsafe { a.dealloc(z, l) };
    }
}

#[test]
fn realloc_keeps_the_contents_within_between_classes_and_to_the_system() {
    let a = SynthAlloc::new();
    let sizes = [
        1,
        15,
        16,
        17,
        100,
        500,
        MAX_SMALL,
        MAX_SMALL + 1,
        5000,
        MAX_CLASSED,
        MAX_CLASSED + 1,
        MAX_CLASSED - 100,
        300,
        7,
        70_000,
        2,
    ];
    let mut l = layout(sizes[0], 8);
    let mut p = unsafe { a.alloc(l) };
    unsafe { p.write(1) };
    let mut filled = 1;
    for &size in &sizes[1..] {
        p = unsafe { a.realloc(p, l, size) };
        assert!(!p.is_null());
        assert_eq!(p as usize % 8, 0);
        let kept = filled.min(size);
        let bytes = unsafe { std::slice::from_raw_parts(p, kept) };
        for (i, b) in bytes.iter().enumerate() {
            assert_eq!(*b, (i % 251) as u8 + 1, "byte {i} lost growing to {size}");
        }
        for i in kept..size {
            unsafe { p.add(i).write((i % 251) as u8 + 1) };
        }
        filled = size;
        l = layout(size, 8);
    }
    unsafe { a.dealloc(p, l) };
}

#[test]
fn collections_on_the_global_allocator_behave() {
    let mut strings: Vec<String> = (0..5000).map(|i| "x".repeat(i % 1500)).collect();
    strings.retain(|s| s.len() % 3 != 0);
    let mut grown = String::new();
    for s in &strings {
        grown.push_str(&s[..s.len().min(3)]);
    }
    assert_eq!(strings.iter().filter(|s| s.len() % 1500 == 0).count(), 0);
    assert!(strings.iter().all(|s| s.bytes().all(|b| b == b'x')));
    let set: HashSet<usize> = strings.iter().map(String::len).collect();
    assert_eq!(set.len(), 1000);
    assert!(grown.bytes().all(|b| b == b'x'));
}

#[test]
fn threads_allocating_at_once_never_share_a_block() {
    let handles: Vec<_> = (0..4u8)
        .map(|t| {
            std::thread::spawn(move || {
                let mut live: Vec<Vec<u8>> = Vec::new();
                for i in 0..20_000usize {
                    live.push(vec![t; 1 + (i * 7) % 900]);
                    if i % 3 == 0 {
                        let gone = live.swap_remove((i * 31) % live.len());
                        assert!(
                            gone.iter().all(|b| *b == t),
                            "thread {t}: a block was shared"
                        );
                    }
                }
                live.iter().all(|v| v.iter().all(|b| *b == t))
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap(), "a block was written by another thread");
    }
}
