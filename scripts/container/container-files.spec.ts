import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so the image and compose files are checked against the repository
 * they are built from: roles, entry points, ports and copied paths must agree.
 */
const ROOT = resolve(__dirname, '../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

const runRole = read('scripts/container/run-role.sh');
const roles = (runRole.match(/^\s*(\w+(?: \| \w+)*)\)$/m)?.[1] ?? '').split(' | ');

interface ComposeService {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  ports?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const appServices = Object.entries(compose.services).filter(([, service]) => service.environment?.ROLE);
const nestApps = Object.entries(
  (JSON.parse(read('nest-cli.json')) as { projects: Record<string, { type: string }> }).projects,
)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

describe('Dockerfile, compose file and systemd unit', () => {
  it('gives the image a role for every app of the monorepo', () => {
    expect(roles).toEqual(expect.arrayContaining(nestApps));
    expect(runRole).toContain('exec node "dist/apps/$role/apps/$role/src/main.js"');
  });

  it('starts the same built files as npm run start:<role>', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const app of nestApps) {
      expect(scripts[`start:${app}`]).toBe(`node dist/apps/${app}/apps/${app}/src/main.js`);
      expect(scripts.build).toContain(`nest build ${app}`);
    }
  });

  it('builds in one stage and runs, as a user that is not root, from another', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/app\/scripts\/container\/run-role.sh"\]$/m);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      (match[1] ?? '').split(' '),
    );
    for (const path of copied)
      expect({ path, exists: existsSync(resolve(ROOT, path)) }).toEqual({ path, exists: true });
  });

  it('runs the apps of the compose file from the image, each checked on its own port', () => {
    expect(appServices.map(([name]) => name)).toEqual(expect.arrayContaining(['ingest', 'pipeline', 'gateway']));
    expect(nestApps).toEqual(expect.arrayContaining(appServices.map(([name]) => name)));
    for (const [name, service] of appServices) {
      const role = service.environment?.ROLE ?? '';
      const port = Object.entries(service.environment ?? {}).find(([variable]) => variable.endsWith('_PORT'))?.[1];
      expect({ name, role, image: service.image, build: service.build }).toEqual({
        name,
        role: name,
        image: 'tocsin:local',
        build: '.',
      });
      expect(roles).toContain(role);
      expect(service.healthcheck?.test).toEqual([
        'CMD',
        'node',
        'scripts/container/healthcheck.mjs',
        `http://127.0.0.1:${port}/health`,
      ]);
    }
  });

  it('restarts a systemd role always and starts the same built file', () => {
    const unit = read('deploy/tocsin@.service');
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/tocsin\/dist\/apps\/%i\/apps\/%i\/src\/main\.js$/m);
    expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
  });

  it('refuses an unknown role, naming the roles it knows', () => {
    const result = spawnSync('sh', [resolve(ROOT, 'scripts/container/run-role.sh'), 'mailer'], { encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toBe(`tocsin: ROLE must be one of ${roles.join(', ')}; got "mailer"\n`);
  });
});
