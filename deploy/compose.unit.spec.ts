// docker-compose.yml and deploy/Dockerfile cannot run here (no Docker engine), so this keeps them honest
// by reading them: every deployable is there, built from deploy/Dockerfile for itself, on its own
// database and port, with every variable its config requires.
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { DEPLOYABLES, SERVICES } from './local/services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = fs.readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8');

async function configSchemaOf(name: string): Promise<z.ZodObject> {
  const mod = await import(`../services/${name}/src/config.ts`);
  const schema = mod.configSchema as z.ZodType & {
    shape?: unknown;
    def?: { in?: unknown; schema?: unknown };
  };
  // A refined object keeps its shape inside (zod 4 pipes / effects).
  return ('shape' in schema ? schema : (schema.def?.in ?? schema.def?.schema ?? schema)) as z.ZodObject;
}

/** Variables the service cannot start without (no default): parsing an empty environment names them. */
async function requiredVariables(name: string): Promise<string[]> {
  const result = (await configSchemaOf(name)).safeParse({});
  if (result.success) return [];
  return [...new Set(result.error.issues.map((i) => String(i.path[0])))];
}

describe('docker-compose.yml', () => {
  it.each(DEPLOYABLES.map((d) => d.name))(
    'runs %s from deploy/Dockerfile with every required variable of its config',
    async (name) => {
      const service = compose.services[name];
      expect(service).toBeDefined();
      expect(service.build).toMatchObject({ context: '.', dockerfile: 'deploy/Dockerfile' });
      expect(service.build.args.SERVICE).toBe(name);
      expect(service.depends_on).toMatchObject({ nats: { condition: 'service_healthy' } });
      const env = service.environment ?? {};
      const required = await requiredVariables(name);
      for (const variable of required) expect(Object.keys(env)).toContain(variable);
      expect(env.NATS_URL).toBe('nats://nats:4222');
      expect(env.HOST).toBe('0.0.0.0');
      // Only variables the process reads: a typo here would be silently ignored.
      const known = Object.keys((await configSchemaOf(name)).shape);
      for (const variable of Object.keys(env)) expect(known).toContain(variable);
    },
  );

  it.each(SERVICES.map((s) => [s.name, s.database, s.port] as const))(
    'gives %s its own database %s and health port %d',
    (name, database, port) => {
      const env = compose.services[name].environment;
      expect(new URL(env.DATABASE_URL).pathname).toBe(`/${database}`);
      expect(new URL(env.DATABASE_URL).host).toBe('postgres:5432');
      expect(env.HTTP_PORT).toBe(String(port));
      expect(env.DEMO_DATA).toBe('true');
      expect(compose.services[name].depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    },
  );

  it('creates every database in the PostgreSQL init script', () => {
    const init = fs.readFileSync(path.join(root, 'deploy/postgres-init.sql'), 'utf8');
    for (const s of SERVICES) expect(init).toContain(`create database ${s.database};`);
    expect(compose.services.postgres.image).toMatch(/^postgres:15/);
    expect(compose.services.postgres.volumes).toContain(
      './deploy/postgres-init.sql:/docker-entrypoint-initdb.d/init.sql:ro',
    );
  });

  it('runs NATS with JetStream on a volume', () => {
    const { command, volumes } = compose.services.nats;
    expect(command).toContain('-js');
    expect(command[command.indexOf('-sd') + 1]).toBe('/data');
    expect(volumes).toContain('nats-data:/data');
  });

  it('publishes the gateway on port 3000', () => {
    expect(compose.services.gateway.environment.PORT).toBe('3000');
    expect(compose.services.gateway.ports).toContain('127.0.0.1:3000:3000');
  });

  it('runs the portal from deploy/Dockerfile on port 8080, passing /v1 to the gateway', () => {
    const portal = compose.services.portal;
    expect(portal.build).toMatchObject({
      context: '.',
      dockerfile: 'deploy/Dockerfile',
      args: { SERVICE: 'portal' },
    });
    expect(portal.environment).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '8080',
      GATEWAY_URL: 'http://gateway:3000',
    });
    expect(portal.ports).toContain('127.0.0.1:8080:8080');
    expect(portal.depends_on).toHaveProperty('gateway');
    // The variables its server reads (services/portal/server/main.mjs): nothing else would be noticed.
    const server = fs.readFileSync(path.join(root, 'services/portal/server/main.mjs'), 'utf8');
    for (const variable of Object.keys(portal.environment))
      expect([variable, server.includes(`process.env.${variable}`)]).toEqual([variable, true]);
  });
});

describe('deploy/Dockerfile', () => {
  it('builds on Node 24 LTS, one service per SERVICE argument', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toContain('npm run build');
  });

  it('installs production dependencies only and runs as a non-root user under tini', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev .*--workspace "services\/\$\{SERVICE\}"/);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
  });

  it('checks health on /health/live', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
  });

  it("builds the portal too: its server goes into the image and each image starts its package's main", () => {
    expect(dockerfile).toMatch(/cp -r "\$pkg\/server" "\/out\/\$pkg\/server"/);
    expect(dockerfile).toMatch(/^CMD .*require\('\.\/services\/\$\{SERVICE\}\/package\.json'\)\.main/m);
    const mainOf = (dir: string) =>
      JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).main as string;
    for (const d of DEPLOYABLES) expect([d.name, mainOf(d.dir)]).toEqual([d.name, 'dist/main.js']);
    expect(mainOf('services/portal')).toBe('server/main.mjs');
    // The portal's build is part of `npm run build`, which the build stage runs.
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.build).toContain('@parking/portal');
  });
});
