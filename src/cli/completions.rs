//! `authflow completions SHELL` and `authflow man`: generated from the clap definitions, so
//! they never drift from the real arguments. `main.rs` passes its `clap::Command` in;
//! nothing here imports from the binary root.

use std::path::Path;

use clap_complete::Shell;

use super::Outcome;

/// Prints the completion script for `shell` on standard output.
pub fn completions(shell: Shell, mut command: clap::Command) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "authflow", &mut script);
    super::write_stdout_bytes(&script)
}

/// Prints the man page (roff) on standard output, or with `dir` writes one page per
/// command there (`authflow.1`, `authflow-check.1`, ...).
pub fn man(command: clap::Command, dir: Option<&Path>) -> Outcome {
    let written = match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir))
        }
        None => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => return super::write_stdout_bytes(&page),
                Err(error) => Err(error),
            }
        }
    };
    match written {
        Ok(()) => Outcome::Success,
        Err(error) => {
            super::print_error(&format!("cannot write the man pages: {error}"));
            Outcome::InputError
        }
    }
}
