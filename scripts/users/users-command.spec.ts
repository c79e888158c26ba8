import { loadPlanFile } from '@tocsin/crisis-plan';
import { checkAgainstPlan, demoAccounts, parseUsersCommand, type UsersCommand } from './users-command';

describe(parseUsersCommand.name, () => {
  it('reads an add with every option', () => {
    expect(
      parseUsersCommand([
        'add',
        'camille',
        '--person',
        'camille',
        '--role',
        'cm',
        '--brands',
        'fleurie, voltaway',
        '--generate',
      ]),
    ).toEqual({
      ok: true,
      value: {
        kind: 'add',
        username: 'camille',
        personId: 'camille',
        role: 'cm',
        brandIds: ['fleurie', 'voltaway'],
        password: 'generate',
      },
    });
  });

  it('asks the password on the terminal when no source is given', () => {
    expect(parseUsersCommand(['passwd', 'camille'])).toEqual({
      ok: true,
      value: { kind: 'passwd', username: 'camille', password: 'prompt' },
    });
  });

  it.each([
    [[], 'no command given'],
    [['remove', 'x'], 'unknown command "remove"'],
    [['add', 'Camille', '--person', 'c', '--role', 'cm'], 'username "Camille": expected a lowercase name'],
    [['add', 'c', '--role', 'cm'], 'add needs --person'],
    [['add', 'c', '--person', 'c', '--role', 'boss'], '--role must be one of viewer, cm, manager, admin, got boss'],
    [['add', 'c', '--person'], '--person needs a value'],
    [['passwd', 'c', '--generate', '--password-stdin'], 'give one of'],
    [['passwd', 'c', '--no-password'], 'passwd takes only a password option'],
    [['list', 'extra'], 'list takes no arguments'],
    [['disable'], 'disable needs a username'],
    [['add', 'c', '--colour', 'red'], 'unknown option --colour'],
  ])('refuses %j naming the fault', (argv, error) => {
    const parsed = parseUsersCommand(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });
});

describe(checkAgainstPlan.name, () => {
  const add = (patch: Partial<Extract<UsersCommand, { kind: 'add' }>>): Extract<UsersCommand, { kind: 'add' }> => ({
    kind: 'add',
    username: 'u',
    personId: 'camille',
    role: 'cm',
    brandIds: ['fleurie'],
    password: 'generate',
    ...patch,
  });

  it('accepts a person and brands of the plan, and refuses others by name', async () => {
    const loaded = await loadPlanFile('config/crisis-plan.example.yaml');
    if (!loaded.ok) throw new Error('example plan invalid');
    const file = 'plan.yaml';
    expect(checkAgainstPlan(add({}), loaded.plan, file)).toBeUndefined();
    expect(checkAgainstPlan(add({ personId: 'nobody' }), loaded.plan, file)).toMatch(/--person nobody: no such person/);
    expect(checkAgainstPlan(add({ brandIds: ['acme'] }), loaded.plan, file)).toMatch(/--brands: acme not in plan.yaml/);
    expect(checkAgainstPlan(add({ brandIds: [] }), loaded.plan, file)).toMatch(/needs at least one brand/);
    expect(checkAgainstPlan(add({ role: 'admin', brandIds: [] }), loaded.plan, file)).toBeUndefined();
  });
});

describe(demoAccounts.name, () => {
  it('gives one account per role, each linked to a person of the plan', async () => {
    const loaded = await loadPlanFile('config/crisis-plan.example.yaml');
    if (!loaded.ok) throw new Error('example plan invalid');
    const accounts = demoAccounts(loaded.plan);
    expect(accounts.map((account) => `${account.username}:${account.role}:${account.personId}`)).toEqual([
      'viewer:viewer:hugo',
      'cm:cm:camille',
      'manager:manager:sophie',
      'admin:admin:marc',
    ]);
  });
});
