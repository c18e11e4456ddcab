//! Single sign-on rules: who an OpenID provider may sign in. The agency's provider signs in
//! existing staff only; a client company's provider signs in that company's contacts, and makes
//! a contact on first sign-in ("just in time") only for an address at one of the company's
//! verified domains. Every address must be verified by the provider.

use super::policy::Actor;

/// Whose provider vouches for someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// The agency's own (a server setting).
    Agency,
    /// A client company's, by its account id.
    Company(i64),
}

/// What a provider says about the person it signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vouched {
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// What Frontdoor knows of the address a provider vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The active person with that address.
    pub person: Option<Actor>,
    /// Someone (inactive) uses the address.
    pub in_use: bool,
    /// The company whose verified domain the address is at.
    pub domain_account: Option<i64>,
}

/// What becomes of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    SignIn(i64),
    /// A new contact of the company, then signed in.
    NewContact {
        account_id: i64,
        name: String,
    },
    Refused(SsoRefused),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SsoRefused {
    #[error("Your sign-in service has not verified your email address.")]
    Unverified,
    #[error("There is no agency staff account with that address. Ask an admin to invite you.")]
    NotStaff,
    #[error("That address belongs to another company's account in Frontdoor.")]
    OtherCompany,
    #[error(
        "That address is not at one of your company's domains, so no account can be made for it. Ask your company's Frontdoor admin to invite you."
    )]
    DomainNotVerified,
    #[error("The account for that address is deactivated.")]
    Deactivated,
}

/// Why single sign-on ended back on the sign-in page. Only the code travels in the address
/// (`/signin?sso=expired`) and the page says the words: a crafted link cannot make the sign-in
/// page say what its sender likes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SsoFailure {
    #[error("Enter your work email address to sign in with single sign-on.")]
    NoEmail,
    #[error(
        "Single sign-on is not set up for this address. Sign in with your password or an email link."
    )]
    NotSetUp,
    #[error("Single sign-on did not work just now. Try again, or sign in with your password.")]
    Broken,
    #[error("The sign-in service did not sign you in.")]
    ProviderRefused,
    #[error("That sign-in link is incomplete. Start again.")]
    Incomplete,
    #[error("That sign-in was started in another browser or has expired. Start again here.")]
    OtherBrowser,
    #[error("That sign-in has expired or was used already. Start again.")]
    Expired,
    #[error("Single sign-on was turned off meanwhile.")]
    TurnedOff,
    #[error(transparent)]
    Refused(SsoRefused),
}

impl SsoFailure {
    pub fn code(self) -> &'static str {
        match self {
            SsoFailure::NoEmail => "no-email",
            SsoFailure::NotSetUp => "not-set-up",
            SsoFailure::Broken => "failed",
            SsoFailure::ProviderRefused => "provider-refused",
            SsoFailure::Incomplete => "incomplete",
            SsoFailure::OtherBrowser => "other-browser",
            SsoFailure::Expired => "expired",
            SsoFailure::TurnedOff => "turned-off",
            SsoFailure::Refused(SsoRefused::Unverified) => "unverified",
            SsoFailure::Refused(SsoRefused::NotStaff) => "not-staff",
            SsoFailure::Refused(SsoRefused::OtherCompany) => "other-company",
            SsoFailure::Refused(SsoRefused::DomainNotVerified) => "domain-not-verified",
            SsoFailure::Refused(SsoRefused::Deactivated) => "deactivated",
        }
    }

    /// The failure a code names; an unknown code (an old or a crafted link) reads as a failure
    /// without details.
    pub fn from_code(code: &str) -> SsoFailure {
        match code {
            "no-email" => SsoFailure::NoEmail,
            "not-set-up" => SsoFailure::NotSetUp,
            "provider-refused" => SsoFailure::ProviderRefused,
            "incomplete" => SsoFailure::Incomplete,
            "other-browser" => SsoFailure::OtherBrowser,
            "expired" => SsoFailure::Expired,
            "turned-off" => SsoFailure::TurnedOff,
            "unverified" => SsoFailure::Refused(SsoRefused::Unverified),
            "not-staff" => SsoFailure::Refused(SsoRefused::NotStaff),
            "other-company" => SsoFailure::Refused(SsoRefused::OtherCompany),
            "domain-not-verified" => SsoFailure::Refused(SsoRefused::DomainNotVerified),
            "deactivated" => SsoFailure::Refused(SsoRefused::Deactivated),
            _ => SsoFailure::Broken,
        }
    }
}

/// Decides who `provider` may sign in as, from what it vouched for and what is known.
pub fn admit(provider: Provider, vouched: &Vouched, known: &Known) -> Admission {
    if !vouched.email_verified {
        return Admission::Refused(SsoRefused::Unverified);
    }
    match (provider, &known.person) {
        (Provider::Agency, Some(person)) if person.is_staff() => Admission::SignIn(person.user_id),
        (Provider::Agency, _) => Admission::Refused(SsoRefused::NotStaff),
        (Provider::Company(account), Some(person)) => {
            if !person.is_staff() && person.account_id == Some(account) {
                Admission::SignIn(person.user_id)
            } else {
                Admission::Refused(SsoRefused::OtherCompany)
            }
        }
        (Provider::Company(_), None) if known.in_use => Admission::Refused(SsoRefused::Deactivated),
        (Provider::Company(account), None) if known.domain_account == Some(account) => {
            let name = vouched
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| {
                    vouched
                        .email
                        .split('@')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                });
            Admission::NewContact {
                account_id: account,
                name,
            }
        }
        (Provider::Company(_), None) => Admission::Refused(SsoRefused::DomainNotVerified),
    }
}

#[cfg(test)]
mod tests {
    const EVERY_FAILURE: [SsoFailure; 13] = [
        SsoFailure::NoEmail,
        SsoFailure::NotSetUp,
        SsoFailure::Broken,
        SsoFailure::ProviderRefused,
        SsoFailure::Incomplete,
        SsoFailure::OtherBrowser,
        SsoFailure::Expired,
        SsoFailure::TurnedOff,
        SsoFailure::Refused(SsoRefused::Unverified),
        SsoFailure::Refused(SsoRefused::NotStaff),
        SsoFailure::Refused(SsoRefused::OtherCompany),
        SsoFailure::Refused(SsoRefused::DomainNotVerified),
        SsoFailure::Refused(SsoRefused::Deactivated),
    ];

    #[test]
    fn every_failure_comes_back_from_its_code_and_codes_are_distinct() {
        for failure in EVERY_FAILURE {
            assert_eq!(SsoFailure::from_code(failure.code()), failure);
        }
        let mut codes: Vec<&str> = EVERY_FAILURE.iter().map(|f| f.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EVERY_FAILURE.len());
    }

    #[test]
    fn words_in_the_address_are_never_shown() {
        let crafted = SsoFailure::from_code("Your account is locked. Call +1 555 0100.");
        assert_eq!(crafted, SsoFailure::Broken);
        assert!(!crafted.to_string().contains("555"));
    }

    use super::*;
    use crate::domain::policy::{Role, Visibility};
    use proptest::prelude::*;

    fn person(role: Role, account: Option<i64>) -> Actor {
        Actor {
            user_id: 7,
            name: "Kim".into(),
            role,
            account_id: account,
            visibility: Visibility::Company,
            account_limit: None,
        }
    }

    fn vouched(verified: bool) -> Vouched {
        Vouched {
            email: "kim@acme.example".into(),
            email_verified: verified,
            name: Some("Kim Lee".into()),
        }
    }

    fn known(person: Option<Actor>, domain_account: Option<i64>) -> Known {
        Known {
            person,
            in_use: false,
            domain_account,
        }
    }

    #[test]
    fn the_agency_provider_signs_in_existing_staff_only() {
        let staff = known(Some(person(Role::Agent, None)), None);
        assert_eq!(
            admit(Provider::Agency, &vouched(true), &staff),
            Admission::SignIn(7)
        );
        let client = known(Some(person(Role::Contact, Some(1))), Some(1));
        assert_eq!(
            admit(Provider::Agency, &vouched(true), &client),
            Admission::Refused(SsoRefused::NotStaff)
        );
        assert_eq!(
            admit(Provider::Agency, &vouched(true), &known(None, None)),
            Admission::Refused(SsoRefused::NotStaff),
            "no staff account is made on the fly"
        );
    }

    #[test]
    fn a_company_provider_makes_contacts_only_at_its_verified_domains() {
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &known(None, Some(1))),
            Admission::NewContact {
                account_id: 1,
                name: "Kim Lee".into()
            }
        );
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &known(None, Some(2))),
            Admission::Refused(SsoRefused::DomainNotVerified)
        );
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &known(None, None)),
            Admission::Refused(SsoRefused::DomainNotVerified)
        );
        let gone = Known {
            in_use: true,
            ..known(None, Some(1))
        };
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &gone),
            Admission::Refused(SsoRefused::Deactivated)
        );
    }

    #[test]
    fn a_company_provider_signs_in_its_own_contacts_and_nobody_else() {
        let own = known(Some(person(Role::AccountAdmin, Some(1))), Some(1));
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &own),
            Admission::SignIn(7)
        );
        let other = known(Some(person(Role::Contact, Some(2))), Some(1));
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &other),
            Admission::Refused(SsoRefused::OtherCompany)
        );
        let staff = known(Some(person(Role::Admin, None)), Some(1));
        assert_eq!(
            admit(Provider::Company(1), &vouched(true), &staff),
            Admission::Refused(SsoRefused::OtherCompany),
            "a client's provider never signs in agency staff"
        );
    }

    proptest! {
        #[test]
        fn nothing_unverified_gets_in(company in proptest::option::of(1i64..4), role_index in 0usize..5, account in proptest::option::of(1i64..4)) {
            let provider = company.map_or(Provider::Agency, Provider::Company);
            let role = Role::ALL[role_index];
            let known = known(Some(person(role, account)), account);
            prop_assert_eq!(admit(provider, &vouched(false), &known), Admission::Refused(SsoRefused::Unverified));
        }

        #[test]
        fn a_company_provider_never_reaches_past_its_company(company in 1i64..4, role_index in 0usize..5, account in proptest::option::of(1i64..4), domain in proptest::option::of(1i64..4)) {
            let someone = person(Role::ALL[role_index], account);
            match admit(Provider::Company(company), &vouched(true), &known(Some(someone.clone()), domain)) {
                Admission::SignIn(_) => prop_assert!(!someone.is_staff() && account == Some(company)),
                Admission::NewContact { .. } => prop_assert!(false, "an existing person is never made again"),
                Admission::Refused(_) => {}
            }
        }
    }
}
