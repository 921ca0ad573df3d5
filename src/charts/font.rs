//! The bundled font (DejaVu Sans, licence in assets/fonts/), registered once with plotters so
//! text renders the same on a bare machine: no system fonts, no fontconfig.

use std::sync::Once;

use plotters::style::FontStyle;

/// The family name every chart's text style uses.
pub const FAMILY: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font for `FAMILY` (normal and bold). Idempotent.
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR)
            .unwrap_or_else(|_| panic!("the bundled font is not a valid TrueType font"));
        plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD)
            .unwrap_or_else(|_| panic!("the bundled font is not a valid TrueType font"));
    });
}
