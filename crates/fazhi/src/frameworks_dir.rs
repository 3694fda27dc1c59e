//! The operator's frameworks directory (`frameworks_dir` in the configuration): read once at
//! start, its files handed to [`Frameworks::with_overrides`], which parses and validates them.
//! The domain does no IO; the listing, the size limit and the UTF-8 check are here.

use fazhi_domain::frameworks::{check_name, OUTLINES_DIR};
use fazhi_domain::{FrameworkError, FrameworkFile, Frameworks};
use std::path::{Path, PathBuf};

/// Largest framework file read from an override directory (the built-in password list, the
/// largest file, is about 50 KB).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The built-in data with the files of `dir` replacing (or, for outlines, adding to) the
/// built-in files of the same relative name. `None`: the built-in data.
pub fn load(dir: Option<&Path>) -> Result<Frameworks, FrameworkError> {
    match dir {
        None => Ok(Frameworks::builtin().clone()),
        Some(dir) => Frameworks::with_overrides(read(dir)?),
    }
}

/// The frameworks directory of a command without a configuration (`check`, `outlines`): the
/// `--frameworks-dir` flag, else `FAZHI_FRAMEWORKS_DIR`; empty: the built-in data.
pub fn from_flag_or_env(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| std::env::var_os("FAZHI_FRAMEWORKS_DIR").map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
}

/// [`load`] of [`from_flag_or_env`], the error as a message.
pub fn load_for_command(flag: Option<&Path>) -> Result<Frameworks, String> {
    load(from_flag_or_env(flag).as_deref()).map_err(|e| e.to_string())
}

/// The files of an override directory: the top-level `.toml`/`.txt` files (an unknown name
/// is refused before it is read) and `outlines/*.toml`; other files (a README) are left
/// alone.
pub fn read(dir: &Path) -> Result<Vec<FrameworkFile>, FrameworkError> {
    let mut files = Vec::new();
    for (name, path) in listing(dir)? {
        let text = read_file(&path)?;
        files.push(FrameworkFile {
            name,
            file: path.display().to_string(),
            text,
        });
    }
    Ok(files)
}

fn io(file: &Path, e: impl std::fmt::Display) -> FrameworkError {
    failure(file, format!("无法读取：{e}"))
}

fn failure(file: &Path, message: String) -> FrameworkError {
    FrameworkError {
        file: file.display().to_string(),
        line: None,
        key: None,
        message,
    }
}

fn listing(dir: &Path) -> Result<Vec<(String, PathBuf)>, FrameworkError> {
    if !dir.is_dir() {
        return Err(failure(dir, "找不到该框架数据目录".into()));
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let name = file_name(&path);
        if path.is_dir() {
            if name == OUTLINES_DIR {
                out.extend(outline_files(&path)?);
            }
            continue;
        }
        if name.ends_with(".toml") || name.ends_with(".txt") {
            check_name(&name, &path.display().to_string())?;
            out.push((name, path));
        }
    }
    out.sort();
    Ok(out)
}

fn outline_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, FrameworkError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let name = file_name(&path);
        // Not only regular files: a FIFO named `*.toml` is refused by `read_file`, not
        // skipped in silence.
        if !path.is_dir() && name.ends_with(".toml") {
            out.push((format!("{OUTLINES_DIR}/{name}"), path));
        }
    }
    Ok(out)
}

fn not_regular(path: &Path) -> FrameworkError {
    failure(
        path,
        "不是普通文件（命名管道、设备等不予读取），请换成普通的文本文件".into(),
    )
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file's text, reading at most one byte past the limit: the limit counts the bytes
/// really read, not the size the file system declares (a growing file declares less than it
/// yields). Only a regular file (or a link to one) is opened.
fn read_file(path: &Path) -> Result<String, FrameworkError> {
    use std::io::Read as _;
    // The type first: opening a FIFO blocks until something writes to it, so start-up would
    // hang on a named pipe (or a device) named like a framework file.
    // (The directory is the operator's own: a file swapped for a FIFO between this check
    // and the open is not guarded against.)
    if !std::fs::metadata(path).map_err(|e| io(path, e))?.is_file() {
        return Err(not_regular(path));
    }
    let file = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(failure(
            path,
            format!("文件过大（超过 {MAX_FILE_BYTES} 字节的上限）"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| failure(path, "文件不是 UTF-8 编码的文本".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROCEDURES: &str = fazhi_domain::frameworks::PROCEDURES;

    /// An override directory holding `files` (relative name → text).
    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn builtin_procedures() -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frameworks/procedures.toml"),
        )
        .unwrap()
    }

    #[test]
    fn no_directory_or_an_empty_one_is_the_builtin_data() {
        let fw = Frameworks::builtin();
        let loaded = load(None).unwrap();
        assert_eq!(loaded.procedures, fw.procedures);
        assert_eq!(loaded.settings, fw.settings);
        assert_eq!(loaded.calendar, fw.calendar);
        // An empty override directory changes nothing.
        let dir = dir_with(&[("README.md", "运维说明")]);
        let loaded = load(Some(dir.path())).unwrap();
        assert_eq!(loaded.procedures, fw.procedures);
        assert_eq!(loaded.indicators, fw.indicators);
    }

    #[test]
    fn a_file_of_the_directory_overrides_and_an_error_names_its_path() {
        let procedures = builtin_procedures().replace("filing_days = 30", "filing_days = 15");
        let dir = dir_with(&[
            (PROCEDURES, &procedures),
            (
                "outlines/zhejiang.toml",
                &std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../frameworks/outlines/national.toml"),
                )
                .unwrap()
                .replace("\"national", "\"zhejiang"),
            ),
        ]);
        let fw = load(Some(dir.path())).unwrap();
        assert_eq!(fw.procedures.filing_days, 15);
        assert_eq!(fw.outline_names(), ["national", "guangdong", "zhejiang"]);

        let broken = builtin_procedures().replace("filing_days = 30", "filing_days = \"三十\"");
        let dir = dir_with(&[(PROCEDURES, &broken)]);
        let e = load(Some(dir.path())).unwrap_err();
        assert_eq!(e.file, dir.path().join(PROCEDURES).display().to_string());
        assert_eq!(e.key.as_deref(), Some("filing_days"));
        assert!(e.line.is_some());
    }

    #[test]
    fn an_unknown_file_or_a_missing_directory_is_refused() {
        let dir = dir_with(&[("holiday.toml", "")]);
        let e = load(Some(dir.path())).unwrap_err();
        assert!(e.file.ends_with("holiday.toml"));
        assert!(e.message.contains("holidays.toml"), "{e}");
        let missing = load(Some(Path::new("/nonexistent/fazhi-frameworks"))).unwrap_err();
        assert!(missing.to_string().contains("找不到"), "{missing}");
    }

    #[test]
    fn a_file_not_utf8_or_too_large_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROCEDURES), [0xff, 0xfe, 0x00]).unwrap();
        let e = load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("UTF-8"), "{e}");
        let big = vec![b'#'; MAX_FILE_BYTES as usize + 1];
        std::fs::write(dir.path().join(PROCEDURES), big).unwrap();
        let e = load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("文件过大"), "{e}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_naming_the_file_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PROCEDURES);
        // Exactly at the limit: read whole.
        std::fs::write(&path, vec![b'#'; MAX_FILE_BYTES as usize]).unwrap();
        let files = read(dir.path()).unwrap();
        assert_eq!(files[0].text.len() as u64, MAX_FILE_BYTES);
        // One byte over: refused, the error naming the file and the limit.
        std::fs::write(&path, vec![b'#'; MAX_FILE_BYTES as usize + 1]).unwrap();
        let e = read(dir.path()).unwrap_err();
        assert_eq!(e.file, path.display().to_string());
        assert!(e.message.contains(&MAX_FILE_BYTES.to_string()), "{e}");
        let shown = e.to_string();
        assert!(shown.contains(&path.display().to_string()), "{shown}");
        assert!(
            shown.contains("文件过大") && shown.contains("上限"),
            "{shown}"
        );
    }

    #[cfg(unix)]
    /// `f` on a thread of its own: the test fails after 10 s instead of hanging.
    fn within_10_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the frameworks directory is read within 10 s (opening a FIFO blocks)")
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo runs");
        assert!(status.success(), "mkfifo {}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_directory_is_refused_without_hanging() {
        for name in [PROCEDURES, "outlines/zhejiang.toml"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            mkfifo(&path);
            let at = dir.path().to_path_buf();
            let e = within_10_seconds(move || read(&at)).unwrap_err();
            assert_eq!(e.file, path.display().to_string());
            assert!(e.message.contains("不是普通文件"), "{e}");
        }
        // A FIFO not named as a framework file is left alone, like a README.
        let dir = dir_with(&[("README.md", "运维说明")]);
        mkfifo(&dir.path().join("pipe"));
        let at = dir.path().to_path_buf();
        assert!(within_10_seconds(move || read(&at)).unwrap().is_empty());
    }
}
