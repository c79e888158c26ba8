import { signWebhook, verifyTocsinSignature } from './webhook-signature';

const secret = 'whsec-sample-0123456789abcdef0123456789abcdef';
const body = '{"alertId":"a1","text":"Fleurie: crisis"}';
const t = 1_796_000_000;

describe(signWebhook.name, () => {
  it('signs "<t>.<body>" with HMAC-SHA256, as t=…,v1=<hex>', () => {
    // What `printf '%s' "1796000000.<body>" | openssl dgst -sha256 -hmac <secret>` prints.
    expect(signWebhook(secret, t, body)).toBe(
      't=1796000000,v1=607f01999a494833c6bb81f701cc4f76e9cfad2fea5e9b730da51c376df66865',
    );
  });
});

describe(verifyTocsinSignature.name, () => {
  const header = signWebhook(secret, t, body);

  it('accepts what was signed with the same secret within the window', () => {
    expect(verifyTocsinSignature(header, body, secret, t + 299)).toEqual({ ok: true });
    expect(verifyTocsinSignature(header, body, secret, t - 299)).toEqual({ ok: true });
  });

  it('accepts a header holding an old and a new signature when one matches', () => {
    const rotated = `${header},v1=${'0'.repeat(64)}`;
    expect(verifyTocsinSignature(rotated, body, secret, t)).toEqual({ ok: true });
  });

  it.each([
    ['a wrong secret', header, body, 'another-secret', t, /does not match/],
    ['an altered body', header, body.replace('crisis', 'fine'), secret, t, /does not match/],
    ['an old timestamp (a replay)', header, body, secret, t + 301, /more than 300 s from now/],
    ['no header', undefined, body, secret, t, /no Tocsin-Signature header/],
    ['no timestamp', header.replace(/^t=\d+,/, ''), body, secret, t, /no timestamp/],
    ['no signature', `t=${t}`, body, secret, t, /no v1= signature/],
    ['a signature of the wrong length', `t=${t},v1=abc`, body, secret, t, /no v1= signature/],
  ])('refuses %s', (_case, given, raw, key, nowS, reason) => {
    const check = verifyTocsinSignature(given, raw, key, nowS);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(reason);
  });
});
