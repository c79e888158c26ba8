import { redactUrl } from './redact-url';

describe(redactUrl.name, () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/webhook-token-value', 'https://hooks.slack.com'],
    ['http://user:pa55@hooks.example.com:8443/page?token=abc#x', 'http://hooks.example.com:8443'],
    ['not a url', '(invalid URL)'],
  ])('keeps only the scheme and host of %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
