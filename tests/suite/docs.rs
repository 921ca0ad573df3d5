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

/// The subcommands `careshape --help` lists, from clap itself.
fn subcommands() -> Vec<String> {
    let help = crate::common::careshape_ok(&["--help"]);
    let commands = help.split("Commands:").nth(1).expect("`careshape --help` lists its commands");
    commands
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every `careshape WORD` that starts a code span (a command a reader would type).
fn commands_mentioned(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in doc.match_indices("careshape ") {
        let before = doc[..i].chars().next_back();
        if before != Some('`') {
            continue;
        }
        let word: String = doc[i + "careshape ".len()..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !word.is_empty() && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// README.md and ARCHITECTURE.md name every subcommand clap knows, and no other.
#[test]
fn readme_and_architecture_list_every_subcommand() {
    let commands = subcommands();
    assert!(commands.len() >= 8, "{commands:?}");
    for file in ["README.md", "ARCHITECTURE.md"] {
        let doc = std::fs::read_to_string(file).unwrap();
        for c in &commands {
            assert!(doc.contains(&format!("careshape {c}")), "{file} does not mention `careshape {c}`");
        }
        for c in commands_mentioned(&doc) {
            assert!(commands.contains(&c), "{file} mentions `careshape {c}`, which is not a subcommand");
        }
    }
}

/// Text files of the repository that people read or that cite the docs.
fn repository_text() -> Vec<std::path::PathBuf> {
    let mut files =
        vec!["README.md".into(), "ARCHITECTURE.md".into(), "Cargo.toml".into(), "build.rs".into()];
    let mut dirs: Vec<std::path::PathBuf> =
        ["src", "tests", "docs", "scenarios", "benches", "examples", ".ci"].iter().map(Into::into).collect();
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| ["rs", "md", "toml", "sh"].iter().any(|e| x == *e))
                || p.file_name().is_some_and(|n| n == "run")
            {
                files.push(p);
            }
        }
    }
    files
}

/// The design note the model came from is not in the repository; code and docs cite
/// docs/ODD.md and docs/TESTING.md instead.
#[test]
fn nothing_cites_the_design_note_outside_the_repository() {
    let needle = ["MODEL", ".md"].concat();
    let citing: Vec<String> = repository_text()
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(&needle)))
        .map(|f| f.display().to_string())
        .collect();
    assert!(citing.is_empty(), "{needle} is cited in: {citing:?}");
}

/// Every `ODD.md §N.M` (or `ODD §N.M`) cited in the code is a section of docs/ODD.md.
#[test]
fn odd_sections_cited_in_the_code_exist() {
    let odd = std::fs::read_to_string("docs/ODD.md").unwrap();
    let sections: Vec<String> = odd
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').split_whitespace().next().map(str::to_string))
        .collect();
    let mut missing = Vec::new();
    for f in repository_text().into_iter().filter(|f| f.extension().is_some_and(|x| x == "rs")) {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("ODD.md §").chain(text.match_indices("ODD §")) {
            let rest = &text[i..];
            let rest = &rest[rest.find('§').unwrap() + '§'.len_utf8()..];
            let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let number = number.trim_end_matches('.');
            if !number.is_empty() && !sections.iter().any(|s| s == number) {
                missing.push(format!("{}: §{number}", f.display()));
            }
        }
    }
    assert!(missing.is_empty(), "sections cited but not in docs/ODD.md: {missing:?}");
}
