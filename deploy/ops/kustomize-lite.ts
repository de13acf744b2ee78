// Renders a kustomization when `kubectl kustomize` is not installed (no kustomize library exists for
// Node). It knows only what k8s/ uses: resources (files and directories), namespace, images and
// JSON 6902 patches with a kind/name target. Anything else is refused, not ignored; deploy/k8s.unit.spec.ts
// checks that it renders exactly what kubectl does wherever kubectl is there.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

type PatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };
interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind?: string; name?: string }; patch?: string; path?: string }[];
}

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
]);

export function renderKustomization(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const k = parse(fs.readFileSync(file, 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${file}: kustomize-lite does not support ${unknown.join(', ')}`);

  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) objects.push(...renderKustomization(p));
    else
      objects.push(
        ...parseAllDocuments(fs.readFileSync(p, 'utf8'))
          .map((d) => d.toJS() as K8sObject | null)
          .filter((o): o is K8sObject => o !== null),
      );
  }
  for (const p of k.patches ?? []) {
    const ops = parse(p.patch ?? fs.readFileSync(path.join(dir, p.path!), 'utf8')) as PatchOp[];
    if (!Array.isArray(ops)) throw new Error(`${file}: only JSON 6902 patches are supported`);
    const targets = objects.filter(
      (o) =>
        (!p.target.kind || o.kind === p.target.kind) &&
        (!p.target.name || new RegExp(`^(?:${p.target.name})$`).test(o.metadata.name)),
    );
    if (targets.length === 0) throw new Error(`${file}: a patch matches nothing`);
    objects = objects.map((o) => (targets.includes(o) ? applyPatch(o, ops) : o));
  }
  for (const image of k.images ?? []) objects = objects.map((o) => setImage(o, image));
  if (k.namespace) {
    for (const o of objects)
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata = { ...o.metadata, namespace: k.namespace };
  }
  return objects;
}

function applyPatch<T>(doc: T, ops: PatchOp[]): T {
  const out = structuredClone(doc) as unknown;
  for (const op of ops) {
    const keys = op.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent = out as Record<string, unknown> | unknown[];
    for (const key of keys) {
      const next = (parent as Record<string, unknown>)[key];
      if (next === undefined || next === null) throw new Error(`patch ${op.op} ${op.path}: no ${key}`);
      parent = next as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, op.value);
      else if (op.op === 'replace') parent[i] = op.value;
      else parent.splice(i, 1);
    } else if (op.op === 'remove') {
      delete parent[last];
    } else {
      if (op.op === 'replace' && !(last in parent)) throw new Error(`patch replace ${op.path}: no ${last}`);
      parent[last] = op.value;
    }
  }
  return out as T;
}

function setImage(o: K8sObject, image: { name: string; newName?: string; newTag?: string }): K8sObject {
  const spec = (o.spec ?? {}) as Record<string, any>;
  const pods = [spec, spec.template?.spec, spec.jobTemplate?.spec?.template?.spec].filter(Boolean);
  for (const pod of pods) {
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      const [name, tag] = splitImage(c.image);
      if (name !== image.name) continue;
      c.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
    }
  }
  return o;
}

function splitImage(ref: string): [string, string | undefined] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, undefined];
}
