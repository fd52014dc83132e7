//! Rendering runs as text: the terminal summary ([`summary`]) and the markdown
//! report ([`markdown`]) with its history tables ([`history`]), plus choosing
//! what to show ([`select`]). All pure
//! functions from runs to strings; the commands read files and write output.

pub mod history;
pub mod markdown;
pub mod select;
pub mod summary;

/// Escapes text for a markdown table cell or a line of prose: `|` would end
/// the cell, backticks and `*` would start code or emphasis, `<` and `>` could
/// open HTML, and a newline would end the table row. Control characters
/// (a newline too) and bidi overrides show as their escape (`\u{a}`,
/// `sanitize`): nothing in an id is dropped silently.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '*' => out.push_str("\\*"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if crate::sanitize::is_dangerous(c, false) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Text width in terminal columns: `µ` is one, `日` and `🚀` are two.
pub(crate) fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` columns, keeping its start and its end (where
/// a benchmark id has its parameter) around a `…`.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let keep_end = max / 3;
    let keep_start = max - keep_end - 1;
    let mut start = String::new();
    for c in text.chars() {
        if width(&start) + width(c.encode_utf8(&mut [0; 4])) > keep_start {
            break;
        }
        start.push(c);
    }
    let mut end: Vec<char> = Vec::new();
    for c in text.chars().rev() {
        let w: usize = end.iter().map(|c| width(c.encode_utf8(&mut [0; 4]))).sum();
        if w + width(c.encode_utf8(&mut [0; 4])) > keep_end {
            break;
        }
        end.push(c);
    }
    start.push('…');
    start.extend(end.into_iter().rev());
    start
}

/// Pads `text` to `width` columns, on the left when `right` (numbers).
pub(crate) fn pad(out: &mut String, text: &str, width: usize, right: bool) {
    let fill = width.saturating_sub(self::width(text));
    if right {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(text);
    } else {
        out.push_str(text);
        out.extend(std::iter::repeat_n(' ', fill));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_table_and_html_syntax() {
        assert_eq!(escape_markdown("a|b"), "a\\|b");
        assert_eq!(escape_markdown("`x`"), "\\`x\\`");
        assert_eq!(escape_markdown("<script>"), "&lt;script&gt;");
        assert_eq!(
            escape_markdown("two\nlines\r\n\u{1b}[2J\u{202e}"),
            "two\\u{a}lines\\u{d}\\u{a}\\u{1b}[2J\\u{202e}"
        );
        assert_eq!(escape_markdown("a\\|"), "a\\\\\\|");
        assert_eq!(escape_markdown("*bold*"), "\\*bold\\*");
        assert_eq!(escape_markdown("zstd-3/µs é"), "zstd-3/µs é");
    }

    #[test]
    fn padding_counts_characters_not_bytes() {
        let mut out = String::new();
        pad(&mut out, "2.35 µs", 9, true);
        assert_eq!(out, "  2.35 µs");
        out.clear();
        pad(&mut out, "name", 6, false);
        assert_eq!(out, "name  ");
        out.clear();
        pad(&mut out, "日本", 5, false);
        assert_eq!(out, "日本 ");
    }

    #[test]
    fn shortening_keeps_both_ends() {
        assert_eq!(shorten("short", 10), "short");
        let long = format!("fixture/odd/long-{}/v1", "x".repeat(100));
        let cut = shorten(&long, 30);
        assert_eq!(width(&cut), 30);
        assert!(
            cut.starts_with("fixture/odd/long-") && cut.ends_with("xx/v1"),
            "{cut}"
        );
        assert!(width(&shorten("日本日本日本日本日本", 9)) <= 9);
    }
}
