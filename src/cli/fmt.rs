use std::path::PathBuf;

use super::Outcome;

pub fn run(_paths: &[PathBuf], _check: bool) -> Outcome {
    eprintln!("error: `fmt` is not implemented yet");
    Outcome::InputError
}
