//! Full-text search: turning what people type into a safe engine query, and reading highlighted
//! snippets back without ever trusting them as HTML.

use serde::{Deserialize, Serialize};

/// Marks the start and end of a match in a snippet. Private-use characters: they never come from
/// a keyboard, so they cannot be confused with text.
pub const MATCH_START: char = '\u{E000}';
pub const MATCH_END: char = '\u{E001}';

/// At most this many words of a query are used.
const MAX_TERMS: usize = 8;

/// The words of a query: letters and digits only, lower-cased, so no engine operator or quote can
/// get through. Empty when there is nothing to search for.
pub fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(MAX_TERMS)
        .collect()
}

/// An SQLite FTS5 query: every term must match, each as a prefix (`"invoi"*`).
pub fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| format!("\"{term}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PostgreSQL `to_tsquery` input: every term must match, each as a prefix (`invoi:*`).
pub fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| format!("{term}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// A piece of a snippet: plain text, or text that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub matched: bool,
}

/// Splits an engine's snippet at the match markers. The text stays text: views render it as text
/// nodes and matches as `<mark>`, so nothing a person wrote is ever interpreted as markup.
pub fn snippet_parts(snippet: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut matched = false;
    for c in snippet.chars() {
        let boundary = match c {
            MATCH_START => Some(true),
            MATCH_END => Some(false),
            _ => None,
        };
        match boundary {
            Some(next) => {
                if !current.is_empty() {
                    parts.push(SnippetPart {
                        text: std::mem::take(&mut current),
                        matched,
                    });
                }
                matched = next;
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart {
            text: current,
            matched,
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn operators_and_quotes_never_reach_the_engine() {
        assert_eq!(
            search_terms(r#"invoice" OR 1=1 -- NEAR(a b) *"#),
            ["invoice", "or", "1", "1", "near", "a", "b"]
        );
        assert_eq!(
            fts5_query(&search_terms("Invoice copy")),
            r#""invoice"* "copy"*"#
        );
        assert_eq!(tsquery(&search_terms("Invoice copy")), "invoice:* & copy:*");
        assert!(search_terms("  -- ** ").is_empty());
    }

    #[test]
    fn snippets_split_into_text_and_matches() {
        let snippet = format!("the {MATCH_START}invoice{MATCH_END} for <b>May</b>");
        assert_eq!(
            snippet_parts(&snippet),
            [
                SnippetPart {
                    text: "the ".into(),
                    matched: false
                },
                SnippetPart {
                    text: "invoice".into(),
                    matched: true
                },
                SnippetPart {
                    text: " for <b>May</b>".into(),
                    matched: false
                },
            ]
        );
    }

    proptest! {
        #[test]
        fn terms_are_plain_words(query in ".{0,80}") {
            let terms = search_terms(&query);
            prop_assert!(terms.len() <= MAX_TERMS);
            for term in terms {
                prop_assert!(!term.is_empty());
                prop_assert!(term.chars().all(char::is_alphanumeric));
            }
        }

        #[test]
        fn snippet_text_is_kept_whole(text in "[^\u{E000}\u{E001}]{0,60}") {
            let joined: String = snippet_parts(&text).into_iter().map(|p| p.text).collect();
            prop_assert_eq!(joined, text);
        }
    }
}
