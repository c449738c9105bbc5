//! Checking a plugin .zip, as it would be uploaded.

use std::path::Path;

use super::output::FileReport;

pub fn check_zip(path: &Path) -> Result<Vec<FileReport>, String> {
    Err(format!(
        "{}: checking .zip files is not supported yet",
        path.display()
    ))
}
