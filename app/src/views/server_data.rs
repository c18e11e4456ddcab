//! Data a page reads from the server: drawn on the server, handed to the browser in the page,
//! and read there again on every change.
//!
//! What the browser decodes goes through one JSON reader. Server functions read their
//! answers from bytes (`serde_json::from_slice`); Leptos' default resource codec reads the same
//! types from a `&str` (`from_str`), a second reader type, so every answer's decoder was compiled
//! twice into the WASM. Resources made here, and the app's own JSON reads, use the bytes reader.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// JSON written with `serde_json` and read from its bytes.
pub struct JsonBytes;

impl<T: Serialize> Encoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        read_json(text)
    }
}

/// A server function's answer kept by a page.
pub type ServerData<T> = Resource<Result<T, AppError>, JsonBytes>;

/// `Resource::new` with the app's codec: `fetch` runs again whenever `source` changes.
#[track_caller]
pub fn server_data<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> ServerData<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    Resource::new_with_options(source, fetch, false)
}

/// A value worked out from server data: in the browser a memo, so that what it draws is drawn
/// again only when the value changes; on the server worked out at every read. There a resource
/// resolves on another thread, and a memo computing at that moment can lose the news and keep
/// its earlier value: the server's page then left out what the browser drew (a request's reply
/// form, seen in CI), and taking the page over failed.
pub fn from_server_data<T>(compute: impl Fn() -> T + Send + Sync + 'static) -> Signal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        Memo::new(move |_| compute()).into()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Signal::derive(compute)
    }
}

/// Reads JSON the way server functions' answers are read (see the module's note).
pub fn read_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_slice(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let answer: Result<Vec<String>, AppError> = Ok(vec!["FD-1".into(), "é \"quoted\"".into()]);
        let text = <JsonBytes as Encoder<_>>::encode(&answer).unwrap();
        let read: Result<Vec<String>, AppError> = <JsonBytes as Decoder<_>>::decode(&text).unwrap();
        assert_eq!(read, answer);
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        assert!(read_json::<Vec<String>>("[\"unterminated").is_err());
    }
}
