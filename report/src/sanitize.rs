//! Text that comes from data (benchmark ids, run labels, file names, messages
//! quoting them) made safe to show: the one place that decides which
//! characters a terminal, a markdown viewer or a browser must not receive raw.
//!
//! Dangerous are the control characters (C0, DEL and C1: an ESC can set a
//! terminal's title, clear it or fake a coloured "passed" line; a CR can
//! overwrite a line) and the bidirectional overrides and isolates
//! (U+202A–U+202E, U+2066–U+2069), which make text display in another order
//! than it is stored. Nothing is dropped silently: text outputs show such a
//! character as its escape (`\u{1b}`), JSON outputs as the equivalent JSON
//! escape (`\u001b`), which decodes to the same string, so no data is lost.
//!
//! `output::write` applies this to everything `report` writes; error
//! messages go through [`message`] in `main`.

use std::borrow::Cow;

/// Longest run of non-blank characters an error message shows whole; longer
/// ones (a 100 KB benchmark name) are shortened, keeping both ends.
pub const MAX_WORD: usize = 200;

/// Whether `c` must not reach a reader raw. Newline and tab are layout in
/// multi-line text (`keep_layout`), and dangerous everywhere else.
pub fn is_dangerous(c: char, keep_layout: bool) -> bool {
    if keep_layout && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn replace(s: &str, keep_layout: bool, escape: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !s.chars().any(|c| is_dangerous(c, keep_layout)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_dangerous(c, keep_layout) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn rust_escape(c: char, out: &mut String) {
    out.extend(c.escape_unicode());
}

/// Multi-line text (terminal tables, markdown, HTML, plain-text diffs):
/// newlines and tabs stay, every other dangerous character shows as `\u{..}`.
pub fn text(s: &str) -> Cow<'_, str> {
    replace(s, true, rust_escape)
}

/// One line of text (a table cell, a label): newlines and tabs are escaped too.
pub fn one_line(s: &str) -> Cow<'_, str> {
    replace(s, false, rust_escape)
}

/// JSON text as serde_json writes it: it already escapes C0 inside strings
/// but leaves DEL, C1 and the bidi controls raw. They only occur inside
/// strings, where `\uXXXX` means the same character, so this is lossless.
pub fn json(s: &str) -> Cow<'_, str> {
    replace(s, true, |c, out| {
        // Every dangerous character is in the Basic Multilingual Plane.
        out.push_str(&format!("\\u{:04x}", c as u32));
    })
}

/// An error message for the terminal: dangerous characters escaped, and
/// words longer than [`MAX_WORD`] shortened to their ends.
pub fn message(s: &str) -> String {
    let clean = text(s);
    let mut out = String::with_capacity(clean.len().min(64 * 1024));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(&shorten(word, MAX_WORD));
        word.clear();
    };
    for c in clean.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `s` itself when it has at most `max` characters, else its first and last
/// characters around a note of how many were left out.
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    let count = s.chars().count();
    if count <= max {
        return Cow::Borrowed(s);
    }
    let head = max * 2 / 3;
    let tail = max / 6;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(count - tail).collect();
    Cow::Owned(format!(
        "{start}…[{} characters left out]…{end}",
        count - head - tail
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_and_bidi_characters_visibly() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{202e}c\u{2066}\r\u{9b}d";
        assert_eq!(
            text(hostile),
            "a\\u{1b}]0;pwned\\u{7}b\\u{202e}c\\u{2066}\\u{d}\\u{9b}d"
        );
        assert_eq!(text("two\nlines\tok"), "two\nlines\tok");
        assert_eq!(one_line("two\nlines"), "two\\u{a}lines");
        assert!(matches!(text("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_decode_to_the_same_string() {
        let value = "x\u{7f}\u{9b}\u{202e}y";
        let written = serde_json::to_string(value).unwrap();
        let safe = json(&written);
        assert!(!safe.chars().any(|c| is_dangerous(c, true)), "{safe}");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), value);
    }

    #[test]
    fn long_words_in_messages_are_shortened_at_both_ends() {
        let name = format!("start{}end", "x".repeat(100_000));
        let msg = message(&format!("benchmark '{name}': bad\n  next line"));
        assert!(msg.len() < 400, "{}", msg.len());
        assert!(msg.contains("'start") && msg.contains("end':"), "{msg}");
        assert!(msg.contains("characters left out"), "{msg}");
        assert!(msg.ends_with("bad\n  next line"), "{msg}");
    }
}
