import { webhookUrlProblem } from './webhook-url';

const production = { allowLoopbackHttp: false };
const development = { allowLoopbackHttp: true };

describe(webhookUrlProblem.name, () => {
  it.each([
    ['https://pager.example.com/hooks/emilie', production],
    ['https://127.0.0.1:8443/hook', production],
    ['http://127.0.0.1:4000/oncall/emilie', development],
    ['http://localhost:4000/hook', development],
    ['http://[::1]:4000/hook', development],
  ])('allows %s', (url, policy) => {
    expect(webhookUrlProblem(url, policy)).toBeNull();
  });

  it.each([
    [
      'http://pager.example.com/hook',
      development,
      /must be https \(got http; plain http only to 127.0.0.1\/localhost in development\)/,
    ],
    [
      'http://127.0.0.1:4000/hook',
      production,
      /plain http is allowed to 127.0.0.1\/localhost only when NODE_ENV is development or test/,
    ],
    ['http://127.0.0.1.nip.io/hook', development, /must be https/],
    ['https://user:pass@pager.example.com/hook', production, /must not hold a user or password/],
    ['https://token@pager.example.com/hook', production, /must not hold a user or password/],
    ['ftp://pager.example.com/hook', production, /must be https \(got ftp/],
    ['not a url', production, /is not a URL/],
  ])('refuses %s', (url, policy, problem) => {
    expect(webhookUrlProblem(url, policy)).toMatch(problem);
  });
});
