// k8s/monitoring cannot be tried here (no Prometheus, no Grafana), so this reads it: every series the
// dashboard and the alerts query is one the code exports, quantiles sum their buckets by `le`, the
// dashboard covers the golden signals of the gateway and of each service, lag, dead letters, purchases
// and checks, and the alerts cover lag, dead letters and error rates.
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SERVICES } from './local/services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'k8s/monitoring');
const dashboard = JSON.parse(fs.readFileSync(path.join(dir, 'parking-dashboard.json'), 'utf8'));
const rule = parse(fs.readFileSync(path.join(dir, 'alerts.yaml'), 'utf8'));
const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));

/** The metric names the code registers (prom-client `name: '…'`), and prom-client's process metrics. */
function exportedMetrics(): Set<string> {
  const names = new Set([
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
  ]);
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('.spec.')) {
        const text = fs.readFileSync(full, 'utf8');
        if (!/\b(counter|histogram|gauge|Counter|Histogram|Gauge)\b/.test(text)) continue;
        for (const m of text.matchAll(/name: '([a-z][a-z0-9_]*)'/g)) names.add(m[1]);
      }
    }
  };
  for (const top of ['libs', 'services']) walk(path.join(root, top));
  return names;
}
const exported = exportedMetrics();

const panels: any[] = dashboard.panels;
const dashboardExprs: string[] = panels.flatMap((p) => (p.targets ?? []).map((t: any) => t.expr as string));
const alerts: any[] = rule.spec.groups.flatMap((g: any) => g.rules);
const alertExprs: string[] = alerts.map((a) => String(a.expr));
// The PromQL of docs/operations.md's table, too.
const operationsExprs = [
  ...fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8').matchAll(/`([^`]*\([^`]*_[a-z]+[^`]*)`/g),
]
  .map((m) => m[1])
  .filter((e) => /(rate|histogram_quantile|max by|sum by)\(/.test(e.replace(/ \(/g, '(')));

const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=\{|\[)/g)]
    .map((m) => m[1])
    .filter((n) => !/^(by|without)$/.test(n));

describe('k8s/monitoring', () => {
  it('queries only series the code exports', () => {
    const unknown: string[] = [];
    for (const expr of [...dashboardExprs, ...alertExprs, ...operationsExprs])
      for (const name of metricsIn(expr)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        if (!exported.has(name) && !exported.has(base)) unknown.push(`${name} in ${expr}`);
      }
    expect(unknown).toEqual([]);
    expect(operationsExprs.length).toBeGreaterThan(5);
  });

  it('sums histogram buckets by le before taking a quantile', () => {
    const quantiles = [...dashboardExprs, ...alertExprs, ...operationsExprs].filter((e) =>
      e.includes('histogram_quantile'),
    );
    expect(quantiles.length).toBeGreaterThan(3);
    for (const expr of quantiles)
      expect([expr, /histogram_quantile\([\d.]+,\s*sum by \([^)]*\ble\b[^)]*\)/.test(expr)]).toEqual([
        expr,
        true,
      ]);
  });

  it('shows the golden signals of the gateway and of every service', () => {
    const titles = panels.map((p) => p.title as string);
    for (const signal of ['Traffic', 'Errors', 'Latency', 'Saturation'])
      expect(titles.filter((t) => t.startsWith(signal)).length).toBeGreaterThanOrEqual(2);
    const gateway = dashboardExprs.filter((e) => e.includes('app_kubernetes_io_name="gateway"'));
    expect(gateway.some((e) => e.includes('status=~"5.."'))).toBe(true);
    const repeated = panels.find((p) => p.type === 'row' && p.repeat === 'service');
    expect(repeated).toBeDefined();
    const service = dashboard.templating.list.find((v: any) => v.name === 'service');
    expect(service.query.split(',').sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it('shows outbox and consumer lag, dead letters, purchases and checks', () => {
    const all = dashboardExprs.join('\n');
    for (const needle of [
      'es_outbox_lag_events',
      'messaging_consumer_lag',
      'messaging_dead_letters_total',
      'subject="agreement.purchase"',
      'enforcement\\\\.checks?',
    ])
      expect([needle, all.includes(needle)]).toEqual([needle, true]);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('alerts on lag, dead letters and error rates, each with a summary and a severity', () => {
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    const byExpr = (needle: string) => alerts.filter((a) => String(a.expr).includes(needle));
    expect(byExpr('es_outbox_lag_events')).toHaveLength(1);
    expect(byExpr('messaging_consumer_lag')).toHaveLength(1);
    expect(byExpr('messaging_dead_letters_total')).toHaveLength(1);
    expect(byExpr('status=~"5.."')).toHaveLength(1);
    expect(byExpr('outcome="INTERNAL"')).toHaveLength(1);
    for (const a of alerts) {
      expect(a.alert).toMatch(/^Parking[A-Z]\w+$/);
      expect(['warning', 'critical']).toContain(a.labels.severity);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.description).toBeTruthy();
    }
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
  });

  it('applies the rules and the dashboard with kustomize', () => {
    expect(kustomization.resources).toEqual(['alerts.yaml']);
    const generated = kustomization.configMapGenerator[0];
    expect(generated.files).toEqual(['parking-dashboard.json']);
    expect(generated.options.labels).toEqual({ grafana_dashboard: '1' });
  });
});
