//! Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
//! The baseline is always black; other scenarios take the remaining colours in order (yellow,
//! the hardest to see on white, last), then three dark colours of Paul Tol's muted scheme, so
//! that up to ten non-baseline scenarios differ in colour.

use plotters::style::RGBColor;

/// Okabe & Ito (2008), in the order scenarios use them.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0, 0, 0),       // black
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
];

/// Colours of provider kinds in stacked shares (no black: areas need a fill that text can
/// sit beside).
pub const KINDS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];

/// After the Okabe–Ito colours: wine, indigo and olive from Paul Tol's muted scheme (dark
/// enough to tell from the others, and from each other, with the common deficiencies).
pub const TOL_MUTED_EXTRA: [RGBColor; 3] =
    [RGBColor(136, 34, 85), RGBColor(51, 34, 136), RGBColor(153, 153, 51)];

/// Light grey for burn-in shading.
pub const BURN_IN: RGBColor = RGBColor(232, 232, 232);
/// Grey for reference lines and secondary text.
pub const GREY: RGBColor = RGBColor(110, 110, 110);

/// The colour of scenario `i` given the baseline's index: black for the baseline, then the
/// palette in order for the others (cycling after ten).
pub fn scenario_colour(i: usize, baseline: usize) -> RGBColor {
    if i == baseline {
        return OKABE_ITO[0];
    }
    let k = (if i < baseline { i } else { i - 1 }) % 10;
    if k < 7 { OKABE_ITO[1 + k] } else { TOL_MUTED_EXTRA[k - 7] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_scenarios_beside_the_baseline_all_differ_in_colour() {
        let colours: Vec<_> = (0..11).map(|i| scenario_colour(i, 3)).map(|c| (c.0, c.1, c.2)).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b, "two scenarios share a colour: {colours:?}");
            }
        }
        assert_eq!(colours[3], (0, 0, 0), "the baseline is black");
    }
}
