//! The desk's reference lists: categories (everyone reads, leads and admins edit), and for staff
//! the pickers, canned replies and their own saved views.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::canned::CannedReply;
use crate::domain::listing::{Choice, SavedView};
use crate::domain::ticket::Category;
use crate::error::AppError;

/// Everything staff pickers offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskOptions {
    pub categories: Vec<Category>,
    pub teams: Vec<Choice>,
    pub staff: Vec<Choice>,
    pub accounts: Vec<Choice>,
    /// Contacts of every company, for filing on someone's behalf.
    pub contacts: Vec<Choice>,
    pub canned_replies: Vec<CannedReply>,
    pub saved_views: Vec<SavedView>,
    /// The viewer may edit categories and canned replies.
    pub can_configure: bool,
}

/// The categories a request can be filed under.
#[server(endpoint = "list_categories")]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    use crate::backend::{auth, state::app_state};

    auth::require_actor()?;
    Ok(app_state()?.store.categories().await?)
}

/// The pickers, canned replies and saved views of the staff screens.
#[server(endpoint = "desk_options")]
pub async fn load_desk_options() -> Result<DeskOptions, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let store = &app_state()?.store;
    Ok(DeskOptions {
        categories: store.categories().await?,
        teams: store.staff_teams().await?,
        staff: store.assignable_staff().await?,
        accounts: store
            .accounts()
            .await?
            .into_iter()
            .map(|a| Choice {
                id: a.id,
                name: a.name,
            })
            .collect(),
        contacts: store.contacts().await?,
        canned_replies: store.canned_replies().await?,
        saved_views: store.saved_views(actor.user_id).await?,
        can_configure: actor.can(Permission::ConfigureDesk),
    })
}

/// Adds (`id` 0) or edits a category.
#[server(endpoint = "save_category")]
pub async fn save_category(
    id: i64,
    name: String,
    description: String,
    examples: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, single_line};

    auth::require_permission(Permission::ConfigureDesk)?;
    let name = single_line(&name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(FieldError::new("name", "Give the category a short name.").into());
    }
    let description = single_line(&description);
    if description.is_empty() || description.chars().count() > 300 {
        return Err(FieldError::new("description", "Describe it in a sentence.").into());
    }
    let category = Category {
        id,
        name,
        description,
        examples: single_line(&examples.unwrap_or_default()),
    };
    let state = app_state()?;
    let id = state.store.save_category(&category).await?;
    Audit::new(AuditAction::DeskConfigured, format!("category:{id}"))
        .detail(serde_json::json!({ "name": category.name }))
        .record(&state)
        .await?;
    Ok(id)
}

/// Stops offering a category to new requests (tickets keep theirs).
#[server(endpoint = "retire_category")]
pub async fn retire_category(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Audit, auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    let state = app_state()?;
    state.store.retire_category(id).await?;
    Audit::new(AuditAction::DeskConfigured, format!("category:{id}"))
        .detail(serde_json::json!({ "retired": true }))
        .record(&state)
        .await
}

/// Adds (`id` 0) or edits a canned reply.
#[server(endpoint = "save_canned_reply")]
pub async fn save_canned_reply(id: i64, title: String, body: String) -> Result<i64, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, parse_message, single_line};

    auth::require_permission(Permission::ConfigureDesk)?;
    let title = single_line(&title);
    if title.is_empty() || title.chars().count() > 80 {
        return Err(FieldError::new("title", "Give the canned reply a short title.").into());
    }
    let body = parse_message(&body)?;
    let state = app_state()?;
    Ok(state
        .store
        .save_canned_reply(&CannedReply { id, title, body }, state.clock.now_ms())
        .await?)
}

#[server(endpoint = "delete_canned_reply")]
pub async fn delete_canned_reply(id: i64) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::ConfigureDesk)?;
    Ok(app_state()?.store.delete_canned_reply(id).await?)
}

/// Saves the current board filter under a name (replacing one of the same name).
#[server(endpoint = "save_view")]
pub async fn save_view(name: String, query: String) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::listing::QueueFilter;
    use crate::domain::policy::Permission;
    use crate::domain::validation::{FieldError, single_line};

    let actor = auth::require_permission(Permission::WorkQueue)?;
    let name = single_line(&name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(FieldError::new("name", "Give the view a short name.").into());
    }
    // Stored in its normal form, so only a real filter is kept.
    let query = QueueFilter::from_query(&query).to_query();
    let state = app_state()?;
    Ok(state
        .store
        .save_view(actor.user_id, &name, &query, state.clock.now_ms())
        .await?)
}

#[server(endpoint = "delete_view")]
pub async fn delete_view(id: i64) -> Result<(), AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let actor = auth::require_permission(Permission::WorkQueue)?;
    Ok(app_state()?.store.delete_view(actor.user_id, id).await?)
}
