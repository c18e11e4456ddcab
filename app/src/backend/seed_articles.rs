//! The help articles of the demo agency: what an agency writes first, because clients ask it
//! most.

use crate::backend::store::{Store, StoreResult};
use crate::domain::knowledge::{ArticleAccess, ArticleText, Audience};

/// Section, title, summary, who may read it, body (Markdown).
type DemoArticle = (
    &'static str,
    &'static str,
    &'static str,
    Audience,
    &'static str,
);

const ARTICLES: &[DemoArticle] = &[
    (
        "Getting started",
        "How to file a good request",
        "What to put in a request so we can fix it on the first try.",
        Audience::Public,
        "A good request saves a round of questions. Include:\n\n\
         1. **What happened** — the page address, the button you pressed, the message you saw.\n\
         2. **What you expected** instead.\n\
         3. **When** it started, and whether it happens every time.\n\
         4. A **screenshot** if you can (attach it to the request).\n\n\
         One problem per request, please: we can then track and close each one.",
    ),
    (
        "Getting started",
        "What happens after you file a request",
        "Statuses, response times and how you hear from us.",
        Audience::Public,
        "Every request gets a reference like **FD-1042**. Quote it when you call.\n\n\
         - **New**: a person reads it and answers within the promised first-response time (business hours).\n\
         - **In progress**: someone is working on it.\n\
         - **Waiting on you**: we asked you something; the clock stops until you answer.\n\
         - **Completed**: done. We ask whether it was resolved; answer *No* and it reopens.\n\n\
         You get an email at every step, and the portal shows it live.",
    ),
    (
        "Getting started",
        "Add the portal to your phone's home screen",
        "Open Frontdoor like an app, one tap from your home screen.",
        Audience::Clients,
        "On **iPhone**: open the portal in Safari, tap *Share*, then *Add to Home Screen*.\n\n\
         On **Android**: open it in Chrome, tap the menu (⋮), then *Install app* or *Add to Home screen*.",
    ),
    (
        "Access and passwords",
        "Reset your password",
        "Forgot your password? Get a sign-in link by email.",
        Audience::Public,
        "1. Open the sign-in page and choose **Email me a link**.\n\
         2. Enter your work email address.\n\
         3. Open the link in the email within 15 minutes; it works once.\n\
         4. Set a new password on your **Account** page.\n\n\
         No email? Check your spam folder, then ask a colleague who is your company's admin.",
    ),
    (
        "Access and passwords",
        "Add or remove a colleague",
        "Your company's admin manages who can use the portal.",
        Audience::Clients,
        "If you are your company's admin, open **Team**, enter the colleague's name and email, and \
         press **Invite**. They get an email with a link to sign in.\n\n\
         To remove someone who left, press **Deactivate** next to their name: they are signed out at once, \
         and their requests stay with your company.",
    ),
    (
        "Access and passwords",
        "Set up two-step sign-in",
        "Protect your account with a code from an authenticator app.",
        Audience::Clients,
        "Open **Account**, choose **Set up two-step sign-in**, and scan the code with an authenticator app \
         (for example Google Authenticator or 1Password). Enter the 6-digit code it shows to confirm.\n\n\
         Keep your phone with the app: you need a code each time you sign in.",
    ),
    (
        "Access and passwords",
        "Website admin login does not work",
        "Locked out of your website's admin area? Try these steps first.",
        Audience::Clients,
        "1. Reset the password from the site's own *Lost your password?* link.\n\
         2. Clear your browser's cookies for the site, or try a private window.\n\
         3. After five wrong attempts the site locks you out for 15 minutes: wait, then try again.\n\n\
         Still locked out? File a request under **Access and accounts** with your username (never your password).",
    ),
    (
        "Email and domains",
        "Mail is not arriving",
        "What to check when messages to your mailbox go missing.",
        Audience::Clients,
        "1. Look in **spam/junk** and any mailbox rules that move mail.\n\
         2. Check the mailbox is not **full** (webmail shows the quota).\n\
         3. Ask the sender for the **bounce message** they received, and attach it to a request.\n\n\
         If nobody receives mail at your domain, it may be a DNS problem: file a request marked urgent.",
    ),
    (
        "Email and domains",
        "Set up your mailbox on a phone",
        "The settings your phone's mail app needs.",
        Audience::Clients,
        "Use **IMAP** for incoming mail and **SMTP** for outgoing, both with your full email address as the \
         username.\n\n\
         - Incoming: `mail.your-domain`, port 993, SSL/TLS\n\
         - Outgoing: `mail.your-domain`, port 587, STARTTLS",
    ),
    (
        "Email and domains",
        "Renew or move a domain",
        "How domain renewals work and how to move a domain to us.",
        Audience::Clients,
        "We renew the domains we manage automatically, 30 days before they expire, and invoice you with your \
         next monthly invoice.\n\n\
         To move a domain to us, ask your current registrar for the **transfer code** (also called *EPP* or \
         *auth code*) and send it in a request. Transfers take up to five days; your site and mail keep working.",
    ),
    (
        "Websites and hosting",
        "Update text or images on your website",
        "Small changes you can make yourself, and when to ask us.",
        Audience::Clients,
        "Sign in to your website's admin area, open the page, and use **Edit**. Save as draft, preview, then \
         publish.\n\n\
         Ask us for changes to menus, forms, layout or anything that affects every page: file a **Change request** \
         with the page address and the new text or image attached.",
    ),
    (
        "Websites and hosting",
        "The website shows a certificate warning",
        "Why browsers warn about your site's security, and what we do about it.",
        Audience::Clients,
        "Certificates renew automatically. A warning usually means a page loads something over plain `http://`, \
         or the domain was pointed elsewhere.\n\n\
         File a request under **Email and domains** with a screenshot of the warning and the exact address.",
    ),
    (
        "Billing",
        "Get a copy of an invoice",
        "Download past invoices or ask for one to be resent.",
        Audience::Clients,
        "Invoices are emailed to your company's billing contact on the first working day of the month.\n\n\
         Need a copy, or a different billing address on it? File a **Billing** request with the invoice number \
         or month; we send it the same business day.",
    ),
    (
        "Billing",
        "Change your plan or billing details",
        "Upgrade, downgrade, or update the company details on invoices.",
        Audience::Clients,
        "Plan changes take effect on the first day of the next month. Your company's admin can ask for them in a \
         **Billing** request; tell us the new plan, or the new company name, address and VAT number.",
    ),
    (
        "Acme Logistics",
        "Acme: staging site access",
        "How Acme's team reaches the staging site before changes go live.",
        Audience::Accounts,
        "The staging site is at `staging.acme.example`. Sign in with your usual website admin account.\n\n\
         Changes we prepare for you appear there first; reply to the request to approve them, and we publish.",
    ),
];

/// Adds the demo articles, published, written by `author`.
pub async fn seed_articles(store: &Store, author: i64, acme: i64, now: i64) -> StoreResult<()> {
    for (section, title, summary, audience, body) in ARTICLES {
        let text = ArticleText {
            title: (*title).to_owned(),
            summary: (*summary).to_owned(),
            body: (*body).to_owned(),
            section: (*section).to_owned(),
        };
        let access = ArticleAccess {
            published: true,
            audience: *audience,
            accounts: if *audience == Audience::Accounts {
                vec![acme]
            } else {
                Vec::new()
            },
        };
        store
            .save_article(None, &text, &access, author, now)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_article_is_valid() {
        assert_eq!(ARTICLES.len(), 15);
        for (section, title, summary, _, body) in ARTICLES {
            assert!(
                ArticleText::parse(title, summary, body, section).is_ok(),
                "{title}"
            );
        }
    }
}
