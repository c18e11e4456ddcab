//! The knowledge base's rules: who may read an article, how an article is named in links, what
//! a valid article is, and when reading one counts as a request deflected.

use serde::{Deserialize, Serialize};

use super::policy::Actor;
use super::validation::{FieldError, single_line};

pub const ARTICLE_TITLE_MAX_CHARS: usize = 120;
pub const ARTICLE_SUMMARY_MAX_CHARS: usize = 300;
pub const ARTICLE_BODY_MAX_CHARS: usize = 50_000;
pub const SECTION_MAX_CHARS: usize = 60;

/// An article opened from the suggestions counts as a deflection once this long has passed
/// without the client filing the request they were writing (30 minutes).
pub const DEFLECTION_GRACE_MS: i64 = 30 * 60 * 1000;

/// Who may read a published article. Staff read every article, drafts included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Audience {
    /// Anyone with the link, signed in or not (only admins choose this).
    Public,
    /// Every signed-in client.
    Clients,
    /// The contacts of the accounts listed with the article.
    Accounts,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Clients, Audience::Accounts, Audience::Public];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Clients => "clients",
            Audience::Accounts => "accounts",
        }
    }

    pub fn parse(text: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "Anyone with the link (no sign-in)",
            Audience::Clients => "All clients",
            Audience::Accounts => "Chosen accounts only",
        }
    }
}

/// What decides who may read an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleAccess {
    pub published: bool,
    pub audience: Audience,
    /// The accounts whose contacts may read it, for [`Audience::Accounts`].
    pub accounts: Vec<i64>,
}

impl ArticleAccess {
    /// Whether `reader` (`None`: not signed in) may read the article.
    pub fn readable_by(&self, reader: Option<&Actor>) -> bool {
        if reader.is_some_and(|r| r.is_staff() && r.account_limit.is_none()) {
            return true;
        }
        if !self.published {
            return false;
        }
        // Whose contacts' articles the reader sees: their company's, or (acting within one
        // account) that account's only.
        let account = reader.and_then(|r| {
            if r.is_staff() {
                r.account_limit
            } else {
                r.account_id
                    .filter(|own| r.account_limit.is_none_or(|limit| limit == *own))
            }
        });
        match (self.audience, account) {
            (Audience::Public, _) | (Audience::Clients, Some(_)) => true,
            (Audience::Accounts, Some(account_id)) => self.accounts.contains(&account_id),
            (Audience::Clients | Audience::Accounts, None) => false,
        }
    }
}

/// The name of an article in its link: lower-case words joined by dashes
/// ("Reset your password!" → `reset-your-password`). Never empty.
pub fn slug_for(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut slug = String::new();
    for word in words {
        if slug.len() + word.len() > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    if slug.is_empty() {
        "article".to_owned()
    } else {
        slug
    }
}

/// An article as an editor submits it, after trimming and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub section: String,
}

impl ArticleText {
    /// Trims the fields and checks them; the first problem found is reported.
    pub fn parse(
        title: &str,
        summary: &str,
        body: &str,
        section: &str,
    ) -> Result<ArticleText, FieldError> {
        let text = ArticleText {
            title: single_line(title),
            summary: single_line(summary),
            body: body.trim().to_owned(),
            section: single_line(section),
        };
        let too_long = |field: &str, max: usize| {
            FieldError::new(field, format!("Keep it under {max} characters."))
        };
        if text.title.is_empty() {
            return Err(FieldError::new("title", "Give the article a title."));
        }
        if text.title.chars().count() > ARTICLE_TITLE_MAX_CHARS {
            return Err(too_long("title", ARTICLE_TITLE_MAX_CHARS));
        }
        if text.summary.chars().count() > ARTICLE_SUMMARY_MAX_CHARS {
            return Err(too_long("summary", ARTICLE_SUMMARY_MAX_CHARS));
        }
        if text.body.is_empty() {
            return Err(FieldError::new("body", "Write the article."));
        }
        if text.body.chars().count() > ARTICLE_BODY_MAX_CHARS {
            return Err(too_long("body", ARTICLE_BODY_MAX_CHARS));
        }
        if text.section.is_empty() {
            return Err(FieldError::new(
                "section",
                "Choose a section, so clients can browse to it.",
            ));
        }
        if text.section.chars().count() > SECTION_MAX_CHARS {
            return Err(too_long("section", SECTION_MAX_CHARS));
        }
        Ok(text)
    }
}

/// A suggested article a client opened while writing a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestionOpened {
    pub opened_at: i64,
    /// When they said it solved their problem.
    pub solved_at: Option<i64>,
    /// Whether they filed the request after all.
    pub filed: bool,
}

impl SuggestionOpened {
    /// Whether, as of `now`, the article saved a request: the client did not file it, and said
    /// the article solved it or left it unfiled for [`DEFLECTION_GRACE_MS`].
    pub fn deflected(self, now: i64) -> bool {
        !self.filed
            && (self.solved_at.is_some()
                || now.saturating_sub(self.opened_at) >= DEFLECTION_GRACE_MS)
    }
}

/// A published article in a list: enough to choose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLink {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub section: String,
}

/// A passage of an article's Markdown as plain words: emphasis and code marks left out, so a
/// snippet reads like the rendered article.
pub fn without_markup(passage: &str) -> String {
    passage.replace(['*', '`', '#'], "")
}

/// The Markdown link staff put into a reply to point a client at an article.
pub fn reply_link(article: &ArticleLink) -> String {
    let title = article.title.replace(['[', ']'], "");
    format!("[{title}](/help/{})", article.slug)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::policy::{Role, Visibility};

    fn person(role: Role, account_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            name: "P".into(),
            role,
            account_id,
            visibility: Visibility::Company,
            account_limit: None,
        }
    }

    fn access(published: bool, audience: Audience, accounts: &[i64]) -> ArticleAccess {
        ArticleAccess {
            published,
            audience,
            accounts: accounts.to_vec(),
        }
    }

    #[test]
    fn drafts_are_for_staff_only() {
        let draft = access(false, Audience::Public, &[]);
        assert!(draft.readable_by(Some(&person(Role::Agent, None))));
        assert!(!draft.readable_by(Some(&person(Role::AccountAdmin, Some(3)))));
        assert!(!draft.readable_by(None));
    }

    #[test]
    fn audiences_decide_who_reads_a_published_article() {
        let contact = person(Role::Contact, Some(3));
        let other = person(Role::Contact, Some(4));
        let public = access(true, Audience::Public, &[]);
        let clients = access(true, Audience::Clients, &[]);
        let chosen = access(true, Audience::Accounts, &[3]);
        assert!(public.readable_by(None) && public.readable_by(Some(&contact)));
        assert!(!clients.readable_by(None) && clients.readable_by(Some(&other)));
        assert!(chosen.readable_by(Some(&contact)));
        assert!(!chosen.readable_by(Some(&other)) && !chosen.readable_by(None));
        assert!(chosen.readable_by(Some(&person(Role::Lead, None))));
    }

    #[test]
    fn staff_within_one_account_read_what_its_contacts_read() {
        let limited = person(Role::Admin, None).limited_to(3);
        assert!(access(true, Audience::Accounts, &[3]).readable_by(Some(&limited)));
        assert!(!access(true, Audience::Accounts, &[4]).readable_by(Some(&limited)));
        assert!(!access(false, Audience::Public, &[]).readable_by(Some(&limited)));
        assert!(access(true, Audience::Clients, &[]).readable_by(Some(&limited)));
        let elsewhere = person(Role::Contact, Some(4)).limited_to(3);
        assert!(!access(true, Audience::Accounts, &[4]).readable_by(Some(&elsewhere)));
    }

    #[test]
    fn slugs_are_lower_case_words() {
        assert_eq!(slug_for("Reset your password!"), "reset-your-password");
        assert_eq!(slug_for("  Café & Wi-Fi  "), "café-wi-fi");
        assert_eq!(slug_for("!!!"), "article");
    }

    #[test]
    fn an_article_needs_a_title_a_body_and_a_section() {
        assert_eq!(
            ArticleText::parse(" ", "", "Body", "Access")
                .unwrap_err()
                .field,
            "title"
        );
        assert_eq!(
            ArticleText::parse("T", "", "  ", "Access")
                .unwrap_err()
                .field,
            "body"
        );
        assert_eq!(
            ArticleText::parse("T", "", "Body", "").unwrap_err().field,
            "section"
        );
        let text = ArticleText::parse(" Reset\n it ", " Short ", " Body ", " Access ").unwrap();
        assert_eq!(text.title, "Reset it");
        assert_eq!(
            (text.summary.as_str(), text.body.as_str()),
            ("Short", "Body")
        );
    }

    #[test]
    fn an_opened_suggestion_deflects_when_solved_or_left_unfiled() {
        let opened = SuggestionOpened {
            opened_at: 1_000,
            solved_at: None,
            filed: false,
        };
        assert!(!opened.deflected(1_000 + DEFLECTION_GRACE_MS - 1));
        assert!(opened.deflected(1_000 + DEFLECTION_GRACE_MS));
        let solved = SuggestionOpened {
            solved_at: Some(1_500),
            ..opened
        };
        assert!(solved.deflected(1_500));
        let filed = SuggestionOpened {
            filed: true,
            ..solved
        };
        assert!(!filed.deflected(i64::MAX));
    }

    #[test]
    fn snippets_read_without_markdown_marks() {
        assert_eq!(
            without_markup("Open **Account** and `Set up`"),
            "Open Account and Set up"
        );
    }

    #[test]
    fn reply_links_keep_the_markdown_whole() {
        let article = ArticleLink {
            slug: "vpn".into(),
            title: "Set up [VPN]".into(),
            summary: String::new(),
            section: "Access".into(),
        };
        assert_eq!(reply_link(&article), "[Set up VPN](/help/vpn)");
    }

    proptest! {
        #[test]
        fn slugs_are_safe_in_a_path(title in "\\PC{0,200}") {
            let slug = slug_for(&title);
            prop_assert!(!slug.is_empty() && slug.len() <= 80);
            prop_assert!(slug.chars().all(|c| c == '-' || c.is_alphanumeric()));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
        }

        #[test]
        fn nobody_signed_out_reads_more_than_public_articles(
            published: bool,
            audience in prop::sample::select(Audience::ALL.to_vec()),
            accounts in prop::collection::vec(1i64..5, 0..3),
        ) {
            let article = access(published, audience, &accounts);
            prop_assert_eq!(article.readable_by(None), published && audience == Audience::Public);
        }
    }
}
