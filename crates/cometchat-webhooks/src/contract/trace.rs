//! One log line per refused request: why (a fixed phrase) and the status.
//! Never the credentials, never the body: a parse error's own message can
//! quote body text, so only its kind is logged.

use super::Rejection;
use crate::error::AuthError;

/// Logs `rejection` at `info` (a wrong password or an oversized body is
/// what an operator looks for when CometChat reports failed deliveries).
pub(crate) fn refused(rejection: &Rejection) {
    tracing::info!(
        target: "cometchat_webhooks::refused",
        status = rejection.status(),
        reason = reason(rejection),
        "CometChat webhook refused"
    );
}

fn reason(rejection: &Rejection) -> &'static str {
    match rejection {
        Rejection::Unauthorized(AuthError::Missing) => "no Authorization header",
        Rejection::Unauthorized(AuthError::Malformed(_)) => "malformed Authorization header",
        Rejection::Unauthorized(AuthError::Wrong) => "wrong credentials",
        Rejection::Unauthorized(AuthError::Repeated) => "more than one Authorization header",
        Rejection::PayloadTooLarge { .. } => "body over the limit",
        Rejection::BodyRead => "body could not be read",
        Rejection::BadRequest(_) => "body is not a CometChat webhook",
        _ => "refused",
    }
}
