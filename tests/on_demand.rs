//! Stacks built on demand (`App::on_demand`): a synth of a group's stack builds that group
//! alone; listing builds nothing; a command on the app's other stacks, or on all, builds
//! every group; what a group declares is what it must build.

use escdk_constructs::sqs::{Queue, QueueProps};
use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{App, Output};
use std::cell::Cell;
use std::rc::Rc;

fn queue() -> CfnQueue {
    CfnQueue {
        sqs_managed_sse_enabled: Some(true.into()),
        ..Default::default()
    }
}

/// An eager `Shared` stack with a queue, and two groups counting their builds: `A` uses
/// Shared's queue, `B` stands alone.
fn app() -> (App, Rc<Cell<u32>>, Rc<Cell<u32>>) {
    let mut app = App::new();
    let shared = app.stack("Shared");
    let jobs = Queue::new(&shared.root(), "Jobs", QueueProps::default());
    let (a, b) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let built = a.clone();
    app.on_demand(&["A"], move |app| {
        built.set(built.get() + 1);
        app.stack("A")
            .add_output("JobsUrl", Output::new(jobs.url()));
    });
    let built = b.clone();
    app.on_demand(&["B"], move |app| {
        built.set(built.get() + 1);
        app.stack("B").root().add("Q", queue());
    });
    (app, a, b)
}

#[test]
fn a_groups_stack_builds_that_group_alone_and_listing_builds_nothing() {
    let (app, a, b) = app();
    assert_eq!(app.stack_names(), ["Shared", "A", "B"]);
    assert_eq!((a.get(), b.get()), (0, 0), "listing builds nothing");
    let out = app.synth(&["B".to_string()]).unwrap();
    assert_eq!(out[0].stack_name, "B");
    assert_eq!((a.get(), b.get()), (0, 1), "only B's group");
    // Every stack: the other group too, once each.
    let all = app.synth(&[]).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!((a.get(), b.get()), (1, 1));
}

#[test]
fn a_stack_outside_the_groups_builds_every_group_since_they_may_use_it() {
    let (app, a, b) = app();
    let shared = app.synth(&["Shared".to_string()]).unwrap();
    assert_eq!((a.get(), b.get()), (1, 1));
    // A imports Shared's queue URL: Shared exports it, named alone.
    let outputs = shared[0].template()["Outputs"].as_object().unwrap();
    assert!(
        outputs.values().any(|o| o.get("Export").is_some()),
        "{outputs:?}"
    );
}

#[test]
fn a_group_builds_exactly_the_stacks_it_declares() {
    let mut app = App::new();
    app.on_demand(&["Declared", "Missing"], |app| {
        app.stack("Declared").root().add("Q", queue());
        app.stack("Extra").root().add("Q", queue());
    });
    let err = app.synth(&[]).unwrap_err().to_string();
    assert!(
        err.contains("declared `Missing` but built no stack of that name")
            && err.contains("built `Extra`, which it did not declare"),
        "{err}"
    );
}
