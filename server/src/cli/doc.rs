//! `sps-plugin-ls doc PLUGIN`: the plugin's configuration reference
//! (`features::reference`), as Markdown for people (tables as the One
//! Identity tutorials write them) or JSON for tools
//! (`schemas/plugin-doc.schema.json`).

use std::path::Path;

use super::args::{usage_error, DocArgs, DocFormat};
use super::out;
use crate::features::reference::{self, OptionDoc, Reader, Reference, SectionDoc};
use crate::workspace::{DiskFiles, Files};

/// Runs `doc`; the exit status.
pub fn run(args: &DocArgs) -> u8 {
    match reference_of(&args.plugin) {
        Ok(r) => {
            out::print(&match args.format {
                DocFormat::Markdown => markdown(&r),
                DocFormat::Json => json(&r),
            });
            0
        }
        Err(what) => usage_error(&what, "sps-plugin-ls doc"),
    }
}

/// The reference of the plugin at `path` (a folder, its MANIFEST or a .zip).
pub fn reference_of(path: &Path) -> Result<Reference, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let unpacked = super::zip::unpack(path)?;
        let found = crate::analysis::zip::check(&unpacked.files, &unpacked.root, unpacked.size);
        let dir = found
            .plugin_dir
            .ok_or_else(|| format!("{shown}: holds no plugin (no MANIFEST)"))?;
        return Ok(reference::build(&dir, &unpacked.files));
    }
    let dir = if meta.is_dir() {
        path.to_path_buf()
    } else if path.file_name().is_some_and(|n| n == "MANIFEST") {
        path.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        return Err(format!(
            "{shown}: not a plugin folder, its MANIFEST or a .zip"
        ));
    };
    let files = DiskFiles::confined(&dir);
    if !files.is_file(&dir.join("MANIFEST")) {
        return Err(format!(
            "{shown}: no MANIFEST here: name one plugin's folder (`check` finds the plugins \
             under a folder)"
        ));
    }
    Ok(reference::build(&dir, &files))
}

pub fn json(r: &Reference) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

pub fn markdown(r: &Reference) -> String {
    let p = &r.plugin;
    let title = match (&p.name, &p.version) {
        (Some(n), Some(v)) => format!("{n} {v}"),
        (Some(n), None) => n.clone(),
        _ => "Plugin".to_string(),
    };
    let mut md = format!("# {title}: configuration reference\n\n");
    let mut facts = Vec::new();
    if let Some(t) = &p.plugin_type {
        facts.push(format!("`type: {t}`"));
    }
    if let Some(a) = &p.api {
        facts.push(format!("`api: {a}`"));
    }
    facts.push(format!(
        "from the plugin's code, {} and the SDK {}'s data",
        r.config_file
            .as_deref()
            .map_or("no default.cfg".to_string(), |c| format!("`{c}`")),
        p.sdk_version
    ));
    md.push_str(&facts.join(" · "));
    md.push_str(
        ".\n\nRequired: the plugin fails without it. Default: what applies when the option is \
         not set (the code's, else the SDK's).\n",
    );
    for n in &r.notes {
        md.push_str(&format!("\n> {n}\n"));
    }
    for s in &r.sections {
        section(&mut md, s);
    }
    md
}

fn section(md: &mut String, s: &SectionDoc) {
    md.push_str(&format!("\n## [{}]\n\n", s.name));
    let by = match (
        s.read_by.contains(&Reader::Plugin),
        s.read_by.contains(&Reader::Sdk),
    ) {
        (true, true) => "the plugin's code and the SDK",
        (true, false) => "the plugin's code",
        _ => "the SDK",
    };
    let mut line = format!("Read by {by}");
    if !s.aliases.is_empty() {
        let a: Vec<String> = s.aliases.iter().map(|a| format!("`[{a}]`")).collect();
        line.push_str(&format!("; also read as {}", a.join(", ")));
    }
    if !s.in_default_cfg {
        line.push_str("; not in default.cfg");
    }
    md.push_str(&format!("{line}.\n\n"));
    for d in [&s.description, &s.sdk_description].into_iter().flatten() {
        md.push_str(&format!("{d}\n\n"));
    }
    if !s.options.is_empty() {
        md.push_str("| Option | Type | Required | Default | Values | Description | Read at |\n");
        md.push_str("|---|---|---|---|---|---|---|\n");
        for o in &s.options {
            md.push_str(&row(o));
        }
        md.push('\n');
    }
    if let Some(a) = &s.any_option {
        md.push_str(&format!(
            "**Any option** (`{}`, {}): {}",
            a.name, a.ty, a.note
        ));
        if !a.read_at.is_empty() {
            let places: Vec<String> = a
                .read_at
                .iter()
                .map(|p| format!("`{}:{}`", p.path, p.line))
                .collect();
            md.push_str(&format!(" Read at {}.", places.join(", ")));
        }
        md.push_str("\n\n");
    }
    if s.options.is_empty() && s.any_option.is_none() {
        md.push_str("No option is read by name.\n\n");
    }
    // The last section ends the text with one newline.
    while md.ends_with("\n\n") {
        md.pop();
    }
}

fn row(o: &OptionDoc) -> String {
    let code = |v: &str| {
        if v.is_empty() {
            "(empty)".to_string()
        } else {
            format!("`{}`", v.replace('`', "'"))
        }
    };
    let required = if o.required {
        "yes".to_string()
    } else if !o.required_when.is_empty() {
        let when: Vec<String> = o
            .required_when
            .iter()
            .map(|c| {
                let values: Vec<String> = c.values.iter().map(|v| code(v)).collect();
                if values.is_empty() {
                    format!("when `[{}] {}` is set", c.section, c.option)
                } else {
                    format!(
                        "when `[{}] {}` is {}",
                        c.section,
                        c.option,
                        values.join(" or ")
                    )
                }
            })
            .collect();
        when.join("; ")
    } else if o.required_in_section {
        "when the section is set".to_string()
    } else {
        "no".to_string()
    };
    let default = match (&o.default, &o.sdk_default) {
        (Some(c), Some(s)) if c != s => format!("{} (SDK: {})", code(c), code(s)),
        (Some(c), _) => code(c),
        (None, Some(s)) => code(s),
        (None, None) if o.default_computed => "computed by the code".to_string(),
        (None, None) => "—".to_string(),
    };
    let values = if o.values.is_empty() {
        "—".to_string()
    } else {
        o.values
            .iter()
            .map(|v| code(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let description = o
        .description
        .as_deref()
        .or(o.sdk_description.as_deref())
        .unwrap_or("");
    let mut places: Vec<String> = o
        .read_at
        .iter()
        .map(|p| match &p.by {
            Some(by) => format!("`{}:{}` (SDK: `{by}`)", p.path, p.line),
            None => format!("`{}:{}`", p.path, p.line),
        })
        .collect();
    if places.is_empty() {
        places.push("SDK".to_string());
    }
    let cells = [
        format!("`{}`", o.name),
        o.ty.clone(),
        required,
        default,
        values,
        description.to_string(),
        places.join(", "),
    ];
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// A table cell: no line break, no bare `|`.
fn cell(s: &str) -> String {
    s.replace('\n', " ").replace('|', "\\|")
}
