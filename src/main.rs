//! The `reprint` binary: parse arguments, run, map errors to exit codes.

fn main() -> std::process::ExitCode {
    reprint::cli::main()
}
