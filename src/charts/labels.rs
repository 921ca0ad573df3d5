//! Placing point labels so that they do not cover one another or the points: each label takes,
//! in turn, the first of eight places around its point (up and to the right first) that is
//! clear of the labels already placed, of the markers drawn and of the plot's edges, or, when
//! none is clear, the place that covers the least.

use plotters::coord::Shift;
use plotters::prelude::*;

/// A rectangle in pixels: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    /// The rectangle spanning two pixel ranges, e.g. a plot's
    /// `plotting_area().get_pixel_range()`.
    pub fn spanning((x, y): (std::ops::Range<i32>, std::ops::Range<i32>)) -> Rect {
        Rect { x: x.start, y: y.start, w: x.end - x.start, h: y.end - y.start }
    }

    /// A square of half-side `r` around a point.
    pub fn around((x, y): (i32, i32), r: i32) -> Rect {
        Rect { x: x - r, y: y - r, w: 2 * r, h: 2 * r }
    }

    /// The area this rectangle shares with `o` (0 if none).
    fn overlap(&self, o: &Rect) -> i64 {
        let w = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let h = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        if w > 0 && h > 0 { i64::from(w) * i64::from(h) } else { 0 }
    }

    /// The area of this rectangle outside `bounds`.
    fn outside(&self, bounds: &Rect) -> i64 {
        i64::from(self.w) * i64::from(self.h) - self.overlap(bounds)
    }
}

/// The pixel size (width, height) of each text in `style`, as `area` would draw it.
pub fn text_sizes<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: impl IntoIterator<Item = &'a str>,
    style: &TextStyle,
) -> Result<Vec<(i32, i32)>, DrawingAreaErrorKind<DB::ErrorType>> {
    texts.into_iter().map(|t| area.estimate_text_size(t, style).map(|(w, h)| (w as i32, h as i32))).collect()
}

/// For labels of pixel `sizes` (width, height) of the points at pixel `points`, whose markers
/// are squares of half-side `marker` around them, the top-left corner of each label: clear of
/// those markers and of the `others` drawn (unlabelled points, say), and inside `bounds`,
/// where it can be.
pub fn place(
    points: &[(i32, i32)],
    sizes: &[(i32, i32)],
    marker: i32,
    others: &[Rect],
    bounds: Rect,
) -> Vec<(i32, i32)> {
    let markers: Vec<Rect> =
        points.iter().map(|&p| Rect::around(p, marker)).chain(others.iter().copied()).collect();
    let gap = marker + 3;
    let mut placed: Vec<Rect> = Vec::with_capacity(points.len());
    for (&(x, y), &(w, h)) in points.iter().zip(sizes) {
        // Up-right (beside the marker's top), right, down-right, below, down-left, left,
        // up-left, above.
        let candidates = [
            (x + gap, y - h - 2),
            (x + gap, y - h / 2),
            (x + gap, y + 2),
            (x - w / 2, y + gap),
            (x - gap - w, y + 2),
            (x - gap - w, y - h / 2),
            (x - gap - w, y - h - 2),
            (x - w / 2, y - gap - h),
        ];
        let cost = |&(cx, cy): &(i32, i32)| {
            let r = Rect { x: cx, y: cy, w, h };
            let labels: i64 = placed.iter().map(|p| r.overlap(p)).sum();
            let markers: i64 = markers.iter().map(|m| r.overlap(m)).sum();
            // Leaving the plot is worst, then covering another label, then a marker.
            r.outside(&bounds) * 100 + labels * 10 + markers
        };
        // The first clear place, else the least covered (the earlier on a tie).
        let best = candidates
            .iter()
            .copied()
            .enumerate()
            .min_by_key(|(i, c)| (cost(c), *i))
            .map(|(_, c)| c)
            .expect("eight candidates");
        placed.push(Rect { x: best.0, y: best.1, w, h });
    }
    placed.iter().map(|r| (r.x, r.y)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Rect = Rect { x: 0, y: 0, w: 800, h: 600 };

    fn rects(points: &[(i32, i32)], sizes: &[(i32, i32)]) -> Vec<Rect> {
        place(points, sizes, 12, &[], BOUNDS)
            .into_iter()
            .zip(sizes)
            .map(|((x, y), &(w, h))| Rect { x, y, w, h })
            .collect()
    }

    #[test]
    fn a_lone_label_sits_up_and_to_the_right() {
        let r = rects(&[(400, 300)], &[(90, 16)]);
        assert_eq!(r[0], Rect { x: 415, y: 282, w: 90, h: 16 });
    }

    #[test]
    fn labels_of_nearly_coincident_points_cover_neither_each_other_nor_a_marker() {
        // Two designs whose means nearly coincide (as mission-led and mission-incubator can),
        // a third close by, and one against the right edge.
        let points = [(400, 300), (418, 292), (430, 310), (790, 100)];
        let sizes = [(110, 16), (140, 16), (90, 16), (80, 16)];
        let r = rects(&points, &sizes);
        for (i, a) in r.iter().enumerate() {
            assert_eq!(a.outside(&BOUNDS), 0, "label {i} leaves the plot: {a:?}");
            for (j, b) in r.iter().enumerate().skip(i + 1) {
                assert_eq!(a.overlap(b), 0, "labels {i} and {j} overlap: {a:?} {b:?}");
            }
            for (j, &(x, y)) in points.iter().enumerate() {
                let m = Rect { x: x - 12, y: y - 12, w: 24, h: 24 };
                assert_eq!(a.overlap(&m), 0, "label {i} covers marker {j}: {a:?}");
            }
        }
    }

    #[test]
    fn a_label_keeps_clear_of_the_other_marks_drawn() {
        // An interval through the point and a dot above and to the right, where the label
        // would go first.
        let others = [Rect { x: 300, y: 299, w: 200, h: 2 }, Rect::around((430, 285), 5)];
        let r = place(&[(400, 300)], &[(90, 16)], 5, &others, BOUNDS);
        let label = Rect { x: r[0].0, y: r[0].1, w: 90, h: 16 };
        assert!(others.iter().all(|o| label.overlap(o) == 0), "{label:?}");
        assert_eq!(label.overlap(&Rect::around((400, 300), 5)), 0, "{label:?}");
    }
}
