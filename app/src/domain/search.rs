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
    // Lowercased before it is split: lowercasing may add a combining mark ("İ" → "i̇"),
    // which must part words like any other sign.
    query
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .take(MAX_TERMS)
        .collect()
}

/// Words too common to tell one article from another.
const STOP_WORDS: &[&str] = &[
    "about", "after", "again", "all", "also", "and", "any", "are", "because", "been", "but", "can",
    "cannot", "could", "did", "does", "doesn", "don", "for", "from", "get", "got", "had", "has",
    "have", "hello", "help", "her", "his", "how", "just", "keep", "keeps", "like", "not", "now",
    "our", "out", "please", "she", "should", "some", "still", "thanks", "that", "the", "their",
    "them", "then", "there", "they", "this", "too", "use", "want", "was", "we", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// At most this many words of a description are used to find articles about it.
const MAX_DESCRIBING_TERMS: usize = 16;

/// The telling words of a problem described in a person's own words: like [`search_terms`],
/// without short and common words, each once.
pub fn describing_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 3 && !STOP_WORDS.contains(&word.as_str()));
    for word in words {
        if terms.len() == MAX_DESCRIBING_TERMS {
            break;
        }
        if !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms
}

/// Whether a search needs every term to match (a search box), or any (suggestions from a
/// problem described in a person's own words, ranked by how much matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    All,
    Any,
}

/// An SQLite FTS5 query, each term as a prefix (`"invoi"*`).
pub fn fts5_query(terms: &[String], combine: Combine) -> String {
    let joiner = match combine {
        Combine::All => " ",
        Combine::Any => " OR ",
    };
    terms
        .iter()
        .map(|term| format!("\"{term}\"*"))
        .collect::<Vec<_>>()
        .join(joiner)
}

/// A PostgreSQL `to_tsquery` input, each term as a prefix (`invoi:*`).
pub fn tsquery(terms: &[String], combine: Combine) -> String {
    let joiner = match combine {
        Combine::All => " & ",
        Combine::Any => " | ",
    };
    terms
        .iter()
        .map(|term| format!("{term}:*"))
        .collect::<Vec<_>>()
        .join(joiner)
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
            fts5_query(&search_terms("Invoice copy"), Combine::All),
            r#""invoice"* "copy"*"#
        );
        assert_eq!(
            fts5_query(&search_terms("Invoice copy"), Combine::Any),
            r#""invoice"* OR "copy"*"#
        );
        assert_eq!(
            tsquery(&search_terms("Invoice copy"), Combine::All),
            "invoice:* & copy:*"
        );
        assert_eq!(
            tsquery(&search_terms("Invoice copy"), Combine::Any),
            "invoice:* | copy:*"
        );
        assert!(search_terms("  -- ** ").is_empty());
    }

    #[test]
    fn descriptions_keep_their_telling_words() {
        assert_eq!(
            describing_terms("How do I get a copy of an invoice? The invoice for May, please"),
            ["copy", "invoice", "may"]
        );
        assert!(describing_terms("how do I").is_empty());
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
