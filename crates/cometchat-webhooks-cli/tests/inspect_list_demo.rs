//! `inspect`, `list`, `demo` and the help texts.

mod support;

use cometchat_webhooks::testing::{EventBuilder, SHAPE_VARIANTS, samples};
use cometchat_webhooks::{Event, Trigger};
use serde_json::{Value, json};
use support::{run, run_with_stdin, stderr, stdout};

#[test]
fn inspect_decodes_every_sample_from_a_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    for (trigger, body) in samples() {
        let path = dir.path().join(format!("{}.json", trigger.unique_name()));
        std::fs::write(&path, body).expect("write the sample");
        let output = run(&["inspect", path.to_str().expect("UTF-8 path")]);
        assert!(output.status.success(), "{trigger}: {}", stderr(&output));

        let text = stdout(&output);
        let event = Event::from_slice(body).expect("samples decode");
        assert!(text.contains(&format!("trigger          {}\n", trigger.as_str())), "{text}");
        assert!(text.contains(&format!("decoded as       {trigger:?}\n")), "{text}");
        let key = format!("idempotency key  {}\n", event.idempotency_key());
        assert!(text.contains(&key), "{text}");
        assert!(text.contains("did not decode   nothing"), "{text}");
        if let Some(sender) = event.sender_uid() {
            assert!(text.contains(&format!("sender           {sender}\n")), "{text}");
        }
    }
}

#[test]
fn inspect_json_carries_the_same_facts_as_the_library() {
    for (trigger, body) in samples() {
        let output = run_with_stdin(&["inspect", "--json"], body);
        assert!(output.status.success(), "{trigger}: {}", stderr(&output));
        let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
        let event = Event::from_slice(body).expect("samples decode");
        assert_eq!(json["known_trigger"], trigger.unique_name());
        assert_eq!(json["typed"], true);
        assert_eq!(json["idempotency_key"], event.idempotency_key().as_str());
        assert_eq!(json["sender"].as_str(), event.sender_uid());
        assert_eq!(json["message_id"].as_str(), event.message_id());
        assert_eq!(json["not_decoded"], Value::Null);
    }
}

#[test]
fn inspect_shows_the_path_that_did_not_decode() {
    // The group's id does not fit: the event cannot be typed. A webhook whose
    // data does not fit is still a webhook: it is shown in full, and the exit
    // code (5) tells scripts it was not typed.
    let body = EventBuilder::new(Trigger::GroupCreated).set("data.group.guid", json!([1])).body();
    let output = run_with_stdin(&["inspect", "-"], &body);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("decoded as       Undecodable"), "{text}");
    assert!(text.contains("did not decode   data.group.guid (as GroupCreated): "), "{text}");
    assert!(
        stderr(&output).contains("did not decode typed: data.group.guid"),
        "{}",
        stderr(&output)
    );

    let output = run_with_stdin(&["inspect", "--json"], br#"{"trigger":"brand_new","data":{}}"#);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["variant"], "Unknown");
    assert_eq!(json["not_decoded"]["path"], "data");
}

#[test]
fn inspect_shows_values_set_aside_and_succeeds() {
    // A field that does not fit, outside the event's identity, is set aside:
    // the event stays typed and `inspect` exits 0.
    let body = EventBuilder::new(Trigger::GroupCreated).set("data.group.createdAt", "later").body();
    let output = run_with_stdin(&["inspect", "-"], &body);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("decoded as       GroupCreated"), "{text}");
    assert!(text.contains("set aside        data.group.createdAt: "), "{text}");

    let output = run_with_stdin(&["inspect", "--json"], &body);
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["typed"], true);
    assert_eq!(json["set_aside"][0]["path"], "data.group.createdAt");
}

#[test]
fn list_names_every_trigger_with_its_facts() {
    let output = run(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for &trigger in Trigger::ALL {
        let line = text
            .lines()
            .find(|line| line.split_whitespace().next() == Some(trigger.unique_name()))
            .unwrap_or_else(|| panic!("{trigger} is not listed"));
        assert!(line.contains(trigger.category().as_str()), "{line}");
        assert!(line.ends_with(trigger.idempotency_recipe()), "{line}");
        assert_eq!(line.contains(" legacy "), trigger.is_legacy(), "{line}");
    }

    let output = run(&["list", "--json"]);
    let json: Vec<Value> = serde_json::from_str(&stdout(&output)).expect("a JSON array");
    assert_eq!(json.len(), Trigger::ALL.len());
    for (entry, trigger) in json.iter().zip(Trigger::ALL) {
        assert_eq!(entry["name"], trigger.unique_name());
        assert_eq!(entry["wire_name"], trigger.as_str());
        assert_eq!(entry["legacy"], trigger.is_legacy());
        assert_eq!(entry["idempotency_key"], trigger.idempotency_recipe());
    }
}

#[test]
fn demo_accepts_and_types_every_sample() {
    let output = run(&["demo"]);
    assert!(output.status.success(), "{}\n{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    for &trigger in Trigger::ALL {
        let found = text.lines().any(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            cells == ["ok", trigger.unique_name(), "200", "OK", &format!("{trigger:?}")]
        });
        assert!(found, "no passing row for {trigger} in:\n{text}");
    }
    for variant in SHAPE_VARIANTS {
        let line = text.lines().find(|line| line.ends_with(variant.name));
        let line = line.unwrap_or_else(|| panic!("{} missing", variant.name));
        assert!(line.starts_with("ok  200 OK  "), "{line}");
    }
    assert!(text.contains("A wrong password was refused with 401 Unauthorized."), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for command in [
        &["list"][..],
        &["send"],
        &["listen"],
        &["inspect"],
        &["replay"],
        &["demo"],
        &["media", "presign"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let output = run(&args);
        assert!(output.status.success(), "{command:?}");
        let help = stdout(&output);
        assert!(help.contains("Example"), "{command:?} help has no example:\n{help}");
        assert!(help.contains("cometchat-webhooks "), "{command:?}");
    }
}
