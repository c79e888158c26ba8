import { z } from 'zod';
import { isoInstantSchema } from './instant.schema';

describe('isoInstantSchema', () => {
  const zodDatetime = z.string().datetime({ offset: true });

  it.each([
    '2026-12-02T04:30:00Z',
    '2026-12-02T04:30:00.123Z',
    '2026-12-02T04:30:00+01:00',
    '2024-02-29T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-02T04:30:00',
    '2026-12-02',
    'yesterday',
    '',
  ])('accepts %p exactly when zod datetime({ offset: true }) does', (value) => {
    expect(isoInstantSchema.safeParse(value).success).toBe(zodDatetime.safeParse(value).success);
  });

  it('names the problem as zod datetime does', () => {
    const result = isoInstantSchema.safeParse('yesterday');
    expect(result.success ? undefined : result.error.issues[0]?.message).toBe('Invalid datetime');
  });
});
