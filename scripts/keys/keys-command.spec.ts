import { parseKeysCommand } from './keys-command';

describe(parseKeysCommand.name, () => {
  it.each([
    [['create', '--source', 'partner'], { kind: 'create', source: 'partner', brandIds: null }],
    [
      ['create', '--source', 'partner', '--brands', 'fleurie, voltaway,fleurie'],
      { kind: 'create', source: 'partner', brandIds: ['fleurie', 'voltaway'] },
    ],
    [['revoke', '0123456789ab'], { kind: 'revoke', id: '0123456789ab' }],
    [['revoke', `tsk_0123456789ab_${'x'.repeat(43)}`], { kind: 'revoke', id: '0123456789ab' }],
    [['list'], { kind: 'list' }],
    [[], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
  ])('reads %j', (argv, command) => {
    expect(parseKeysCommand(argv)).toEqual(command);
  });

  it.each([
    [['create'], /--source NAME is required/],
    [['create', '--source', 'p', '--brands', 'a,,b'], /--brands expects ids separated by commas/],
    [['revoke'], /which key\?/],
    [['revoke', 'tsk_0123456789ab_secret'], /expected a key id of 12 hex digits.*got "tsk_0123456789ab…"$/],
    [['list', 'extra'], /list: unexpected argument "extra"/],
    [['rotate'], /unknown command "rotate"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseKeysCommand(argv)).toThrow(message);
  });
});
