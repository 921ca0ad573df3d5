//! Reading and setting a scenario parameter by its key path (`providers.wage_step`,
//! `providers.kinds[1].overhead_gbp_per_week`), through the scenario's serde form.

use serde_json::Value;

use crate::Error;
use crate::scenario::Scenario;

fn walk<'a>(mut v: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => {
                let i = rest
                    .trim_end_matches(']')
                    .parse::<usize>()
                    .map_err(|_| format!("bad index in `{part}`"))?;
                (n, Some(i))
            }
            None => (part, None),
        };
        v = v.get_mut(name).ok_or_else(|| format!("no parameter `{path}` in the scenario (at `{name}`)"))?;
        if let Some(i) = index {
            v = v.get_mut(i).ok_or_else(|| format!("`{path}`: index {i} is out of range"))?;
        }
    }
    Ok(v)
}

/// A copy of `s` with the numeric parameter at `path` set to `value` (rounded if the
/// parameter is a whole number).
pub fn set_parameter(s: &Scenario, path: &str, value: f64) -> crate::Result<Scenario> {
    let mut v = serde_json::to_value(s).map_err(|e| Error::Input(e.to_string()))?;
    let slot = walk(&mut v, path).map_err(Error::Input)?;
    *slot = match slot {
        Value::Number(n) if n.is_u64() => Value::from(value.round().max(0.0) as u64),
        Value::Number(n) if n.is_i64() => Value::from(value.round() as i64),
        Value::Number(_) => Value::from(value),
        other => return Err(Error::Input(format!("`{path}` is not a number (it is {other})"))),
    };
    serde_json::from_value(v).map_err(|e| Error::Input(format!("`{path}` = {value}: {e}")))
}

/// A copy of `s` with the parameter at `path` set to `value` of any type (a number, a
/// boolean, a word of an enum); the scenario's own types decide what is accepted.
pub fn set_value(s: &Scenario, path: &str, value: Value) -> crate::Result<Scenario> {
    if let Value::Number(n) = &value
        && let Some(x) = n.as_f64()
    {
        return set_parameter(s, path, x);
    }
    let mut v = serde_json::to_value(s).map_err(|e| Error::Input(e.to_string()))?;
    let slot = walk(&mut v, path).map_err(Error::Input)?;
    if slot.is_object() || slot.is_array() {
        return Err(Error::Input(format!("`{path}` is a table, not a single value")));
    }
    let shown = value.to_string();
    *slot = value;
    serde_json::from_value(v).map_err(|e| Error::Input(format!("`{path}` = {shown}: {e}")))
}

/// The numeric value of the parameter at `path`.
pub fn get_parameter(s: &Scenario, path: &str) -> crate::Result<f64> {
    let mut v = serde_json::to_value(s).map_err(|e| Error::Input(e.to_string()))?;
    walk(&mut v, path)
        .map_err(Error::Input)?
        .as_f64()
        .ok_or_else(|| Error::Input(format!("`{path}` is not a number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_gets_nested_and_indexed_parameters() {
        let s = Scenario::default();
        let t = set_parameter(&s, "workforce.pool_inflow_per_week", 9.5).unwrap();
        assert_eq!(t.workforce.pool_inflow_per_week, 9.5);
        let t = set_parameter(&s, "providers.kinds[1].overhead_gbp_per_week", 123.0).unwrap();
        assert_eq!(t.providers.kinds[1].overhead_gbp_per_week, 123.0);
        assert_eq!(get_parameter(&t, "providers.kinds[1].overhead_gbp_per_week").unwrap(), 123.0);
        let t = set_parameter(&s, "providers.initial_count", 12.6).unwrap();
        assert_eq!(t.providers.initial_count, 13);
        assert!(set_parameter(&s, "workforce.nope", 1.0).is_err());
        assert!(set_parameter(&s, "name", 1.0).is_err());
    }

    #[test]
    fn sets_values_of_any_type() {
        let s = Scenario::default();
        let t = set_value(&s, "council.budget_binding", Value::Bool(!s.council.budget_binding)).unwrap();
        assert_eq!(t.council.budget_binding, !s.council.budget_binding);
        let t = set_value(&s, "commissioning.rate_gbp_per_hour", Value::from(30.5)).unwrap();
        assert_eq!(t.commissioning.rate_gbp_per_hour, 30.5);
        assert!(set_value(&s, "council.budget_binding", Value::from("maybe")).is_err());
        assert!(set_value(&s, "workforce", Value::Bool(true)).is_err());
    }
}
