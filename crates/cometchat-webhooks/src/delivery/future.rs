//! [`StoreFuture`]: what every store method returns.

use std::future::Future;
use std::pin::Pin;

use super::error::DeliveryError;

/// The boxed future store methods return, so the traits can be used as
/// `dyn EventQueue` / `dyn DedupeStore` and implemented over any async
/// client.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DeliveryError>> + Send + 'a>>;
