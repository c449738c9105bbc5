//! What the server sends the client: notifications, and requests whose
//! answers come back to the loop, each to the callback it was sent with.

use super::*;

/// What to do with the client's answer to a request, on the loop.
pub(super) type OnAnswer = Box<dyn FnOnce(&mut Session, std::result::Result<Value, Value>) + Send>;

/// The output to the client and the requests it has not answered yet.
pub(super) struct Client {
    pub(super) out: UnboundedSender<String>,
    next_id: i64,
    pending: HashMap<i64, OnAnswer>,
}

impl Client {
    pub(super) fn new(out: UnboundedSender<String>) -> Self {
        Self {
            out,
            next_id: 0,
            pending: HashMap::new(),
        }
    }

    pub(super) fn send(&self, body: String) {
        // A closed output means the writer is gone; the loop ends soon.
        let _ = self.out.send(body);
    }

    pub(super) fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(super::super::rpc::notification_body(method, params));
    }

    /// Sends a request; `on_answer` gets the answer on the loop. A client
    /// that never answers holds nothing up.
    pub(super) fn request(
        &mut self,
        method: &str,
        params: impl serde::Serialize,
        on_answer: OnAnswer,
    ) {
        self.next_id += 1;
        let id = self.next_id;
        self.pending.insert(id, on_answer);
        self.send(super::super::rpc::request_body(id, method, params));
    }

    /// A request whose answer only matters if it is an error, then logged.
    pub(super) fn request_logged(&mut self, method: &'static str, params: impl serde::Serialize) {
        self.request(
            method,
            params,
            Box::new(move |_, answer| {
                if let Err(e) = answer {
                    tracing::debug!("{method}: {e}");
                }
            }),
        );
    }

    /// The callback of the request `id` answers, if it is one of ours.
    pub(super) fn answered(&mut self, id: &Id) -> Option<OnAnswer> {
        self.pending.remove(&id.as_i64()?)
    }

    pub(super) fn log_message(&self, typ: MessageType, message: String) {
        self.notify("window/logMessage", LogMessageParams { typ, message });
    }
}
