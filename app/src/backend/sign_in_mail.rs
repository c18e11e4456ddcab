//! The mails that carry sign-in links.

use super::auth::{hash_token, new_token};
use super::state::AppState;
use super::store::{NewLink, NewMail};
use crate::domain::people::TeamMember;
use crate::domain::sign_in::LinkPurpose;
use crate::error::AppError;

/// Creates a one-time link for `member` and queues the mail that carries it.
/// `browser_hash` binds the link to the browser that asked for it.
pub async fn send_link(
    state: &AppState,
    member: &TeamMember,
    purpose: LinkPurpose,
    browser_hash: Option<&str>,
) -> Result<(), AppError> {
    let url = issue_link(state, member.user_id, purpose, browser_hash).await?;
    let (subject, body) = link_mail(purpose, &member.name, &url, None);
    queue(state, &member.email, &subject, &body).await
}

/// Queues an invitation for someone just added to a team by `inviter` (of `team_name`).
pub async fn send_invitation(
    state: &AppState,
    member: &TeamMember,
    inviter: &str,
    team_name: &str,
) -> Result<(), AppError> {
    let purpose = LinkPurpose::Invitation;
    let url = issue_link(state, member.user_id, purpose, None).await?;
    let (subject, body) = link_mail(purpose, &member.name, &url, Some((inviter, team_name)));
    queue(state, &member.email, &subject, &body).await
}

/// Stores a new link and returns its address.
async fn issue_link(
    state: &AppState,
    user_id: i64,
    purpose: LinkPurpose,
    browser_hash: Option<&str>,
) -> Result<String, AppError> {
    let token = new_token();
    let link = NewLink {
        token_hash: &hash_token(&token),
        purpose,
        user_id,
        browser_hash,
    };
    state.store.create_link(&link, state.clock.now_ms()).await?;
    Ok(format!(
        "{}/signin/link?token={token}",
        state.settings.public_url
    ))
}

async fn queue(state: &AppState, to: &str, subject: &str, body: &str) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    state
        .mailer
        .queue(
            &state.store,
            &NewMail::plain(to, subject, body, "sign_in"),
            now,
        )
        .await?;
    Ok(())
}

/// Tells someone who already has an account that a team admin elsewhere tried to add them; the
/// admin is told the invitation went out, so inviting does not reveal who uses Frontdoor.
pub async fn send_already_registered(
    state: &AppState,
    email: &str,
    inviter: &str,
    team_name: &str,
) -> Result<(), AppError> {
    let body = format!(
        "Hello,\n\n{inviter} ({team_name}) tried to add this address to their team on Frontdoor, \
         but it is already in use. Nothing has changed for you.\n\n\
         If you expected this, ask {inviter} to contact the agency.\n\n— Frontdoor\n"
    );
    queue(
        state,
        email,
        "Someone tried to add you to a Frontdoor team",
        &body,
    )
    .await
}

/// Subject and body of a link mail.
fn link_mail(
    purpose: LinkPurpose,
    name: &str,
    url: &str,
    invited_by: Option<(&str, &str)>,
) -> (String, String) {
    let (subject, intro, validity) = match (purpose, invited_by) {
        (LinkPurpose::Invitation, Some((inviter, team))) => (
            format!("{inviter} invited you to Frontdoor"),
            format!(
                "{inviter} added you to {team} on Frontdoor, where you can file support requests and follow them."
            ),
            "The link works once, for 7 days.",
        ),
        (LinkPurpose::Invitation, None) => (
            "You are invited to Frontdoor".to_owned(),
            "You have been added to Frontdoor.".to_owned(),
            "The link works once, for 7 days.",
        ),
        (LinkPurpose::MagicLink, _) => (
            "Your Frontdoor sign-in link".to_owned(),
            "Here is the sign-in link you asked for.".to_owned(),
            "The link works once, for 15 minutes, in the browser where you asked for it.",
        ),
        (LinkPurpose::PasswordReset, _) => (
            "Choose a new Frontdoor password".to_owned(),
            "Someone (hopefully you) asked to choose a new password.".to_owned(),
            "The link works once, for an hour, in the browser where you asked for it.",
        ),
    };
    let body = format!(
        "Hello {name},\n\n{intro}\n\n{url}\n\n{validity}\n\
         If you did not expect this mail, you can ignore it.\n\n— Frontdoor\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_mail_carries_the_link_and_says_how_long_it_works() {
        for purpose in LinkPurpose::ALL {
            let (subject, body) = link_mail(
                purpose,
                "Luis",
                "https://x.test/signin/link?token=abc",
                Some(("Dana", "Acme")),
            );
            assert!(!subject.is_empty());
            assert!(
                body.contains("https://x.test/signin/link?token=abc"),
                "{body}"
            );
            assert!(body.contains("works once"), "{body}");
            assert!(body.starts_with("Hello Luis"));
        }
    }
}
