//! The table from protocol methods to handlers. A notification's handler
//! gets the state (`&mut Session`) on the loop; a request's either answers
//! on the loop (lifecycle, pull bookkeeping) or takes a snapshot there and
//! is answered off it. A request for a method not in the table is answered
//! MethodNotFound; any other notification is dropped.

use ls_types::notification::{self as n, Notification};
use ls_types::request::{self as r, Request};
use serde::de::DeserializeOwned;

use super::*;

type NotificationHandler = fn(&mut Session, Value) -> std::result::Result<(), serde_json::Error>;
type RequestHandler = fn(&mut Session, Id, Value);

/// Reads a notification's parameters and hands them to its handler.
fn note<P: DeserializeOwned>(
    s: &mut Session,
    params: Value,
    handler: fn(&mut Session, P),
) -> std::result::Result<(), serde_json::Error> {
    handler(s, serde_json::from_value(params)?);
    Ok(())
}

const NOTIFICATIONS: &[(&str, NotificationHandler)] = &[
    (n::Initialized::METHOD, |s, p| {
        note(s, p, Session::initialized)
    }),
    (n::Cancel::METHOD, |s, p| note(s, p, Session::cancel)),
    (n::DidOpenTextDocument::METHOD, |s, p| {
        note(s, p, Session::did_open)
    }),
    (n::DidChangeTextDocument::METHOD, |s, p| {
        note(s, p, Session::did_change)
    }),
    (n::DidSaveTextDocument::METHOD, |s, p| {
        note(s, p, Session::did_save)
    }),
    (n::DidCloseTextDocument::METHOD, |s, p| {
        note(s, p, Session::did_close)
    }),
    (n::DidChangeWatchedFiles::METHOD, |s, p| {
        note(s, p, Session::did_change_watched_files)
    }),
    (n::DidChangeWorkspaceFolders::METHOD, |s, p| {
        note(s, p, Session::did_change_workspace_folders)
    }),
    (n::DidChangeConfiguration::METHOD, |s, p| {
        note(s, p, Session::did_change_configuration)
    }),
];

/// Parameters of a request that names one document.
trait OfDocument {
    fn uri(&self) -> &Uri;
}

macro_rules! of_document {
    ($($params:ty => |$p:ident| $uri:expr;)*) => {
        $(impl OfDocument for $params {
            fn uri(&self) -> &Uri {
                let $p = self;
                &$uri
            }
        })*
    };
}

of_document! {
    CompletionParams => |p| p.text_document_position.text_document.uri;
    HoverParams => |p| p.text_document_position_params.text_document.uri;
    SignatureHelpParams => |p| p.text_document_position_params.text_document.uri;
    ReferenceParams => |p| p.text_document_position.text_document.uri;
    DocumentFormattingParams => |p| p.text_document.uri;
    DocumentRangeFormattingParams => |p| p.text_document.uri;
    TextDocumentPositionParams => |p| p.text_document.uri;
    RenameParams => |p| p.text_document_position.text_document.uri;
    DocumentHighlightParams => |p| p.text_document_position_params.text_document.uri;
    InlayHintParams => |p| p.text_document.uri;
    CodeActionParams => |p| p.text_document.uri;
    DocumentSymbolParams => |p| p.text_document.uri;
    FoldingRangeParams => |p| p.text_document.uri;
    GotoDefinitionParams => |p| p.text_document_position_params.text_document.uri;
    DocumentLinkParams => |p| p.text_document.uri;
}

/// A request about one document, answered off the loop from a snapshot
/// of it (none when it is not open).
fn on_document<R: Request, T>(
    s: &mut Session,
    id: Id,
    params: Value,
    handler: fn(&RequestSnapshot, R::Params) -> Result<Option<T>>,
) where
    R::Params: OfDocument,
    T: serde::Serialize + Send + 'static,
{
    let params: R::Params = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => return s.answer::<()>(&id, Err(Error::invalid_params(e.to_string()))),
    };
    let Some(snapshot) = s.snapshot(params.uri()) else {
        return s.answer::<Option<T>>(&id, Ok(None));
    };
    s.spawn_request(id, R::METHOD, move || handler(&snapshot, params));
}

/// A request answered on the loop, for the state it reads or changes.
fn on_loop<R: Request>(
    s: &mut Session,
    id: Id,
    params: Value,
    handler: fn(&mut Session, Id, R::Params),
) {
    match serde_json::from_value(params) {
        Ok(p) => handler(s, id, p),
        Err(e) => s.answer::<()>(&id, Err(Error::invalid_params(e.to_string()))),
    }
}

const REQUESTS: &[(&str, RequestHandler)] = &[
    (r::Initialize::METHOD, |s, id, p| {
        on_loop::<r::Initialize>(s, id, p, Session::initialize)
    }),
    (r::Shutdown::METHOD, |s, id, _| {
        tracing::info!("shutdown");
        s.shutdown_requested = true;
        s.answer(&id, Ok(()));
    }),
    (r::Completion::METHOD, |s, id, p| {
        on_document::<r::Completion, _>(s, id, p, handlers::completion::handle)
    }),
    (r::HoverRequest::METHOD, |s, id, p| {
        on_document::<r::HoverRequest, _>(s, id, p, handlers::hover::handle)
    }),
    (r::SignatureHelpRequest::METHOD, |s, id, p| {
        on_document::<r::SignatureHelpRequest, _>(s, id, p, handlers::signature_help::handle)
    }),
    (r::References::METHOD, |s, id, p| {
        on_document::<r::References, _>(s, id, p, handlers::references::handle)
    }),
    (r::WillRenameFiles::METHOD, |s, id, p| {
        on_loop::<r::WillRenameFiles>(s, id, p, Session::will_rename_files)
    }),
    (r::Formatting::METHOD, |s, id, p| {
        on_document::<r::Formatting, _>(s, id, p, handlers::formatting::document)
    }),
    (r::RangeFormatting::METHOD, |s, id, p| {
        on_document::<r::RangeFormatting, _>(s, id, p, handlers::formatting::range)
    }),
    (r::PrepareRenameRequest::METHOD, |s, id, p| {
        on_document::<r::PrepareRenameRequest, _>(s, id, p, handlers::rename::prepare)
    }),
    (r::Rename::METHOD, |s, id, p| {
        on_document::<r::Rename, _>(s, id, p, handlers::rename::handle)
    }),
    (r::DocumentHighlightRequest::METHOD, |s, id, p| {
        on_document::<r::DocumentHighlightRequest, _>(
            s,
            id,
            p,
            handlers::document_highlight::handle,
        )
    }),
    (r::InlayHintRequest::METHOD, |s, id, p| {
        on_document::<r::InlayHintRequest, _>(s, id, p, handlers::inlay_hint::handle)
    }),
    (r::CodeActionRequest::METHOD, |s, id, p| {
        on_document::<r::CodeActionRequest, _>(s, id, p, handlers::code_action::handle)
    }),
    (r::DocumentSymbolRequest::METHOD, |s, id, p| {
        on_document::<r::DocumentSymbolRequest, _>(s, id, p, handlers::document_symbol::handle)
    }),
    (r::FoldingRangeRequest::METHOD, |s, id, p| {
        on_document::<r::FoldingRangeRequest, _>(s, id, p, handlers::folding_range::handle)
    }),
    (r::GotoDefinition::METHOD, |s, id, p| {
        on_document::<r::GotoDefinition, _>(s, id, p, handlers::definition::handle)
    }),
    (r::DocumentLinkRequest::METHOD, |s, id, p| {
        on_document::<r::DocumentLinkRequest, _>(s, id, p, handlers::document_link::handle)
    }),
    (r::DocumentDiagnosticRequest::METHOD, |s, id, p| {
        on_loop::<r::DocumentDiagnosticRequest>(s, id, p, Session::document_pull)
    }),
    (r::WorkspaceDiagnosticRequest::METHOD, |s, id, p| {
        on_loop::<r::WorkspaceDiagnosticRequest>(s, id, p, Session::workspace_pull)
    }),
];

/// Runs a notification's handler; a panic in it is logged and contained.
pub(super) fn notification(s: &mut Session, method: &str, params: Value) {
    let Some((method, handler)) = NOTIFICATIONS.iter().find(|(m, _)| *m == method) else {
        tracing::debug!(method, "notification the server does not offer; ignored");
        return;
    };
    let _ = contained(method, || {
        handler(s, params).map_err(|e| {
            tracing::warn!(method, "notification with bad parameters ignored: {e}");
            Error::invalid_params(e.to_string())
        })
    });
}

/// Runs a request's handler; a panic in its part on the loop is answered
/// as an internal error.
pub(super) fn request(s: &mut Session, id: Id, method: &str, params: Value) {
    let Some((method, handler)) = REQUESTS.iter().find(|(m, _)| *m == method) else {
        tracing::debug!(method, "request for a method the server does not offer");
        return s.answer::<()>(&id, Err(Error::method_not_found(method)));
    };
    let answer_id = id.clone();
    if let Err(e) = contained(method, || {
        handler(s, id, params);
        Ok(())
    }) {
        s.answer::<()>(&answer_id, Err(e));
    }
}
