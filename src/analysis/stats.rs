//! Small statistics over replicates: mean, sample sd, t-based confidence intervals, and the
//! paired comparison used by pattern tests (docs/TESTING.md).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, sample standard deviation and count of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
}

pub fn moments(xs: &[f64]) -> Moments {
    let n = xs.len();
    let mean = if n > 0 { xs.iter().sum::<f64>() / n as f64 } else { f64::NAN };
    let sd = if n > 1 {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    Moments { n, mean, sd }
}

impl Moments {
    pub fn standard_error(&self) -> f64 {
        self.sd / (self.n as f64).sqrt()
    }

    /// Half-width of the two-sided `level` confidence interval for the mean (Student t).
    pub fn ci_half_width(&self, level: f64) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let t = StudentsT::new(0.0, 1.0, (self.n - 1) as f64).expect("n ≥ 2");
        t.inverse_cdf(0.5 + level / 2.0) * self.standard_error()
    }
}

/// Result of a one-sided paired test that `treatment − baseline` has the expected sign.
#[derive(Clone, Copy, Debug)]
pub struct PairedTest {
    pub mean_difference: f64,
    pub standard_error: f64,
    /// One-sided p-value for the alternative in the expected direction.
    pub p_value: f64,
    /// |mean difference| in standard errors.
    pub effect_in_se: f64,
}

impl PairedTest {
    /// The pattern-test criterion (docs/TESTING.md): significant at α and at least `min_se`
    /// standard errors in size.
    pub fn passes(&self, alpha: f64, min_se: f64) -> bool {
        self.p_value < alpha && self.effect_in_se >= min_se
    }
}

/// One-sided paired t-test. `increase` says whether the treatment is expected to be higher.
pub fn paired_test(treatment: &[f64], baseline: &[f64], increase: bool) -> PairedTest {
    assert_eq!(treatment.len(), baseline.len(), "paired samples must have equal length");
    let diffs: Vec<f64> = treatment.iter().zip(baseline).map(|(t, b)| t - b).collect();
    let m = moments(&diffs);
    let se = m.standard_error();
    let signed = if increase { m.mean } else { -m.mean };
    let (p_value, effect) = if se > 0.0 {
        let t = StudentsT::new(0.0, 1.0, (m.n - 1) as f64).expect("n ≥ 2");
        (1.0 - t.cdf(signed / se), signed / se)
    } else if signed > 0.0 {
        (0.0, f64::INFINITY)
    } else {
        (1.0, 0.0)
    };
    PairedTest { mean_difference: m.mean, standard_error: se, p_value, effect_in_se: effect }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_and_ci_match_hand_computation() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7).
        let m = moments(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m.mean, 5.0);
        assert!((m.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        // t(0.975, 7) = 2.364624.
        let hw = m.ci_half_width(0.95);
        assert!((hw - 2.364624 * m.sd / 8f64.sqrt()).abs() < 1e-5, "{hw}");
    }

    #[test]
    fn paired_test_detects_a_consistent_shift_and_not_noise() {
        let base = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let shifted: Vec<f64> = base.iter().enumerate().map(|(i, b)| b + 1.0 + 0.01 * i as f64).collect();
        let t = paired_test(&shifted, &base, true);
        assert!(t.passes(0.01, 3.0));
        let wrong_way = paired_test(&shifted, &base, false);
        assert!(!wrong_way.passes(0.01, 3.0));
        let noise = [1.1, 1.9, 3.1, 3.9, 5.1, 5.9];
        assert!(!paired_test(&noise, &base, true).passes(0.01, 3.0));
    }
}
