//! `cargo bench`: synth time and peak heap for the recipe stack, for 1, 10 and 50 copies of
//! it as stacks, and packed into one stack up to CloudFormation's 500-resource limit; and
//! what validating with `jsonschema` at run time would cost instead of the generated checks.
//! Prints figures; asserts nothing about time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the heap in use over the system allocator, as a library user's long-running
/// program has it. The `escdk` program runs on `escdk-alloc`, which is faster for one synth
/// in a process and slower here, where the same large trees are built and dropped hundreds
/// of times over (BENCHMARKS.md); `scripts/bench-cdk` times the program's processes.
struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` `n` times; returns (median, p90, peak heap above the baseline in bytes).
fn measure<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, usize) {
    let mut times = Vec::with_capacity(n);
    let mut peak = 0;
    for _ in 0..n {
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
        drop(out);
    }
    times.sort();
    (times[n / 2], times[n * 9 / 10], peak)
}

fn row(what: &str, n: usize, (median, p90, peak): (Duration, Duration, usize), extra: &str) {
    println!(
        "{what:<44} {:>9.3} ms {:>9.3} ms {:>9.1} KiB  {extra}  (n={n})",
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3,
        peak as f64 / 1024.0
    );
}

fn app_with(stacks: usize) -> escdk_synth::App {
    let mut app = escdk_synth::App::new();
    for i in 0..stacks {
        app.add_stack(escdk_examples::recipe::stack(&format!("Recipe{i}")));
    }
    app
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported, everything runs.
    println!(
        "{:<44} {:>12} {:>12} {:>13}",
        "scenario", "median", "p90", "peak heap"
    );

    let cold = Instant::now();
    let first = escdk_examples::recipe::stack("Recipe")
        .synth()
        .expect("valid");
    let per_stack = first.tree()["Resources"].as_object().map_or(0, |m| m.len());
    let first = first.to_json();
    println!(
        "{:<44} {:>9.3} ms   (first synth in the process, incl. hashing its handler directories)",
        "recipe stack, cold",
        cold.elapsed().as_secs_f64() * 1e3
    );

    let r = measure(200, || escdk_examples::recipe::stack("Recipe"));
    row("recipe stack: build constructs", 200, r, "");
    let stack = escdk_examples::recipe::stack("Recipe");
    let r = measure(200, || stack.synth().expect("valid").to_json());
    row(
        "recipe stack: validate + render + serialize",
        200,
        r,
        &format!("{} bytes", first.len()),
    );
    let r = measure(200, || {
        escdk_examples::recipe::stack("Recipe")
            .synth()
            .expect("valid")
            .to_json()
    });
    row(
        "recipe stack: build + synth",
        200,
        r,
        &format!("{per_stack} resources"),
    );

    for n in [1, 10, 50] {
        let runs = if n == 50 { 20 } else { 50 };
        let r = measure(runs, || app_with(n).synth(&[]).expect("valid"));
        row(
            &format!("{n} recipe stacks: build + synth all"),
            runs,
            r,
            &format!("{} resources", per_stack * n),
        );
    }

    let per_copy = {
        let s = escdk_synth::Stack::new("One");
        escdk_examples::recipe::build(&s.root());
        s.resource_count()
    };
    let copies = 500 / per_copy;
    let packed = || {
        let s = escdk_synth::Stack::new("Packed");
        for i in 0..copies {
            escdk_examples::recipe::build(&s.root().child(&format!("Copy{i}")));
        }
        s.synth().expect("fits")
    };
    let size = packed();
    let r = measure(20, packed);
    row(
        &format!("{copies} recipes packed in one stack"),
        20,
        r,
        &format!(
            "{} resources, {} bytes",
            size.tree()["Resources"].as_object().map_or(0, |m| m.len()),
            size.size()
        ),
    );

    // The alternative the generated checks replace: compiling jsonschema validators for the
    // recipe's resource types in every synth process.
    let types: Vec<String> = {
        let t: serde_json::Value = serde_json::from_str(&first).unwrap();
        let mut v: Vec<String> = t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .map(|r| r["Type"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let r = measure(10, || {
        types
            .iter()
            .map(|t| {
                let file = root
                    .join("synth/schemas")
                    .join(format!("{}.json", t.to_lowercase().replace("::", "-")));
                let text = std::fs::read_to_string(file)
                    .unwrap()
                    .replace(r"\\Z", "$")
                    .replace(r"\\A", "^");
                let mut s: serde_json::Value = serde_json::from_str(&text).unwrap();
                let o = s.as_object_mut().unwrap();
                o.remove("handlers");
                o.remove("$schema");
                jsonschema::draft7::new(&s).unwrap()
            })
            .collect::<Vec<_>>()
    });
    row(
        &format!("(for comparison) jsonschema: {} validators", types.len()),
        10,
        r,
        "parse + compile, not used by synth",
    );
}
