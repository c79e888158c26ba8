import { loadAlerterConfig } from './config';

describe(loadAlerterConfig.name, () => {
  it('sends no e-mail unless SMTP_URL is set', () => {
    expect(loadAlerterConfig({}).smtp).toBeUndefined();
  });

  it('reads the SMTP server and the From address', () => {
    const config = loadAlerterConfig({
      SMTP_URL: 'smtps://pager:s3cret@smtp.example.com:465',
      SMTP_FROM: 'Tocsin <oncall@example.com>',
      PUBLIC_URL: 'https://tocsin.example.com',
    });
    expect(config.smtp).toEqual({
      url: 'smtps://pager:s3cret@smtp.example.com:465',
      from: 'Tocsin <oncall@example.com>',
    });
    expect(config.publicUrl).toBe('https://tocsin.example.com');
  });

  it('refuses an SMTP_URL of another scheme, naming it, without its credentials', () => {
    const load = () => loadAlerterConfig({ SMTP_URL: 'https://pager:s3cret@smtp.example.com', SMTP_FROM: 'a@b.c' });
    expect(load).toThrow(
      /SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL, got "https:\/\/\*\*\*@smtp\.example\.com"/,
    );
    expect(load).not.toThrow(/s3cret/);
  });

  it('asks for SMTP_FROM with SMTP_URL, and refuses one that is not an address', () => {
    expect(() => loadAlerterConfig({ SMTP_URL: 'smtp://smtp.example.com' })).toThrow(
      /SMTP_FROM: is required when SMTP_URL is set/,
    );
    expect(() => loadAlerterConfig({ SMTP_URL: 'smtp://smtp.example.com', SMTP_FROM: 'Tocsin' })).toThrow(
      /SMTP_FROM: expected an address such as "Tocsin <oncall@example.com>", got "Tocsin"/,
    );
  });
});
