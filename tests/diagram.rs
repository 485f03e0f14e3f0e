//! `diagram`: each example renders a Mermaid flowchart whose edges join declared nodes,
//! the wiring is drawn (grants, targets, imports), and the output is stable.

use escdk_synth::diagram::mermaid;
use std::collections::BTreeSet;

mod support;

fn nodes_and_edges(chart: &str) -> (BTreeSet<String>, Vec<(String, String, String)>) {
    let mut nodes = BTreeSet::new();
    let mut edges = Vec::new();
    for line in chart.lines().map(str::trim) {
        if line.starts_with("n_") && line.contains("[\"") {
            nodes.insert(line.split('[').next().unwrap().to_string());
        } else if let Some((from, rest)) = line.split_once(" -->|").or(line.split_once(" -.->|")) {
            let (label, to) = rest.split_once("| ").unwrap();
            edges.push((from.to_string(), label.to_string(), to.to_string()));
        }
    }
    (nodes, edges)
}

#[test]
fn every_example_renders_with_edges_between_declared_nodes() {
    let app = escdk_examples::app();
    for s in app.synth(&[]).unwrap() {
        let chart = mermaid(std::slice::from_ref(&s));
        assert!(chart.starts_with("flowchart LR\n"));
        assert_eq!(chart, mermaid(std::slice::from_ref(&s)), "stable output");
        let (nodes, edges) = nodes_and_edges(&chart);
        let resources = s.template()["Resources"].as_object().unwrap().len();
        assert_eq!(
            nodes.len(),
            resources,
            "{}: one node per resource",
            s.stack_name
        );
        assert!(!edges.is_empty());
        for (from, _, to) in &edges {
            assert!(nodes.contains(from) && nodes.contains(to), "{from} -> {to}");
        }
    }
}

#[test]
fn the_recipe_draws_its_grants_and_its_rule_target() {
    let app = escdk_examples::app();
    let recipe = app.synth(&["EventSourcingRecipe".to_string()]).unwrap();
    let (_, edges) = nodes_and_edges(&mermaid(&recipe));
    let has = |from: &str, label: &str, to: &str| {
        edges
            .iter()
            .any(|(f, l, t)| f.contains(from) && l == label && t.contains(to))
    };
    assert!(has("HandlersCommandRole", "grants", "EventStoreTable"));
    assert!(has("HandlersOutboxPublisherRole", "grants", "EventBus"));
    assert!(
        !has("HandlersCommandRole", "grants", "EventBus"),
        "only the outbox publishes"
    );
    assert!(has("HandlersQueryRole", "grants", "ReadModelTable"));
    assert!(has(
        "HandlersProjectionRule",
        "uses",
        "HandlersProjectionFunction"
    ));
    assert!(
        !has("HandlersQueryRole", "grants", "EventBus"),
        "the query role may not publish"
    );
}

#[test]
fn an_import_points_at_the_exporting_resource() {
    let app = support::shared_and_consumer();
    let chart = mermaid(&app.synth(&[]).unwrap());
    let (_, edges) = nodes_and_edges(&chart);
    assert!(
        edges.iter().any(|(f, l, t)| f == "n_Service_Mirror"
            && l == "uses (import)"
            && t.starts_with("n_Shared_Jobs")),
        "{chart}"
    );
}

#[test]
fn the_readme_shows_the_recipes_current_diagram() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("```mermaid\n")
        .expect("the README has the diagram")
        + 11;
    let end = start + readme[start..].find("```").unwrap();
    let recipe = escdk_examples::app()
        .synth(&["EventSourcingRecipe".to_string()])
        .unwrap();
    assert_eq!(
        &readme[start..end],
        mermaid(&recipe),
        "regenerate it: cargo run -- diagram EventSourcingRecipe"
    );
}
