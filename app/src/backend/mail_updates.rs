//! Mail (and push notifications) to clients about their requests. A notifier follows the event
//! log (whatever channel a change came through) and queues, in the same transaction that moves its
//! position, one mail and one notification per device for each change a requester should hear
//! about: so a crash never loses or doubles one, and several instances share the work.

use std::fmt::Write;
use std::time::Duration;

use tokio::sync::watch;

use ammonia::clean_text as escape;

use super::feedback_link::FeedbackLink;
use super::markdown::to_safe_html;
use super::state::AppState;
use super::store::{MailThread, NewMail, NewPush, OwnedEvent, StoreResult, TicketRecord};
use super::worker::keep_working;
use crate::domain::email::{REPLY_MARKER, subject_for};
use crate::domain::feedback::LINK_LIFETIME_MS;
use crate::domain::push::{PushMessage, PushNews};
use crate::domain::sla::response_promise;
use crate::domain::ticket::{Channel, TicketChange, TicketRef, TicketStatus};

/// Events read per round.
const BATCH: i64 = 200;
/// When nothing wakes the notifier, it still looks this often.
const POLL: Duration = Duration::from_secs(5);
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Queues an acknowledgement of a new request to its requester, unless one went to them in the
/// last day (so two mail systems answering each other cannot loop). `answers`: the client's
/// Message-ID, when the request came by mail. Returns whether it was queued.
pub async fn queue_acknowledgement(
    state: &AppState,
    reference: TicketRef,
    requester_id: i64,
    answers: Option<&str>,
    now: i64,
) -> StoreResult<bool> {
    let Some((email, name)) = state.store.update_recipient(requester_id).await? else {
        return Ok(false);
    };
    if state
        .store
        .mailed_since(&email, "acknowledgement", now - DAY_MS)
        .await?
    {
        return Ok(false);
    }
    let ticket = state.store.ticket(reference).await?;
    let letter = acknowledgement(state, &ticket, &name).await?;
    let thread = MailThread {
        first: answers.map(str::to_owned),
        newest: answers.map(str::to_owned),
    };
    let message_id = state.mailer.new_message_id(reference);
    let mail = letter.mail(&email, "acknowledgement", reference, thread, &message_id);
    state.mailer.queue(&state.store, &mail, now).await?;
    Ok(true)
}

/// A mail about a request, before it has a recipient.
struct Letter {
    subject: String,
    text: String,
    html: String,
}

impl Letter {
    fn mail<'a>(
        &'a self,
        recipient: &'a str,
        kind: &'a str,
        reference: TicketRef,
        thread: MailThread,
        message_id: &'a str,
    ) -> NewMail<'a> {
        NewMail {
            recipient,
            subject: &self.subject,
            body_text: &self.text,
            body_html: Some(&self.html),
            kind,
            ticket: Some(reference),
            thread,
            message_id: Some(message_id),
            automatic: kind != "reply",
        }
    }
}

/// What a letter says: a greeting, what happened, optionally a message, and the way back.
struct Content<'a> {
    name: &'a str,
    headline: String,
    /// A message in markdown (a staff reply), shown as written.
    message: Option<&'a str>,
    /// A signed feedback link's token: the mail asks "Was this resolved?" (to the requester of
    /// a request just completed).
    feedback: Option<String>,
}

fn letter(state: &AppState, ticket: &TicketRecord, content: Content<'_>) -> Letter {
    let reference = ticket.summary.reference;
    let link = format!("{}/requests/{reference}", state.settings.public_url);
    let first_name = content
        .name
        .split_whitespace()
        .next()
        .unwrap_or(content.name);
    let status = ticket.summary.status.label();
    let mut text = format!(
        "{REPLY_MARKER}\n\nHello {first_name},\n\n{}\n\n",
        content.headline
    );
    let mut html = format!(
        "<p style=\"color:#6b7280;font-size:12px\">{}</p><p>Hello {},</p><p>{}</p>",
        escape(REPLY_MARKER),
        escape(first_name),
        escape(&content.headline)
    );
    if let Some(message) = content.message {
        text.push_str(message.trim());
        text.push_str("\n\n");
        html.push_str("<div style=\"border-left:3px solid #d1d5db;padding-left:12px\">");
        html.push_str(&to_safe_html(message));
        html.push_str("</div>");
    }
    if let Some(token) = &content.feedback {
        let answer = format!("{}/feedback/{token}", state.settings.public_url);
        let _ = write!(
            text,
            "Was this resolved?\nYes: {answer}?answer=yes\nNo: {answer}?answer=no\n\n"
        );
        let _ = write!(
            html,
            "<p><strong>Was this resolved?</strong></p><p><a href=\"{yes}\" style=\"display:inline-block;padding:10px 18px;background:#15803d;color:#fff;border-radius:8px;text-decoration:none\">Yes</a> \
             <a href=\"{no}\" style=\"display:inline-block;padding:10px 18px;background:#b91c1c;color:#fff;border-radius:8px;text-decoration:none\">No</a></p>",
            yes = escape(&format!("{answer}?answer=yes")),
            no = escape(&format!("{answer}?answer=no")),
        );
    }
    let _ = write!(
        text,
        "{reference}: {}\nStatus: {status}\nSee it in the portal: {link}\n\nAnswer by replying to this mail.\n",
        ticket.summary.title
    );
    let _ = write!(
        html,
        "<p><strong>{reference}: {}</strong><br>Status: {status}</p><p><a href=\"{}\">See it in the portal</a></p><p style=\"color:#6b7280\">Answer by replying to this mail.</p>",
        escape(&ticket.summary.title),
        escape(&link)
    );
    Letter {
        subject: subject_for(reference, &ticket.summary.title),
        text,
        html,
    }
}

async fn acknowledgement(
    state: &AppState,
    ticket: &TicketRecord,
    name: &str,
) -> StoreResult<Letter> {
    let reference = ticket.summary.reference;
    let (targets, _) = state.store.ticket_sla_policy(reference).await?;
    let headline = format!(
        "We have your request. A person reads it and answers {}. This is its reference: {reference}.",
        response_promise(targets.first_response_ms)
    );
    let content = Content {
        name,
        headline,
        message: None,
        feedback: None,
    };
    Ok(letter(state, ticket, content))
}

/// The notifier: queues mail for new events whenever the event log grows (on this instance or,
/// through the live fan-out, another), until shutdown.
pub async fn run_notifier(state: AppState, shutdown: watch::Receiver<bool>) {
    let mut through = state.events.watch_through();
    keep_working!(
        "the mail notifier",
        POLL,
        notify_batch(&state),
        through.changed(),
        shutdown,
    );
}

/// Queues mail for the next batch of events. `true` when there may be more to read.
pub async fn notify_batch(state: &AppState) -> StoreResult<bool> {
    let from = state.store.mail_notifier_position().await?;
    let events = state.store.owned_events_after(from, BATCH).await?;
    let Some(last) = events.last().map(|e| e.event.id) else {
        return Ok(false);
    };
    let now = state.clock.now_ms();
    let mut planned = Vec::new();
    let mut pushes = Vec::new();
    for event in &events {
        let (mails, notifications) = plan(state, event).await?;
        planned.extend(mails);
        pushes.extend(notifications);
    }
    let mails: Vec<NewMail<'_>> = planned
        .iter()
        .map(|p| {
            p.letter.mail(
                &p.recipient,
                p.kind,
                p.reference,
                p.thread.clone(),
                &p.message_id,
            )
        })
        .collect();
    if state
        .store
        .queue_notifications(from, last, &mails, &pushes, now)
        .await?
    {
        if !mails.is_empty() {
            state.mailer.wake();
        }
        if !pushes.is_empty() {
            state.push_wake.notify_one();
        }
    }
    Ok(events.len() as i64 == BATCH)
}

/// A mail the notifier is about to queue.
struct Planned {
    letter: Letter,
    recipient: String,
    kind: &'static str,
    reference: TicketRef,
    thread: MailThread,
    message_id: String,
}

/// A request filed in the portal, by them or for them, is acknowledged by mail to its requester
/// (one that came by mail was acknowledged on arrival).
async fn acknowledge(state: &AppState, owned: &OwnedEvent) -> StoreResult<Vec<Planned>> {
    let reference = owned.event.reference;
    let ticket = state.store.ticket(reference).await?;
    if ticket.summary.channel == Channel::Email {
        return Ok(Vec::new());
    }
    let Some((email, name)) = state
        .store
        .update_recipient(owned.owner.requester_id)
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(vec![Planned {
        letter: acknowledgement(state, &ticket, &name).await?,
        recipient: email,
        kind: "acknowledgement",
        reference,
        thread: state.store.mail_thread(reference).await?,
        message_id: state.mailer.new_message_id(reference),
    }])
}

/// The mail and notifications one event calls for: the requester hears by mail that their new
/// request arrived; the requester and the request's followers hear of status changes and replies
/// by others, by mail and on the devices where they turned notifications on.
async fn plan(state: &AppState, owned: &OwnedEvent) -> StoreResult<(Vec<Planned>, Vec<NewPush>)> {
    let reference = owned.event.reference;
    if owned.internal {
        return Ok((Vec::new(), Vec::new()));
    }
    let asks_feedback = matches!(
        owned.event.change,
        TicketChange::StatusChanged {
            to: TicketStatus::Completed,
            ..
        }
    );
    let (kind, headline, message, news) = match &owned.event.change {
        TicketChange::Created => return Ok((acknowledge(state, owned).await?, Vec::new())),
        TicketChange::StatusChanged { to, .. } => (
            "status",
            format!("changed the status to: {}.", to.label()),
            None,
            PushNews::Status(*to),
        ),
        TicketChange::Replied { body } => (
            "reply",
            "replied:".to_owned(),
            Some(body.as_str()),
            PushNews::Reply { body },
        ),
        _ => return Ok((Vec::new(), Vec::new())),
    };
    let actor_name = match owned.actor_id {
        Some(actor) => state.store.user_name(actor).await?,
        None => "Frontdoor".to_owned(),
    };
    let mut people = vec![owned.owner.requester_id];
    people.extend(
        state
            .store
            .followers(reference)
            .await?
            .into_iter()
            .map(|f| f.id),
    );
    let ticket = state.store.ticket(reference).await?;
    let thread = state.store.mail_thread(reference).await?;
    let mut planned = Vec::new();
    let mut pushes = Vec::new();
    let notification = PushMessage::about(reference, &ticket.summary.title, &actor_name, &news);
    let payload = serde_json::to_string(&notification).unwrap_or_default();
    // Nobody is told what they did themselves.
    for person in people.into_iter().filter(|p| Some(*p) != owned.actor_id) {
        // Only while they may still see the request: following it earlier gives no lasting
        // right (their company may now share only own requests, their role may have changed).
        let may_see = state
            .store
            .active_actor(person)
            .await?
            .is_some_and(|now| now.may_view(owned.owner));
        if !may_see {
            continue;
        }
        let devices = state.store.push_devices(person).await?;
        pushes.extend(devices.into_iter().map(|subscription_id| NewPush {
            subscription_id,
            payload: payload.clone(),
        }));
        let Some((email, name)) = state.store.update_recipient(person).await? else {
            continue;
        };
        let feedback = if asks_feedback && person == owned.owner.requester_id {
            let link = FeedbackLink {
                ticket_id: reference.0,
                user_id: person,
                expires_at: state.clock.now_ms() + LINK_LIFETIME_MS,
            };
            Some(link.sign(&state.store.signing_key().await?))
        } else {
            None
        };
        let content = Content {
            name: &name,
            headline: format!("{actor_name} {headline}"),
            message,
            feedback,
        };
        planned.push(Planned {
            letter: letter(state, &ticket, content),
            recipient: email,
            kind,
            reference,
            thread: thread.clone(),
            message_id: state.mailer.new_message_id(reference),
        });
    }
    Ok((planned, pushes))
}
