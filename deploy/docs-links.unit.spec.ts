// The README and docs/ must stand alone in a clone: every Markdown link points at a file inside the
// repository that exists (and at a heading that exists, when it names one), and every repository path
// they quote in backticks is there.
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
// Build output and local state are not in a clone until built or run.
const IGNORED = new Set(
  fs
    .readFileSync(path.join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^\*\*\//, '')
        .replace(/\/$/, ''),
    )
    .filter((line) => /^[\w.-]+$/.test(line)),
);
const TOP = fs
  .readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
  .map((e) => e.name);

/** Markdown without its fenced code blocks (shell samples are not links). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (file: string) =>
  new Set([...fs.readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

export function brokenLinks(page: string): string[] {
  const file = path.join(root, page);
  const text = prose(fs.readFileSync(file, 'utf8'));
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^(https?:|mailto:)/.test(target)) continue;
    const [where, anchor] = target.split('#');
    const resolved = where ? path.resolve(path.dirname(file), where) : file;
    if (!resolved.startsWith(root + path.sep)) broken.push(`${target} (outside the repository)`);
    else if (!fs.existsSync(resolved)) broken.push(`${target} (no such file)`);
    else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
      broken.push(`${target} (no such heading)`);
  }
  // Paths quoted as code: `services/portal/server/main.mjs`, `k8s/monitoring` (no placeholders).
  for (const [, quoted] of text.matchAll(/`([\w.-]+(?:\/[\w.-]+)+\/?)`/g)) {
    if (!TOP.includes(quoted.split('/')[0]) || quoted.split('/').some((part) => IGNORED.has(part))) continue;
    if (!fs.existsSync(path.join(root, quoted))) broken.push(`\`${quoted}\` (no such path)`);
  }
  return broken;
}

describe('README and docs/', () => {
  it.each(pages)('%s links only to what exists in the repository', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('has the four documents the README points to', () => {
    for (const doc of ['architecture', 'product', 'development', 'operations'])
      expect(fs.existsSync(path.join(root, `docs/${doc}.md`))).toBe(true);
  });

  it('finds a broken link, a link out of the repository and a missing heading', () => {
    const scratch = path.join(root, 'docs', `.links-check-${process.pid}.md`);
    fs.writeFileSync(
      scratch,
      '# Title\n[a](missing.md) [b](../../outside.md) [c](architecture.md#no-such-heading) [d](#title) `libs/nothing/here.ts`\n',
    );
    try {
      expect(brokenLinks(path.relative(root, scratch))).toEqual([
        'missing.md (no such file)',
        '../../outside.md (outside the repository)',
        'architecture.md#no-such-heading (no such heading)',
        '`libs/nothing/here.ts` (no such path)',
      ]);
    } finally {
      fs.rmSync(scratch);
    }
  });
});
