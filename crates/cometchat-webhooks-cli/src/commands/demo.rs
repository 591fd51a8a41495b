//! `demo`: a receiver in this process, every bundled sample sent to it over
//! real HTTP with Basic auth, and a table of how each was answered and
//! decoded. Needs nothing but this binary.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use cometchat_webhooks::testing::{SHAPE_VARIANTS, basic_auth_header, sample_body, samples};
use cometchat_webhooks::{BasicAuth, Trigger};
use tokio::sync::{mpsc, oneshot};

use crate::cli::DemoArgs;
use crate::errors::CliError;
use crate::http_client::{Answer, WebhookSender};
use crate::output::{Palette, Table, print_line};
use crate::receiver::{LocalReceiver, ReceiverSettings, Report, Reporter};
use crate::server_limits::ServerLimits;

const DEMO_USERNAME: &str = "cometchat";

const NEXT_STEPS: &str = "
Next, in two terminals:
  cometchat-webhooks listen --allow-unauthenticated            # a receiver on 127.0.0.1:8787
  cometchat-webhooks send message_sent --no-auth --url http://127.0.0.1:8787/
Or point `send` at your own receiver; `cometchat-webhooks list` shows every trigger.";

/// One body to send, and the trigger it must decode to.
struct Case {
    /// A bundled sample, or another shape of a trigger.
    is_sample: bool,
    label: String,
    expected: Trigger,
    body: &'static [u8],
}

/// How one case went.
struct Row {
    is_sample: bool,
    label: String,
    status: Result<Answer, CliError>,
    decoded_as: Option<String>,
    passed: bool,
}

pub(crate) async fn run(args: DemoArgs) -> Result<(), CliError> {
    let password = one_off_password();
    let auth = BasicAuth::new(DEMO_USERNAME, &password)
        .map_err(|source| CliError::BadCredentials { source })?;
    let (reports_tx, mut reports) = mpsc::unbounded_channel();
    let reporter: Reporter = Arc::new(move |report| {
        // Only fails once the demo stopped reading, while shutting down.
        let _ = reports_tx.send(report);
    });
    let receiver = LocalReceiver::bind(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ReceiverSettings {
            auth,
            save_dir: None,
            reporter,
            durable: None,
            limits: ServerLimits::default(),
        },
    )
    .await?;
    let url = receiver.url();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(receiver.serve(async {
        // A dropped sender stops the receiver too.
        let _ = stopped.await;
    }));

    let cases = cases();
    print_line(&format!(
        "Receiver listening on {url} (in this process, Basic auth); sending {} bodies over HTTP.\n",
        cases.len()
    ))?;
    let timeout = args.timeout.timeout;
    let authorised =
        WebhookSender::new(&url, Some(basic_auth_header(DEMO_USERNAME, &password)), timeout)?;
    let rows = send_every_case(&authorised, cases, &mut reports).await;
    let wrong = WebhookSender::new(&url, Some(basic_auth_header(DEMO_USERNAME, "wrong")), timeout)?;
    let wrong_password = wrong.post(sample_body(Trigger::MessageSent).to_vec()).await;

    drop(stop);
    // A receiver that failed shows as failed rows already.
    let _ = server.await;
    print_outcome(&rows, &wrong_password, Palette::for_stdout())
}

/// Sends the cases one after the other, pairing each answer with what the
/// receiver decoded.
async fn send_every_case(
    sender: &WebhookSender,
    cases: Vec<Case>,
    reports: &mut mpsc::UnboundedReceiver<Report>,
) -> Vec<Row> {
    let mut rows = Vec::with_capacity(cases.len());
    for case in cases {
        let status = sender.post(case.body.to_vec()).await;
        // The router answers after its handler ran, so the report of this
        // delivery is already waiting.
        let decoded = match reports.try_recv() {
            Ok(Report::Delivery { summary, .. }) => Some(summary),
            _ => None,
        };
        let passed = status.as_ref().is_ok_and(Answer::is_success)
            && decoded.as_ref().is_some_and(|summary| {
                summary.typed && summary.known_trigger == Some(case.expected.unique_name())
            });
        rows.push(Row {
            is_sample: case.is_sample,
            label: case.label,
            status,
            decoded_as: decoded.map(|summary| summary.variant),
            passed,
        });
    }
    rows
}

/// The tables, then whether everything passed.
fn print_outcome(
    rows: &[Row],
    wrong_password: &Result<Answer, CliError>,
    palette: Palette,
) -> Result<(), CliError> {
    let (sample_rows, shape_rows): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|row| row.is_sample);
    print_line(&render_samples(&sample_rows, palette))?;
    print_line("Other shapes CometChat is known to send:")?;
    print_line(&render_shapes(&shape_rows, palette))?;

    let refused = wrong_password.as_ref().is_ok_and(|answer| answer.status.as_u16() == 401);
    match wrong_password {
        Ok(answer) if refused => {
            print_line(&format!("A wrong password was refused with {}.", answer.status_line()))?
        }
        Ok(answer) => print_line(
            &palette
                .bad(format!("A wrong password was answered {}, not 401.", answer.status_line())),
        )?,
        Err(error) => print_line(&palette.bad(format!("A wrong password got no answer: {error}")))?,
    }
    let failed = rows.iter().filter(|row| !row.passed).count() + usize::from(!refused);
    if failed > 0 {
        return Err(CliError::DemoFailed { failed, total: rows.len() + 1 });
    }
    print_line(&palette.good(format!(
        "All {} bodies were accepted and decoded into their typed payloads.",
        rows.len()
    )))?;
    print_line(NEXT_STEPS)
}

/// Every bundled sample, then the other shapes CometChat is known to send.
fn cases() -> Vec<Case> {
    let samples = samples().map(|(trigger, body)| Case {
        is_sample: true,
        label: trigger.unique_name().to_owned(),
        expected: trigger,
        body,
    });
    let variants = SHAPE_VARIANTS.iter().map(|variant| Case {
        is_sample: false,
        label: variant.name.to_owned(),
        expected: variant.trigger,
        body: variant.body,
    });
    samples.chain(variants).collect()
}

/// Trigger → HTTP status → decoded variant.
fn render_samples(rows: &[&Row], palette: Palette) -> String {
    let mut table = Table::default();
    table.plain_row(["", "TRIGGER", "HTTP", "DECODED AS"]);
    for row in rows {
        let [mark, status, decoded] = cells(row, palette);
        table.row(vec![mark, (row.label.clone(), palette.strong(&row.label)), status, decoded]);
    }
    table.render()
}

/// The same, with the shape's long description last, so it pads nothing.
fn render_shapes(rows: &[&Row], palette: Palette) -> String {
    let mut table = Table::default();
    table.plain_row(["", "HTTP", "DECODED AS", "SHAPE"]);
    for row in rows {
        let [mark, status, decoded] = cells(row, palette);
        table.row(vec![mark, status, decoded, (row.label.clone(), row.label.clone())]);
    }
    table.render()
}

/// Pass mark, status and decoded variant, each as (text, painted).
fn cells(row: &Row, palette: Palette) -> [(String, String); 3] {
    let mark = if row.passed {
        ("ok".to_owned(), palette.good("ok"))
    } else {
        ("FAIL".to_owned(), palette.bad("FAIL"))
    };
    let status = match &row.status {
        Ok(answer) => answer.status_line(),
        Err(error) => error.to_string(),
    };
    let decoded = row.decoded_as.clone().unwrap_or_else(|| "-".to_owned());
    [mark, (status.clone(), status), (decoded.clone(), decoded)]
}

/// A password nobody else knows, for a receiver that lives a second. The
/// standard library's hasher keys are random per process.
fn one_off_password() -> String {
    let state = RandomState::new();
    format!("{:016x}{:016x}", state.hash_one(1_u8), state.hash_one(2_u8))
}
