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
        if path.is_file() && name.ends_with(".toml") {
            out.push((format!("{OUTLINES_DIR}/{name}"), path));
        }
    }
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file's text, reading at most one byte past the limit: the limit counts the bytes
/// really read, not the size the file system declares (a FIFO or a growing file declares
/// less than it yields).
fn read_file(path: &Path) -> Result<String, FrameworkError> {
    use std::io::Read as _;
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
}
