//! How deploy waits, against moto's server with the two CloudFormation behaviours the test
//! launcher adds to it (`moto/moto_server.py`): stack events answered 100 per page, and
//! change sets computed over time.

mod moto;

use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{App, Stack};
use moto::{assembly, boto3, command, deploy, moto, moto_with, run, Moto, TempDir};
use std::time::{Duration, Instant};

fn queues(name: &str, n: usize) -> App {
    let mut app = App::new();
    let stack = Stack::new(name);
    for i in 0..n {
        stack.root().add(
            &format!("Q{i}"),
            CfnQueue {
                sqs_managed_sse_enabled: Some(true.into()),
                ..Default::default()
            },
        );
    }
    app.add_stack(stack);
    app
}

fn stacks(moto: &Moto) -> String {
    boto3(
        moto,
        "print(sorted((s['StackName'], s['StackStatus']) for s in c('cloudformation').list_stacks()['StackSummaries']))",
    )
}

fn queue_count(moto: &Moto) -> usize {
    boto3(
        moto,
        "print(len(c('sqs').list_queues().get('QueueUrls', [])))",
    )
    .trim()
    .parse()
    .unwrap()
}

#[test]
fn every_event_is_shown_when_more_than_a_page_arrive_between_two_polls() {
    let moto = moto("many-events");
    let dir = TempDir::new("many-events-assembly");
    assembly(&dir.0, &queues("ManyEvents", 60));
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    let events: usize = boto3(
        &moto,
        "p = c('cloudformation').get_paginator('describe_stack_events')\nprint(sum(len(page['StackEvents']) for page in p.paginate(StackName='ManyEvents')))",
    )
    .trim()
    .parse()
    .unwrap();
    assert!(events > 100, "more than one page: {events} events");
    for i in 0..60 {
        assert!(
            r.out
                .lines()
                .any(|l| l.contains("CREATE_COMPLETE") && l.contains(&format!("ManyEvents/Q{i} ("))),
            "Q{i} completed but was not shown:\n{}",
            r.out
        );
    }
    assert!(r.out.contains("60/60"), "the count reaches every resource");
}

/// A bootstrapped moto whose change sets of stack `name` (two queues, synthesized into the
/// returned directory) take 600 s to compute.
fn bootstrapped_with_slow_change_sets(name: &str) -> (Moto, TempDir) {
    let slow = format!("{name}=600");
    let moto = moto_with(name, &[("ESCDK_TEST_SLOW_CHANGE_SETS", slow.as_str())]);
    let dir = TempDir::new(&format!("{name}-assembly"));
    assembly(&dir.0, &queues(name, 2));
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    (moto, dir)
}

#[test]
fn a_change_set_not_ready_in_time_is_deleted_and_nothing_runs() {
    let (moto, dir) = bootstrapped_with_slow_change_sets("Slow");
    let started = Instant::now();
    let r = deploy(&moto, &dir.0, &["--change-set-timeout", "2"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "gave up in time"
    );
    assert!(
        r.err.contains("did not finish the change set within 2 s")
            && r.err.contains("--change-set-timeout"),
        "{}",
        r.err
    );
    // The empty stack the CREATE change set made is gone with it; nothing was created.
    let listed = stacks(&moto);
    assert!(listed.contains("('Slow', 'DELETE_COMPLETE')"), "{listed}");
    assert!(!listed.contains("REVIEW_IN_PROGRESS"), "{listed}");
    assert_eq!(queue_count(&moto), 0);
}

#[test]
fn ctrl_c_while_the_change_set_is_computed_deletes_it_and_nothing_runs() {
    let (moto, dir) = bootstrapped_with_slow_change_sets("Stopped");
    let mut child = command(&moto, &dir.0, &["deploy", "--require-approval", "never"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the change set exists (its stack is REVIEW_IN_PROGRESS), then Ctrl-C.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !stacks(&moto).contains("('Stopped', 'REVIEW_IN_PROGRESS')") {
        assert!(
            Instant::now() < deadline,
            "the change set was never created"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A deploy that ignored Ctrl-C would wait for the change set (600 s here): give it 30 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("deploy still running 30 s after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exits with an error, not killed: {err}"
    );
    assert!(
        err.contains("interrupted before anything ran")
            && err.contains("change set of Stopped was deleted"),
        "{err}"
    );
    let listed = stacks(&moto);
    assert!(
        listed.contains("('Stopped', 'DELETE_COMPLETE')"),
        "{listed}"
    );
    assert_eq!(queue_count(&moto), 0);
}

#[test]
fn with_concurrency_independent_stacks_deploy_together_and_a_dependent_one_waits() {
    // `Slow`'s change set takes 3 s to compute; `Quick` does not depend on it, `After` does.
    let moto = moto_with("concurrency", &[("ESCDK_TEST_SLOW_CHANGE_SETS", "Slow=3")]);
    let dir = TempDir::new("concurrency-assembly");
    let mut app = App::new();
    let queue = || CfnQueue {
        sqs_managed_sse_enabled: Some(true.into()),
        ..Default::default()
    };
    let slow = Stack::new("Slow");
    slow.root().add("Q", queue());
    let quick = Stack::new("Quick");
    quick.root().add("Q", queue());
    let after = Stack::new("After");
    after.root().add("Q", queue());
    after.add_stack_dependency(&slow);
    app.add_stack(slow);
    app.add_stack(quick);
    app.add_stack(after);
    assembly(&dir.0, &app);
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);

    // Asking for approval with more than one stack at a time is refused up front.
    let r = run(&moto, &dir.0, &["deploy", "--concurrency", "2"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err
            .contains("--concurrency 2 needs --require-approval never"),
        "{}",
        r.err
    );
    assert!(stacks(&moto).contains("EscdkBootstrap") && !stacks(&moto).contains("Slow"));

    let r = deploy(&moto, &dir.0, &["--concurrency", "2"]);
    assert_eq!(r.code, 0, "{}\n{}", r.out, r.err);
    let at = |what: &str| {
        r.out
            .find(what)
            .unwrap_or_else(|| panic!("`{what}` not in:\n{}", r.out))
    };
    // Quick went ahead while Slow's change set was computing ...
    assert!(
        at("deploying Quick") < at("Slow: CREATE_COMPLETE"),
        "{}",
        r.out
    );
    assert!(
        at("Quick: CREATE_COMPLETE") < at("Slow: CREATE_COMPLETE"),
        "{}",
        r.out
    );
    // ... and After started only once Slow, which it depends on, was done.
    assert!(
        at("Slow: CREATE_COMPLETE") < at("deploying After"),
        "{}",
        r.out
    );
    assert!(r.out.contains("After: CREATE_COMPLETE"), "{}", r.out);
}
