//! The one authorization policy. Every entry point (server function, REST route, event stream,
//! download) asks it; nothing decides access on its own.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a person is in the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    /// Someone at a client company who files and follows requests.
    Contact,
    /// A contact who also manages their company's team.
    AccountAdmin,
    /// Agency staff who work tickets.
    Agent,
    /// Agency staff who also receive escalations and reports.
    Lead,
    /// Agency staff who manage staff, accounts and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Contact,
        Role::AccountAdmin,
        Role::Agent,
        Role::Lead,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contact => "contact",
            Role::AccountAdmin => "account_admin",
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Contact => "Contact",
            Role::AccountAdmin => "Account admin",
            Role::Agent => "Agent",
            Role::Lead => "Lead",
            Role::Admin => "Admin",
        }
    }

    /// Agency people, as opposed to people at client companies.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Lead | Role::Admin)
    }

    /// How long a sign-in lasts. Clients stay signed in on their phone for a month; staff, who
    /// see every company's data, sign in again each working day.
    pub fn session_lifetime_secs(self) -> i64 {
        const HOUR: i64 = 60 * 60;
        if self.is_staff() {
            12 * HOUR
        } else {
            30 * 24 * HOUR
        }
    }

    /// How long a session may go unused before it ends. A phone that files a request a week
    /// keeps its sign-in; a staff laptop left open over lunch does not.
    pub fn session_idle_secs(self) -> i64 {
        const HOUR: i64 = 60 * 60;
        if self.is_staff() {
            2 * HOUR
        } else {
            14 * 24 * HOUR
        }
    }

    /// Where people in this role start: the queue board for staff, their requests for clients.
    pub fn home(self) -> &'static str {
        if self.is_staff() { "/board" } else { "/" }
    }
}

/// Which requests a client account's contacts may see, chosen by the account admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Each contact sees the requests they filed.
    #[default]
    #[serde(rename = "own")]
    OwnRequests,
    /// Every contact sees every request of the company.
    Company,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::OwnRequests => "own",
            Visibility::Company => "company",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name `{0}`")]
pub struct UnknownName(pub String);

impl FromStr for Role {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

impl FromStr for Visibility {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Visibility::OwnRequests, Visibility::Company]
            .into_iter()
            .find(|visibility| visibility.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// The signed-in person on whose behalf a request runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// The client company of a contact; `None` for staff.
    pub account_id: Option<i64>,
    /// The company's visibility mode; meaningless for staff.
    pub visibility: Visibility,
    /// Acting within one client account only (an API token limited to it): tickets of other
    /// accounts are out of sight, and nothing agency-wide may be done.
    #[serde(default)]
    pub account_limit: Option<i64>,
}

/// Things a person may be allowed to do, beyond seeing a particular ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// File a new request for one's own company.
    FileRequest,
    /// See the agency's queue and change tickets on it.
    WorkQueue,
    /// Read notes the agency keeps from clients.
    SeeInternalNotes,
    /// Browse the audit log.
    ReadAuditLog,
    /// Add client companies.
    ManageAccounts,
    /// Edit the desk's categories and canned replies.
    ConfigureDesk,
    /// Write, publish and retire knowledge-base articles.
    WriteArticles,
    /// Let an article be read by anyone with its link, without signing in.
    PublishPublicly,
    /// Read the agency's reports (volumes, times, satisfaction, usage) and export them.
    ReadReports,
    /// Connect other systems: webhooks.
    ManageIntegrations,
}

impl Permission {
    /// Whether it concerns the agency as a whole rather than one account's requests: never
    /// granted to someone acting within one account.
    fn is_agency_wide(self) -> bool {
        match self {
            Permission::FileRequest | Permission::WorkQueue | Permission::SeeInternalNotes => false,
            Permission::ReadAuditLog
            | Permission::ManageAccounts
            | Permission::ConfigureDesk
            | Permission::WriteArticles
            | Permission::PublishPublicly
            | Permission::ReadReports
            | Permission::ManageIntegrations => true,
        }
    }
}

/// A group of people managed together: one client company's contacts, or the agency's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Team {
    Account(i64),
    Staff,
}

/// The roles of people at client companies, the default first.
pub const CLIENT_ROLES: &[Role] = &[Role::Contact, Role::AccountAdmin];
/// The roles of agency staff, the default first.
pub const STAFF_ROLES: &[Role] = &[Role::Agent, Role::Lead, Role::Admin];

impl Team {
    /// The roles people in this team can have.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Team::Account(_) => CLIENT_ROLES,
            Team::Staff => STAFF_ROLES,
        }
    }

    /// The role someone newly invited gets.
    pub fn default_role(self) -> Role {
        self.roles()[0]
    }

    /// The client account people of this team belong to.
    pub fn account_id(self) -> Option<i64> {
        match self {
            Team::Account(id) => Some(id),
            Team::Staff => None,
        }
    }
}

/// Someone whose membership may be changed, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub role: Role,
    pub account_id: Option<i64>,
}

impl Member {
    pub fn team(self) -> Team {
        match self.account_id {
            Some(id) => Team::Account(id),
            None => Team::Staff,
        }
    }
}

/// A change to someone's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberChange {
    Deactivate,
    Reactivate,
    SetRole(Role),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TeamRuleError {
    /// Not in a team this person manages: answered like a missing person.
    #[error("not found")]
    NotYourTeam,
    #[error("You can't deactivate yourself or change your own role. Ask another admin.")]
    OwnMembership,
    #[error("That role is not available in this team.")]
    RoleNotInTeam,
}

/// Who owns a ticket, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketOwner {
    pub account_id: i64,
    pub requester_id: i64,
}

/// The tickets a person may see, in a form a store can turn into a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketScope {
    /// Staff: everything.
    All,
    /// Every ticket of one client account.
    Account(i64),
    /// Only the tickets one person filed, within their account.
    Requester { account_id: i64, user_id: i64 },
    /// Nothing at all (a client without an account: a data error, never an open door).
    Nothing,
}

impl TicketScope {
    pub fn contains(self, owner: TicketOwner) -> bool {
        match self {
            TicketScope::All => true,
            TicketScope::Account(account_id) => owner.account_id == account_id,
            TicketScope::Requester {
                account_id,
                user_id,
            } => owner.account_id == account_id && owner.requester_id == user_id,
            TicketScope::Nothing => false,
        }
    }
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn can(&self, permission: Permission) -> bool {
        if self.account_limit.is_some() && permission.is_agency_wide() {
            return false;
        }
        match permission {
            Permission::FileRequest => !self.is_staff() && self.account_id.is_some(),
            Permission::WorkQueue
            | Permission::SeeInternalNotes
            | Permission::WriteArticles
            | Permission::ReadReports => self.is_staff(),
            Permission::ReadAuditLog
            | Permission::ManageAccounts
            | Permission::PublishPublicly
            | Permission::ManageIntegrations => self.role == Role::Admin,
            Permission::ConfigureDesk => matches!(self.role, Role::Admin | Role::Lead),
        }
    }

    /// The team this person manages by default: their company's for an account admin, the
    /// agency's for an admin.
    pub fn managed_team(&self) -> Option<Team> {
        match (self.role, self.account_id) {
            (Role::AccountAdmin, Some(account_id)) => Some(Team::Account(account_id)),
            (Role::Admin, _) => Some(Team::Staff),
            _ => None,
        }
    }

    /// Account admins manage their own company's team; agency admins manage every team (within
    /// an account limit, that account's only).
    pub fn may_manage(&self, team: Team) -> bool {
        if self
            .account_limit
            .is_some_and(|limit| team != Team::Account(limit))
        {
            return false;
        }
        match (self.role, self.account_id) {
            (Role::Admin, _) => true,
            (Role::AccountAdmin, Some(own)) => team == Team::Account(own),
            _ => false,
        }
    }

    /// Whether this person may make `change` to `member`. Nobody changes their own membership,
    /// so every team keeps at least the admin who is acting.
    pub fn check_member_change(
        &self,
        member: Member,
        change: MemberChange,
    ) -> Result<(), TeamRuleError> {
        if !self.may_manage(member.team()) {
            return Err(TeamRuleError::NotYourTeam);
        }
        if member.user_id == self.user_id {
            return Err(TeamRuleError::OwnMembership);
        }
        match change {
            MemberChange::SetRole(role) if !member.team().roles().contains(&role) => {
                Err(TeamRuleError::RoleNotInTeam)
            }
            _ => Ok(()),
        }
    }

    /// The same person, acting within `account_id` only.
    #[must_use]
    pub fn limited_to(self, account_id: i64) -> Actor {
        Actor {
            account_limit: Some(account_id),
            ..self
        }
    }

    /// The tickets this person may see.
    pub fn ticket_scope(&self) -> TicketScope {
        let scope = self.unlimited_ticket_scope();
        let Some(limit) = self.account_limit else {
            return scope;
        };
        match scope {
            TicketScope::All => TicketScope::Account(limit),
            TicketScope::Account(account_id) | TicketScope::Requester { account_id, .. }
                if account_id != limit =>
            {
                TicketScope::Nothing
            }
            scope => scope,
        }
    }

    fn unlimited_ticket_scope(&self) -> TicketScope {
        if self.is_staff() {
            return TicketScope::All;
        }
        match (self.account_id, self.role, self.visibility) {
            (None, _, _) => TicketScope::Nothing,
            (Some(account_id), Role::AccountAdmin, _)
            | (Some(account_id), _, Visibility::Company) => TicketScope::Account(account_id),
            (Some(account_id), _, Visibility::OwnRequests) => TicketScope::Requester {
                account_id,
                user_id: self.user_id,
            },
        }
    }

    pub fn may_view(&self, owner: TicketOwner) -> bool {
        self.ticket_scope().contains(owner)
    }

    /// Whether this client may mark a request resolved: their own, or (account admins) any of
    /// their company's. Staff complete requests on the board instead.
    pub fn may_mark_resolved(&self, owner: TicketOwner) -> bool {
        !self.is_staff()
            && self.may_view(owner)
            && (owner.requester_id == self.user_id || self.role == Role::AccountAdmin)
    }
}

/// Why two requests cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MergeRefused {
    #[error("These requests belong to different companies and cannot be merged.")]
    DifferentAccounts,
    #[error(
        "These requests were filed by different people who cannot see each other's requests, so merging would show one the other's messages."
    )]
    PrivateToEachRequester,
}

/// Whether `duplicate` may be merged into `survivor`: the merged conversation is shown to both
/// requesters, so each must already be allowed to see the other's request.
pub fn check_merge(
    duplicate: TicketOwner,
    survivor: TicketOwner,
    visibility: Visibility,
) -> Result<(), MergeRefused> {
    if duplicate.account_id != survivor.account_id {
        return Err(MergeRefused::DifferentAccounts);
    }
    if duplicate.requester_id != survivor.requester_id && visibility != Visibility::Company {
        return Err(MergeRefused::PrivateToEachRequester);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn actor(role: Role, account_id: Option<i64>, visibility: Visibility) -> Actor {
        Actor {
            user_id: 10,
            name: "Test".into(),
            role,
            account_id,
            visibility,
            account_limit: None,
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    #[test]
    fn staff_sessions_are_shorter_than_clients() {
        for role in Role::ALL {
            let expected = if role.is_staff() {
                12 * 3600
            } else {
                30 * 24 * 3600
            };
            assert_eq!(role.session_lifetime_secs(), expected, "{role:?}");
        }
    }

    #[test]
    fn idle_sessions_end_sooner_for_staff() {
        assert!(Role::Agent.session_idle_secs() < Role::Contact.session_idle_secs());
        for role in Role::ALL {
            assert!(role.session_idle_secs() <= role.session_lifetime_secs());
        }
    }

    #[test]
    fn account_admins_manage_their_own_company_only() {
        let dana = actor(Role::AccountAdmin, Some(1), Visibility::OwnRequests);
        let colleague = Member {
            user_id: 11,
            role: Role::Contact,
            account_id: Some(1),
        };
        let stranger = Member {
            user_id: 12,
            role: Role::Contact,
            account_id: Some(2),
        };
        let agent = Member {
            user_id: 13,
            role: Role::Agent,
            account_id: None,
        };
        assert_eq!(dana.managed_team(), Some(Team::Account(1)));
        assert_eq!(
            dana.check_member_change(colleague, MemberChange::SetRole(Role::AccountAdmin)),
            Ok(())
        );
        assert_eq!(
            dana.check_member_change(colleague, MemberChange::SetRole(Role::Admin)),
            Err(TeamRuleError::RoleNotInTeam)
        );
        assert_eq!(
            dana.check_member_change(stranger, MemberChange::Deactivate),
            Err(TeamRuleError::NotYourTeam)
        );
        assert_eq!(
            dana.check_member_change(agent, MemberChange::Deactivate),
            Err(TeamRuleError::NotYourTeam)
        );
        let herself = Member {
            user_id: dana.user_id,
            role: Role::AccountAdmin,
            account_id: Some(1),
        };
        assert_eq!(
            dana.check_member_change(herself, MemberChange::Deactivate),
            Err(TeamRuleError::OwnMembership)
        );
    }

    #[test]
    fn only_agency_admins_manage_staff_and_read_the_audit_log() {
        let admin = actor(Role::Admin, None, Visibility::default());
        let lead = actor(Role::Lead, None, Visibility::default());
        let agent = Member {
            user_id: 13,
            role: Role::Agent,
            account_id: None,
        };
        assert_eq!(
            admin.check_member_change(agent, MemberChange::SetRole(Role::Lead)),
            Ok(())
        );
        assert_eq!(
            lead.check_member_change(agent, MemberChange::Deactivate),
            Err(TeamRuleError::NotYourTeam)
        );
        assert!(admin.can(Permission::ReadAuditLog) && !lead.can(Permission::ReadAuditLog));
        assert_eq!(lead.managed_team(), None);
    }

    #[test]
    fn stored_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        for visibility in [Visibility::OwnRequests, Visibility::Company] {
            assert_eq!(visibility.as_str().parse(), Ok(visibility));
        }
        assert!("root".parse::<Role>().is_err());
    }

    fn any_visibility() -> impl Strategy<Value = Visibility> {
        prop::sample::select(vec![Visibility::OwnRequests, Visibility::Company])
    }

    #[test]
    fn contacts_in_own_mode_see_only_their_requests() {
        let contact = actor(Role::Contact, Some(1), Visibility::OwnRequests);
        assert!(contact.may_view(TicketOwner {
            account_id: 1,
            requester_id: 10
        }));
        assert!(!contact.may_view(TicketOwner {
            account_id: 1,
            requester_id: 11
        }));
    }

    #[test]
    fn account_admins_see_the_whole_company_whatever_the_mode() {
        let admin = actor(Role::AccountAdmin, Some(1), Visibility::OwnRequests);
        assert!(admin.may_view(TicketOwner {
            account_id: 1,
            requester_id: 99
        }));
    }

    #[test]
    fn staff_work_the_queue_and_clients_file_requests() {
        let agent = actor(Role::Agent, None, Visibility::default());
        let contact = actor(Role::Contact, Some(1), Visibility::Company);
        assert!(agent.can(Permission::WorkQueue) && !agent.can(Permission::FileRequest));
        assert!(contact.can(Permission::FileRequest) && !contact.can(Permission::WorkQueue));
        assert!(!contact.can(Permission::SeeInternalNotes));
    }

    #[test]
    fn clients_mark_their_own_requests_resolved_and_admins_their_companys() {
        let mine = TicketOwner {
            account_id: 1,
            requester_id: 10,
        };
        let colleagues = TicketOwner {
            account_id: 1,
            requester_id: 11,
        };
        let contact = actor(Role::Contact, Some(1), Visibility::Company);
        assert!(contact.may_mark_resolved(mine));
        assert!(
            !contact.may_mark_resolved(colleagues),
            "sees it, but it is not theirs"
        );
        assert!(
            actor(Role::AccountAdmin, Some(1), Visibility::OwnRequests)
                .may_mark_resolved(colleagues)
        );
        assert!(!actor(Role::Agent, None, Visibility::default()).may_mark_resolved(mine));
        assert!(!actor(Role::AccountAdmin, Some(2), Visibility::Company).may_mark_resolved(mine));
    }

    #[test]
    fn a_client_without_an_account_sees_nothing() {
        let orphan = actor(Role::Contact, None, Visibility::Company);
        assert_eq!(orphan.ticket_scope(), TicketScope::Nothing);
        assert!(!orphan.can(Permission::FileRequest));
    }

    #[test]
    fn merges_never_show_a_requester_someone_else_s_private_request() {
        let owner = |account_id, requester_id| TicketOwner {
            account_id,
            requester_id,
        };
        assert_eq!(
            check_merge(owner(1, 10), owner(2, 10), Visibility::Company),
            Err(MergeRefused::DifferentAccounts)
        );
        assert_eq!(
            check_merge(owner(1, 10), owner(1, 11), Visibility::OwnRequests),
            Err(MergeRefused::PrivateToEachRequester)
        );
        assert_eq!(
            check_merge(owner(1, 10), owner(1, 11), Visibility::Company),
            Ok(())
        );
        assert_eq!(
            check_merge(owner(1, 10), owner(1, 10), Visibility::OwnRequests),
            Ok(())
        );
    }

    #[test]
    fn leads_and_admins_configure_the_desk() {
        for role in Role::ALL {
            let account = if role.is_staff() { None } else { Some(1) };
            let person = actor(role, account, Visibility::Company);
            assert_eq!(
                person.can(Permission::ConfigureDesk),
                matches!(role, Role::Admin | Role::Lead)
            );
        }
    }

    proptest! {
        #[test]
        fn no_client_ever_sees_another_accounts_ticket(
            role in any_role(),
            visibility in any_visibility(),
            own_account in 1i64..50,
            other_account in 1i64..50,
            requester in 1i64..50,
        ) {
            prop_assume!(!role.is_staff() && own_account != other_account);
            let client = actor(role, Some(own_account), visibility);
            let theirs = TicketOwner { account_id: other_account, requester_id: requester };
            prop_assert!(!client.may_view(theirs));
        }

        #[test]
        fn staff_see_every_ticket(role in any_role(), account in 1i64..50, requester in 1i64..50) {
            prop_assume!(role.is_staff());
            let owner = TicketOwner { account_id: account, requester_id: requester };
            prop_assert!(actor(role, None, Visibility::default()).may_view(owner));
        }

        #[test]
        fn everyone_who_files_a_request_can_see_it(role in any_role(), visibility in any_visibility(), account in 1i64..50) {
            let person = actor(role, Some(account), visibility);
            prop_assume!(person.can(Permission::FileRequest));
            let own = TicketOwner { account_id: account, requester_id: person.user_id };
            prop_assert!(person.may_view(own));
        }

        #[test]
        fn contacts_never_manage_anyone(
            visibility in any_visibility(),
            target_role in any_role(),
            target_account in proptest::option::of(1i64..5),
        ) {
            let contact = actor(Role::Contact, Some(1), visibility);
            let target = Member { user_id: 99, role: target_role, account_id: target_account };
            prop_assert_eq!(contact.check_member_change(target, MemberChange::Deactivate), Err(TeamRuleError::NotYourTeam));
        }

        #[test]
        fn only_staff_read_internal_notes(role in any_role(), visibility in any_visibility()) {
            prop_assert_eq!(actor(role, Some(1), visibility).can(Permission::SeeInternalNotes), role.is_staff());
        }

        /// Within an account limit nobody sees another account's ticket, and sees no more than
        /// without the limit.
        #[test]
        fn an_account_limit_only_ever_narrows(
            role in any_role(),
            visibility in any_visibility(),
            own_account in proptest::option::of(1i64..5),
            limit in 1i64..5,
            owner_account in 1i64..5,
            requester in prop::sample::select(vec![10i64, 11]),
        ) {
            let person = actor(role, own_account, visibility);
            let limited = person.clone().limited_to(limit);
            let owner = TicketOwner { account_id: owner_account, requester_id: requester };
            if limited.may_view(owner) {
                prop_assert_eq!(owner_account, limit);
                prop_assert!(person.may_view(owner));
            }
        }

        #[test]
        fn an_account_limit_keeps_the_agency_out_of_reach(role in any_role(), limit in 1i64..5, other in 1i64..5) {
            let limited = actor(role, None, Visibility::default()).limited_to(limit);
            for permission in [Permission::ReadAuditLog, Permission::ManageAccounts, Permission::ConfigureDesk,
                               Permission::WriteArticles, Permission::PublishPublicly, Permission::ReadReports,
                               Permission::ManageIntegrations] {
                prop_assert!(!limited.can(permission));
            }
            prop_assert!(!limited.may_manage(Team::Staff));
            prop_assert_eq!(limited.may_manage(Team::Account(other)), role == Role::Admin && other == limit);
        }
    }

    #[test]
    fn staff_limited_to_an_account_still_work_its_requests() {
        let agent = actor(Role::Agent, None, Visibility::default()).limited_to(3);
        assert!(agent.can(Permission::WorkQueue));
        assert!(agent.can(Permission::SeeInternalNotes));
        assert_eq!(agent.ticket_scope(), TicketScope::Account(3));
    }
}
