//! Demo data: a small agency with three client companies, their people and a few months of requests.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::clock::Clock;
use super::password::hash_password;
use super::seed_articles::seed_articles;
use super::store::{NewAccount, NewMessage, NewTicket, NewUser, Store, StoreError, StoreResult};

const MINUTE_MS: i64 = 60 * 1000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
use crate::domain::canned::CannedReply;
use crate::domain::policy::{Role, Visibility};
use crate::domain::routing::{Rotation, RoutingRule, RuleActions, RuleConditions};
use crate::domain::ticket::{Category, Priority, TicketRef, TicketStatus};

/// Canned replies an agency would keep, with placeholders.
const CANNED_REPLIES: &[(&str, &str)] = &[
    (
        "Thanks, we're on it",
        "Hi {contact.first_name},\n\nthanks for reporting this. We're looking into {ticket.reference} now and will update you here as soon as we know more.\n\n{agent.name}",
    ),
    (
        "Need more details",
        "Hi {contact.first_name},\n\nto get this fixed quickly, could you tell us:\n\n- which page or device it happens on\n- what you expected to happen\n- a screenshot, if you can\n\nThanks!\n{agent.name}",
    ),
    (
        "Fixed, please check",
        "Hi {contact.first_name},\n\nwe've fixed this. Could you check on your side and let us know? If all is well, you can mark {ticket.reference} as resolved.\n\n{agent.name}",
    ),
];

/// The password of every demo person, printed by `seed-demo` and the README.
pub const DEMO_PASSWORD: &str = "frontdoor-demo";

const STAFF: &[(&str, &str, Role)] = &[
    ("Alex Morgan", "alex@agency.example", Role::Admin),
    ("Jordan Lee", "jordan@agency.example", Role::Lead),
    ("Sam Rivera", "sam@agency.example", Role::Agent),
    ("Priya Shah", "priya@agency.example", Role::Agent),
];

struct DemoAccount {
    name: &'static str,
    slug: &'static str,
    visibility: Visibility,
    people: &'static [(&'static str, &'static str, Role)],
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        name: "Acme Logistics",
        slug: "acme",
        visibility: Visibility::Company,
        people: &[
            ("Dana Whitfield", "dana@acme.example", Role::AccountAdmin),
            ("Luis Romero", "luis@acme.example", Role::Contact),
            ("Mei Chen", "mei@acme.example", Role::Contact),
        ],
    },
    DemoAccount {
        name: "Bluebird Dental",
        slug: "bluebird",
        visibility: Visibility::OwnRequests,
        people: &[
            ("Grace Okafor", "grace@bluebird.example", Role::AccountAdmin),
            ("Tom Becker", "tom@bluebird.example", Role::Contact),
        ],
    },
    DemoAccount {
        name: "Northwind Studio",
        slug: "northwind",
        visibility: Visibility::OwnRequests,
        people: &[
            (
                "Ingrid Larsen",
                "ingrid@northwind.example",
                Role::AccountAdmin,
            ),
            ("Kenji Watanabe", "kenji@northwind.example", Role::Contact),
            ("Omar Haddad", "omar@northwind.example", Role::Contact),
        ],
    },
];

/// Demo requests: title, description, and the category a client would pick.
const TITLES: &[(&str, &str, &str)] = &[
    (
        "Website contact form stopped sending emails",
        "Since this morning nobody gets the messages from the contact form on our site. Customers say they submitted it successfully.",
        "Something is broken",
    ),
    (
        "Add two new staff to the shared mailbox",
        "Please give Jamie and Ravi access to the info@ mailbox. They start on Monday.",
        "Email and domains",
    ),
    (
        "Laptop won't connect to office Wi-Fi",
        "My laptop sees the network but says it cannot connect. My phone works fine on the same network.",
        "Something is broken",
    ),
    (
        "Update opening hours on the website",
        "From next week we open at 8:00 instead of 9:00 on weekdays. Please update the footer and the contact page.",
        "Change request",
    ),
    (
        "Invoice PDF shows the wrong VAT number",
        "The invoices generated this month still show our old VAT number. The new one is in the attachment of my last email.",
        "Billing",
    ),
    (
        "Request: new landing page for spring campaign",
        "We need a simple landing page with a sign-up form for the spring campaign. Copy and images will follow.",
        "Change request",
    ),
    (
        "Password reset email never arrives",
        "I tried to reset my password for the booking system three times; nothing arrives, not even in spam.",
        "Access and accounts",
    ),
    (
        "Printer on the 2nd floor prints blank pages",
        "The big printer upstairs feeds paper but the pages come out blank. We already changed the toner.",
        "Something is broken",
    ),
    (
        "Booking calendar shows times in the wrong time zone",
        "Customers abroad see appointment times shifted by one hour since the clocks changed.",
        "Something is broken",
    ),
    (
        "Set up email signature for the sales team",
        "Please roll out the new signature design to the five people in sales.",
        "Email and domains",
    ),
    (
        "Site is slow on mobile",
        "Several customers mentioned the product pages take ages to load on their phones.",
        "Something is broken",
    ),
    (
        "Export last quarter's orders to a spreadsheet",
        "Our accountant needs all orders from July to September with totals and VAT per line.",
        "Question or advice",
    ),
    (
        "Domain renewal notice: is this legit?",
        "We received an email saying our domain expires in 3 days and asking for payment. Is this from you?",
        "Question or advice",
    ),
    (
        "Broken link in the newsletter footer",
        "The unsubscribe link in yesterday's newsletter leads to a 404 page.",
        "Something is broken",
    ),
    (
        "Cannot log in to the CMS after the update",
        "Since the update last night, the CMS says my account is locked.",
        "Access and accounts",
    ),
    (
        "New employee onboarding: accounts and laptop",
        "Please prepare an email account, a laptop and access to the file share for our new receptionist.",
        "Access and accounts",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        people: usize,
        tickets: usize,
    },
    /// The database already has people in it; nothing was changed.
    AlreadyHasData,
}

/// Fills an empty database with the demo agency. Does nothing to a database that has people.
pub async fn seed_demo(store: &Store, clock: &Clock, tickets: usize) -> StoreResult<SeedOutcome> {
    if store.count_users().await? > 0 {
        return Ok(SeedOutcome::AlreadyHasData);
    }
    let password_hash =
        hash_password(DEMO_PASSWORD).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let now = clock.now_ms();
    let mut staff_ids = Vec::new();
    for (name, email, role) in STAFF {
        let user = NewUser {
            account_id: None,
            email,
            name,
            role: *role,
            password_hash: Some(&password_hash),
        };
        staff_ids.push(store.create_user(&user, now).await?);
    }
    let (account_ids, requesters) = seed_accounts(store, &password_hash, now).await?;

    for (title, body) in CANNED_REPLIES {
        let reply = CannedReply {
            id: 0,
            title: (*title).to_owned(),
            body: (*body).to_owned(),
        };
        store.save_canned_reply(&reply, now).await?;
    }
    seed_articles(store, staff_ids[0], account_ids[0], now).await?;
    let categories = store.categories().await?;
    seed_routing(store, &staff_ids, &categories, now).await?;

    let mut rng = StdRng::seed_from_u64(1042);
    let mut created = Vec::with_capacity(tickets);
    let span_ms: i64 = 60 * 24 * 60 * 60 * 1000;
    for _ in 0..tickets {
        created.push(in_office_hours(
            now - rng.random_range(0..span_ms),
            now,
            &mut rng,
        ));
    }
    // File oldest first so that references grow with time, as they would have.
    created.sort_unstable();
    for created_at in created {
        let (account_id, requester_id) = requesters[rng.random_range(0..requesters.len())];
        let (title, description, category) = TITLES[rng.random_range(0..TITLES.len())];
        let priority = match rng.random_range(0..20) {
            0 => Priority::Critical,
            1..4 => Priority::High,
            4..7 => Priority::Low,
            _ => Priority::Normal,
        };
        let ticket = NewTicket {
            category_id: categories.iter().find(|c| c.name == category).map(|c| c.id),
            priority,
            ..NewTicket::from_portal(account_id, requester_id, title, description)
        };
        let reference = store.create_ticket(&ticket, created_at).await?.reference;
        let staff_id = staff_ids[rng.random_range(0..staff_ids.len())];
        let age = now - created_at;
        // Older requests are further along; the newest few are still untouched.
        let path: &[TicketStatus] = match rng.random_range(0..100) {
            _ if age < 2 * HOUR_MS => &[],
            // A few recent ones are still waiting for a first look.
            0..12 if age < 3 * DAY_MS => &[],
            // Work older than two weeks is mostly done; a few stragglers show what overdue looks like.
            0..90 if age > 14 * DAY_MS => &[TicketStatus::InProgress, TicketStatus::Completed],
            0..32 => &[TicketStatus::InProgress],
            32..42 => &[TicketStatus::InProgress, TicketStatus::WaitingOnClient],
            _ => &[TicketStatus::InProgress, TicketStatus::Completed],
        };
        play_out(
            store,
            reference,
            path,
            staff_id,
            (created_at, now),
            &mut rng,
        )
        .await?;
    }
    store.settle_past_sla_alerts(now).await?;
    // The demo history happened before anyone could be mailed about it.
    store.skip_notifications_for_history().await?;
    Ok(SeedOutcome::Seeded {
        people: staff_ids.len() + requesters.len(),
        tickets,
    })
}

/// The demo client companies and their people; returns the companies' ids and every contact
/// as (company, person).
async fn seed_accounts(
    store: &Store,
    password_hash: &str,
    now: i64,
) -> StoreResult<(Vec<i64>, Vec<(i64, i64)>)> {
    let mut requesters = Vec::new();
    let mut account_ids = Vec::new();
    for account in ACCOUNTS {
        let new_account = NewAccount {
            name: account.name,
            slug: account.slug,
            visibility: account.visibility,
        };
        let account_id = store.create_account(&new_account, now).await?;
        account_ids.push(account_id);
        // New people of the company who write in by mail become its contacts.
        store
            .map_domain(&format!("{}.example", account.slug), account_id)
            .await?;
        for (name, email, role) in account.people {
            let user = NewUser {
                account_id: Some(account_id),
                email,
                name,
                role: *role,
                password_hash: Some(password_hash),
            };
            requesters.push((account_id, store.create_user(&user, now).await?));
        }
    }
    Ok((account_ids, requesters))
}

/// Two teams with rotation and two rules an agency would start with.
async fn seed_routing(
    store: &Store,
    staff_ids: &[i64],
    categories: &[Category],
    now: i64,
) -> StoreResult<()> {
    let category = |name: &str| categories.iter().find(|c| c.name == name).map(|c| c.id);
    let (sam, priya) = (staff_ids[2], staff_ids[3]);
    let mut hosting = None;
    for mut team in store.team_setups().await? {
        (team.rotation, team.members) = match team.name.as_str() {
            "Web" => (Rotation::RoundRobin, vec![sam, priya]),
            _ => (Rotation::LeastOpen, vec![priya]),
        };
        if team.name == "Hosting" {
            hosting = Some(team.id);
        }
        store.save_team_setup(&team).await?;
    }
    let rules = [
        RoutingRule {
            id: 0,
            name: "Mail and domains go to Hosting".to_owned(),
            enabled: true,
            conditions: RuleConditions {
                categories: category("Email and domains").into_iter().collect(),
                ..RuleConditions::default()
            },
            actions: RuleActions {
                team_id: hosting,
                tags: vec!["hosting".to_owned()],
                ..RuleActions::default()
            },
        },
        RoutingRule {
            id: 0,
            name: "Outages are high priority".to_owned(),
            enabled: true,
            conditions: RuleConditions {
                keywords: vec![
                    "site down".to_owned(),
                    "outage".to_owned(),
                    "urgent".to_owned(),
                ],
                ..RuleConditions::default()
            },
            actions: RuleActions {
                priority: Some(Priority::High),
                ..RuleActions::default()
            },
        },
    ];
    for rule in &rules {
        store.save_rule(rule, now).await?;
    }
    Ok(())
}

/// Walks a demo ticket along `path`: the first step is the agency's first answer (which starts
/// it), later steps are status changes, all between its filing and now.
/// A moment on a weekday between 8:00 and 16:00 UTC (office hours in Europe) on or before the
/// day of `at`, and not after `now`: clients write while they work.
fn in_office_hours(at: i64, now: i64, rng: &mut StdRng) -> i64 {
    let mut day = at.div_euclid(DAY_MS) * DAY_MS;
    // 1970-01-01 was a Thursday: Monday is 0.
    let weekday = (at.div_euclid(DAY_MS) + 3).rem_euclid(7);
    if weekday >= 5 {
        day -= (weekday - 4) * DAY_MS;
    }
    let moment = day + 8 * HOUR_MS + rng.random_range(0..8 * HOUR_MS);
    if moment > now {
        moment - 7 * DAY_MS
    } else {
        moment
    }
}

async fn play_out(
    store: &Store,
    reference: TicketRef,
    path: &[TicketStatus],
    staff_id: i64,
    (created_at, now): (i64, i64),
    rng: &mut StdRng,
) -> StoreResult<()> {
    let mut at = created_at;
    for (step, status) in path.iter().enumerate() {
        // An agency that keeps its promises, mostly: the first answer comes within hours,
        // later steps within a few days; nothing happens after now.
        let gap = if step == 0 {
            rng.random_range(10 * MINUTE_MS..=6 * HOUR_MS)
        } else {
            rng.random_range(HOUR_MS..=4 * DAY_MS)
        };
        at = (at + gap).min(now);
        if step == 0 {
            // Whoever starts it answers and is on it.
            let mut facts = store.ticket(reference).await?.facts;
            facts.assignee_id = Some(staff_id);
            store.update_facts(reference, &facts, staff_id, at).await?;
            let answer = NewMessage {
                author_id: staff_id,
                by_client: false,
                body: "Thanks, we're on it. We'll keep you posted here.",
                internal: false,
                attachments: &[],
            };
            // The agency's first answer starts the request (New → In progress).
            store.add_message(reference, &answer, at).await?;
            continue;
        }
        store
            .change_status(reference, *status, staff_id, at)
            .await?;
    }
    Ok(())
}
