// Renders every kustomize overlay of k8s/ (with `kubectl kustomize` where installed, else
// deploy/ops/kustomize-lite.ts), validates each object against the Kubernetes schemas
// (kubernetes-models), and checks what a cluster would only show at run time: every container's
// environment satisfies its service's config schema, every referenced Secret and ConfigMap exists or is
// provided out of band, probes and security settings are there, and the NetworkPolicies let only the
// gateway and the portal be reached from outside and each service reach only its own database.
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { renderKustomization, type K8sObject } from './ops/kustomize-lite.js';
import { DEPLOYABLES, SERVICES } from './local/services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OVERLAYS = ['dev', 'prod'] as const;
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function kubectlRender(dir: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}
const render = (overlay: string) => {
  const dir = path.join(root, 'k8s/overlays', overlay);
  return hasKubectl ? kubectlRender(dir) : renderKustomization(dir);
};
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)])) as Record<string, K8sObject[]>;
const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

// Secrets that production creates out of band (docs/operations.md, "Secrets").
const OUT_OF_BAND_SECRETS: Record<string, string[]> = {
  'identity-secrets': ['OTP_HASH_KEY', 'SMS_HTTP_URL', 'SMS_HTTP_TOKEN'],
  'payment-renewal-secrets': ['PSP_WEBHOOK_SECRET'],
  'pg-backup-credentials': ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'],
  'parking-tls': ['tls.crt', 'tls.key'],
};

async function configSchemaOf(name: string): Promise<z.ZodObject> {
  const mod = await import(`../services/${name}/src/config.ts`);
  return mod.configSchema as z.ZodObject;
}
/** The object inside a refined schema, for its keys. */
function shapeOf(schema: any): Record<string, unknown> {
  return (schema.shape ?? schema.def?.in?.shape ?? schema.def?.schema?.shape) as Record<string, unknown>;
}

/** Where a Secret key comes from: the render, CloudNativePG (`<cluster>-app`), or out of band. */
function secretSource(objects: K8sObject[], name: string, key: string): string | null {
  const secret = find(objects, 'Secret', name);
  if (secret) return key in { ...secret.stringData, ...secret.data } ? 'render' : null;
  const cluster = /^(.*)-app$/.exec(name)?.[1];
  if (cluster && find(objects, 'Cluster', cluster))
    return ['uri', 'username', 'password', 'host', 'port', 'dbname'].includes(key) ? 'cnpg' : null;
  return OUT_OF_BAND_SECRETS[name]?.includes(key) ? 'out-of-band' : null;
}

/** The container's environment as the process would see it (secrets: a valid stand-in value). */
function containerEnv(objects: K8sObject[], container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const cm = find(objects, 'ConfigMap', from.configMapRef.name);
    expect(cm).toBeDefined();
    Object.assign(env, cm.data);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const source = secretSource(objects, name, key);
      if (!source)
        throw new Error(`${container.name}: ${e.name} refers to ${name}/${key}, which nothing provides`);
      const secret = find(objects, 'Secret', name);
      const inRender = secret?.stringData?.[key];
      env[e.name] =
        inRender ??
        (/URL$/.test(e.name)
          ? `postgresql://u:p@${name}:5432/db`.replace(
              /^postgresql/,
              e.name === 'DATABASE_URL' ? 'postgresql' : 'https',
            )
          : 'x'.repeat(32));
    } else if (e.valueFrom?.fieldRef) env[e.name] = 'field';
    else throw new Error(`${container.name}: ${e.name} has no value`);
  }
  return env;
}

const MODEL_MODULES: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
};

/** CloudNativePG's Cluster is a custom resource: the fields we rely on, checked by hand. */
function validateCnpgCluster(o: any) {
  expect(o.apiVersion).toBe('postgresql.cnpg.io/v1');
  expect(Number.isInteger(o.spec.instances) && o.spec.instances >= 1).toBe(true);
  expect(o.spec.storage.size).toMatch(/^\d+(Gi|Ti)$/);
  expect(o.spec.bootstrap.initdb).toMatchObject({ database: expect.any(String), owner: expect.any(String) });
  expect(o.spec.imageName).toMatch(/postgresql:15/);
}

type Labels = Record<string, string>;
const matches = (selector: { matchLabels?: Labels } | undefined, labels: Labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const policiesFor = (objects: K8sObject[], labels: Labels) =>
  objects.filter((o) => o.kind === 'NetworkPolicy' && matches((o as any).spec.podSelector, labels)) as any[];

describe.each(OVERLAYS)('k8s overlay %s', (overlay) => {
  const objects = rendered[overlay]!;

  it('renders without duplicates, every namespaced object in the overlay namespace', () => {
    const ids = objects.map(idOf);
    expect(new Set(ids).size).toBe(ids.length);
    const ns = overlay === 'prod' ? 'parking' : 'parking-dev';
    expect(find(objects, 'Namespace', ns)).toBeDefined();
    for (const o of objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe(ns);
  });

  (hasKubectl ? it : it.skip)('renders the same with kustomize-lite as with kubectl kustomize', () => {
    const lite = renderKustomization(path.join(root, 'k8s/overlays', overlay));
    const byId = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [idOf(o), o]));
    expect(byId(lite)).toEqual(byId(objects));
  });

  it('validates every object against the Kubernetes schemas', async () => {
    for (const o of objects) {
      if (o.kind === 'Cluster') {
        validateCnpgCluster(o);
        continue;
      }
      if (o.kind === 'ScheduledBackup') {
        expect(find(objects, 'Cluster', (o as any).spec.cluster.name)).toBeDefined();
        continue;
      }
      const module = MODEL_MODULES[o.apiVersion];
      if (!module) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
      const Model = (await import(module))[o.kind];
      if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
      try {
        new Model(o).validate();
      } catch (err) {
        throw new Error(`${idOf(o)}: ${(err as Error).message}`);
      }
    }
  });

  it.each(DEPLOYABLES.map((d) => d.name))(
    'gives %s an environment its config schema accepts, and only variables it reads',
    async (name) => {
      const deployment = find(objects, 'Deployment', name);
      const container = deployment.spec.template.spec.containers[0];
      const env = containerEnv(objects, container);
      const schema = await configSchemaOf(name);
      const parsed = schema.safeParse(env);
      if (!parsed.success) throw new Error(`${name}: ${JSON.stringify(parsed.error.issues)}`);
      // Variables without a default are set explicitly, not left to luck.
      const required = (schema.safeParse({}) as any).error?.issues.map((i: any) => String(i.path[0])) ?? [];
      for (const variable of required) expect(Object.keys(env)).toContain(variable);
      const known = Object.keys(shapeOf(schema));
      for (const variable of Object.keys(env)) expect(known).toContain(variable);
      expect(env.NODE_ENV).toBe(overlay === 'prod' ? 'production' : 'development');
      expect(env.HOST).toBe('0.0.0.0');
    },
  );

  it.each(DEPLOYABLES.map((d) => [d.name, d.port] as const))(
    'runs %s hardened, probed, bounded, disrupted at most one at a time and autoscaled',
    (name, port) => {
      const deployment = find(objects, 'Deployment', name);
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.automountServiceAccountToken).toBe(false);
      const [c] = pod.containers;
      expect(c.image).toMatch(new RegExp(`parking/${name}:[\\w.-]+$`));
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      for (const kind of ['requests', 'limits']) expect(c.resources[kind]).toHaveProperty('memory');
      expect(c.resources.requests).toHaveProperty('cpu');
      expect(pod.volumes).toContainEqual(
        expect.objectContaining({ name: 'tmp', emptyDir: expect.anything() }),
      );

      const service = find(objects, 'Service', name);
      expect(service.spec.ports[0]).toMatchObject({ port, targetPort: 'http' });
      expect(matches({ matchLabels: service.spec.selector }, deployment.spec.template.metadata.labels)).toBe(
        true,
      );
      const pdb = find(objects, 'PodDisruptionBudget', name);
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(matches(pdb.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
      const hpa = find(objects, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBe(overlay === 'prod' ? 2 : 1);
    },
  );

  it('runs the portal hardened, probed, bounded and autoscaled, passing /v1 to the gateway', () => {
    const deployment = find(objects, 'Deployment', 'portal');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(pod.automountServiceAccountToken).toBe(false);
    const [c] = pod.containers;
    expect(c.image).toMatch(/parking\/portal:[\w.-]+$/);
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    for (const kind of ['requests', 'limits']) expect(c.resources[kind]).toHaveProperty('memory');
    const env: Record<string, string> = {};
    for (const from of c.envFrom ?? [])
      Object.assign(env, find(objects, 'ConfigMap', from.configMapRef.name).data);
    for (const e of c.env) env[e.name] = e.value;
    expect(env).toMatchObject({ PORT: '8080', HOST: '0.0.0.0', GATEWAY_URL: 'http://gateway:3000' });
    expect(env.NODE_ENV).toBe(overlay === 'prod' ? 'production' : 'development');
    const gateway = find(objects, 'Service', 'gateway');
    expect(gateway.spec.ports[0].port).toBe(3000);

    const service = find(objects, 'Service', 'portal');
    expect(service.spec.ports[0]).toMatchObject({ port: 8080, targetPort: 'http' });
    expect(matches({ matchLabels: service.spec.selector }, deployment.spec.template.metadata.labels)).toBe(
      true,
    );
    expect(find(objects, 'PodDisruptionBudget', 'portal').spec.maxUnavailable).toBe(1);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'portal');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'portal' });
    expect(hpa.spec.minReplicas).toBe(overlay === 'prod' ? 2 : 1);
    // The portal may reach the gateway (the NetworkPolicy lets it), and nothing of the databases.
    const egress = policiesFor(objects, deployment.spec.template.metadata.labels).flatMap(
      (p) => p.spec.egress ?? [],
    );
    expect(
      egress.some(
        (rule: any) =>
          rule.ports?.some((x: any) => x.port === 3000) &&
          rule.to?.some(
            (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'gateway',
          ),
      ),
    ).toBe(true);
    expect(egress.some((rule: any) => rule.ports?.some((x: any) => x.port === 5432))).toBe(false);
  });

  it('lets only the gateway and the portal be reached from outside the namespace', () => {
    const podLabels = (name: string): Labels => ({
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/part-of': 'parking',
    });
    const reachableFromOutside = (labels: Labels) =>
      policiesFor(objects, labels).some((p) =>
        (p.spec.ingress ?? []).some((rule: any) =>
          (rule.from ?? [{}]).some(
            (peer: any) =>
              peer.ipBlock ||
              (peer.namespaceSelector &&
                peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] !== 'monitoring'),
          ),
        ),
      );
    for (const d of DEPLOYABLES) {
      const labels = podLabels(d.name);
      expect(policiesFor(objects, labels).some((p) => p.metadata.name === 'default-deny')).toBe(true);
      expect([d.name, reachableFromOutside(labels)]).toEqual([d.name, d.name === 'gateway']);
    }
    expect(reachableFromOutside(podLabels('portal'))).toBe(true);
  });

  it('lets each service reach NATS and its own database only', () => {
    const natsPod: Labels = {
      'app.kubernetes.io/name': 'nats',
      'app.kubernetes.io/part-of': 'parking-infra',
    };
    const dbPod = (s: string): Labels => ({ [`parking.io/db-${s}`]: 'true', 'cnpg.io/cluster': `pg-${s}` });
    const canReach = (from: string, labels: Labels, port: number) =>
      policiesFor(objects, { 'app.kubernetes.io/name': from, 'app.kubernetes.io/part-of': 'parking' }).some(
        (p) =>
          (p.spec.egress ?? []).some(
            (rule: any) =>
              (rule.ports ?? []).some((x: any) => x.port === port) &&
              (rule.to ?? []).some((peer: any) => peer.podSelector && matches(peer.podSelector, labels)),
          ),
      );
    for (const d of DEPLOYABLES) {
      expect(canReach(d.name, natsPod, 4222)).toBe(true);
      for (const s of SERVICES)
        expect([d.name, s.name, canReach(d.name, dbPod(s.name), 5432)]).toEqual([
          d.name,
          s.name,
          d.name === s.name,
        ]);
    }
    // Only identity calls out of the cluster (the SMS provider).
    const callsOut = (name: string) =>
      policiesFor(objects, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'parking' }).some(
        (p) => (p.spec.egress ?? []).some((rule: any) => (rule.to ?? []).some((peer: any) => peer.ipBlock)),
      );
    expect(DEPLOYABLES.filter((d) => callsOut(d.name)).map((d) => d.name)).toEqual(['identity']);
  });

  it('gives every database pod a label that lets in its own service', () => {
    for (const s of SERVICES) {
      const pods = objects.filter(
        (o) =>
          (o.kind === 'StatefulSet' &&
            (o as any).spec.template.metadata.labels[`parking.io/db-${s.name}`] === 'true') ||
          (o.kind === 'Cluster' &&
            (o as any).spec.inheritedMetadata.labels[`parking.io/db-${s.name}`] === 'true'),
      );
      expect([s.name, pods.length]).toEqual([s.name, 1]);
    }
  });
});

describe('k8s overlay prod', () => {
  const objects = rendered.prod!;

  it('runs NATS as a 3-node JetStream cluster and puts the PARKING stream on 3 replicas', () => {
    const nats = find(objects, 'StatefulSet', 'nats');
    expect(nats.spec.replicas).toBe(3);
    const conf: string = find(objects, 'ConfigMap', 'nats-config').data['nats.conf'];
    expect(conf).toMatch(/jetstream \{/);
    for (const i of [0, 1, 2]) expect(conf).toContain(`nats://nats-${i}.${nats.spec.serviceName}:6222`);
    expect(find(objects, 'PodDisruptionBudget', 'nats').spec.maxUnavailable).toBe(1);
    const job = find(objects, 'Job', 'nats-parking-stream');
    const script = job.spec.template.spec.containers[0].command.join(' ');
    expect(script).toMatch(
      /nats stream add PARKING --subjects 'parking\.>' .*--replicas 3 --dupe-window 10m/,
    );
    expect(script).toMatch(/nats stream edit PARKING --replicas 3/);
    expect(find(objects, 'ConfigMap', 'parking-config').data.NATS_STREAM_REPLICAS).toBe('3');
  });

  it('keeps each service database in a CloudNativePG cluster of 3 instances with backups', () => {
    for (const s of SERVICES) {
      const cluster = find(objects, 'Cluster', `pg-${s.name}`);
      expect(cluster.spec.instances).toBe(3);
      expect(cluster.spec.bootstrap.initdb.database).toBe(s.database);
      expect(cluster.spec.postgresql.parameters.idle_in_transaction_session_timeout).toBeDefined();
      expect(cluster.spec.backup.barmanObjectStore.destinationPath).toContain(s.name);
      expect(find(objects, 'ScheduledBackup', `pg-${s.name}-daily`).spec.cluster.name).toBe(`pg-${s.name}`);
    }
  });

  it('routes the Ingress to the gateway (/v1) and the portal (/)', () => {
    const ingress = find(objects, 'Ingress', 'parking');
    const paths = ingress.spec.rules[0].http.paths.map((p: any) => [
      p.path,
      p.backend.service.name,
      p.backend.service.port.number,
    ]);
    expect(paths).toContainEqual(['/v1', 'gateway', 3000]);
    expect(paths).toContainEqual(['/', 'portal', 8080]);
    for (const [, name, port] of paths) {
      const service = find(objects, 'Service', name);
      expect([name, service?.spec.ports.some((p: any) => p.port === port)]).toEqual([name, true]);
    }
  });

  it('runs identity with real texts (production refuses the dev inbox)', () => {
    const env = containerEnv(
      objects,
      find(objects, 'Deployment', 'identity').spec.template.spec.containers[0],
    );
    expect(env.SMS_PROVIDER).toBe('http');
  });
});

describe('kustomize-lite', () => {
  it('refuses what it does not know instead of ignoring it', () => {
    expect(() => renderKustomization(path.join(root, 'deploy/ops/testdata/unsupported'))).toThrow(
      /does not support commonLabels/,
    );
  });
});
