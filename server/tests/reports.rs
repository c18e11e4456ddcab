//! Reports over HTTP: staff read them and export CSV; nobody else learns they exist.

mod support;

use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use support::harness;

#[tokio::test]
async fn staff_export_report_tables_as_csv_and_clients_get_nothing() {
    let h = harness().await;
    // (Filed at the epoch, by the harness.)
    h.file("luis@acme.example", "Printer offline").await;
    let sam = h.sign_in("sam@agency.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;

    let page = h.call(Some(&sam), "load_report", "query=").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body["report"]["volume"].as_array().unwrap().len(), 30);
    assert_eq!(
        h.call(Some(&tom), "load_report", "query=").await.status,
        StatusCode::FORBIDDEN
    );

    let csv = h
        .get(
            Some(&sam),
            "/reports/usage.csv?from=1970-01-01&to=1970-01-01&channel=web",
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("frontdoor-usage-")
    );
    let body = axum::body::to_bytes(csv.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.starts_with("Company,Active contacts,Via portal,Via email,Other\r\n"),
        "{text}"
    );
    assert!(text.contains("Acme Logistics,"), "{text}");

    for (cookie, path, status) in [
        (
            Some(tom.as_str()),
            "/reports/usage.csv",
            StatusCode::NOT_FOUND,
        ),
        (None, "/reports/usage.csv", StatusCode::UNAUTHORIZED),
        (
            Some(sam.as_str()),
            "/reports/secrets.csv",
            StatusCode::NOT_FOUND,
        ),
        (
            Some(sam.as_str()),
            "/reports/usage.csv?from=garbage&account=x",
            StatusCode::OK,
        ),
    ] {
        assert_eq!(
            h.get(cookie, path).await.status(),
            status,
            "{path} as {cookie:?}"
        );
    }
}
