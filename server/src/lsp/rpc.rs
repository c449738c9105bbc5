//! JSON-RPC 2.0 as LSP uses it: the messages the transport hands the
//! server's loop, the errors a handler answers with, and the bodies the
//! loop writes. The server's own, in place of tower-lsp-server's service,
//! so that one loop owns the state (see docs/architecture.md).

use serde::Serialize;
use serde_json::{json, Value};

/// A request's id: a number or a string, kept as the client sent it.
pub type Id = Value;

/// An error answered to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: i64,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(-32600, message)
    }

    pub fn method_not_found(method: &str) -> Self {
        Self::new(-32601, format!("method not found: {method}"))
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }

    pub fn internal_error() -> Self {
        Self::new(-32603, "internal error")
    }

    pub fn not_initialized() -> Self {
        Self::new(-32002, "the server is not initialized yet")
    }

    pub fn request_cancelled() -> Self {
        Self::new(-32800, "request cancelled")
    }

    /// The request was valid and cannot be carried out (LSP's
    /// RequestFailed), with a message the editor shows.
    pub fn request_failed(message: impl Into<String>) -> Self {
        Self::new(-32803, message)
    }
}

/// A message from the client.
#[derive(Debug)]
pub enum Message {
    Request {
        id: Id,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// The answer to a request the server sent: its result, or its error.
    Response {
        id: Id,
        result: std::result::Result<Value, Value>,
    },
}

impl Message {
    /// Reads a JSON value as a message; the error to answer when it is not one.
    pub fn from_value(mut value: Value) -> std::result::Result<Self, Value> {
        let id = value.get("id").cloned();
        let valid_id = |id: &Value| id.is_number() || id.is_string();
        if let Some(method) = value.get("method") {
            let Some(method) = method.as_str().map(str::to_string) else {
                return Err(error_body(
                    &id.unwrap_or(Value::Null),
                    &Error::invalid_request("invalid request: `method` is not a string"),
                ));
            };
            let params = value
                .get_mut("params")
                .map(Value::take)
                .unwrap_or(Value::Null);
            return match id {
                None => Ok(Message::Notification { method, params }),
                Some(id) if valid_id(&id) => Ok(Message::Request { id, method, params }),
                Some(id) => Err(error_body(
                    &Value::Null,
                    &Error::invalid_request(format!(
                        "invalid request: the id {id} is not a number or a string"
                    )),
                )),
            };
        }
        let id = id.unwrap_or(Value::Null);
        if let Some(result) = value.get_mut("result") {
            return Ok(Message::Response {
                id,
                result: Ok(result.take()),
            });
        }
        if let Some(error) = value.get_mut("error") {
            return Ok(Message::Response {
                id,
                result: Err(error.take()),
            });
        }
        Err(error_body(
            &id,
            &Error::invalid_request("invalid request: not a JSON-RPC message"),
        ))
    }
}

/// The body answering request `id` with `result`.
pub fn response_body<T: Serialize>(id: &Id, result: Result<T>) -> String {
    let value = match result.map(|r| serde_json::to_value(r)) {
        Ok(Ok(value)) => json!({ "jsonrpc": "2.0", "id": id, "result": value }),
        Ok(Err(e)) => {
            tracing::error!("an answer could not be serialised: {e}");
            return error_body(id, &Error::internal_error()).to_string();
        }
        Err(e) => return error_body(id, &e).to_string(),
    };
    value.to_string()
}

/// An error answer.
pub fn error_body(id: &Id, error: &Error) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": error.code, "message": error.message },
    })
}

/// A notification's body.
pub fn notification_body(method: &str, params: impl Serialize) -> String {
    json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string()
}

/// A request's body (from the server to the client).
pub fn request_body(id: i64, method: &str, params: impl Serialize) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_told_apart_by_their_members() {
        let m = |v: Value| Message::from_value(v);
        assert!(matches!(
            m(json!({"jsonrpc":"2.0","id":1,"method":"x","params":{}})),
            Ok(Message::Request { .. })
        ));
        assert!(matches!(
            m(json!({"jsonrpc":"2.0","method":"x"})),
            Ok(Message::Notification { .. })
        ));
        assert!(matches!(
            m(json!({"jsonrpc":"2.0","id":"a","result":null})),
            Ok(Message::Response { result: Ok(_), .. })
        ));
        assert!(matches!(
            m(json!({"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}})),
            Ok(Message::Response { result: Err(_), .. })
        ));
        let bad = m(json!({"jsonrpc":"2.0","id":[1],"method":"x"})).unwrap_err();
        assert_eq!(bad["error"]["code"], -32600);
        let bad = m(json!({"id":2})).unwrap_err();
        assert_eq!(
            (bad["id"].clone(), bad["error"]["code"].clone()),
            (json!(2), json!(-32600))
        );
    }

    #[test]
    fn an_error_result_is_an_error_answer() {
        let body = response_body::<()>(&json!(7), Err(Error::request_cancelled()));
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], -32800);
        assert_eq!(v["id"], 7);
    }
}
