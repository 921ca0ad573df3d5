//! Documentation that is generated from the code stays in step with it.

/// docs/METRICS.md is `careshape metrics`' output; regenerate it with
/// `cargo run -- metrics > docs/METRICS.md` after adding or renaming a metric.
#[test]
fn metrics_reference_matches_the_code() {
    let doc = std::fs::read_to_string("docs/METRICS.md").expect("docs/METRICS.md exists");
    assert!(
        doc == careshape::analysis::metrics_markdown(),
        "docs/METRICS.md is out of date: run `cargo run -- metrics > docs/METRICS.md`"
    );
}
