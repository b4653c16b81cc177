use std::path::PathBuf;

use super::Outcome;

pub fn run(_paths: &[PathBuf], _check: bool) -> Outcome {
    eprintln!("error: `docs` is not implemented yet");
    Outcome::InputError
}
