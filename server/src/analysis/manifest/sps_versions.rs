//! The SPS releases the plugin must load on (`target-sps`) against the
//! MANIFEST's `api` (`schemas/sps-releases.json`).

use super::*;

/// `api`, `scb_min_version` and `scb_max_version` against each other and
/// against the SPS releases the configuration's `target-sps` names. SPS
/// versions are ordered as Debian orders versions (`6.13.0~` is just below
/// `6.13.0`); the plugin is taken to load on SPS `v` when `scb_min_version
/// <= v <= scb_max_version` (the comparison on the appliance is not public;
/// the skeleton plugin's "the tilde at the end means less than 5.11.0" reads
/// so).
pub(super) fn check_sps_versions(doc: &YamlDocument, cx: &Context, out: &mut Vec<Diagnostic>) {
    let bound = |key: &'static str, out: &mut Vec<Diagnostic>| -> Option<(String, TextRange)> {
        let entry = doc.get(key)?;
        let v = resolve(&entry.value, Schema::Core12);
        if v == Value::Null {
            return None;
        }
        let s = v.python_str();
        if !sps::is_version(&s) {
            out.push(Diagnostic::warning(
                codes::manifest::INVALID_SCB_VERSION,
                entry.value.range,
                format!(
                    "`{key}` must be an SPS version such as '6.0.0' (a trailing `~` means just \
                     below it); SPS cannot compare \"{}\"",
                    s.escape_debug()
                ),
            ));
            return None;
        }
        Some((s, entry.value.range))
    };
    let min = bound("scb_min_version", out);
    let max = bound("scb_max_version", out);
    if let (Some((lo, lo_range)), Some((hi, hi_range))) = (&min, &max) {
        if sps::compare(lo, hi).is_gt() {
            out.push(
                Diagnostic::error(
                    codes::manifest::SCB_VERSION_RANGE_EMPTY,
                    *lo_range,
                    format!(
                        "`scb_min_version` {lo} is above `scb_max_version` {hi}: no SPS \
                         version loads the plugin"
                    ),
                )
                .with_related(*hi_range, format!("`scb_max_version` {hi}")),
            );
        }
    }
    let targets: Vec<&Release> = cx
        .settings()
        .target_sps
        .iter()
        .filter_map(|t| sps::release(&t.text))
        .collect();
    if targets.is_empty() {
        return;
    }
    let names = |rs: &[&Release]| {
        rs.iter()
            .map(|r| format!("SPS {} ({})", r.sps, r.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(entry) = doc.get("api") {
        let api = parse_api(&resolve(&entry.value, Schema::Core12).python_str());
        let oldest = targets.iter().min_by_key(|r| r.api);
        if let (Some(api), Some(oldest)) = (api, oldest) {
            if (api.0, api.1) > oldest.api {
                out.push(Diagnostic::error(
                    codes::manifest::API_NEWER_THAN_TARGET,
                    entry.value.range,
                    format!(
                        "`api` {}.{} is newer than the plugin API of SPS {} ({}), {}, which \
                         `target-sps` names: SPS refuses the plugin there; write `api: '{}'` \
                         and build with SDK {}",
                        api.0,
                        api.1,
                        oldest.sps,
                        oldest.name,
                        oldest.api_text(),
                        oldest.api_text(),
                        oldest.api_text(),
                    ),
                ));
            }
        }
    }
    // A release `X.Y` spans `X.Y.0` up to just below the next minor.
    if let Some((lo, range)) = &min {
        let off: Vec<&Release> = targets
            .iter()
            .copied()
            .filter(|r| {
                let (major, minor) = r.sps.split_once('.').unwrap_or((&r.sps, "0"));
                let next = format!("{major}.{}~", minor.parse::<u64>().unwrap_or(0) + 1);
                sps::compare(lo, &next).is_ge()
            })
            .collect();
        if !off.is_empty() {
            out.push(Diagnostic::error(
                codes::manifest::SCB_VERSION_EXCLUDES_TARGET,
                *range,
                format!(
                    "`scb_min_version` {lo} keeps the plugin off {}, which `target-sps` names: \
                     lower it, or drop the release from `target-sps`",
                    names(&off)
                ),
            ));
        }
    }
    if let Some((hi, range)) = &max {
        let off: Vec<&Release> = targets
            .iter()
            .copied()
            .filter(|r| sps::compare(hi, &format!("{}.0", r.sps)).is_lt())
            .collect();
        if !off.is_empty() {
            out.push(Diagnostic::error(
                codes::manifest::SCB_VERSION_EXCLUDES_TARGET,
                *range,
                format!(
                    "`scb_max_version` {hi} keeps the plugin off {}, which `target-sps` names: \
                     raise it, or drop the release from `target-sps`",
                    names(&off)
                ),
            ));
        }
    }
}
