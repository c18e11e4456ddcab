//! What staff do to a ticket beyond replying: set its facts (with a version check), merge
//! duplicates, hand work off into tasks; and a client asking for a call back.

use sqlx::{Any, FromRow, Transaction};

use super::{Store, StoreError, StoreResult, parse_stored};
use crate::domain::listing::{Choice, normalize_tag};
use crate::domain::ticket::{
    ChecklistItem, FieldChange, LiveEvent, Priority, ReachBy, Task, TicketChange, TicketFacts,
    TicketRef, TicketStatus,
};

/// An internal task to create from a ticket.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub title: &'a str,
    pub assignee_id: Option<i64>,
    pub due_at: Option<i64>,
    pub checklist: &'a [String],
}

#[derive(FromRow)]
struct TaskRow {
    id: i64,
    title: String,
    assignee_name: Option<String>,
    due_at: Option<i64>,
    checklist: String,
    done_at: Option<i64>,
}

impl TaskRow {
    fn into_task(self) -> StoreResult<Task> {
        Ok(Task {
            checklist: serde_json::from_str(&self.checklist)
                .map_err(|e| StoreError::Corrupt(format!("task {} checklist: {e}", self.id)))?,
            id: self.id,
            title: self.title,
            assignee_name: self.assignee_name,
            due_at: self.due_at,
            done_at: self.done_at,
        })
    }
}

#[derive(FromRow)]
struct FactsRow {
    priority: String,
    category_id: Option<i64>,
    assignee_id: Option<i64>,
    team_id: Option<i64>,
    version: i64,
}

impl Store {
    pub(super) async fn ticket_tags(&self, reference: TicketRef) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag")
                .bind(reference.0)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Sets a ticket's priority, category, assignee, team and tags, if nobody changed them since
    /// `edit.version` was read. Returns the change event (`None` when nothing changed) and the
    /// new version.
    pub async fn update_facts(
        &self,
        reference: TicketRef,
        edit: &TicketFacts,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<(Option<LiveEvent>, i64)> {
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            let changes = Self::write_facts(tx, reference, edit).await?;
            if changes.is_empty() {
                return Ok((None, edit.version));
            }
            let event = Self::append_event(
                tx,
                reference.0,
                Some(actor_id),
                TicketChange::FieldsChanged { changes },
                now,
            )
            .await?;
            Ok((Some(event), edit.version + 1))
        });
        let written = written?;
        self.refresh_sla(reference, now).await?;
        Ok(written)
    }

    /// Lets automation (a routing rule, an escalation) change a ticket's facts: `decide` gets the
    /// current facts and returns the new ones; `describe` makes the event from what changed,
    /// with `also` (changes the caller made beside the facts) at the end. The SLA clock is
    /// recomputed when something changed.
    pub(super) async fn change_facts_automatically(
        &self,
        reference: TicketRef,
        decide: impl FnOnce(&TicketFacts) -> TicketFacts,
        also: Vec<FieldChange>,
        describe: impl FnOnce(Vec<FieldChange>) -> TicketChange,
        now: i64,
    ) -> StoreResult<Option<LiveEvent>> {
        let current = self.ticket(reference).await?.facts;
        let edit = decide(&current);
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            let mut changes = Self::write_facts(tx, reference, &edit).await?;
            changes.extend(also);
            if changes.is_empty() {
                return Ok(None);
            }
            let event = Self::append_event(tx, reference.0, None, describe(changes), now).await?;
            Ok(Some(event))
        });
        let written = written?;
        if written.is_some() {
            self.refresh_sla(reference, now).await?;
        }
        Ok(written)
    }

    /// Writes `edit` if the ticket is still at `edit.version`; returns what changed (nothing is
    /// written when nothing changed).
    async fn write_facts(
        tx: &mut Transaction<'static, Any>,
        reference: TicketRef,
        edit: &TicketFacts,
    ) -> StoreResult<Vec<FieldChange>> {
        let stale = || {
            StoreError::Conflict(format!(
                "Someone else changed {reference} while you were editing. Reload to see their change, then try again."
            ))
        };
        let current: FactsRow = sqlx::query_as(
            "SELECT priority, category_id, assignee_id, team_id, version FROM tickets WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if current.version != edit.version {
            return Err(stale());
        }
        let mut changes = Vec::new();
        let old_priority: Priority = parse_stored(&current.priority, "priority")?;
        if old_priority != edit.priority {
            changes.push(field(
                "priority",
                Some(old_priority.label()),
                Some(edit.priority.label()),
            ));
        }
        for (name, table, old, new) in [
            (
                "category",
                "categories",
                current.category_id,
                edit.category_id,
            ),
            ("assignee", "users", current.assignee_id, edit.assignee_id),
            ("team", "staff_teams", current.team_id, edit.team_id),
        ] {
            if old != new {
                changes.push(FieldChange {
                    field: name.to_owned(),
                    from: Self::name_of(tx, table, old).await?,
                    to: Self::name_of(tx, table, new).await?,
                });
            }
        }
        if let Some(assignee) = edit.assignee_id {
            let is_staff: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users WHERE id = $1 AND account_id IS NULL AND active = 1",
            )
            .bind(assignee)
            .fetch_one(&mut **tx)
            .await?;
            if is_staff == 0 {
                return Err(StoreError::Conflict(
                    "Only active staff can be assigned.".into(),
                ));
            }
        }
        if let Some(change) = Self::replace_tags(tx, reference, &edit.tags).await? {
            changes.push(change);
        }
        if changes.is_empty() {
            return Ok(changes);
        }
        let updated = sqlx::query(
            "UPDATE tickets SET priority = $2, category_id = $3, assignee_id = $4, team_id = $5, \
                                version = version + 1 \
             WHERE id = $1 AND version = $6",
        )
        .bind(reference.0)
        .bind(edit.priority.as_str())
        .bind(edit.category_id)
        .bind(edit.assignee_id)
        .bind(edit.team_id)
        .bind(edit.version)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(stale());
        }
        Ok(changes)
    }

    /// Sets a ticket's tags (normalized, sorted, without repeats); returns the change, if any.
    async fn replace_tags(
        tx: &mut Transaction<'static, Any>,
        reference: TicketRef,
        tags: &[String],
    ) -> StoreResult<Option<FieldChange>> {
        let old_tags: Vec<String> =
            sqlx::query_scalar("SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag")
                .bind(reference.0)
                .fetch_all(&mut **tx)
                .await?;
        let mut new_tags: Vec<String> = tags.iter().filter_map(|t| normalize_tag(t)).collect();
        new_tags.sort();
        new_tags.dedup();
        if old_tags == new_tags {
            return Ok(None);
        }
        sqlx::query("DELETE FROM ticket_tags WHERE ticket_id = $1")
            .bind(reference.0)
            .execute(&mut **tx)
            .await?;
        for tag in &new_tags {
            sqlx::query("INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)")
                .bind(reference.0)
                .bind(tag)
                .execute(&mut **tx)
                .await?;
        }
        let listed = |tags: &[String]| Some(tags.join(", ")).filter(|t| !t.is_empty());
        Ok(Some(FieldChange {
            field: "tags".to_owned(),
            from: listed(&old_tags),
            to: listed(&new_tags),
        }))
    }

    /// The display name of a row of `table` (a constant of ours), `None` for none.
    async fn name_of(
        tx: &mut Transaction<'static, Any>,
        table: &str,
        id: Option<i64>,
    ) -> StoreResult<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        let name: Option<String> =
            sqlx::query_scalar(&format!("SELECT name FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        name.map(Some).ok_or_else(|| {
            StoreError::Conflict(format!(
                "That {} no longer exists.",
                table.trim_end_matches('s')
            ))
        })
    }

    /// Merges `duplicate` into `survivor`: the duplicate is completed and points to the survivor,
    /// whose timeline shows the duplicate's history, and its files move over. The caller checks
    /// that both requesters may see the result.
    pub async fn merge(
        &self,
        duplicate: TicketRef,
        survivor: TicketRef,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<Vec<LiveEvent>> {
        if duplicate == survivor {
            return Err(StoreError::Conflict(
                "A request cannot be merged into itself.".into(),
            ));
        }
        let written: StoreResult<_> = in_transaction!(self.begin_event_write(), |tx| {
            let (status, merged_into): (String, Option<i64>) =
                sqlx::query_as("SELECT status, merged_into FROM tickets WHERE id = $1")
                    .bind(duplicate.0)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            Self::check_survivor(tx, survivor).await?;
            if merged_into.is_some() {
                return Err(StoreError::Conflict(format!(
                    "{duplicate} is already merged."
                )));
            }
            // Duplicates of the duplicate follow it to the survivor.
            sqlx::query("UPDATE tickets SET merged_into = $2 WHERE merged_into = $1")
                .bind(duplicate.0)
                .bind(survivor.0)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
            "UPDATE tickets SET merged_into = $2, status = 'completed', \
                    resolved_at = COALESCE(resolved_at, $3), updated_at = $3, version = version + 1 \
             WHERE id = $1",
        )
        .bind(duplicate.0)
        .bind(survivor.0)
        .bind(now)
        .execute(&mut **tx)
        .await?;
            sqlx::query("UPDATE tickets SET updated_at = $2 WHERE id = $1")
                .bind(survivor.0)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            sqlx::query("UPDATE attachments SET ticket_id = $2 WHERE ticket_id = $1")
                .bind(duplicate.0)
                .bind(survivor.0)
                .execute(&mut **tx)
                .await?;
            let mut events = Vec::new();
            let from: TicketStatus = parse_stored(&status, "status")?;
            if from != TicketStatus::Completed {
                events.push(
                    Self::append_event(
                        tx,
                        duplicate.0,
                        Some(actor_id),
                        TicketChange::StatusChanged {
                            from,
                            to: TicketStatus::Completed,
                        },
                        now,
                    )
                    .await?,
                );
            }
            events.push(
                Self::append_event(
                    tx,
                    duplicate.0,
                    Some(actor_id),
                    TicketChange::MergedInto { survivor },
                    now,
                )
                .await?,
            );
            events.push(
                Self::append_event(
                    tx,
                    survivor.0,
                    Some(actor_id),
                    TicketChange::Merged { duplicate },
                    now,
                )
                .await?,
            );
            Ok(events)
        });
        let written = written?;
        self.refresh_sla(duplicate, now).await?;
        self.refresh_sla(survivor, now).await?;
        Ok(written)
    }

    /// Starts or stops `user_id` following a ticket (its updates reach them like the requester).
    pub async fn set_following(
        &self,
        reference: TicketRef,
        user_id: i64,
        follow: bool,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM ticket_watchers WHERE ticket_id = $1 AND user_id = $2")
            .bind(reference.0)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if follow {
            sqlx::query("INSERT INTO ticket_watchers (ticket_id, user_id) VALUES ($1, $2)")
                .bind(reference.0)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Who follows a ticket, by name.
    pub async fn followers(&self, reference: TicketRef) -> StoreResult<Vec<Choice>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT u.id, u.name FROM ticket_watchers w JOIN users u ON u.id = w.user_id \
             WHERE w.ticket_id = $1 ORDER BY u.name",
        )
        .bind(reference.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect())
    }

    /// A request can take a duplicate only if it exists and is not itself merged away.
    async fn check_survivor(
        tx: &mut Transaction<'static, Any>,
        survivor: TicketRef,
    ) -> StoreResult<()> {
        let survivor_merged: Option<Option<i64>> =
            sqlx::query_scalar("SELECT merged_into FROM tickets WHERE id = $1")
                .bind(survivor.0)
                .fetch_optional(&mut **tx)
                .await?;
        match survivor_merged {
            None => Err(StoreError::NotFound),
            Some(Some(elsewhere)) => Err(StoreError::Conflict(format!(
                "{survivor} was itself merged into {}; merge into that one.",
                TicketRef(elsewhere)
            ))),
            Some(None) => Ok(()),
        }
    }

    /// Records a client's wish to talk to a person; the board shows it until staff reply.
    pub async fn request_callback(
        &self,
        reference: TicketRef,
        reach_by: ReachBy,
        phone: Option<&str>,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        in_transaction!(self.begin_event_write(), |tx| {
            let updated = sqlx::query(
            "UPDATE tickets SET callback_requested_at = $2, callback_phone = $3, updated_at = $2 \
             WHERE id = $1",
        )
        .bind(reference.0)
        .bind(now)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::NotFound);
            }
            let event = Self::append_event(
                tx,
                reference.0,
                Some(actor_id),
                TicketChange::CallbackRequested {
                    reach_by,
                    phone: phone.map(str::to_owned),
                },
                now,
            )
            .await?;
            Ok(event)
        })
    }

    /// Hands part of a ticket's work off into an internal task.
    pub async fn add_task(
        &self,
        reference: TicketRef,
        task: &NewTask<'_>,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        let checklist: Vec<ChecklistItem> = task
            .checklist
            .iter()
            .map(|text| ChecklistItem {
                text: text.clone(),
                done: false,
            })
            .collect();
        let checklist =
            serde_json::to_string(&checklist).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        in_transaction!(self.begin_event_write(), |tx| {
            sqlx::query(
            "INSERT INTO tasks (ticket_id, title, assignee_id, due_at, checklist, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(reference.0)
        .bind(task.title)
        .bind(task.assignee_id)
        .bind(task.due_at)
        .bind(checklist)
        .bind(actor_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
            let event = Self::append_event(
                tx,
                reference.0,
                Some(actor_id),
                TicketChange::TaskAdded {
                    title: task.title.to_owned(),
                },
                now,
            )
            .await?;
            Ok(event)
        })
    }

    /// The tasks of a ticket, oldest first.
    pub async fn tasks(&self, reference: TicketRef) -> StoreResult<Vec<Task>> {
        let rows: Vec<TaskRow> = sqlx::query_as(
            "SELECT k.id, k.title, u.name AS assignee_name, k.due_at, k.checklist, k.done_at \
             FROM tasks k LEFT JOIN users u ON u.id = k.assignee_id \
             WHERE k.ticket_id = $1 ORDER BY k.id",
        )
        .bind(reference.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TaskRow::into_task).collect()
    }

    /// The ticket a task belongs to.
    pub async fn task_ticket(&self, task_id: i64) -> StoreResult<TicketRef> {
        sqlx::query_scalar("SELECT ticket_id FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_optional(&self.pool)
            .await?
            .map(TicketRef)
            .ok_or(StoreError::NotFound)
    }

    /// Ticks or unticks one checklist line of an open task. A done task's checklist is its
    /// record of what was done: it stays as it was.
    pub async fn set_checklist_item(
        &self,
        task_id: i64,
        index: usize,
        done: bool,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            let (stored, done_at): (String, Option<i64>) =
                sqlx::query_as("SELECT checklist, done_at FROM tasks WHERE id = $1")
                    .bind(task_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            if done_at.is_some() {
                return Err(StoreError::Conflict("That task is already done.".into()));
            }
            let mut checklist: Vec<ChecklistItem> = serde_json::from_str(&stored)
                .map_err(|e| StoreError::Corrupt(format!("task {task_id} checklist: {e}")))?;
            let item = checklist.get_mut(index).ok_or(StoreError::NotFound)?;
            item.done = done;
            let checklist = serde_json::to_string(&checklist)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE tasks SET checklist = $2 WHERE id = $1")
                .bind(task_id)
                .bind(checklist)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// Marks a task done. The event says whether it was the ticket's last open task, which
    /// prompts the ticket's owner to reply or complete it.
    pub async fn complete_task(
        &self,
        task_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<LiveEvent> {
        in_transaction!(self.begin_event_write(), |tx| {
            let (ticket_id, title): (i64, String) =
                sqlx::query_as("SELECT ticket_id, title FROM tasks WHERE id = $1")
                    .bind(task_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            let updated =
                sqlx::query("UPDATE tasks SET done_at = $2 WHERE id = $1 AND done_at IS NULL")
                    .bind(task_id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::Conflict("That task is already done.".into()));
            }
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM tasks WHERE ticket_id = $1 AND done_at IS NULL",
            )
            .bind(ticket_id)
            .fetch_one(&mut **tx)
            .await?;
            let event = Self::append_event(
                tx,
                ticket_id,
                Some(actor_id),
                TicketChange::TaskDone {
                    title,
                    all_done: open == 0,
                },
                now,
            )
            .await?;
            Ok(event)
        })
    }
}

fn field(name: &str, from: Option<&str>, to: Option<&str>) -> FieldChange {
    FieldChange {
        field: name.to_owned(),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
    }
}
