import { runSourcesCheck } from './sources-check';

describe(runSourcesCheck.name, () => {
  it('passes the example file with a count per connector', async () => {
    await expect(runSourcesCheck(['config/sources.example.yaml'])).resolves.toEqual({
      exitCode: 0,
      lines: ['config/sources.example.yaml: OK — 4 sources (1 jetstream, 1 mastodon, 2 feed)'],
    });
  });

  it('fails naming the file when it cannot be read, and prints usage without a file', async () => {
    const missing = await runSourcesCheck(['config/none.yaml']);
    expect(missing.exitCode).toBe(1);
    expect(missing.lines[0]).toMatch(/^config\/none\.yaml: \(file\): cannot read the file/);
    expect((await runSourcesCheck([])).exitCode).toBe(2);
  });
});
