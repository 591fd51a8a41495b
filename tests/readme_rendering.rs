//! The READMEs and guides as the registry shows them: crates.io renders
//! Markdown, not rustdoc, so a hidden `# ` line of an example shows as it is
//! and an intra-doc link `[`Foo`]` without a definition shows as raw text.
//! And an app copies the examples with the adapter as its only dependency,
//! so they name the adapter's paths (the core's own README excepted). The
//! examples themselves run as doctests of the crates that include them.

use std::path::Path;

/// Every Markdown file published or shown as documentation, and whether
/// its examples may name the core crate.
const DOCUMENTS: [(&str, bool); 8] = [
    ("README.md", false),
    ("crates/cometchat-webhooks/README.md", true),
    ("crates/cometchat-webhooks/ROUTER.md", false),
    ("crates/cometchat-webhooks/MEDIA.md", false),
    ("crates/cometchat-webhooks-axum/README.md", false),
    ("crates/cometchat-webhooks-actix-web/README.md", false),
    ("crates/cometchat-webhooks-warp/README.md", false),
    ("crates/cometchat-webhooks-cli/README.md", false),
];

fn read(document: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(document);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The lines of the Rust examples, with their line numbers.
fn rust_example_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut in_rust = None;
    for (number, line) in text.lines().enumerate() {
        if let Some(fence) = line.strip_prefix("```") {
            in_rust = match in_rust {
                None => Some(fence.starts_with("rust")),
                Some(_) => None,
            };
        } else if in_rust == Some(true) {
            lines.push((number + 1, line));
        }
    }
    lines
}

/// Labels used as `[`label`]` or `[text][`label`]` that no `[`label`]: url`
/// line defines.
fn undefined_links(text: &str) -> Vec<String> {
    let defined: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix('[')?.split_once("]: ").map(|(label, _)| label))
        .collect();
    let mut undefined = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        rest = &rest[start + 1..];
        let Some(end) = rest.find(']') else { break };
        let label = &rest[..end];
        let after = &rest[end + 1..];
        let explicit = after.starts_with('(') || after.starts_with(':');
        let ends_in_code = label.ends_with('`') && !label.contains('\n');
        if ends_in_code && !explicit && !after.starts_with('[') && !defined.contains(&label) {
            undefined.push(label.to_owned());
        }
        let reference = after.strip_prefix('[').and_then(|reference| reference.split_once(']'));
        if let Some((label, _)) = reference
            && !defined.contains(&label)
        {
            undefined.push(label.to_owned());
        }
    }
    undefined
}

#[test]
fn examples_hide_no_lines() {
    let mut hidden = Vec::new();
    for (document, _) in DOCUMENTS {
        let text = read(document);
        for (number, line) in rust_example_lines(&text) {
            if line == "#" || line.starts_with("# ") {
                hidden.push(format!("{document}:{number}: {line}"));
            }
        }
    }
    assert!(hidden.is_empty(), "hidden example lines:\n  {}", hidden.join("\n  "));
}

#[test]
fn examples_name_the_adapter_not_the_core() {
    let mut core_paths = Vec::new();
    for (document, may_name_core) in DOCUMENTS {
        let text = read(document);
        for (number, line) in rust_example_lines(&text) {
            if !may_name_core && line.contains("cometchat_webhooks::") {
                core_paths.push(format!("{document}:{number}: {line}"));
            }
        }
    }
    assert!(core_paths.is_empty(), "core paths in examples:\n  {}", core_paths.join("\n  "));
}

#[test]
fn every_link_has_a_definition() {
    let mut undefined = Vec::new();
    for (document, _) in DOCUMENTS {
        undefined.extend(
            undefined_links(&read(document)).into_iter().map(|l| format!("{document}: {l}")),
        );
    }
    assert!(undefined.is_empty(), "links without a definition:\n  {}", undefined.join("\n  "));
}

#[test]
fn the_checks_see_what_they_look_for() {
    let text = "```rust\n# let hidden = 1;\nuse cometchat_webhooks::Event;\n```\n\
                See [`Event`] and [`Payload`], [text][`Trigger`].\n\n[`Payload`]: https://docs.rs\n";
    let lines = rust_example_lines(text);
    assert_eq!(lines, [(2, "# let hidden = 1;"), (3, "use cometchat_webhooks::Event;")]);
    assert_eq!(undefined_links(text), ["`Event`", "`Trigger`"]);
}
