//! Just enough Markdown to quote docs/CALIBRATION.md in the report: sections, paragraphs,
//! bullet lists, tables, `code`, **bold** and *emphasis*. Everything is HTML-escaped first.

/// The docs the report quotes, compiled in so the report is complete wherever it is built.
pub const CALIBRATION_MD: &str = include_str!("../../docs/CALIBRATION.md");
pub const SENSITIVITY_MD: &str = include_str!("../../docs/SENSITIVITY.md");

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of the `## N ...` section whose heading starts with `prefix` (e.g. "## 4 "),
/// without its heading, up to the next `## ` heading.
pub fn section<'a>(md: &'a str, prefix: &str) -> Option<&'a str> {
    let start = md.find(&format!("\n{prefix}"))? + 1;
    let body = &md[start..];
    let body = &body[body.find('\n').map_or(body.len(), |i| i + 1)..];
    let end = body.find("\n## ").map_or(body.len(), |i| i + 1);
    Some(&body[..end])
}

/// Inline formatting of one escaped line: `code`, **bold**, *emphasis*.
fn inline(line: &str) -> String {
    // An escaped asterisk is literal: park it out of the way of the emphasis rules.
    let esc = escape(&line.replace("\\*", "\u{E000}"));
    let mut out = String::new();
    let mut rest = esc.as_str();
    let (mut bold, mut em) = (false, false);
    while let Some(c) = rest.chars().next() {
        if c == '`'
            && let Some(end) = rest[1..].find('`')
        {
            out.push_str("<code>");
            out.push_str(&rest[1..1 + end]);
            out.push_str("</code>");
            rest = &rest[end + 2..];
            continue;
        }
        if rest.starts_with("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = &rest[2..];
            continue;
        }
        if c == '*' && (em || (!rest[1..].starts_with(' ') && rest[1..].contains('*'))) {
            out.push_str(if em { "</em>" } else { "<em>" });
            em = !em;
            rest = &rest[1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if em {
        out.push_str("</em>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out.replace('\u{E000}', "*")
}

/// A table row's cells: split at every `|` outside inline code, so an empty cell stays a cell.
fn cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut out = Vec::new();
    let (mut start, mut code) = (0, false);
    for (i, c) in t.char_indices() {
        match c {
            '`' => code = !code,
            '|' if !code => {
                out.push(t[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(t[start..].trim());
    out
}

/// Renders a block of Markdown as HTML. `###` headings become `<h4>` (the report nests them).
pub fn to_html(md: &str) -> String {
    let mut html = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if t.is_empty() || t == "---" {
            i += 1;
        } else if let Some(h) = t.strip_prefix("### ") {
            html.push_str(&format!("<h4>{}</h4>\n", inline(h)));
            i += 1;
        } else if t.starts_with('|') {
            html.push_str("<div class=\"table-wrap\"><table class=\"quoted\">\n");
            let mut first = true;
            while i < lines.len() && lines[i].trim().starts_with('|') {
                let row = lines[i].trim();
                if row.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                    i += 1;
                    continue;
                }
                let tag = if first { "th" } else { "td" };
                html.push_str("<tr>");
                for c in cells(row) {
                    html.push_str(&format!("<{tag}>{}</{tag}>", inline(c)));
                }
                html.push_str("</tr>\n");
                first = false;
                i += 1;
            }
            html.push_str("</table></div>\n");
        } else if t.starts_with("- ") {
            html.push_str("<ul>\n");
            while i < lines.len() && lines[i].trim().starts_with("- ") {
                let mut item = lines[i].trim()[2..].to_string();
                i += 1;
                while i < lines.len() && lines[i].starts_with("  ") && !lines[i].trim().is_empty() {
                    item.push(' ');
                    item.push_str(lines[i].trim());
                    i += 1;
                }
                html.push_str(&format!("<li>{}</li>\n", inline(&item)));
            }
            html.push_str("</ul>\n");
        } else {
            let mut para = Vec::new();
            while i < lines.len() {
                let l = lines[i].trim();
                if l.is_empty() || l.starts_with('|') || l.starts_with("- ") || l.starts_with('#') {
                    break;
                }
                para.push(l);
                i += 1;
            }
            html.push_str(&format!("<p>{}</p>\n", inline(&para.join(" "))));
        }
    }
    html
}

/// The "Source and reasoning" of a parameter key in CALIBRATION.md §2, if it has a row.
pub fn parameter_source(key: &str) -> Option<String> {
    let sec = section(CALIBRATION_MD, "## 2 ")?;
    let needle = format!("| `{key}` |");
    let line = sec.lines().find(|l| l.starts_with(&needle))?;
    cells(line).last().map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_table_cell_stays_in_its_column() {
        assert_eq!(cells("| a |  | b |"), vec!["a", "", "b"]);
        assert_eq!(cells("| `x | y` | z |"), vec!["`x | y`", "z"]);
        assert_eq!(cells("|---|---|"), vec!["---", "---"]);
    }

    #[test]
    fn renders_tables_lists_and_inline_markup() {
        let html = to_html(
            "Some **bold** and `code` & *em*.\n\n| a | b |\n|---|---|\n| 1 | `x` |\n\n- one\n  more\n- two\n",
        );
        assert!(
            html.contains("<p>Some <strong>bold</strong> and <code>code</code> &amp; <em>em</em>.</p>"),
            "{html}"
        );
        assert!(html.contains("<tr><th>a</th><th>b</th></tr>"), "{html}");
        assert!(html.contains("<tr><td>1</td><td><code>x</code></td></tr>"), "{html}");
        assert!(html.contains("<li>one more</li>"), "{html}");
    }

    #[test]
    fn finds_section_4_and_parameter_sources() {
        let s4 = section(CALIBRATION_MD, "## 4 ").expect("§4 exists");
        assert!(s4.contains("held-out"));
        assert!(!s4.contains("\n## 5"));
        assert!(parameter_source("commissioning.rate_gbp_per_hour").is_some());
    }
}
