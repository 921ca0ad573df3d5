//! Differences between two scenarios, key path by key path (for `careshape explain` and the
//! report's "what this scenario changes" lists).

use serde_json::Value;

use super::schema::Scenario;

/// One parameter that differs: its key path, the baseline's value and this scenario's.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub key: String,
    pub baseline: String,
    pub scenario: String,
}

/// Every resolved parameter as (key path, value), in schema order. Arrays of tables are
/// indexed (`geography.patches[2].area_km2`); arrays of numbers are one value.
pub fn flatten(s: &Scenario) -> Vec<(String, String)> {
    flatten_value(&serde_json::to_value(s).expect("a scenario always serialises"))
}

/// `flatten` for a scenario's serde form (e.g. as saved in a run's manifest).
pub fn flatten_value(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

fn walk(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    let join = |k: &str| if at.is_empty() { k.to_string() } else { format!("{at}.{k}") };
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                walk(x, join(k), out);
            }
        }
        Value::Array(items) if items.iter().any(|x| x.is_object()) => {
            for (i, x) in items.iter().enumerate() {
                walk(x, format!("{at}[{i}]"), out);
            }
        }
        Value::Null => {}
        other => out.push((at, other.to_string())),
    }
}

/// Parameters whose values differ between `baseline` and `scenario` (name, description and
/// `extends` aside), in schema order; keys present on one side only show "—" on the other.
pub fn differences(baseline: &Scenario, scenario: &Scenario) -> Vec<Difference> {
    let v = |s: &Scenario| serde_json::to_value(s).expect("a scenario always serialises");
    value_differences(&v(baseline), &v(scenario))
}

/// `differences` for scenarios' serde forms (e.g. as saved in a run's manifest).
pub fn value_differences(baseline: &Value, scenario: &Value) -> Vec<Difference> {
    let skip = |k: &str| matches!(k, "name" | "description" | "extends");
    let a = flatten_value(baseline);
    let b = flatten_value(scenario);
    let mut out = Vec::new();
    for (k, vb) in &b {
        if skip(k) {
            continue;
        }
        match a.iter().find(|(ka, _)| ka == k) {
            Some((_, va)) if va == vb => {}
            Some((_, va)) => {
                out.push(Difference { key: k.clone(), baseline: va.clone(), scenario: vb.clone() })
            }
            None => out.push(Difference { key: k.clone(), baseline: "—".into(), scenario: vb.clone() }),
        }
    }
    for (k, va) in &a {
        if !skip(k) && !b.iter().any(|(kb, _)| kb == k) {
            out.push(Difference { key: k.clone(), baseline: va.clone(), scenario: "—".into() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_does_not_differ_from_itself_and_a_change_is_found() {
        let a = Scenario::default();
        assert!(differences(&a, &a).is_empty());
        let mut b = a.clone();
        b.commissioning.rate_gbp_per_hour = 30.0;
        b.name = "other".into();
        let d = differences(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key, "commissioning.rate_gbp_per_hour");
        assert_eq!((d[0].baseline.as_str(), d[0].scenario.as_str()), ("26.0", "30.0"));
    }

    #[test]
    fn tagged_enums_show_their_fields() {
        let a = Scenario::default();
        let mut b = a.clone();
        b.commissioning.fee_uplift = crate::scenario::FeeUplift::None;
        let keys: Vec<String> = differences(&a, &b).into_iter().map(|d| d.key).collect();
        assert!(keys.contains(&"commissioning.fee_uplift.kind".to_string()), "{keys:?}");
    }
}
