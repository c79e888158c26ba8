import { validateDetectorSettings } from '@tocsin/detection';
import { mentionDetectorSettings } from './mention-detector-settings';

const HOUR_MS = 3_600_000;

describe('mentionDetectorSettings', () => {
  it.each([
    ['Europe/Paris', '2026-01-12T09:00:00Z', HOUR_MS],
    ['Europe/Paris', '2026-07-13T09:00:00Z', 2 * HOUR_MS],
    ['America/Los_Angeles', '2026-01-12T09:00:00Z', -8 * HOUR_MS],
    ['Asia/Tokyo', '2026-01-12T09:00:00Z', 9 * HOUR_MS],
    ['Asia/Kolkata', '2026-01-12T09:00:00Z', 5.5 * HOUR_MS],
    ['UTC', '2026-01-12T09:00:00Z', 0],
  ])('starts the weekly cycle days at local midnight in %s (%s)', (timezone, at, offsetMs) => {
    const settings = mentionDetectorSettings(timezone, Date.parse(at));
    expect(settings.weekdayUtcOffsetMs).toBe(offsetMs);
    expect(validateDetectorSettings(settings).sides).toBe('upper');
  });
});
