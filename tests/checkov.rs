//! checkov (PyPI, pinned in requirements-checkov.txt), the auditors' scanner, reports no failed
//! check on any example template: every check is passed, or skipped with the reason written
//! next to the resource (`Metadata.checkov.skip`, from `rules::suppress` or from a rule of ours
//! that passes where checkov's check reads too little). The test command (scripts/test)
//! installs checkov in target/checkov-venv; this test fails loudly if it is missing rather than
//! skipping.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn checkov() -> PathBuf {
    let path = std::env::var_os("CHECKOV")
        .map(Into::into)
        .unwrap_or_else(|| support::root().join("target/checkov-venv/bin/checkov"));
    assert!(
        path.exists(),
        "checkov not found at {}: run scripts/test (it installs checkov into target/checkov-venv), or set CHECKOV",
        path.display()
    );
    path
}

/// What checkov found: (check id, file name without `.template.json`, resource, comment).
#[derive(Debug)]
struct Finding {
    id: String,
    file: String,
    resource: String,
    comment: String,
}

/// Runs checkov once over the templates `(name, JSON)`: (failed, skipped, every check).
fn scan(
    checkov: &Path,
    dir: &str,
    templates: &[(String, String)],
) -> (Vec<Finding>, Vec<Finding>, Vec<Finding>) {
    let dir = support::root().join("target/checkov").join(dir);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(checkov);
    cmd.args(["--framework", "cloudformation", "--output", "json"])
        .args(["--skip-download", "--compact"])
        // No platform, no telemetry: checkov reads the files and nothing else.
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false");
    for (name, template) in templates {
        let file = dir.join(format!("{name}.template.json"));
        std::fs::write(&file, template).unwrap();
        cmd.arg("--file").arg(&file);
    }
    let out = cmd.output().expect("checkov runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let results = &report["results"];
    assert!(
        results.is_object(),
        "checkov checked nothing (are the templates readable?):\n{stdout}"
    );
    assert_eq!(
        results["parsing_errors"],
        serde_json::json!([]),
        "checkov could not read a template"
    );
    let list = |key: &str| -> Vec<Finding> {
        results[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let path = c["file_path"].as_str().unwrap_or_default();
                let file = path.rsplit('/').next().unwrap_or(path);
                Finding {
                    id: c["check_id"].as_str().unwrap_or_default().to_string(),
                    file: file.trim_end_matches(".template.json").to_string(),
                    resource: c["resource"].as_str().unwrap_or_default().to_string(),
                    comment: c["check_result"]["suppress_comment"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                }
            })
            .collect()
    };
    let mut read: Vec<Finding> = list("passed_checks");
    read.extend(list("failed_checks"));
    read.extend(list("skipped_checks"));
    (list("failed_checks"), list("skipped_checks"), read)
}

#[test]
fn checkov_reports_no_failure_without_a_written_reason_on_any_example_template() {
    let checkov = checkov();
    let templates: Vec<(String, String)> = support::example_templates()
        .into_iter()
        .map(|(stack, json, _)| (stack, json))
        .collect();
    let (failed, skipped, read) = scan(&checkov, "examples", &templates);
    let mut problems: Vec<String> = failed
        .iter()
        .map(|f| format!("{}: {} failed on {}", f.file, f.id, f.resource))
        .collect();
    for f in &skipped {
        if f.comment.trim().chars().count() < 10 {
            problems.push(format!(
                "{}: {} skipped on {} without a reason (\"{}\")",
                f.file, f.id, f.resource, f.comment
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every example stack was read, and the decisions written in them were seen: were
    // none, the metadata would not be where checkov looks.
    for (stack, _) in &templates {
        assert!(
            read.iter().any(|f| &f.file == stack),
            "checkov checked nothing in {stack}"
        );
    }
    assert!(
        skipped.len() > 10,
        "checkov saw only {} written decisions",
        skipped.len()
    );
}

#[test]
fn checkov_does_catch_an_unencrypted_queue_and_reads_a_written_skip() {
    // The check above is only worth something if checkov really reads our files and our
    // metadata: a queue with no encryption fails CKV_AWS_27; with a skip and its reason it is
    // reported skipped, with the reason.
    let checkov = checkov();
    let bare = r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{}}}}"#;
    let skip = r#"{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{},
        "Metadata":{"checkov":{"skip":[{"id":"CKV_AWS_27","comment":"a reason a reviewer reads"}]}}}}}"#;
    let (failed, skipped, _) = scan(
        &checkov,
        "probe",
        &[("bare".into(), bare.into()), ("skip".into(), skip.into())],
    );
    let at = |v: &[Finding], file: &str| {
        v.iter()
            .filter(|f| f.file == file && f.id == "CKV_AWS_27" && f.resource.ends_with(".Q"))
            .map(|f| f.comment.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(at(&failed, "bare").len(), 1, "{failed:?}");
    assert!(at(&failed, "skip").is_empty(), "{failed:?}");
    assert_eq!(
        at(&skipped, "skip"),
        ["a reason a reviewer reads"],
        "{skipped:?}"
    );
}
