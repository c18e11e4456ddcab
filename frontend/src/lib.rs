//! The browser entry point: takes over the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The lazily loaded pages (`app::views::lazy_pages`) need their chunk before they can take
    // over what the server drew: hydration waits for it.
    leptos::mount::hydrate_lazy(app::App);
}
