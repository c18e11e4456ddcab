//! The inbound mail pipeline. Every way mail arrives (IMAP polling, the SMTP listener, the HTTP
//! hook) hands the raw message to [`receive`], which decides what it is — a new request, a reply
//! in a conversation, a bounce, noise, or unreadable — and records it once.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::attachments::store_file;
use super::mail_read::{Body, BounceReport, ReadMail, read};
use super::mail_updates::queue_acknowledgement;
use super::state::AppState;
use super::store::{
    ArrivedMail, MailSettlement, NewMessage, NewTicket, NewUser, StoreError, StoreResult,
};
use crate::domain::email::{
    Kept, Thread, choose_thread, domain_of, reference_in_subject, title_from_subject,
};
use crate::domain::policy::{Actor, Role};
use crate::domain::ticket::{Channel, TicketRef};
use crate::domain::validation::TITLE_MAX_CHARS;
use crate::error::AppError;

/// What happens to mail from an address nobody uses and whose domain is not an account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownSenders {
    /// Filed under the "Unknown senders" account for staff to sort out.
    #[default]
    Triage,
    /// Not filed; the mail log says why.
    Refuse,
}

impl std::str::FromStr for UnknownSenders {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "triage" => Ok(UnknownSenders::Triage),
            "refuse" => Ok(UnknownSenders::Refuse),
            other => Err(format!("`{other}`: use `triage` or `refuse`")),
        }
    }
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Intake {
    Created {
        reference: TicketRef,
        acknowledged: bool,
    },
    Replied {
        reference: TicketRef,
    },
    /// The same message came before; nothing was done again.
    Duplicate,
    /// A delivery failure report: the address is marked, no request is made.
    Bounce {
        address: Option<String>,
        reference: Option<TicketRef>,
    },
    /// Mail that must not become a request or reply (our own, loops, automatic answers).
    Ignored {
        reason: String,
    },
    /// Mail the settings do not accept (unknown senders, staff writing new mail).
    Refused {
        reason: String,
    },
    /// Unreadable: kept as it came for an admin, with the error.
    Quarantined {
        id: i64,
        reason: String,
    },
}

impl Intake {
    fn outcome(&self) -> &'static str {
        match self {
            Intake::Created { .. } => "created",
            Intake::Replied { .. } => "replied",
            Intake::Duplicate => "duplicate",
            Intake::Bounce { .. } => "bounce",
            Intake::Ignored { .. } => "ignored",
            Intake::Refused { .. } => "refused",
            Intake::Quarantined { .. } => "quarantined",
        }
    }
}

/// Takes one raw message from `source` (e.g. `imap:support`, `smtp`, `http`) through the pipeline.
/// A store error leaves no trace, so the same message can be delivered again later.
pub async fn receive(state: &AppState, source: &str, raw: &[u8]) -> StoreResult<Intake> {
    let now = state.clock.now_ms();
    let mail = match read(raw) {
        Ok(mail) => mail,
        Err(unreadable) => {
            return quarantine(state, source, unreadable.kept(raw), unreadable.to_string()).await;
        }
    };
    let arrived = ArrivedMail {
        message_id: &mail.message_id,
        sender: &mail.sender,
        subject: &mail.subject,
        raw,
    };
    let Some(record) = state.store.claim_arrived_mail(&arrived, now).await? else {
        return Ok(Intake::Duplicate);
    };
    match decide(state, &mail, now).await {
        Ok((intake, event_id)) => {
            let detail = match &intake {
                Intake::Ignored { reason } | Intake::Refused { reason } => reason.clone(),
                Intake::Bounce {
                    address: Some(address),
                    ..
                } => address.clone(),
                _ => String::new(),
            };
            let ticket = match &intake {
                Intake::Created { reference, .. } | Intake::Replied { reference } => {
                    Some(*reference)
                }
                Intake::Bounce { reference, .. } => *reference,
                _ => None,
            };
            let settlement = MailSettlement {
                outcome: intake.outcome(),
                detail: &detail,
                ticket,
                event_id,
            };
            state.store.settle_arrived_mail(record, &settlement).await?;
            tracing::info!(source, sender = %mail.sender, outcome = intake.outcome(), ?ticket, "mail received");
            Ok(intake)
        }
        Err(error) => {
            state.store.forget_arrived_mail(record).await?;
            Err(error)
        }
    }
}

/// How long to wait before trying a message that could not be recorded once more.
const RECORD_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// Like [`receive`], for a source that would otherwise offer the same message again and again
/// (IMAP takes the oldest unseen first; an SMTP sender retries for days, then bounces it): a
/// message that cannot be recorded twice running is quarantined with the error, so the mail
/// behind it still comes in. `Err` only when even the quarantine fails (the database is down):
/// then the message may be offered again later.
pub async fn receive_or_quarantine(
    state: &AppState,
    source: &str,
    raw: &[u8],
) -> StoreResult<Intake> {
    let first = match receive(state, source, raw).await {
        Ok(intake) => return Ok(intake),
        Err(error) => error,
    };
    tracing::warn!(source, error = %first, "mail not recorded; trying once more");
    tokio::time::sleep(RECORD_RETRY_PAUSE).await;
    match receive(state, source, raw).await {
        Ok(intake) => Ok(intake),
        Err(again) => {
            let reason = format!("could not be recorded: {again}");
            quarantine(state, source, Kept::Whole(raw), reason).await
        }
    }
}

/// Keeps (what can be kept of) a message that cannot be read, with the reason, for an admin.
pub async fn quarantine(
    state: &AppState,
    source: &str,
    kept: Kept<'_>,
    reason: String,
) -> StoreResult<Intake> {
    let id = state
        .store
        .quarantine_mail(source, kept, &reason, state.clock.now_ms())
        .await?;
    tracing::warn!(source, id, %reason, "mail quarantined");
    Ok(Intake::Quarantined { id, reason })
}

/// Decides and does what the message asks. Returns the outcome and the event it wrote.
async fn decide(state: &AppState, mail: &ReadMail, now: i64) -> StoreResult<(Intake, Option<i64>)> {
    let ours = state.mailer.address();
    let looped = mail
        .x_loop
        .as_deref()
        .is_some_and(|value| value.contains(&ours));
    if mail.sender == ours || looped {
        let reason = "loop: this is mail Frontdoor sent".to_owned();
        return Ok((Intake::Ignored { reason }, None));
    }
    if let Some(report) = &mail.bounce {
        return bounce(state, report, now)
            .await
            .map(|intake| (intake, None));
    }
    let actor = state.store.actor_by_email(&mail.sender).await?;
    if actor.as_ref().is_some_and(Actor::is_staff) {
        // `From` proves nothing: mail that claims to be staff must not speak for the agency.
        let reason = "staff address: staff answer and file requests in the portal".to_owned();
        return Ok((Intake::Refused { reason }, None));
    }
    if let Some(actor) = &actor {
        state.store.clear_bounce(actor.user_id).await?;
    }
    let by_headers = state.store.ticket_for_message_ids(&mail.answers).await?;
    let by_subject = reference_in_subject(&mail.subject);
    let mut visible = Vec::new();
    if let Some(actor) = &actor {
        for reference in [by_headers, by_subject].into_iter().flatten() {
            match state.store.ticket(reference).await {
                Ok(ticket) if actor.may_view(ticket.owner) => {
                    // A merged duplicate's conversation goes on in the request it joined.
                    visible.push((reference, ticket.merged_into.unwrap_or(reference)));
                }
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(error) => return Err(error),
            }
        }
    }
    let joined = |reference: TicketRef| {
        visible
            .iter()
            .find(|(r, _)| *r == reference)
            .map(|(_, to)| *to)
    };
    let thread = choose_thread(by_headers, by_subject, |r| joined(r).is_some());
    if let (Thread::Headers(reference) | Thread::Subject(reference), Some(actor)) = (thread, &actor)
    {
        if mail.marks.is_automatic_reply() {
            let reason = "automatic reply (out of office or similar)".to_owned();
            return Ok((Intake::Ignored { reason }, None));
        }
        let reference = joined(reference).unwrap_or(reference);
        return reply(state, reference, actor, mail, now).await;
    }
    let (account_id, requester_id) = match requester_of_new_mail(state, mail, actor, now).await? {
        Ok(requester) => requester,
        Err(reason) => return Ok((Intake::Refused { reason }, None)),
    };
    let filing = Filing {
        account_id,
        requester_id,
        title: title_from_subject(&mail.subject)
            .chars()
            .take(TITLE_MAX_CHARS)
            .collect(),
        follows: None,
        answers: mail.has_message_id.then(|| mail.message_id.clone()),
        acknowledge: !mail.marks.suppresses_acknowledgement(),
    };
    let attachments = store_files(state, &mail.body, requester_id).await?;
    create(state, &filing, &mail.body.text, &attachments, now).await
}

/// Marks the address that failed and files the report with the request it was about.
async fn bounce(state: &AppState, report: &BounceReport, now: i64) -> StoreResult<Intake> {
    if let Some(address) = &report.address {
        state
            .store
            .mark_bounced(address, &report.reason, now)
            .await?;
    }
    let reference = state.store.ticket_for_message_ids(&report.returned).await?;
    Ok(Intake::Bounce {
        address: report.address.clone(),
        reference,
    })
}

/// Who files a new request by mail: a client by their address, a new contact of the account
/// whose domain the address is at, or someone in the triage account; `Err` says why not.
async fn requester_of_new_mail(
    state: &AppState,
    mail: &ReadMail,
    actor: Option<Actor>,
    now: i64,
) -> StoreResult<Result<(i64, i64), String>> {
    let sender = mail.sender.as_str();
    match actor {
        Some(actor) => Ok(actor
            .account_id
            .map(|account| (account, actor.user_id))
            .ok_or_else(|| "the sender belongs to no account".to_owned())),
        None if state.store.email_in_use(sender).await? => {
            Ok(Err("the sender's account is deactivated".to_owned()))
        }
        None => {
            let domain = domain_of(sender).unwrap_or_default();
            let account = match state.store.account_for_domain(&domain).await? {
                Some(account) => account,
                None if state.settings.unknown_senders == UnknownSenders::Triage => {
                    state.store.triage_account(now).await?
                }
                None => {
                    return Ok(Err(format!(
                        "unknown sender: nobody uses {sender} and {domain} is no account's domain"
                    )));
                }
            };
            let name = mail
                .sender_name
                .clone()
                .unwrap_or_else(|| sender.split('@').next().unwrap_or(sender).to_owned());
            let user = NewUser {
                account_id: Some(account),
                email: sender,
                name: &name,
                role: Role::Contact,
                password_hash: None,
            };
            Ok(Ok((account, state.store.create_user(&user, now).await?)))
        }
    }
}

/// A request about to be filed from mail.
struct Filing {
    account_id: i64,
    requester_id: i64,
    title: String,
    /// The earlier request this one follows up.
    follows: Option<TicketRef>,
    /// The Message-ID of the client's mail, which our acknowledgement answers.
    answers: Option<String>,
    /// Acknowledge it (not automatic, bulk or list mail); `queue_acknowledgement` also keeps to
    /// one a day per sender.
    acknowledge: bool,
}

/// Files the request with its text and stored files.
async fn create(
    state: &AppState,
    filing: &Filing,
    text: &str,
    attachments: &[i64],
    now: i64,
) -> StoreResult<(Intake, Option<i64>)> {
    let ticket = NewTicket {
        channel: Channel::Email,
        follows: filing.follows,
        attachments,
        ..NewTicket::from_portal(filing.account_id, filing.requester_id, &filing.title, text)
    };
    let event = state.store.create_ticket(&ticket, now).await?;
    state.events.publish();
    let acknowledged = filing.acknowledge
        && queue_acknowledgement(
            state,
            event.reference,
            filing.requester_id,
            filing.answers.as_deref(),
            now,
        )
        .await?;
    Ok((
        Intake::Created {
            reference: event.reference,
            acknowledged,
        },
        Some(event.id),
    ))
}

/// Stores the files that came with a message as uploads of `author`, ready to attach.
async fn store_files(state: &AppState, body: &Body, author: i64) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(body.files.len());
    for (filename, content) in &body.files {
        ids.push(store_file(state, author, filename, content).await?);
    }
    Ok(ids)
}

/// Adds the message to a request's conversation; a request closed too long to reopen gets a
/// new request that follows it.
async fn reply(
    state: &AppState,
    reference: TicketRef,
    author: &Actor,
    mail: &ReadMail,
    now: i64,
) -> StoreResult<(Intake, Option<i64>)> {
    let body = &mail.body;
    let attachments = store_files(state, body, author.user_id).await?;
    let message = NewMessage {
        author_id: author.user_id,
        // Staff never write by mail (refused before this).
        by_client: true,
        body: &body.text,
        internal: false,
        attachments: &attachments,
    };
    match state.store.add_message(reference, &message, now).await {
        Ok(events) => {
            state.events.publish();
            Ok((Intake::Replied { reference }, events.first().map(|e| e.id)))
        }
        Err(StoreError::ReplyRefused(_)) => {
            let ticket = state.store.ticket(reference).await?;
            let filing = Filing {
                account_id: ticket.owner.account_id,
                requester_id: author.user_id,
                title: ticket.summary.title,
                follows: Some(reference),
                answers: None,
                acknowledge: !mail.marks.suppresses_acknowledgement(),
            };
            create(state, &filing, &body.text, &attachments, now).await
        }
        Err(error) => Err(error),
    }
}

/// `POST /inbound/mail`: one raw RFC 5322 message from a mail provider's webhook, authorized by
/// `Authorization: Bearer <secret>`. Answers what became of it.
pub async fn hook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Intake>, AppError> {
    let Some(secret) = state.settings.inbound_mail_secret.as_deref() else {
        return Err(AppError::NotFound);
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests: the time taken says nothing about how much of the secret was right.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(secret.as_bytes()) {
        return Err(AppError::Unauthorized);
    }
    if body.is_empty() {
        return Err(AppError::BadRequest(
            "Send one raw message (message/rfc822) as the request body.".to_owned(),
        ));
    }
    Ok(Json(receive(&state, "http", &body).await?))
}
