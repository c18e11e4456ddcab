//! The few things only a browser can do. On the server they do nothing.

#[cfg(feature = "hydrate")]
use crate::domain::attachment::FILES_PATH;
use crate::domain::attachment::UploadedFile;
use crate::error::AppError;

/// A full page load of `path`: after signing in or out, every piece of state starts over.
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Marks the page as interactive (`<body data-hydrated>`), for tests and for styles that should
/// only apply once the app runs.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

/// Uploads the files chosen in the `<input type="file">` that fired `event` (`POST /files`), then
/// empties the input so the same file can be chosen again. `done` gets the server's answer.
pub fn upload_chosen_files<F>(event: &leptos::ev::Event, done: F)
where
    F: FnOnce(Result<Vec<UploadedFile>, AppError>) + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files().filter(|f| f.length() > 0) else {
            return;
        };
        let Ok(form) = web_sys::FormData::new() else {
            return;
        };
        for index in 0..files.length() {
            if let Some(file) = files.get(index) {
                let _ = form.append_with_blob_and_filename("file", &file, &file.name());
            }
        }
        input.set_value("");
        leptos::task::spawn_local(async move {
            done(post_files(form).await);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, done);
}

/// Sends a multipart form to `POST /files` and reads the answer: the stored files, or the
/// server's error.
#[cfg(feature = "hydrate")]
async fn post_files(form: web_sys::FormData) -> Result<Vec<UploadedFile>, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let window = web_sys::window().ok_or(AppError::Unreachable)?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(FILES_PATH, &init))
            .await
            .ok()
            .and_then(|r| r.dyn_into().ok())
            .ok_or(AppError::Unreachable)?;
    let text = JsFuture::from(response.text().map_err(|_| AppError::Unreachable)?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Internal)
    } else {
        // Errors come as `{"error": "…", "detail": AppError}`.
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|body| serde_json::from_value(body["detail"].clone()).ok())
            .map_or(Err(AppError::Internal), Err)
    }
}

/// Puts `text` into the text area with id `id` (inserting a canned reply), and focuses it.
pub fn fill_text_area(id: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(area) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            area.set_value(text);
            let _ = area.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, text);
}
