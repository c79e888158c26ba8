import { loadPlanFile, formatPlanError, type CrisisPlan } from '@tocsin/crisis-plan';
import { parseEnvironment, redactCredentials } from '@tocsin/domain';
import { createRedis, redisEnvironmentSchema, RedisKeys, toRedisSettings, UserStore } from '@tocsin/redis';
import type { UserRecord } from '@tocsin/access';
import { z } from 'zod';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from '../apps/gateway/src/auth/password.hasher';
import {
  checkAgainstPlan,
  demoAccounts,
  parseUsersCommand,
  USERS_USAGE,
  type PasswordSource,
  type UsersCommand,
} from './users/users-command';

const environmentSchema = redisEnvironmentSchema.extend({
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
});

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line on the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (char === '\u0003') process.exit(130);
        value = char === '\u007f' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The new password and whether to print it (only a generated one is shown). */
async function newPassword(source: Exclude<PasswordSource, 'none'>): Promise<{ password: string; show: boolean }> {
  if (source === 'generate') return { password: generatePassword(), show: true };
  let password: string;
  if (source === 'stdin') password = await readStdin();
  else {
    if (!process.stdin.isTTY) {
      throw new UsageError('no terminal to ask the password on: give --password-stdin or --generate');
    }
    password = await promptHidden('password: ');
    if ((await promptHidden('again: ')) !== password) throw new UsageError('the two passwords differ');
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`a password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return { password, show: false };
}

async function loadPlan(planFile: string): Promise<CrisisPlan> {
  const loaded = await loadPlanFile(planFile);
  if (!loaded.ok) throw new UsageError(loaded.errors.map(formatPlanError).join('\n'));
  return loaded.plan;
}

async function run(command: UsersCommand, users: UserStore, planFile: string): Promise<string[]> {
  switch (command.kind) {
    case 'list': {
      const all = await users.list();
      if (all.length === 0) return ['no users yet: npm run -s users -- add …'];
      return all.map(
        (user) =>
          `${user.username.padEnd(16)} ${user.role.padEnd(8)} person=${user.personId} brands=${user.role === 'admin' ? '*' : user.brandIds.join(',')}` +
          `${user.email ? ` email=${user.email}` : ''}${user.passwordHash ? '' : ' (no password)'}${user.oidcSubject ? ' (OpenID linked)' : ''}${user.disabled ? ' DISABLED' : ''}`,
      );
    }
    case 'add': {
      const problem = checkAgainstPlan(command, await loadPlan(planFile), planFile);
      if (problem) throw new UsageError(problem);
      const secret = command.password === 'none' ? undefined : await newPassword(command.password);
      const user: UserRecord = {
        username: command.username,
        personId: command.personId,
        role: command.role,
        brandIds: command.role === 'admin' ? [] : command.brandIds,
        disabled: false,
        ...(secret && { passwordHash: await hashPassword(secret.password) }),
        ...(command.email && { email: command.email }),
        createdAtMs: Date.now(),
      };
      if (!(await users.add(user)))
        throw new UsageError(`user "${command.username}" exists: use passwd, enable or disable`);
      return [
        `added ${user.username} (${user.role} as ${user.personId})`,
        ...(secret?.show ? [`password: ${secret.password}`] : []),
      ];
    }
    case 'passwd': {
      const user = await users.get(command.username);
      if (!user) throw new UsageError(`no user "${command.username}"`);
      const secret = await newPassword(command.password);
      await users.put({ ...user, passwordHash: await hashPassword(secret.password) });
      return [`password of ${user.username} changed`, ...(secret.show ? [`password: ${secret.password}`] : [])];
    }
    case 'disable':
    case 'enable': {
      const user = await users.get(command.username);
      if (!user) throw new UsageError(`no user "${command.username}"`);
      await users.put({ ...user, disabled: command.kind === 'disable' });
      // The gateway reads the account on every call and command: a disabled one is out at once.
      return [`${user.username} ${command.kind}d`];
    }
    case 'demo': {
      const plan = await loadPlan(planFile);
      const lines = ['demo accounts (new passwords, shown this once):'];
      for (const account of demoAccounts(plan)) {
        const password = generatePassword();
        await users.put({
          ...account,
          disabled: false,
          passwordHash: await hashPassword(password),
          createdAtMs: Date.now(),
        });
        const name = plan.people.find((person) => person.id === account.personId)?.name ?? account.personId;
        lines.push(`  ${account.username.padEnd(8)} ${password}   (${account.role}, as ${name})`);
      }
      return lines;
    }
  }
}

async function main(): Promise<number> {
  const parsed = parseUsersCommand(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.error}\n${USERS_USAGE}`);
    return 2;
  }
  const env = parseEnvironment(environmentSchema, process.env);
  const settings = toRedisSettings(env);
  const redis = createRedis(settings, 'tocsin-users');
  try {
    const lines = await run(parsed.value, new UserStore(redis, new RedisKeys(settings.keyPrefix)), env.PLAN_FILE);
    console.log(lines.join('\n'));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(redactCredentials(error instanceof Error ? error.message : String(error)));
    process.exit(1);
  },
);
