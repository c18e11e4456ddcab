//! Single sign-on, the parts that need no provider: which addresses are sent on, and callbacks
//! refused before anything is asked of a provider (another browser, an unknown or spent state).
//! Signing in through a real OpenID provider is the Playwright journey `sso.spec.ts`.

mod support;

use app::backend::Settings;
use app::backend::store::{OidcClient, SsoAttempt};
use app::domain::sso::SsoFailure;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{Harness, harness, harness_from};

/// Where a GET sends the browser.
async fn redirected(h: &Harness, path: &str, cookie: Option<&str>) -> String {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = h.send(request.body(Body::empty()).unwrap()).await;
    assert!(
        response.status().is_redirection(),
        "{path}: {}",
        response.status()
    );
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The failure the sign-in page is sent (only its code travels).
fn says(location: &str) -> SsoFailure {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "sso")
        .map(|(_, code)| SsoFailure::from_code(&code))
        .expect("a failure code")
}

#[tokio::test]
async fn without_a_provider_or_an_address_the_sign_in_page_says_so() {
    let h = harness().await;
    let bad = redirected(&h, "/auth/sso?email=not-an-address", None).await;
    assert!(bad.starts_with("/signin?"), "{bad}");
    assert_eq!(says(&bad), SsoFailure::NoEmail, "{bad}");
    let none = redirected(&h, "/auth/sso?email=luis%40acme.example", None).await;
    assert_eq!(says(&none), SsoFailure::NotSetUp, "{none}");
}

#[tokio::test]
async fn a_callback_needs_the_browser_that_started_it_and_works_once() {
    let h = harness_from(Settings {
        staff_sso: Some(OidcClient {
            // Never reached: every callback here is refused first.
            issuer: "http://127.0.0.1:9".to_owned(),
            client_id: "frontdoor".to_owned(),
            client_secret: "secret".to_owned(),
        }),
        ..support::settings()
    })
    .await;
    let state = "state-from-the-start";
    let attempt = SsoAttempt {
        account_id: None,
        nonce: "n".to_owned(),
        verifier: "v".to_owned(),
        created_at: h.clock.now_ms(),
    };
    h.store
        .save_sso_attempt(&app::backend::auth::hash_token(state), &attempt, 0)
        .await
        .unwrap();
    let callback = format!("/auth/sso/callback?code=abc&state={state}");

    let elsewhere = redirected(&h, &callback, None).await;
    assert_eq!(says(&elsewhere), SsoFailure::OtherBrowser, "{elsewhere}");
    let forged = redirected(&h, &callback, Some("fd_sso=another-state")).await;
    assert_eq!(says(&forged), SsoFailure::OtherBrowser, "{forged}");
    // The right browser: the state is taken (the provider is then unreachable here).
    let cookie = format!("fd_sso={state}");
    let taken = redirected(&h, &callback, Some(&cookie)).await;
    assert_eq!(says(&taken), SsoFailure::Broken, "{taken}");
    let again = redirected(&h, &callback, Some(&cookie)).await;
    assert_eq!(says(&again), SsoFailure::Expired, "{again}");

    let refused = redirected(&h, "/auth/sso/callback?error=access_denied&state=x", None).await;
    assert_eq!(says(&refused), SsoFailure::ProviderRefused, "{refused}");
    let incomplete = redirected(&h, "/auth/sso/callback", None).await;
    assert_eq!(says(&incomplete), SsoFailure::Incomplete, "{incomplete}");
    assert_eq!(
        h.send(
            Request::get("/auth/sso/callback?state=%ZZ")
                .body(Body::empty())
                .unwrap()
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
}

/// With single sign-on required of staff, an agent's password no longer signs them in; an
/// admin's still does (break glass), and so does any client's.
#[tokio::test]
async fn when_staff_must_use_single_sign_on_admins_keep_their_password() {
    use support::password_sign_in;

    let h = harness_from(Settings {
        staff_sso: Some(OidcClient {
            issuer: "http://127.0.0.1:9".to_owned(),
            client_id: "frontdoor".to_owned(),
            client_secret: "secret".to_owned(),
        }),
        staff_sso_required: true,
        ..support::settings()
    })
    .await;
    let agent = password_sign_in(&h, None, "sam@agency.example", "frontdoor-demo").await;
    assert_eq!(agent.status(), StatusCode::FORBIDDEN);
    let body = axum::body::to_bytes(agent.into_body(), 1 << 16)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("SingleSignOnRequired"));
    for email in ["alex@agency.example", "luis@acme.example"] {
        let response = password_sign_in(&h, None, email, "frontdoor-demo").await;
        assert_eq!(response.status(), StatusCode::OK, "{email}");
    }
}
