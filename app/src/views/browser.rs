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
