import { ACCESS_ROLES, usernameSchema, type AccessRole } from '@tocsin/access';
import type { CrisisPlan } from '@tocsin/crisis-plan';

export const USERS_USAGE = `usage: npm run -s users -- <command>
  add <username> --person <plan person id> --role <${ACCESS_ROLES.join('|')}> [--brands a,b] [--email e]
      [--generate | --password-stdin | --no-password]
  passwd <username> [--generate | --password-stdin]
  disable <username>
  enable <username>
  list
  demo        one account per role for the dev stack, new passwords printed once
Without --generate or --password-stdin the password is asked on the terminal.
Reads REDIS_URL, REDIS_KEY_PREFIX and PLAN_FILE like the gateway.`;

/** Where a new password comes from. */
export type PasswordSource = 'prompt' | 'stdin' | 'generate' | 'none';

export type UsersCommand =
  | {
      kind: 'add';
      username: string;
      personId: string;
      role: AccessRole;
      brandIds: string[];
      email?: string;
      password: PasswordSource;
    }
  | { kind: 'passwd'; username: string; password: Exclude<PasswordSource, 'none'> }
  | { kind: 'disable' | 'enable'; username: string }
  | { kind: 'list' }
  | { kind: 'demo' };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const VALUE_FLAGS = new Set(['--person', '--role', '--brands', '--email']);
const SWITCHES = new Set(['--generate', '--password-stdin', '--no-password']);

/** Reads the command line; every error names the argument at fault. */
export function parseUsersCommand(argv: readonly string[]): Parsed<UsersCommand> {
  const [kind, ...rest] = argv;
  const positional: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (VALUE_FLAGS.has(arg)) {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) return { ok: false, error: `${arg} needs a value` };
      values.set(arg, value);
      i += 1;
    } else if (SWITCHES.has(arg)) switches.add(arg);
    else if (arg.startsWith('--')) return { ok: false, error: `unknown option ${arg}` };
    else positional.push(arg);
  }
  if (kind === 'list' || kind === 'demo') {
    return positional.length === 0 && values.size === 0 && switches.size === 0
      ? { ok: true, value: { kind } }
      : { ok: false, error: `${kind} takes no arguments` };
  }
  if (kind !== 'add' && kind !== 'passwd' && kind !== 'disable' && kind !== 'enable') {
    return { ok: false, error: kind === undefined ? 'no command given' : `unknown command "${kind}"` };
  }
  const [username, ...extra] = positional;
  if (username === undefined) return { ok: false, error: `${kind} needs a username` };
  if (extra.length > 0) return { ok: false, error: `unexpected argument(s): ${extra.join(' ')}` };
  const name = usernameSchema.safeParse(username);
  if (!name.success) return { ok: false, error: `username "${username}": ${name.error.issues[0]?.message}` };
  if (switches.size > 1) return { ok: false, error: `give one of ${[...switches].join(', ')}, not several` };
  const password: PasswordSource = switches.has('--generate')
    ? 'generate'
    : switches.has('--password-stdin')
      ? 'stdin'
      : switches.has('--no-password')
        ? 'none'
        : 'prompt';
  if (kind === 'disable' || kind === 'enable') {
    return values.size + switches.size === 0
      ? { ok: true, value: { kind, username } }
      : { ok: false, error: `${kind} takes only a username` };
  }
  if (kind === 'passwd') {
    if (values.size > 0 || password === 'none') return { ok: false, error: 'passwd takes only a password option' };
    return { ok: true, value: { kind, username, password } };
  }
  const personId = values.get('--person');
  if (personId === undefined) return { ok: false, error: 'add needs --person <plan person id>' };
  const role = values.get('--role');
  if (!ACCESS_ROLES.includes(role as AccessRole)) {
    return { ok: false, error: `--role must be one of ${ACCESS_ROLES.join(', ')}, got ${role ?? 'nothing'}` };
  }
  const brandIds = (values.get('--brands') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const email = values.get('--email');
  return {
    ok: true,
    value: { kind, username, personId, role: role as AccessRole, brandIds, password, ...(email && { email }) },
  };
}

/** A new account must name a person and brands of the plan in force, and a non-admin needs a brand. */
export function checkAgainstPlan(
  command: Extract<UsersCommand, { kind: 'add' }>,
  plan: CrisisPlan,
  planFile: string,
): string | undefined {
  if (!plan.people.some((person) => person.id === command.personId)) {
    return `--person ${command.personId}: no such person in ${planFile} (people: ${plan.people.map((p) => p.id).join(', ')})`;
  }
  const known = new Set(plan.brands.map((brand) => brand.id));
  const unknown = command.brandIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    return `--brands: ${unknown.join(', ')} not in ${planFile} (brands: ${[...known].join(', ')})`;
  }
  if (command.role !== 'admin' && command.brandIds.length === 0) {
    return `--brands: a ${command.role} needs at least one brand (an admin has them all)`;
  }
  return undefined;
}

/** The dev stack's accounts: one per role, each linked to a person of the plan with a fitting plan role. */
export function demoAccounts(
  plan: CrisisPlan,
): Array<{ username: string; personId: string; role: AccessRole; brandIds: string[] }> {
  const brandIds = plan.brands.map((brand) => brand.id);
  const personWith = (roles: readonly string[]): string => {
    const person = roles.map((role) => plan.people.find((p) => p.role === role)).find((p) => p !== undefined);
    return (person ?? plan.people[0])?.id ?? '';
  };
  const cm = personWith(['cm']);
  return [
    {
      username: 'viewer',
      personId: plan.people.find((p) => p.id !== cm && p.role === 'cm')?.id ?? cm,
      role: 'viewer',
      brandIds,
    },
    { username: 'cm', personId: cm, role: 'cm', brandIds },
    { username: 'manager', personId: personWith(['manager', 'director']), role: 'manager', brandIds },
    { username: 'admin', personId: personWith(['director', 'manager']), role: 'admin', brandIds: [] },
  ];
}
