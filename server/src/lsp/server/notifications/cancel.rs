//! `$/cancelRequest`: a request answered off the loop is answered as
//! cancelled if its answer has not gone yet. Cancelling what is done, or
//! never was, does nothing.

use std::sync::atomic::Ordering;

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn cancel(&mut self, params: CancelParams) {
        let key = match params.id {
            NumberOrString::Number(n) => n.to_string(),
            NumberOrString::String(s) => Value::String(s).to_string(),
        };
        if let Some(flag) = self.in_flight.get(&key) {
            flag.store(true, Ordering::SeqCst);
        }
    }
}
