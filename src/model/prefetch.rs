//! Software prefetch for the weekly passes over the client records (docs/ODD.md §2.2).
//!
//! The passes (client exits, the caseload count, delivery, the recorder) walk the active
//! list, whose records lie in order of id but with gaps (waiting clients, clients gone since
//! the last compaction) that the hardware prefetcher does not follow well. At London scale
//! the records outgrow the processor's caches and each pass would wait on each record in turn;
//! asking for the record a few places ahead overlaps those waits. A prefetch is a hint: it
//! changes no value the model computes (docs/PERFORMANCE.md, "Staff tallies, providers laid
//! out by hand, client records asked for ahead").

/// How many places ahead of the one being worked on a pass asks for a record. Far enough
/// ahead for a record to arrive from memory while the lightest pass (the recorder's: a few
/// sums a client) works through the places between: at 8, the recorder's samples at 30× sat
/// on its first read of each record, and 32 made a 30× replicate 4–11% faster than 8 on a
/// loaded machine (docs/PERFORMANCE.md, "One pass fewer over the clients; records asked for
/// further ahead; a lighter caseload snapshot").
const AHEAD: usize = 32;

/// Records larger than this in all are read ahead ([`reads_ahead`]). Measured on the
/// development machine (1 MiB of L2 a core, 32 MiB of L3 shared with other work): reading
/// ahead made a 30× replicate (7.4 MB of client records) 5–12% faster, the more so the more
/// other work loaded the memory; at Camden, 4× and 8×, whose records the caches hold, it cost
/// 4–6% more instructions and 1–3% more time (8 places ahead). At 16× (4 MB) it made no
/// difference 8 places ahead, and 5% less time 32 places ahead, so the threshold is now 2 MiB:
/// above 4×'s records (about 1 MB), below 8×'s (2.6 MB; there, 32 places ahead costs nothing
/// and saves nothing: 0.260 s with and without, 12 alternations) and 16×'s.
const READ_AHEAD_ABOVE_BYTES: usize = 2 << 20;

/// Whether a pass over `records` should ask for them ahead: only when they outgrow the
/// caches.
pub fn reads_ahead<T>(records: &[T]) -> bool {
    std::mem::size_of_val(records) > READ_AHEAD_ABOVE_BYTES
}

/// Asks the processor to bring into cache the first `LINES` cache lines of the record that
/// `places[i + AHEAD]` points to in `records`, if there is such a place. An out-of-range place
/// is harmless: a prefetch never faults and nothing is read.
#[inline(always)]
pub fn prefetch_ahead<T, const LINES: usize>(records: &[T], places: &[u32], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(&place) = places.get(i + AHEAD) {
        let p = records.as_ptr().wrapping_add(place as usize).cast::<i8>();
        for line in 0..LINES {
            // SAFETY: `_mm_prefetch` only hints at an address to the cache; it neither reads
            // into the program nor faults, whatever the address (SSE, always present on
            // x86-64).
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    p.wrapping_add(64 * line),
                );
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (records, places, i);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asking ahead for places far out of range (`NONE` and the like), or past the end of the
    /// list, reads nothing and does not fault; only record sets past the threshold read ahead.
    #[test]
    fn asking_ahead_for_any_place_is_harmless() {
        let records = vec![[0u64; 16]; 4];
        let places: Vec<u32> = (0..40).map(|k| if k % 2 == 0 { u32::MAX } else { k * 1_000_003 }).collect();
        for i in 0..places.len() + 2 * AHEAD {
            prefetch_ahead::<_, 2>(&records, &places, i);
        }
        assert!(!reads_ahead(&records));
        let big = vec![0u8; READ_AHEAD_ABOVE_BYTES + 1];
        assert!(reads_ahead(&big) && !reads_ahead(&big[1..]));
    }
}
