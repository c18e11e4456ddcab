//! The email channel's records: every message in or out once (dedupe and threading), mail that
//! could not be read (quarantine), domains that map senders to accounts, bounced addresses, and
//! how far the mail notifier has read the event log.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::accounts::{ACTOR_COLUMNS, ActorRow};
use super::outbox::{LogFollower, NewMail};
use super::push::NewPush;
use super::{NewAccount, Store, StoreError, StoreResult, is_unique_violation};
use crate::domain::email::Kept;
use crate::domain::policy::{Actor, Visibility};
use crate::domain::ticket::TicketRef;

/// The slug of the account mail from unknown senders is filed under, when that is the setting.
pub const TRIAGE_ACCOUNT_SLUG: &str = "unsorted";

/// A message as it arrived, before anything was decided about it.
#[derive(Debug, Clone, Copy)]
pub struct ArrivedMail<'a> {
    /// Its `Message-ID` without angle brackets, or `sha256:<base64url>` of its bytes when it has
    /// none (or one too long to index).
    pub message_id: &'a str,
    pub sender: &'a str,
    pub subject: &'a str,
    pub raw: &'a [u8],
}

/// Where a message went, as admins read it in the mail log.
#[derive(Debug, Clone, Copy)]
pub struct MailSettlement<'a> {
    pub outcome: &'a str,
    pub detail: &'a str,
    pub ticket: Option<TicketRef>,
    pub event_id: Option<i64>,
}

/// A message kept because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct QuarantinedMail {
    pub id: i64,
    pub source: String,
    pub error: String,
    pub size_bytes: i64,
    pub received_at: i64,
    /// 1 when only its header was kept (see [`Kept`]).
    pub header_only: i64,
}

/// A quarantined message as it was kept, with where it came from.
#[derive(Debug, Clone, FromRow)]
pub struct QuarantinedOriginal {
    pub source: String,
    pub raw: Vec<u8>,
    /// 1 when `raw` is its header only (see [`Kept`]).
    pub header_only: i64,
}

/// One message in or out about a request, as the mail log lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct MailLogEntry {
    pub id: i64,
    pub message_id: String,
    /// `in` or `out`.
    pub direction: String,
    pub sender: String,
    pub subject: String,
    pub outcome: String,
    pub detail: String,
    pub created_at: i64,
}

/// The Message-IDs a new mail about a request answers, so that mail apps thread it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailThread {
    /// The message that started the conversation by mail (the client's, or our first).
    pub first: Option<String>,
    /// The newest message of the conversation.
    pub newest: Option<String>,
}

impl Store {
    /// Records a message on arrival. `None` when the same message was seen before.
    pub async fn claim_arrived_mail(
        &self,
        mail: &ArrivedMail<'_>,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        let inserted = sqlx::query_scalar(
            "INSERT INTO mail_messages (message_id, direction, sender, subject, outcome, raw, created_at) \
             VALUES ($1, 'in', $2, $3, 'received', $4, $5) RETURNING id",
        )
        .bind(mail.message_id)
        .bind(mail.sender)
        .bind(mail.subject)
        .bind(mail.raw)
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(id) => Ok(Some(id)),
            Err(error) if is_unique_violation(&error) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn settle_arrived_mail(
        &self,
        id: i64,
        settlement: &MailSettlement<'_>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_messages SET outcome = $2, detail = $3, ticket_id = $4, event_id = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(settlement.outcome)
        .bind(settlement.detail)
        .bind(settlement.ticket.map(|r| r.0))
        .bind(settlement.event_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The request a message belongs to, from the Message-IDs it answers (newest first).
    pub async fn ticket_for_message_ids(&self, ids: &[String]) -> StoreResult<Option<TicketRef>> {
        for id in ids.iter().rev().take(20) {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT ticket_id FROM mail_messages WHERE message_id = $1 AND ticket_id IS NOT NULL \
                 ORDER BY id LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(ticket) = found {
                return Ok(Some(TicketRef(ticket)));
            }
        }
        Ok(None)
    }

    /// The first and newest Message-IDs of a request's mail conversation.
    pub async fn mail_thread(&self, reference: TicketRef) -> StoreResult<MailThread> {
        let end = |sql: &'static str| {
            sqlx::query_scalar::<_, String>(sql)
                .bind(reference.0)
                .fetch_optional(&self.pool)
        };
        Ok(MailThread {
            first: end(
                "SELECT message_id FROM mail_messages WHERE ticket_id = $1 ORDER BY id LIMIT 1",
            )
            .await?,
            newest: end(
                "SELECT message_id FROM mail_messages WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1",
            )
            .await?,
        })
    }

    /// The mail in and out about a request, oldest first.
    pub async fn mail_log(&self, reference: TicketRef) -> StoreResult<Vec<MailLogEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, message_id, direction, sender, subject, outcome, detail, created_at \
             FROM mail_messages WHERE ticket_id = $1 ORDER BY id",
        )
        .bind(reference.0)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records a message we queued, so that answers to it find their request.
    pub(super) async fn record_sent_mail(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        mail: &NewMail<'_>,
        message_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO mail_messages (message_id, direction, ticket_id, sender, subject, outcome, created_at) \
             VALUES ($1, 'out', $2, '', $3, $4, $5)",
        )
        .bind(message_id)
        .bind(mail.ticket.map(|r| r.0))
        .bind(mail.subject)
        .bind(mail.kind)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The active person who uses this address.
    pub async fn actor_by_email(&self, email: &str) -> StoreResult<Option<Actor>> {
        let row: Option<ActorRow> = sqlx::query_as(&format!(
            "SELECT {ACTOR_COLUMNS} FROM users u LEFT JOIN accounts a ON a.id = u.account_id \
             WHERE u.email = $1 AND u.active = 1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(ActorRow::into_actor).transpose()
    }

    /// A person's name as others see it.
    pub async fn user_name(&self, user_id: i64) -> StoreResult<String> {
        sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Drops the record of a message whose processing failed, so a later delivery is processed.
    pub async fn forget_arrived_mail(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM mail_messages WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether anyone, active or not, uses this address.
    pub async fn email_in_use(&self, email: &str) -> StoreResult<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_one(&self.pool)
            .await?;
        Ok(count > 0)
    }

    /// The account whose people write from this domain.
    pub async fn account_for_domain(&self, domain: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT account_id FROM account_domains WHERE domain = $1")
                .bind(domain.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Maps a mail domain to an account (moving it if another account had it).
    pub async fn map_domain(&self, domain: &str, account_id: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO account_domains (domain, account_id) VALUES ($1, $2) \
             ON CONFLICT (domain) DO UPDATE SET account_id = excluded.account_id",
        )
        .bind(domain.trim().to_lowercase())
        .bind(account_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account for mail from unknown senders, made on first use.
    pub async fn triage_account(&self, now: i64) -> StoreResult<i64> {
        let find = || {
            sqlx::query_scalar::<_, i64>("SELECT id FROM accounts WHERE slug = $1")
                .bind(TRIAGE_ACCOUNT_SLUG)
                .fetch_optional(&self.pool)
        };
        if let Some(id) = find().await? {
            return Ok(id);
        }
        let made = self
            .create_account(
                &NewAccount {
                    name: "Unknown senders",
                    slug: TRIAGE_ACCOUNT_SLUG,
                    visibility: Visibility::OwnRequests,
                },
                now,
            )
            .await;
        match made {
            Ok(id) => Ok(id),
            // Another message made it first.
            Err(StoreError::Conflict(_)) => find().await?.ok_or(StoreError::NotFound),
            Err(error) => Err(error),
        }
    }

    /// Stops mail to an address that bounced, with the reason the mail server gave.
    pub async fn mark_bounced(&self, email: &str, reason: &str, now: i64) -> StoreResult<bool> {
        let marked =
            sqlx::query("UPDATE users SET mail_bounced_at = $2, mail_bounce = $3 WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .bind(now)
                .bind(reason)
                .execute(&self.pool)
                .await?;
        Ok(marked.rows_affected() > 0)
    }

    /// The address works again: its owner just wrote to us from it.
    pub async fn clear_bounce(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE users SET mail_bounced_at = NULL, mail_bounce = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether mail of `kind` went to `recipient` since `since`.
    pub async fn mailed_since(&self, recipient: &str, kind: &str, since: i64) -> StoreResult<bool> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1 AND kind = $2 AND created_at >= $3",
        )
        .bind(recipient)
        .bind(kind)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    /// Keeps a message that could not be read.
    pub async fn quarantine_mail(
        &self,
        source: &str,
        kept: Kept<'_>,
        error: &str,
        now: i64,
    ) -> StoreResult<i64> {
        let (raw, header_only) = match kept {
            Kept::Whole(raw) => (raw, false),
            Kept::HeaderOnly(header) => (header, true),
        };
        Ok(sqlx::query_scalar(
            "INSERT INTO mail_quarantine (source, raw, error, received_at, header_only) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(source)
        .bind(raw)
        .bind(error)
        .bind(now)
        .bind(i64::from(header_only))
        .fetch_one(&self.pool)
        .await?)
    }

    /// Quarantined messages nobody has dealt with yet, newest first.
    pub async fn quarantined_mail(&self) -> StoreResult<Vec<QuarantinedMail>> {
        Ok(sqlx::query_as(
            "SELECT id, source, error, CAST(LENGTH(raw) AS BIGINT) AS size_bytes, received_at, \
                    header_only \
             FROM mail_quarantine WHERE settled_at IS NULL ORDER BY id DESC",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// A quarantined message as it was kept, with where it came from.
    pub async fn quarantined_original(&self, id: i64) -> StoreResult<QuarantinedOriginal> {
        sqlx::query_as(
            "SELECT source, raw, header_only FROM mail_quarantine \
             WHERE id = $1 AND settled_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Takes a message out of quarantine: retried (`how` says with what result) or dismissed.
    pub async fn settle_quarantined(&self, id: i64, how: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE mail_quarantine SET settled_at = $2, settled_how = $3 WHERE id = $1")
            .bind(id)
            .bind(now)
            .bind(how)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The original of a message that came in about a request (staff read it whole).
    pub async fn original_mail(&self, event_id: i64) -> StoreResult<(TicketRef, Vec<u8>)> {
        let (ticket, raw): (i64, Vec<u8>) = sqlx::query_as(
            "SELECT ticket_id, raw FROM mail_messages \
             WHERE event_id = $1 AND direction = 'in' AND raw IS NOT NULL",
        )
        .bind(event_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((TicketRef(ticket), raw))
    }

    /// Where the mail notifier has read the event log up to.
    pub async fn mail_notifier_position(&self) -> StoreResult<i64> {
        self.follower_position(LogFollower::Mail).await
    }

    /// Queues `mails` and `pushes` and moves the notifier from `from` to `to`, all or nothing. `false` when
    /// another instance moved it first (then nothing was queued).
    pub async fn queue_notifications(
        &self,
        from: i64,
        to: i64,
        mails: &[NewMail<'_>],
        pushes: &[NewPush],
        now: i64,
    ) -> StoreResult<bool> {
        in_transaction!(self.begin_write(), |tx| {
            if !Self::move_follower(tx, LogFollower::Mail, from, to).await? {
                return Ok(false);
            }
            for mail in mails {
                Self::enqueue_in(tx, mail, now).await?;
            }
            for push in pushes {
                Self::enqueue_push_in(tx, push, now).await?;
            }
            Ok(true)
        })
    }

    /// Moves everything that follows the event log (mail, webhooks) past everything written so
    /// far (after seeding demo history).
    pub async fn skip_notifications_for_history(&self) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_notifier SET after_event = (SELECT COALESCE(MAX(id), 0) FROM ticket_events)",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What a person gets by mail about their requests.
    pub async fn mail_preferences(
        &self,
        user_id: i64,
    ) -> StoreResult<crate::api::mail::MailPreferences> {
        let (updates, bounced): (i64, Option<String>) = sqlx::query_as(
            "SELECT mail_updates, CASE WHEN mail_bounced_at IS NULL THEN NULL ELSE COALESCE(mail_bounce, '') END \
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(crate::api::mail::MailPreferences {
            updates: updates == 1,
            bounced,
        })
    }

    pub async fn set_mail_updates(&self, user_id: i64, updates: bool) -> StoreResult<()> {
        let sql = "UPDATE users SET mail_updates = $2 WHERE id = $1";
        self.update_user(sql, user_id, i64::from(updates)).await
    }

    /// Whether a contact wants mail about their requests, and where it goes; `None` when it
    /// must not be mailed (turned off, or the address bounced).
    pub async fn update_recipient(&self, user_id: i64) -> StoreResult<Option<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT email, name FROM users \
             WHERE id = $1 AND active = 1 AND mail_updates = 1 AND mail_bounced_at IS NULL",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }
}
