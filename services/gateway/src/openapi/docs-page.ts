// GET /docs: a self-contained HTML page listing the API from the OpenAPI document (no CDN, no scripts).
type Doc = ReturnType<typeof import('./openapi.js').openApiDocument>;

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function docsPage(doc: Doc): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations) as [string, Record<string, any>][]) {
      const statuses = Object.keys(op.responses)
        .filter((s) => s !== 'default')
        .join(', ');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const query = (op.parameters as { in: string; name: string }[]).filter((p) => p.in === 'query');
      rows.push(`<section>
  <h3><code>${method.toUpperCase()} ${escape(path)}</code> <small>${escape(statuses)}</small></h3>
  <p>${escape(op.summary)} <em>${escape(op.description)}</em></p>
  ${query.length ? `<p>Query: ${query.map((p) => `<code>${escape(p.name)}</code>`).join(', ')}</p>` : ''}
  ${body ? `<details><summary>Body schema</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>` : ''}
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
section{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.3rem 0;font-size:1rem}small{color:#666}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style></head>
<body><h1>${escape(doc.info.title)} v${escape(doc.info.version)}</h1>
<p>${escape(doc.info.description)} Errors are <code>application/problem+json</code>.
The machine-readable form: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
${rows.join('\n')}
</body></html>`;
}
