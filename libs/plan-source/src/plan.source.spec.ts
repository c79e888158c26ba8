import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanSource } from './plan.source';

const example = readFileSync('config/test/e2e-plan.yaml', 'utf8');

describe(PlanSource.name, () => {
  let folder: string;
  let file: string;
  const messages: string[] = [];
  const logger = { log: (m: string) => messages.push(`log: ${m}`), warn: (m: string) => messages.push(`warn: ${m}`) };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'tocsin-plan-'));
    file = join(folder, 'plan.yaml');
    messages.length = 0;
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('refuses to start on an invalid plan, listing the file, the path and the reason', async () => {
    writeFileSync(file, example.replace('minFollowers: 100000', 'minFollowers: -1'));
    await expect(new PlanSource(file, logger).start({ watch: false })).rejects.toThrow(
      /plan\.yaml: triggers\[0\]\.minFollowers: .*/,
    );
  });

  it("refuses a plan the app's own check finds wrong, at start and on reload", async () => {
    writeFileSync(file, example);
    let secretSet = false;
    const check = () =>
      secretSet ? [] : [{ path: ['people', 0, 'contacts', 'webhookSecret'], message: 'required in production' }];
    await expect(new PlanSource(file, logger, check).start({ watch: false })).rejects.toThrow(
      /plan\.yaml: people\[0\]\.contacts\.webhookSecret: required in production/,
    );
    secretSet = true;
    const sut = new PlanSource(file, logger, check);
    await sut.start({ watch: false });
    secretSet = false;
    writeFileSync(file, example.replace('version: e2e-1', 'version: e2e-2'));
    await expect(sut.reload()).resolves.toBe(false);
    expect(sut.current().version).toBe('e2e-1');
  });

  it('keeps the last good plan when a reload is invalid, and says why', async () => {
    writeFileSync(file, example);
    const sut = new PlanSource(file, logger);
    await sut.start({ watch: false });
    writeFileSync(file, example.replace('version: e2e-1', 'version: e2e-2').replace('level: alert', 'level: nope'));

    await expect(sut.reload()).resolves.toBe(false);
    expect(sut.current().version).toBe('e2e-1');
    expect(messages.at(-1)).toMatch(/^warn: .*reload rejected .* keeping plan version e2e-1/);
  });

  it('applies a valid change and recompiles the brand matchers', async () => {
    writeFileSync(file, example);
    const sut = new PlanSource(file, logger);
    await sut.start({ watch: false });
    writeFileSync(
      file,
      example
        .replace('version: e2e-1', 'version: e2e-2')
        .replace("keywords: ['voltaway']", "keywords: ['voltaway', 'volt away']"),
    );

    await expect(sut.reload()).resolves.toBe(true);
    expect(sut.current().version).toBe('e2e-2');
    const voltaway = sut.brandMatchers().find((matcher) => matcher.brandId === 'voltaway');
    expect(voltaway?.matches({ text: 'my Volt Away scooter', author: { id: 'a', handle: 'b' } })).toBe(true);
  });

  it('reloads by itself when the file changes', async () => {
    writeFileSync(file, example);
    const sut = new PlanSource(file, logger);
    await sut.start({ watch: true });
    writeFileSync(file, example.replace('version: e2e-1', 'version: e2e-3'));
    const deadline = Date.now() + 5_000;
    while (sut.current().version !== 'e2e-3' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sut.stop();
    expect(sut.current().version).toBe('e2e-3');
  });
});
