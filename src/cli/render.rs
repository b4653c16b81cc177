use std::path::Path;

use super::Outcome;

pub fn run(_file: &Path, _ascii: bool, _trim: bool, _output: Option<&Path>) -> Outcome {
    eprintln!("error: `render` is not implemented yet");
    Outcome::InputError
}
