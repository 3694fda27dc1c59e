//! The PDF text child process of the report engine (`fazhi-pdf-text __pdf-text key=value…`,
//! PDF bytes on stdin, reply on stdout). Started by `fazhi_report::ingest` itself; not meant
//! to be run by hand. The `fazhi` binary answers the same call.

fn main() -> std::process::ExitCode {
    fazhi_report::ingest::pdf::child_main()
}
