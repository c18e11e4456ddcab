//! The full request lifecycle beyond the conversation: categories and the promise on filing,
//! attachments, staff edits with a version check, merging, tasks, call backs, filing on behalf,
//! search, paging, and the internal-note guarantee across every client surface.

mod support;

use app::domain::ticket::{Channel, TicketRef, TicketStatus};
use axum::http::{StatusCode, header};
use support::{Harness, Reply, body_text, harness};

/// A PNG signature and header: enough for the type to be recognised from the bytes.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn reference_of(reply: &support::Reply) -> TicketRef {
    reply.body["reference"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn filing_takes_a_category_and_promises_a_first_response() {
    let h = harness().await;
    let mei = h.sign_in("mei@acme.example").await;
    let categories = h.call(Some(&mei), "list_categories", "").await.body;
    let billing = categories
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Billing")
        .expect("a starter category")["id"]
        .as_i64()
        .unwrap();

    let filed = h
        .call(
            Some(&mei),
            "create_request",
            &format!("title=Invoice+copy&description=For+May&category={billing}"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(filed.body["first_response"], "within 1 business day");
    let record = h.store.ticket(reference_of(&filed)).await.unwrap();
    assert_eq!(record.summary.category.as_deref(), Some("Billing"));

    let unsure = h
        .call(
            Some(&mei),
            "create_request",
            "title=Hmm&description=Not+sure&category=",
        )
        .await;
    assert_eq!(
        unsure.status,
        StatusCode::OK,
        "“Not sure” is always possible"
    );
    assert_eq!(
        h.store
            .ticket(reference_of(&unsure))
            .await
            .unwrap()
            .summary
            .category,
        None
    );

    let bogus = h
        .call(
            Some(&mei),
            "create_request",
            "title=Hmm&description=x&category=9999",
        )
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bogus
            .body
            .to_string()
            .contains("Choose one of the categories")
    );
}

#[tokio::test]
async fn attachments_are_sniffed_and_only_their_readers_download_them() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;

    // Claimed to be HTML by the browser; the bytes say PNG.
    let uploaded = h.upload(Some(&luis), "../screen shot.png", PNG).await;
    assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.body);
    let file_id = uploaded.body[0]["id"].as_i64().unwrap();
    assert_eq!(uploaded.body[0]["filename"], "screen shot.png");

    // Before it is attached, only its uploader can fetch it.
    assert_eq!(
        h.get(Some(&tom), &format!("/files/{file_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Someone else's upload cannot be attached.
    let stolen = h
        .call(
            Some(&tom),
            "create_request",
            &format!("title=T&description=D&attachments[0]={file_id}"),
        )
        .await;
    assert_eq!(stolen.status, StatusCode::CONFLICT, "{}", stolen.body);

    let filed = h
        .call(
            Some(&luis),
            "create_request",
            &format!("title=Broken+page&description=See+the+screenshot&attachments[0]={file_id}"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(
        h.store
            .attachments(reference_of(&filed), false)
            .await
            .unwrap()
            .len(),
        1
    );

    let download = h.get(Some(&luis), &format!("/files/{file_id}")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()[header::CONTENT_TYPE], "image/png");
    let disposition = download.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert!(
        download.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    assert_eq!(
        body_text(download).await.len(),
        String::from_utf8_lossy(PNG).len()
    );
    let preview = h
        .get(Some(&luis), &format!("/files/{file_id}?preview=1"))
        .await;
    assert!(
        preview.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );

    for outsider in [Some(tom.as_str()), None] {
        let refused = h.get(outsider, &format!("/files/{file_id}")).await;
        assert!(
            matches!(
                refused.status(),
                StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
            ),
            "{}",
            refused.status()
        );
        assert!(!body_text(refused).await.contains("PNG"));
    }
}

#[tokio::test]
async fn files_on_internal_notes_stay_with_staff() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    let uploaded = h.upload(Some(&luis), "screen.png", PNG).await;
    let screenshot = uploaded.body[0]["id"].as_i64().unwrap();
    let filed = h
        .call(
            Some(&luis),
            "create_request",
            &format!("title=Broken&description=See+file&attachments[0]={screenshot}"),
        )
        .await;
    let reference = reference_of(&filed);

    // A file on an internal note stays with staff, and HTML never previews inline.
    let note_file = h
        .upload(Some(&sam), "notes.html", b"<script>alert(1)</script>")
        .await;
    let note_file_id = note_file.body[0]["id"].as_i64().unwrap();
    let noted = h
        .call(
            Some(&sam),
            "reply",
            &format!("reference={reference}&body=Internal+log&internal=true&attachments[0]={note_file_id}"),
        )
        .await;
    assert_eq!(noted.status, StatusCode::OK, "{}", noted.body);
    assert_eq!(
        h.get(Some(&luis), &format!("/files/{note_file_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let staff_copy = h
        .get(Some(&sam), &format!("/files/{note_file_id}?preview=1"))
        .await;
    assert_eq!(staff_copy.headers()[header::CONTENT_TYPE], "text/plain");
    assert!(
        staff_copy.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let client_page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    let client_files = client_page["detail"]["attachments"].as_array().unwrap();
    assert_eq!(
        client_files.len(),
        1,
        "the client sees their screenshot only: {client_files:?}"
    );
}

#[tokio::test]
async fn oversized_and_empty_uploads_get_a_clear_message() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let big = vec![b'a'; app::domain::attachment::MAX_ATTACHMENT_BYTES + 1];
    let refused = h.upload(Some(&luis), "huge.txt", &big).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("larger than 10 MB"),
        "{}",
        refused.body
    );
    let empty = h.upload(Some(&luis), "empty.txt", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = h.upload(None, "a.txt", b"hello").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let not_multipart = h
        .send(
            axum::http::Request::post("/files")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &luis)
                .body(axum::body::Body::from("file=hello"))
                .unwrap(),
        )
        .await;
    let status = not_multipart.status();
    let text = body_text(not_multipart).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("multipart/form-data"), "{text}");
}

#[tokio::test]
async fn unsent_uploads_are_capped_per_person_and_removed_after_three_days() {
    use app::backend::store::NewAttachment;
    use app::domain::attachment::{
        MAX_ATTACHMENT_BYTES, MAX_UNSENT_UPLOAD_BYTES, UNSENT_UPLOAD_KEPT_MS,
    };

    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let luis_id = h.id("luis@acme.example");
    // Files chosen earlier and never sent, up to four bytes short of the cap.
    let full = vec![b'a'; MAX_ATTACHMENT_BYTES];
    let mut left = MAX_UNSENT_UPLOAD_BYTES - 4;
    while left > 0 {
        let size = left.min(MAX_ATTACHMENT_BYTES);
        let file = NewAttachment {
            uploaded_by: luis_id,
            filename: "big.bin",
            content_type: "application/octet-stream",
            is_image: false,
            sha256: "00",
            content: &full[..size],
        };
        h.store
            .add_attachment(&file, h.clock.now_ms())
            .await
            .unwrap();
        left -= size;
    }
    let last_fit = h.upload(Some(&luis), "fits.txt", b"1234").await;
    assert_eq!(last_fit.status, StatusCode::OK, "{}", last_fit.body);
    let refused = h.upload(Some(&luis), "over.txt", b"1").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("not sent yet"),
        "{}",
        refused.body
    );
    // Someone else's unsent files do not count against Mei.
    let mei = h.sign_in("mei@acme.example").await;
    let theirs = h.upload(Some(&mei), "mine.txt", b"1").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);

    h.clock.advance(UNSENT_UPLOAD_KEPT_MS + 1);
    let later = h.upload(Some(&luis), "later.txt", b"1").await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.body);
    assert_eq!(h.store.unsent_upload_bytes(luis_id).await.unwrap(), 1);
    let mei_id = h.id("mei@acme.example");
    assert_eq!(h.store.unsent_upload_bytes(mei_id).await.unwrap(), 0);
}

/// `DELETE /files/{id}` as the file picker's "Remove" sends it.
async fn take_back(h: &Harness, cookie: Option<&str>, id: i64) -> StatusCode {
    h.delete(cookie, &format!("/files/{id}")).await.status()
}

#[tokio::test]
async fn an_upload_taken_off_a_form_is_removed_only_for_its_uploader_and_only_unsent() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let luis_id = h.id("luis@acme.example");
    let upload = |reply: Reply| reply.body[0]["id"].as_i64().unwrap();
    let removed = upload(h.upload(Some(&luis), "draft.txt", b"draft").await);
    let sent = upload(h.upload(Some(&luis), "sent.txt", b"sent").await);
    assert_eq!(h.store.unsent_upload_bytes(luis_id).await.unwrap(), 9);

    // Not signed in, or someone else (of the same company): nothing is removed, nothing learnt.
    assert_eq!(take_back(&h, None, removed).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        take_back(&h, Some(&mei), removed).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(h.store.unsent_upload_bytes(luis_id).await.unwrap(), 9);

    // Its uploader takes it back: it no longer counts, and cannot be fetched or sent.
    assert_eq!(
        take_back(&h, Some(&luis), removed).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(h.store.unsent_upload_bytes(luis_id).await.unwrap(), 4);
    let gone = h.get(Some(&luis), &format!("/files/{removed}")).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        take_back(&h, Some(&luis), removed).await,
        StatusCode::NOT_FOUND
    );

    // A file that went with a request stays with it.
    let filed = h
        .call(
            Some(&luis),
            "create_request",
            &format!("title=Logo&description=Attached&attachments[0]={sent}"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(
        take_back(&h, Some(&luis), sent).await,
        StatusCode::NOT_FOUND
    );
    let kept = h.get(Some(&luis), &format!("/files/{sent}")).await;
    assert_eq!(kept.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_second_editor_working_from_an_old_copy_gets_a_conflict() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let priya = h.sign_in("priya@agency.example").await;
    let reference = h.file("luis@acme.example", "Checkout broken").await;
    let version = h.store.ticket(reference).await.unwrap().facts.version;
    let sam_id = h.id("sam@agency.example");

    let first = h
        .call(
            Some(&sam),
            "update_ticket",
            &format!("reference={reference}&version={version}&priority=critical&assignee={sam_id}&tags=Checkout,+urgent"),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = h
        .call(
            Some(&priya),
            "update_ticket",
            &format!("reference={reference}&version={version}&priority=low"),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second.body.to_string().contains("Someone else changed"),
        "{}",
        second.body
    );

    let record = h.store.ticket(reference).await.unwrap();
    assert_eq!(
        record.summary.priority,
        app::domain::ticket::Priority::Critical,
        "not overwritten"
    );
    assert_eq!(record.facts.tags, ["checkout", "urgent"]);
    assert_eq!(record.summary.assignee_name.as_deref(), Some("Sam Rivera"));

    // Clients see the priority but never the tags or the triage event.
    let luis = h.sign_in("luis@acme.example").await;
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert_eq!(page["detail"]["summary"]["priority"], "critical");
    assert_eq!(page["detail"]["facts"]["tags"], serde_json::json!([]));
    assert!(!page.to_string().contains("fields_changed"));

    // A client cannot edit at all.
    let client_edit = h
        .call(
            Some(&luis),
            "update_ticket",
            &format!("reference={reference}&version=2&priority=low"),
        )
        .await;
    assert_eq!(client_edit.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn merging_moves_the_thread_and_tells_the_requester() {
    let h = harness().await;
    let jordan = h.sign_in("jordan@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let survivor = h.file("dana@acme.example", "Site is slow").await;
    let duplicate = h.file("luis@acme.example", "Website very slow today").await;
    h.call(
        Some(&luis),
        "reply",
        &format!("reference={duplicate}&body=Since+9am"),
    )
    .await;

    let merged = h
        .call(
            Some(&jordan),
            "merge_requests",
            &format!("duplicate={duplicate}&survivor={survivor}"),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);

    let old = h.store.ticket(duplicate).await.unwrap();
    assert_eq!(old.summary.status, TicketStatus::Completed);
    assert_eq!(old.merged_into, Some(survivor));
    let dup_page = h
        .call(Some(&luis), "get_ticket", &format!("reference={duplicate}"))
        .await
        .body;
    assert_eq!(dup_page["detail"]["merged_into"], survivor.to_string());
    assert!(
        dup_page.to_string().contains("merged_into"),
        "the requester is told"
    );

    // Acme shares requests company-wide, so Luis follows the survivor, which carries his thread.
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={survivor}"))
        .await
        .body;
    let text = page.to_string();
    assert!(
        text.contains("Since 9am") && text.contains("Website very slow today"),
        "{text}"
    );

    let again = h
        .call(
            Some(&jordan),
            "merge_requests",
            &format!("duplicate={duplicate}&survivor={survivor}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Bluebird keeps requests private to each requester: merging across people would leak.
    let grace_ticket = h.file("grace@bluebird.example", "Printer").await;
    let tom_ticket = h.file("tom@bluebird.example", "Printer too").await;
    let refused = h
        .call(
            Some(&jordan),
            "merge_requests",
            &format!("duplicate={tom_ticket}&survivor={grace_ticket}"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.to_string().contains("cannot see each other"),
        "{}",
        refused.body
    );
    let across = h
        .call(
            Some(&jordan),
            "merge_requests",
            &format!("duplicate={tom_ticket}&survivor={survivor}"),
        )
        .await;
    assert_eq!(across.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn tasks_stay_internal_and_the_last_one_done_prompts_the_owner() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let reference = h.file("luis@acme.example", "New landing page").await;
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=in_progress"),
    )
    .await;

    for title in ["Design+mockup", "Build+page"] {
        let added = h
            .call(
                Some(&sam),
                "add_task",
                &format!(
                    "reference={reference}&title={title}&due=2026-12-01&checklist=Draft%0AReview"
                ),
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    }
    let tasks = h.store.tasks(reference).await.unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0].checklist.len(), 2);
    let ticked = h
        .call(
            Some(&sam),
            "tick_checklist_item",
            &format!("task={}&index=1&done=true", tasks[0].id),
        )
        .await;
    assert_eq!(ticked.status, StatusCode::OK);
    assert_eq!(ticked.body, true, "the line's state as stored");
    assert!(h.store.tasks(reference).await.unwrap()[0].checklist[1].done);

    h.call(
        Some(&sam),
        "complete_task",
        &format!("task={}", tasks[0].id),
    )
    .await;
    // A done task's checklist is its record: a late tick is refused, saying why.
    let late = h
        .call(
            Some(&sam),
            "tick_checklist_item",
            &format!("task={}&index=0&done=true", tasks[0].id),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert!(
        late.body.to_string().contains("already done"),
        "{}",
        late.body
    );
    assert!(!h.store.tasks(reference).await.unwrap()[0].checklist[0].done);
    let last = h
        .call(
            Some(&sam),
            "complete_task",
            &format!("task={}", tasks[1].id),
        )
        .await;
    assert_eq!(last.status, StatusCode::OK);
    let timeline = h.store.timeline(reference, true).await.unwrap();
    assert!(timeline.iter().any(|e| matches!(
        e.change,
        app::domain::ticket::TicketChange::TaskDone { all_done: true, .. }
    )));

    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert_eq!(
        page["detail"]["summary"]["status"], "in_progress",
        "one request in progress"
    );
    assert_eq!(page["detail"]["tasks"], serde_json::json!([]));
    let text = page.to_string();
    assert!(
        !text.contains("Design mockup") && !text.contains("task_"),
        "{text}"
    );
}

/// An id that names nobody is the caller's mistake: a 4xx saying so, and nothing written.
#[tokio::test]
async fn a_task_for_someone_who_does_not_exist_is_refused_and_not_added() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let reference = h.file("luis@acme.example", "New landing page").await;
    let events_before = h.store.timeline(reference, true).await.unwrap().len();
    let added = h
        .call(
            Some(&sam),
            "add_task",
            &format!("reference={reference}&title=Design&assignee=999999"),
        )
        .await;
    assert!(added.status.is_client_error(), "{:?}", added.status);
    assert_eq!(
        added.body["Conflict"],
        "That refers to something that no longer exists."
    );
    assert!(h.store.tasks(reference).await.unwrap().is_empty());
    assert_eq!(
        h.store.timeline(reference, true).await.unwrap().len(),
        events_before
    );
}

#[tokio::test]
async fn talk_to_a_person_flags_the_request_until_staff_answer() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    let reference = h.file("luis@acme.example", "Email down").await;

    let bad = h
        .call(
            Some(&luis),
            "request_callback",
            &format!("reference={reference}&phone=call+me"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let asked = h
        .call(
            Some(&luis),
            "request_callback",
            &format!("reference={reference}&phone=%2B1+555+010+7788"),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let board = h.call(Some(&sam), "list_queue", "").await.body;
    let card = board["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["reference"] == reference.to_string())
        .unwrap()
        .clone();
    assert_eq!(card["callback_requested"], true);

    h.call(
        Some(&sam),
        "reply",
        &format!("reference={reference}&body=Calling+you+now"),
    )
    .await;
    assert!(
        !h.store
            .ticket(reference)
            .await
            .unwrap()
            .summary
            .callback_requested
    );

    // Without a request, it files one.
    let fresh = h
        .call(
            Some(&luis),
            "request_callback",
            "phone=%2B1+555+010+7788&note=About+the+invoice",
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    let new_ref: TicketRef = fresh.body.as_str().unwrap().parse().unwrap();
    let record = h.store.ticket(new_ref).await.unwrap();
    assert!(record.summary.callback_requested);
    assert_eq!(record.description, "About the invoice");
}

#[tokio::test]
async fn staff_file_on_behalf_of_a_contact() {
    let h = harness().await;
    let priya = h.sign_in("priya@agency.example").await;
    let mei_id = h.id("mei@acme.example");
    let missing = h
        .call(
            Some(&priya),
            "create_request",
            "title=Call&description=From+a+call",
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let filed = h
        .call(
            Some(&priya),
            "create_request",
            &format!("title=Phone+call&description=Mei+called+about+DNS&requester={mei_id}"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let record = h.store.ticket(reference_of(&filed)).await.unwrap();
    assert_eq!(record.summary.channel, Channel::Staff);
    assert_eq!(record.summary.requester_name, "Mei Chen");
    // A client cannot file for someone else.
    let luis = h.sign_in("luis@acme.example").await;
    let sneaky = h
        .call(
            Some(&luis),
            "create_request",
            &format!("title=X&description=Y&requester={mei_id}"),
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::FORBIDDEN);
}

/// The internal-note guarantee: a note never reaches a client through the thread, lists,
/// search, counts, live events, downloads or page HTML.
#[tokio::test]
async fn internal_notes_reach_no_client_surface() {
    let h = harness().await;
    let sam = h.sign_in("sam@agency.example").await;
    let luis = h.sign_in("luis@acme.example").await;
    let dana = h.sign_in("dana@acme.example").await;
    let reference = h.file("luis@acme.example", "Renew certificate").await;
    let before = h.store.ticket(reference).await.unwrap().summary.updated_at;
    h.clock.advance(60_000);
    let noted = h
        .call(
            Some(&sam),
            "reply",
            &format!("reference={reference}&body=ZEBRA-NOTE+client+is+overdue&internal=true"),
        )
        .await;
    assert_eq!(noted.status, StatusCode::OK);

    for client in [&luis, &dana] {
        for (function, form) in [
            ("get_ticket", format!("reference={reference}")),
            ("list_my_requests", String::new()),
            ("search_requests", "query=zebra".to_owned()),
            ("search_requests", "query=overdue".to_owned()),
        ] {
            let answer = h.call(Some(client), function, &form).await;
            assert_eq!(answer.status, StatusCode::OK, "{function}");
            let text = answer.body.to_string();
            assert!(!text.to_lowercase().contains("zebra"), "{function}: {text}");
            assert!(!text.contains("note_added"), "{function}: {text}");
        }
        let html = body_text(h.get(Some(client), &format!("/requests/{reference}")).await).await;
        assert!(html.contains("Renew certificate") && !html.contains("ZEBRA"));
    }
    // Not even "updated just now".
    assert_eq!(
        h.store.ticket(reference).await.unwrap().summary.updated_at,
        before
    );
    // Live events read through a client's scope skip it.
    let actor = h
        .store
        .active_actor(h.id("luis@acme.example"))
        .await
        .unwrap()
        .unwrap();
    let events = h
        .store
        .events_after(0, actor.ticket_scope(), false, 100)
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.event.change.is_internal()));
    // Staff do find it.
    let staff_hits = h
        .call(Some(&sam), "search_requests", "query=zebra")
        .await
        .body;
    assert_eq!(staff_hits[0]["ticket"]["reference"], reference.to_string());
}

#[tokio::test]
async fn client_search_finds_replies_with_highlights_within_scope() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let reference = h.file("luis@acme.example", "Newsletter signup").await;
    h.call(
        Some(&luis),
        "reply",
        &format!("reference={reference}&body=The+mailchimp+form+shows+<b>errors</b>"),
    )
    .await;
    let hits = h
        .call(Some(&luis), "search_requests", "query=mailchimp")
        .await
        .body;
    assert_eq!(hits[0]["ticket"]["reference"], reference.to_string());
    let snippet = hits[0]["snippet"].as_array().unwrap();
    assert!(snippet.iter().any(|p| {
        p["matched"] == true
            && p["text"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("mailchimp")
    }));
    let elsewhere = h
        .call(Some(&tom), "search_requests", "query=mailchimp")
        .await
        .body;
    assert_eq!(elsewhere, serde_json::json!([]));
    let operators = h
        .call(Some(&luis), "search_requests", "query=%22%29+OR+*+NEAR")
        .await;
    assert_eq!(
        operators.status,
        StatusCode::OK,
        "engine syntax is never passed through"
    );
}

#[tokio::test]
async fn my_requests_page_by_cursor() {
    let h: Harness = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    for n in 0..30 {
        h.clock.advance(1_000);
        h.file("luis@acme.example", &format!("Request {n}")).await;
    }
    let first = h.call(Some(&luis), "list_my_requests", "").await.body;
    assert_eq!(first["tickets"].as_array().unwrap().len(), 25);
    let cursor = first["next"].as_str().unwrap().to_owned();
    // Filed after the first page was read: it goes on top, and shifts nothing.
    h.clock.advance(1_000);
    h.file("luis@acme.example", "Late arrival").await;
    let second = h
        .call(Some(&luis), "list_my_requests", &format!("after={cursor}"))
        .await
        .body;
    let titles: Vec<&str> = second["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Request 4",
            "Request 3",
            "Request 2",
            "Request 1",
            "Request 0"
        ]
    );
    assert!(second["next"].is_null());
    let bad = h
        .call(Some(&luis), "list_my_requests", "after=not-a-cursor")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn talking_by_email_needs_no_phone_but_a_call_does() {
    let h = harness().await;
    let mei = h.sign_in("mei@acme.example").await;
    let no_number = h
        .call(Some(&mei), "request_callback", "reach_by=phone")
        .await;
    assert_eq!(no_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_email = h
        .call(
            Some(&mei),
            "request_callback",
            "reach_by=email&note=Quote+please",
        )
        .await;
    assert_eq!(by_email.status, StatusCode::OK, "{}", by_email.body);
    let reference: TicketRef = by_email.body.as_str().unwrap().parse().unwrap();
    let timeline = h.store.timeline(reference, false).await.unwrap();
    assert!(timeline.iter().any(|e| matches!(
        e.change,
        app::domain::ticket::TicketChange::CallbackRequested {
            reach_by: app::domain::ticket::ReachBy::Email,
            phone: None
        }
    )));
}

#[tokio::test]
async fn colleagues_who_see_a_request_may_follow_it() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let mei = h.sign_in("mei@acme.example").await;
    let tom = h.sign_in("tom@bluebird.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    let reference = h.file("luis@acme.example", "Shared printer").await;

    let page = h
        .call(Some(&mei), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert_eq!(page["following"], false);
    let followed = h
        .call(
            Some(&mei),
            "follow_request",
            &format!("reference={reference}&follow=true"),
        )
        .await;
    assert_eq!(followed.status, StatusCode::OK, "{}", followed.body);
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert_eq!(page["followers"], serde_json::json!(["Mei Chen"]));
    assert!(page["following"].is_null(), "the requester follows anyway");

    for (who, status) in [
        (&tom, StatusCode::NOT_FOUND),
        (&luis, StatusCode::FORBIDDEN),
        (&sam, StatusCode::FORBIDDEN),
    ] {
        let refused = h
            .call(
                Some(who),
                "follow_request",
                &format!("reference={reference}&follow=true"),
            )
            .await;
        assert_eq!(refused.status, status);
    }
    h.call(
        Some(&mei),
        "follow_request",
        &format!("reference={reference}&follow=false"),
    )
    .await;
    assert!(h.store.followers(reference).await.unwrap().is_empty());
}

#[tokio::test]
async fn mentions_of_colleagues_stand_out_in_notes() {
    let h = harness().await;
    let jordan = h.sign_in("jordan@agency.example").await;
    let reference = h.file("luis@acme.example", "DNS").await;
    h.call(
        Some(&jordan),
        "reply",
        &format!(
            "reference={reference}&body=%40sam+can+you+check%3F+mail+sam%40x.example&internal=true"
        ),
    )
    .await;
    let page = h
        .call(
            Some(&jordan),
            "get_ticket",
            &format!("reference={reference}"),
        )
        .await
        .body;
    let html = page["detail"]["timeline"][1]["html"].as_str().unwrap();
    assert!(
        html.contains("<strong>@sam</strong> can you check?"),
        "{html}"
    );
    assert!(!html.contains("<strong>@x"), "{html}");
}

#[tokio::test]
async fn staff_see_each_tickets_sla_clock_and_clients_do_not() {
    let h = harness().await;
    let luis = h.sign_in("luis@acme.example").await;
    let sam = h.sign_in("sam@agency.example").await;
    let filed = h
        .call(
            Some(&luis),
            "create_request",
            "title=Invoice&description=Copy+please",
        )
        .await;
    let reference = reference_of(&filed);
    let card = |board: &serde_json::Value| {
        board["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["reference"] == reference.to_string())
            .unwrap()["sla"]
            .clone()
    };
    let board = h.call(Some(&sam), "list_queue", "").await.body;
    let sla = card(&board);
    assert_eq!(sla["due_kind"], "first_response", "{sla}");
    assert!(
        matches!(sla["state"].as_str(), Some("running" | "breached")),
        "{sla}"
    );
    assert!(sla["due_at"].as_i64().unwrap() > h.clock.now_ms());

    let mine = h.call(Some(&luis), "list_my_requests", "").await.body;
    assert!(
        mine["tickets"][0]["sla"].is_null(),
        "the SLA clock is the agency's"
    );
    let page = h
        .call(Some(&luis), "get_ticket", &format!("reference={reference}"))
        .await
        .body;
    assert!(page["detail"]["summary"]["sla"].is_null());

    h.call(
        Some(&sam),
        "reply",
        &format!("reference={reference}&body=On+it"),
    )
    .await;
    h.call(
        Some(&sam),
        "change_status",
        &format!("reference={reference}&status=waiting_on_client"),
    )
    .await;
    let sla = card(&h.call(Some(&sam), "list_queue", "").await.body);
    assert_eq!(
        (sla["state"].as_str(), sla["due_kind"].as_str()),
        (Some("paused"), Some("resolution"))
    );
    assert!(sla["due_at"].is_null());
}
