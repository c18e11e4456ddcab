//! Mentions of staff in internal notes: `@Sam` (a first name) or `@Sam Rivera` (a full name).

/// Whether `body` mentions the person called `name` by `@` and their first or full name, as a
/// whole word, whatever the case.
pub fn mentions(body: &str, name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or(name);
    mention_spans(body, &[first]).next().is_some()
}

/// Marks every mention of the given names in markdown as bold (`**@Sam**`), so it stands out
/// once rendered.
pub fn emphasize_mentions(body: &str, names: &[&str]) -> String {
    let firsts: Vec<&str> = names
        .iter()
        .filter_map(|name| name.split_whitespace().next())
        .collect();
    let mut out = String::with_capacity(body.len() + 8);
    let mut last = 0;
    for (start, end) in mention_spans(body, &firsts) {
        out.push_str(&body[last..start]);
        out.push_str("**");
        out.push_str(&body[start..end]);
        out.push_str("**");
        last = end;
    }
    out.push_str(&body[last..]);
    out
}

/// Byte ranges of `@First` mentions of any of `firsts`: the `@` starts a word and the name ends
/// one.
fn mention_spans<'a>(
    body: &'a str,
    firsts: &'a [&'a str],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    body.match_indices('@').filter_map(move |(at, _)| {
        let starts_word = body[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let rest = &body[at + 1..];
        let first = firsts.iter().find(|first| {
            rest.get(..first.len())
                .is_some_and(|candidate| candidate.eq_ignore_ascii_case(first))
                && rest[first.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })?;
        starts_word.then_some((at, at + 1 + first.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mentions_are_whole_words() {
        assert!(mentions("@sam can you check?", "Sam Rivera"));
        assert!(mentions("Ping (@Sam).", "Sam Rivera"));
        assert!(!mentions("@Samantha knows", "Sam Rivera"));
        assert!(!mentions("mail sam@agency.example", "Sam Rivera"));
        assert!(!mentions("Sam, look", "Sam Rivera"));
    }

    #[test]
    fn mentions_stand_out() {
        assert_eq!(
            emphasize_mentions("@sam and @Priya, not @Zed", &["Sam Rivera", "Priya Shah"]),
            "**@sam** and **@Priya**, not @Zed"
        );
    }

    proptest! {
        #[test]
        fn emphasis_only_adds_stars(body in ".{0,60}") {
            let out = emphasize_mentions(&body, &["Sam Rivera"]);
            prop_assert_eq!(out.replace("**", ""), body.replace("**", ""));
        }
    }
}
