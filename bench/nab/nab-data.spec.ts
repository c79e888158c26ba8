import { parseBenchArgs } from './nab-data';

describe('NAB bench options', () => {
  it('defaults to the streaming spike detector', () => {
    expect(parseBenchArgs(['--data', '/tmp/nab'])).toEqual({
      nabDir: '/tmp/nab',
      detector: 'spike',
      lookAhead: false,
    });
  });

  it('hands the novelty detector the file range only when asked', () => {
    expect(parseBenchArgs(['--detector', 'novelty', '--look-ahead']).lookAhead).toBe(true);
  });

  it('names what is wrong with a bad combination or value', () => {
    expect(() => parseBenchArgs(['--look-ahead'])).toThrow(/--look-ahead applies to --detector novelty only/);
    expect(() => parseBenchArgs(['--detector', 'htm'])).toThrow(/--detector must be one of spike, novelty, got htm/);
  });
});
