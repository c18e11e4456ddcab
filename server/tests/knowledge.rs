//! The knowledge base through the app's own server functions: who reads what, suggestions while
//! writing a request, deflections, and who may write and publish.

mod support;

use axum::http::StatusCode;
use serde_json::Value;
use support::{Harness, harness};

fn titles(sections: &Value) -> Vec<String> {
    sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap().iter())
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn deflections(h: &Harness, staff: &str, slug: &str) -> i64 {
    let library = h.call(Some(staff), "article_library", "").await;
    assert_eq!(library.status, StatusCode::OK, "{}", library.body);
    library.body["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["link"]["slug"] == slug)
        .map(|a| a["deflections"].as_i64().unwrap())
        .unwrap()
}

#[tokio::test]
async fn each_reader_sees_the_articles_meant_for_them() {
    let h = harness().await;
    let signed_out = h.call(None, "help_centre", "").await;
    assert_eq!(signed_out.status, StatusCode::OK);
    // By section, then title.
    assert_eq!(
        titles(&signed_out.body),
        [
            "Reset your password",
            "How to file a good request",
            "What happens after you file a request",
        ]
    );
    let tom = h.sign_in("tom@bluebird.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let for_tom = titles(&h.call(Some(&tom), "help_centre", "").await.body);
    let for_mei = titles(&h.call(Some(&mei), "help_centre", "").await.body);
    assert_eq!(for_tom.len(), 14);
    assert!(!for_tom.iter().any(|t| t.contains("Acme")));
    assert!(for_mei.contains(&"Acme: staging site access".to_owned()));

    // Reading: public articles signed out; others only for their audience, else "not found".
    let read = |cookie: Option<String>, slug: &'static str| {
        let h = &h;
        async move {
            h.call(cookie.as_deref(), "read_article", &format!("slug={slug}"))
                .await
        }
    };
    assert_eq!(
        read(None, "reset-your-password").await.status,
        StatusCode::OK
    );
    assert_eq!(
        read(None, "get-a-copy-of-an-invoice").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        read(Some(tom.clone()), "acme-staging-site-access")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = read(Some(mei.clone()), "acme-staging-site-access").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body["body_html"]
            .as_str()
            .unwrap()
            .contains("staging.acme.example")
    );
    assert_eq!(page.body["may_vote"], true);
    assert_eq!(
        read(None, "no-such-article").await.status,
        StatusCode::NOT_FOUND
    );

    // Search finds only what the reader may read, with the match marked.
    let hits = h.call(Some(&tom), "search_help", "query=staging").await;
    assert_eq!(hits.body.as_array().unwrap().len(), 0, "{}", hits.body);
    let hits = h.call(Some(&mei), "search_help", "query=staging").await;
    assert_eq!(hits.body[0]["link"]["slug"], "acme-staging-site-access");
    assert!(
        hits.body[0]["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["matched"] == true)
    );
}

#[tokio::test]
async fn a_suggestion_that_solved_it_is_a_deflection_and_a_filed_request_is_not() {
    let h = harness().await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let grace = h.sign_in("grace@bluebird.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    let suggested = h
        .call(
            Some(&tom),
            "suggest_articles",
            "text=I+forgot+my+password+and+cannot+sign+in",
        )
        .await;
    assert_eq!(suggested.status, StatusCode::OK, "{}", suggested.body);
    assert_eq!(suggested.body[0]["link"]["slug"], "reset-your-password");
    assert!(suggested.body.as_array().unwrap().len() <= 3);
    assert_eq!(
        h.call(None, "suggest_articles", "text=password")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(deflections(&h, &sam, "reset-your-password").await, 0);
    let opened = h
        .call(
            Some(&tom),
            "read_article",
            "slug=reset-your-password&attempt=tom1",
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK);
    let solved = h
        .call(
            Some(&tom),
            "article_solved_it",
            "slug=reset-your-password&attempt=tom1",
        )
        .await;
    assert_eq!(solved.status, StatusCode::OK, "{}", solved.body);
    assert_eq!(deflections(&h, &sam, "reset-your-password").await, 1);

    // Grace opens it, then files her request anyway: not a deflection, even after the grace period.
    h.call(
        Some(&grace),
        "read_article",
        "slug=reset-your-password&attempt=grace1",
    )
    .await;
    let filed = h
        .call(
            Some(&grace),
            "create_request",
            "title=Locked+out&description=The+link+did+not+come&attempt=grace1",
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    h.clock.advance(31 * 60 * 1000);
    assert_eq!(deflections(&h, &sam, "reset-your-password").await, 1);

    // A strange attempt name is refused, not stored.
    let odd = h
        .call(
            Some(&tom),
            "article_solved_it",
            "slug=reset-your-password&attempt=%27%3B--",
        )
        .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
    // Staff reading an article is not a client's view.
    assert_eq!(
        h.call(
            Some(&sam),
            "article_solved_it",
            "slug=reset-your-password&attempt=x1"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn staff_write_articles_and_only_admins_make_them_public() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let alex = h.sign_in("alex@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let form = "title=VPN+setup&summary=Connect+from+home&section=Access&body=Step+one%0A%0A**bold**%0A%0A%3Cscript%3Ealert(1)%3C%2Fscript%3E";

    let refused = h
        .call(
            Some(&sam),
            "save_article",
            &format!("{form}&audience=public&publish=1"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("audience"),
        "{}",
        refused.body
    );
    let missing = h
        .call(
            Some(&sam),
            "save_article",
            "title=&section=Access&body=x&audience=clients",
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.to_string().contains("title"),
        "{}",
        missing.body
    );

    // A draft: staff read it, clients do not.
    let saved = h
        .call(
            Some(&sam),
            "save_article",
            &format!("{form}&audience=clients"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body, "vpn-setup");
    assert_eq!(
        h.call(Some(&tom), "read_article", "slug=vpn-setup")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let draft = h.call(Some(&sam), "read_article", "slug=vpn-setup").await;
    assert_eq!(draft.body["published"], false);
    // The body is sanitized Markdown: no script survives.
    let html = draft.body["body_html"].as_str().unwrap();
    assert!(
        html.contains("<strong>bold</strong>") && !html.contains("<script"),
        "{html}"
    );

    let editor = h
        .call(
            Some(&sam),
            "article_editor",
            &format!("id={}", draft.body["edit_id"]),
        )
        .await;
    let id = editor.body["draft"]["id"].as_i64().unwrap();
    let published = h
        .call(
            Some(&alex),
            "save_article",
            &format!("id={id}&{form}&audience=public&publish=1"),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert_eq!(
        h.call(None, "read_article", "slug=vpn-setup").await.status,
        StatusCode::OK
    );
    // An agent may edit a public article without taking its audience away.
    let kept = h
        .call(
            Some(&sam),
            "save_article",
            &format!("id={id}&{form}&audience=public&publish=1"),
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
}

#[tokio::test]
async fn clients_write_nothing_and_deleting_is_audited() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let alex = h.sign_in("alex@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let form = "title=VPN+setup&section=Access&body=Steps";
    let saved = h
        .call(
            Some(&alex),
            "save_article",
            &format!("{form}&audience=public&publish=1"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let id = h
        .call(Some(&sam), "read_article", "slug=vpn-setup")
        .await
        .body["edit_id"]
        .clone();
    assert_eq!(
        h.call(
            Some(&tom),
            "save_article",
            &format!("{form}&audience=clients")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.call(Some(&sam), "delete_article", &format!("id={id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(None, "read_article", "slug=vpn-setup").await.status,
        StatusCode::NOT_FOUND
    );
    let log = h
        .call(Some(&alex), "audit_log", "action=article_deleted")
        .await;
    assert!(log.body.to_string().contains("VPN setup"), "{}", log.body);
}
