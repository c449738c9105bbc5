//! What a plain scalar means. The documentation says MANIFEST is YAML 1.2,
//! but SPS loads it with PyYAML, a YAML 1.1 loader: both readings are
//! computed here so that analysis can warn wherever they differ.

use super::yaml::{Node, NodeKind, Style};

/// A resolved scalar value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer of any size, as Python's `str()` prints it.
    Int(String),
    Float(f64),
    Str(String),
    /// A YAML 1.1 timestamp (PyYAML builds a `date`/`datetime`), as written.
    Timestamp(String),
    /// A mapping, list or alias: not a scalar at all.
    Collection(&'static str),
}

impl Value {
    /// What Python's `str()` makes of the value: the SDK applies it to
    /// `version` and `api` before matching them.
    pub fn python_str(&self) -> String {
        match self {
            Value::Null => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(s) | Value::Str(s) | Value::Timestamp(s) => s.clone(),
            Value::Float(f) => python_float_repr(*f),
            Value::Collection(kind) => format!("<{kind}>"),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value's type as Python would name it, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Str(_) => "string",
            Value::Timestamp(_) => "date",
            Value::Collection(kind) => kind,
        }
    }
}

/// Which YAML version's rules resolve plain scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// YAML 1.2 core schema: what the documentation specifies.
    Core12,
    /// PyYAML's YAML 1.1 resolver: what SPS actually runs.
    PyYaml11,
}

/// The value of a node under a schema.
pub fn resolve(node: &Node, schema: Schema) -> Value {
    let scalar = match &node.kind {
        NodeKind::Scalar(s) => s,
        other => {
            return Value::Collection(match other {
                NodeKind::Mapping(_) => "mapping",
                NodeKind::Sequence(_) => "list",
                _ => "alias",
            })
        }
    };
    let tag = node.tag.as_deref().unwrap_or("");
    if scalar.style != Style::Plain || tag.ends_with("str") || tag == "!" {
        return Value::Str(scalar.value.clone());
    }
    match schema {
        Schema::Core12 => resolve_core12(&scalar.value),
        Schema::PyYaml11 => resolve_pyyaml11(&scalar.value),
    }
}

fn resolve_core12(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let (neg, body) = split_sign(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Value::Float(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Int(int_string(neg, body, 10));
    }
    let radix_digits = s
        .strip_prefix("0o")
        .map(|d| (8, d))
        .or_else(|| s.strip_prefix("0x").map(|d| (16, d)));
    if let Some((radix, digits)) = radix_digits.filter(|(_, d)| !d.is_empty()) {
        if digits.chars().all(|c| c.is_digit(radix)) {
            return Value::Int(int_string(false, digits, radix));
        }
    }
    if is_core_float(body) {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` after the sign.
fn is_core_float(body: &str) -> bool {
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let ok_mantissa = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || all_digits(int))
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => all_digits(mantissa),
    };
    let ok_exp = exp.is_none_or(|e| all_digits(split_sign(e).1));
    ok_mantissa && ok_exp && (mantissa.contains('.') || exp.is_some())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

fn resolve_pyyaml11(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = pyyaml_int(s) {
        return v;
    }
    if let Some(v) = pyyaml_float(s) {
        return v;
    }
    if is_pyyaml_timestamp(s) {
        return Value::Timestamp(s.to_string());
    }
    Value::Str(s.to_string())
}

fn pyyaml_int(s: &str) -> Option<Value> {
    let (neg, body) = split_sign(s);
    let digits_ok =
        |d: &str, radix: u32| !d.is_empty() && d.chars().all(|c| c == '_' || c.is_digit(radix));
    let clean = |d: &str| d.replace('_', "");
    if let Some(d) = body.strip_prefix("0b") {
        return (digits_ok(d, 2) && !clean(d).is_empty())
            .then(|| Value::Int(int_string(neg, &clean(d), 2)));
    }
    if let Some(d) = body.strip_prefix("0x") {
        return (digits_ok(d, 16) && !clean(d).is_empty())
            .then(|| Value::Int(int_string(neg, &clean(d), 16)));
    }
    if body == "0" {
        return Some(Value::Int("0".into()));
    }
    if let Some(d) = body.strip_prefix('0') {
        if digits_ok(d, 8) {
            let c = clean(d);
            return Some(Value::Int(int_string(
                neg,
                if c.is_empty() { "0" } else { &c },
                8,
            )));
        }
        return None;
    }
    if body.starts_with(|c: char| ('1'..='9').contains(&c)) {
        if body.contains(':') {
            let mut parts = body.split(':');
            let first = parts.next()?;
            if !digits_ok(first, 10) || !parts.clone().all(is_sexagesimal_part) {
                return None;
            }
            // Base 60; sizes stay far below i128 for any real input.
            let mut total: i128 = clean(first).parse().ok()?;
            for p in body.split(':').skip(1) {
                total = total.checked_mul(60)?.checked_add(p.parse().ok()?)?;
            }
            return Some(Value::Int(if neg {
                (-total).to_string()
            } else {
                total.to_string()
            }));
        }
        if digits_ok(body, 10) {
            return Some(Value::Int(int_string(neg, &clean(body), 10)));
        }
    }
    None
}

/// `[0-5]?[0-9]`
fn is_sexagesimal_part(p: &str) -> bool {
    let b = p.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_digit(),
        2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
        _ => false,
    }
}

fn pyyaml_float(s: &str) -> Option<Value> {
    let (neg, body) = split_sign(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(Value::Float(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }));
    }
    let digits_us = |d: &str| d.bytes().all(|b| b == b'_' || b.is_ascii_digit());
    // Sexagesimal float: [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
    if body.contains(':') {
        let (head, frac) = body.rsplit_once('.')?;
        let mut parts = head.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| c.is_ascii_digit()) || !digits_us(first) || !digits_us(frac)
        {
            return None;
        }
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() || !rest.iter().all(|p| is_sexagesimal_part(p)) {
            return None;
        }
        let mut total: f64 = first.replace('_', "").parse().ok()?;
        for p in &rest[..rest.len() - 1] {
            total = total * 60.0 + p.parse::<f64>().ok()?;
        }
        let last = format!("{}.{}", rest[rest.len() - 1], frac.replace('_', ""));
        total = total * 60.0 + last.parse::<f64>().ok()?;
        return Some(Value::Float(if neg { -total } else { total }));
    }
    // [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  or  \.[0-9][0-9_]*([eE][-+][0-9]+)?
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.')?;
    let mantissa_ok = if int.is_empty() {
        !s.starts_with(['-', '+'])
            && frac.starts_with(|c: char| c.is_ascii_digit())
            && digits_us(frac)
    } else {
        int.starts_with(|c: char| c.is_ascii_digit()) && digits_us(int) && digits_us(frac)
    };
    let exp_ok = exp.is_none_or(|e| e.starts_with(['-', '+']) && all_digits(&e[1..]));
    if !(mantissa_ok && exp_ok) {
        return None;
    }
    let clean = s.replace('_', "");
    let clean = if clean.contains(['e', 'E']) || !clean.ends_with('.') {
        clean
    } else {
        format!("{clean}0")
    };
    clean.parse::<f64>().ok().map(Value::Float)
}

fn is_pyyaml_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if b.len() == 10 {
        return (0..4).all(d) && b[4] == b'-' && d(5) && d(6) && b[7] == b'-' && d(8) && d(9);
    }
    // Date and time: close enough to PyYAML's pattern for warnings.
    b.len() > 10
        && (0..4).all(d)
        && b[4] == b'-'
        && s[5..].contains(':')
        && s[5..].contains(['T', 't', ' '])
}

/// Digits in `radix` (no sign, no underscores) as a decimal string.
fn int_string(neg: bool, digits: &str, radix: u32) -> String {
    // Base 10^9 limbs, least significant first: any length works.
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let mut carry = u64::from(c.to_digit(radix).unwrap_or(0));
        for limb in &mut limbs {
            let v = *limb * u64::from(radix) + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut out = limbs.last().unwrap_or(&0).to_string();
    for limb in limbs.iter().rev().skip(1) {
        out.push_str(&format!("{limb:09}"));
    }
    if neg && out != "0" {
        out.insert(0, '-');
    }
    out
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed
/// notation for exponents from -4 to 15 and scientific otherwise.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let point = exp as usize + 1;
            let mut d = digits.clone();
            while d.len() < point {
                d.push('0');
            }
            let (int, frac) = d.split_at(point);
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{sign}{int}.{frac}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{rest}e{esign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str, schema: Schema) -> String {
        match schema {
            Schema::Core12 => resolve_core12(s),
            Schema::PyYaml11 => resolve_pyyaml11(s),
        }
        .python_str()
    }

    #[test]
    fn pyyaml_readings() {
        let cases = [
            ("1.10", "1.1"),
            ("010", "8"),
            ("0x10", "16"),
            ("1:20", "80"),
            ("1_0", "10"),
            ("yes", "True"),
            ("Off", "False"),
            ("1e5", "1e5"),
            ("1.0e+5", "100000.0"),
            (".5", "0.5"),
            ("-.5", "-.5"),
            ("2.", "2.0"),
            ("1.7.0", "1.7.0"),
            ("~", "None"),
            ("0.1", "0.1"),
            ("1e+17", "1e+17"),
        ];
        for (text, want) in cases {
            assert_eq!(r(text, Schema::PyYaml11), want, "{text}");
        }
    }

    #[test]
    fn core12_readings() {
        let cases = [
            ("1.10", "1.1"),
            ("010", "10"),
            ("0o10", "8"),
            ("0x10", "16"),
            ("1:20", "1:20"),
            ("yes", "yes"),
            ("True", "True"),
            ("1e5", "100000.0"),
            ("-.5", "-0.5"),
            (".", "."),
            ("1.7.0", "1.7.0"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(r(text, Schema::Core12), want, "{text}");
        }
    }

    #[test]
    fn python_float_repr_matches_cpython() {
        assert_eq!(python_float_repr(1e16), "1e+16");
        assert_eq!(python_float_repr(1.5e-5), "1.5e-05");
        assert_eq!(python_float_repr(0.0001), "0.0001");
        assert_eq!(python_float_repr(123.0), "123.0");
    }
}
