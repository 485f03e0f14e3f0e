//! The allocator held to what `GlobalAlloc` promises: blocks the size and alignment asked
//! for, contents kept across `realloc` within and between size classes and to and from
//! the system allocator, zeroed blocks zero even when reused, a freed block reused by its
//! class only, and no block handed out twice while threads allocate at once. This test
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

#[test]
fn a_freed_block_is_reused_by_its_class_only() {
    let a = SynthAlloc::new();
    let l40 = layout(40, 8);
    let p = unsafe { a.alloc(l40) };
    unsafe { a.dealloc(p, l40) };
    // 33..=48 bytes is the same class as 40; 24 is another.
    let q = unsafe { a.alloc(layout(24, 8)) };
    assert_ne!(p, q, "a block went to another class");
    let r = unsafe { a.alloc(layout(48, 16)) };
    assert_eq!(p, r, "the class's freed block was not reused");
}

#[cfg(any(target_env = "musl", feature = "larger-classes"))]
#[test]
fn a_freed_larger_block_is_reused_by_its_power_of_two_class_only() {
    let a = SynthAlloc::new();
    let l3000 = layout(3000, 8);
    let p = unsafe { a.alloc(l3000) };
    unsafe { p.write_bytes(1, 3000) };
    unsafe { a.dealloc(p, l3000) };
    // 2049..=4096 bytes is the class of 3000; 2048 is the one below, 4097 the one above.
    let below = unsafe { a.alloc(layout(2048, 8)) };
    let above = unsafe { a.alloc(layout(4097, 8)) };
    assert_ne!(p, below, "a block went to a smaller class");
    assert_ne!(p, above, "a block went to a larger class");
    let again = unsafe { a.alloc(layout(4096, 16)) };
    assert_eq!(p, again, "the class's freed block was not reused");
    // The whole class size is the block's: writing 4096 bytes touches no other block.
    unsafe { again.write_bytes(2, 4096) };
    unsafe { below.write_bytes(3, 2048) };
    unsafe { above.write_bytes(4, 4097) };
    let bytes = unsafe { std::slice::from_raw_parts(again, 4096) };
    assert!(
        bytes.iter().all(|b| *b == 2),
        "a neighbouring block overlapped"
    );
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
