//! Text to trees with byte ranges. Parsing never fails: a broken
//! text gives a partial tree plus its errors, which are plain data.

pub mod ini;
pub mod python;
pub mod yaml;
pub mod yaml_scalar;

use crate::text::TextRange;

/// A syntax error at a place in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}
