//! Colour (decided by `anstream`: only on a terminal, never with
//! `NO_COLOR`, always with `CLICOLOR_FORCE`), aligned tables, and the
//! one-line error every failure ends with.

use std::fmt::Display;
use std::io::Write;

use anstream::ColorChoice;
use anstream::stream::RawStream;
use anstyle::{AnsiColor, Style};

use crate::errors::CliError;

/// Paints text when the stream it goes to is a terminal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    enabled: bool,
}

impl Palette {
    pub(crate) fn for_stdout() -> Self {
        Self::for_stream(&std::io::stdout())
    }

    pub(crate) fn for_stderr() -> Self {
        Self::for_stream(&std::io::stderr())
    }

    fn for_stream(stream: &impl RawStream) -> Self {
        Self { enabled: anstream::AutoStream::choice(stream) != ColorChoice::Never }
    }

    /// Never paints.
    #[cfg(test)]
    pub(crate) const fn plain() -> Self {
        Self { enabled: false }
    }

    pub(crate) fn paint(self, style: Style, text: impl Display) -> String {
        if self.enabled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    pub(crate) fn good(self, text: impl Display) -> String {
        self.paint(colour(AnsiColor::Green), text)
    }

    pub(crate) fn bad(self, text: impl Display) -> String {
        self.paint(colour(AnsiColor::Red).bold(), text)
    }

    pub(crate) fn warn(self, text: impl Display) -> String {
        self.paint(colour(AnsiColor::Yellow), text)
    }

    pub(crate) fn strong(self, text: impl Display) -> String {
        self.paint(colour(AnsiColor::Cyan).bold(), text)
    }

    pub(crate) fn dim(self, text: impl Display) -> String {
        self.paint(Style::new().dimmed(), text)
    }
}

fn colour(colour: AnsiColor) -> Style {
    Style::new().fg_color(Some(colour.into()))
}

/// `error: <message>` on stderr.
pub(crate) fn print_error(error: &CliError) {
    let palette = Palette::for_stderr();
    eprintln!("{} {error}", palette.bad("error:"));
}

/// A warning on stderr.
pub(crate) fn print_warning(message: impl Display) {
    let palette = Palette::for_stderr();
    eprintln!("{} {message}", palette.warn("warning:"));
}

/// Writes `text` and a newline to stdout in one piece. A reader that went
/// away (`… | head`) is not an error: there is nobody left to tell.
pub(crate) fn print_line(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(text.as_bytes()).and_then(|()| stdout.write_all(b"\n"));
    match written.and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Output { source: error })
        }
        _ => Ok(()),
    }
}

/// Prints a value as one line of JSON on stdout.
pub(crate) fn print_json_line(value: &impl serde::Serialize) -> Result<(), CliError> {
    let line =
        serde_json::to_string(value).map_err(|error| CliError::Output { source: error.into() })?;
    print_line(&line)
}

/// Prints a value as indented JSON on stdout.
pub(crate) fn print_json_pretty(value: &impl serde::Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|error| CliError::Output { source: error.into() })?;
    print_line(&text)
}

/// Rows whose columns line up; the last column is not padded. Widths are
/// counted before painting, so colour does not disturb the alignment.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<Vec<Cell>>,
}

#[derive(Debug)]
struct Cell {
    text: String,
    painted: String,
}

impl Table {
    pub(crate) fn row(&mut self, cells: Vec<(String, String)>) {
        self.rows.push(cells.into_iter().map(|(text, painted)| Cell { text, painted }).collect());
    }

    /// A row of unpainted cells.
    pub(crate) fn plain_row<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, cells: I) {
        self.row(
            cells
                .into_iter()
                .map(|cell| {
                    let text = cell.into();
                    (text.clone(), text)
                })
                .collect(),
        );
    }

    pub(crate) fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|column| {
                let cells = self.rows.iter().filter_map(|row| row.get(column));
                cells.map(|cell| cell.text.chars().count()).max().unwrap_or(0)
            })
            .collect();
        let mut rendered = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                line.push_str(&cell.painted);
                if column + 1 < row.len() {
                    let padding = widths[column] - cell.text.chars().count() + 2;
                    line.push_str(&" ".repeat(padding));
                }
            }
            rendered.push_str(line.trim_end());
            rendered.push('\n');
        }
        rendered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_the_last_is_not_padded() {
        let mut table = Table::default();
        table.plain_row(["a", "bb", "c"]);
        table.plain_row(["ccc", "d", ""]);
        assert_eq!(table.render(), "a    bb  c\nccc  d\n");
    }

    #[test]
    fn colour_is_off_when_disabled() {
        let palette = Palette { enabled: false };
        assert_eq!(palette.good("ok"), "ok");
        let painted = Palette { enabled: true }.good("ok");
        assert!(painted.contains("ok") && painted.starts_with('\u{1b}'));
    }
}
