//! Choosing files to send with a request or message, and showing the files a ticket has.

use leptos::prelude::*;

use crate::domain::attachment::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, UploadedFile, human_size};
use crate::domain::ticket::AttachmentInfo;
use crate::views::browser::{take_back_upload, upload_chosen_files};

/// The files chosen for a form: those uploaded, ready to go with it, and whether more are still
/// uploading (the form waits for them: sent meanwhile, they would be left off).
#[derive(Clone, Copy, Default)]
pub struct ChosenFiles {
    pub ready: RwSignal<Vec<UploadedFile>>,
    pub uploading: RwSignal<bool>,
}

/// A file button that uploads at once and lists what will be sent, each removable. The chosen
/// files travel with the surrounding form as hidden `attachments[i]` fields.
#[component]
pub fn AttachmentPicker(
    chosen: ChosenFiles,
    /// The input's id, when a page has two pickers.
    #[prop(default = "attachments")]
    id: &'static str,
) -> impl IntoView {
    let ChosenFiles {
        ready: files,
        uploading,
    } = chosen;
    let error = RwSignal::new(None::<String>);
    let on_change = move |event: leptos::ev::Event| {
        uploading.set(true);
        error.set(None);
        upload_chosen_files(&event, move |result| {
            uploading.set(false);
            match result {
                Ok(uploaded) => files.update(|list| {
                    list.extend(uploaded);
                    if list.len() > MAX_ATTACHMENTS {
                        let left_out: Vec<String> = list
                            .drain(MAX_ATTACHMENTS..)
                            .map(|file| {
                                take_back_upload(file.id);
                                format!("“{}”", file.filename)
                            })
                            .collect();
                        error.set(Some(format!(
                            "Attach at most {MAX_ATTACHMENTS} files: {} left out.",
                            left_out.join(", ")
                        )));
                    }
                }),
                Err(failure) => error.set(Some(
                    failure
                        .field_message("attachments")
                        .unwrap_or_else(|| failure.to_string()),
                )),
            }
        });
    };
    let error_id = format!("{id}-error");
    let full = move || uploading.get() || files.read().len() >= MAX_ATTACHMENTS;
    let hint = format!(
        "Up to {MAX_ATTACHMENTS} files, {} MB each.",
        MAX_ATTACHMENT_BYTES / (1024 * 1024)
    );
    view! {
        <div class="attach">
            <label class="attach__button button button--small" for=id>
                {move || if uploading.get() { "Uploading…" } else { "Attach files" }}
            </label>
            <input
                class="visually-hidden"
                id=id
                type="file"
                multiple=true
                aria-describedby=error_id.clone()
                disabled=full
                on:change=on_change
            />
            <span class="attach__hint">{hint}</span>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
            <ul class="attach__list" aria-label="Files to send">
                <For
                    each=move || files.get().into_iter().enumerate()
                    // The position too: a row moved up by a removal must be drawn again with
                    // its new field name (two `attachments[1]` would make the form unreadable).
                    key=|(index, file)| (*index, file.id)
                    children=move |(index, file)| {
                        let name = file.filename.clone();
                        let remove_label = format!("Remove {name}");
                        view! {
                            <li class="attach__file">
                                <input type="hidden" name=format!("attachments[{index}]") value=file.id/>
                                <span class="attach__name">{file.filename}</span>
                                <span class="attach__size">{human_size(file.size_bytes)}</span>
                                <button
                                    type="button"
                                    class="button button--quiet button--small"
                                    aria-label=remove_label
                                    on:click=move |_| {
                                        files.update(|list| list.retain(|f| f.id != file.id));
                                        take_back_upload(file.id);
                                    }
                                >
                                    "Remove"
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
        </div>
    }
}

/// Files shown with a message: downloads, with previews for real raster images.
#[component]
pub fn AttachmentList(files: Vec<AttachmentInfo>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="files" aria-label="Attached files">
                {files
                    .into_iter()
                    .map(|file| {
                        let href = format!("/files/{}", file.id);
                        let download = file.filename.clone();
                        let preview = file.is_image.then(|| {
                            let src = format!("/files/{}?preview=1", file.id);
                            view! { <img class="files__preview" src=src alt="" loading="lazy"/> }
                        });
                        view! {
                            <li class="files__item">
                                {preview}
                                <a class="files__link" href=href download=download>
                                    {file.filename}
                                </a>
                                <span class="files__size">{human_size(file.size_bytes)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
