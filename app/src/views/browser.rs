//! The few things only a browser can do. On the server they do nothing.

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

/// Uploads the files chosen in the `<input type="file">` that fired `event`, then empties the
/// input so the same file can be chosen again. `done` gets the server's answer.
pub fn upload_chosen_files<F>(event: &leptos::ev::Event, done: F)
where
    F: FnOnce(Result<Vec<crate::api::attachments::UploadedFile>, crate::error::AppError>) + 'static,
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
            done(crate::api::attachments::upload_attachment(form.into()).await);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, done);
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
