//! Shared pieces of the delivery tests: a real `redis-server` per test,
//! and child processes of the test executable that the tests kill.

#![allow(dead_code, unreachable_pub)]

pub mod child;
pub mod redis_server;
