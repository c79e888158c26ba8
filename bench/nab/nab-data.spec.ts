import { parseBenchArgs } from './nab-data';

describe('NAB bench options', () => {
  it('defaults to the streaming spike detector', () => {
    expect(parseBenchArgs(['--data', '/tmp/nab'])).toEqual({
      nabDir: '/tmp/nab',
      corpus: false,
      perFile: false,
      robustness: false,
      detector: 'spike',
      lookAhead: false,
    });
  });

  it('hands the novelty detector the file range only when asked', () => {
    expect(parseBenchArgs(['--detector', 'novelty', '--look-ahead']).lookAhead).toBe(true);
  });

  it('scores the corpus from the folder given', () => {
    expect(parseBenchArgs(['--corpus', '--data', '/tmp/corpus'])).toMatchObject({
      nabDir: '/tmp/corpus',
      corpus: true,
    });
    expect(parseBenchArgs(['--corpus', '--robustness', '--data', '/tmp/corpus']).robustness).toBe(true);
    expect(() => parseBenchArgs(['--corpus', '--detector', 'novelty'])).toThrow(
      /--corpus scores the spike detector only/,
    );
  });

  it('names what is wrong with a bad combination or value', () => {
    expect(() => parseBenchArgs(['--look-ahead'])).toThrow(/--look-ahead applies to --detector novelty only/);
    expect(() => parseBenchArgs(['--robustness'])).toThrow(/--robustness applies to --corpus only/);
    expect(() => parseBenchArgs(['--detector', 'htm'])).toThrow(/--detector must be one of spike, novelty, got htm/);
  });
});
