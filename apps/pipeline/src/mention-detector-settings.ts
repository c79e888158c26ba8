import { type DetectorSettings, MENTION_DETECTOR_SETTINGS } from '@tocsin/detection';
import { DateTime } from 'luxon';

/**
 * The mention reading with its weekly cycle's days in `timezone` (a brand's, or its crisis
 * plan's), at that zone's offset from UTC at `atMs`: a brand's weekend is Saturday and Sunday
 * where its talk lives. A daylight-saving change moves the days' start by an hour, once.
 */
export function mentionDetectorSettings(timezone: string, atMs: number): DetectorSettings {
  const offsetMinutes = DateTime.fromMillis(atMs, { zone: timezone }).offset;
  return { ...MENTION_DETECTOR_SETTINGS, weekdayUtcOffsetMs: offsetMinutes * 60_000 };
}
