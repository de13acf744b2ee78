// GET /docs: the API reference, interactive. Swagger UI (the swagger-ui-dist npm package, served from
// node_modules by the gateway itself: no CDN) reads /openapi.json; "Try it out" calls this gateway, with
// the bearer token from "Authorize" and the x-operator header of each operation. Our own script starts it
// (no inline script, so the page runs under a strict Content-Security-Policy), and a <noscript> list
// of the operations stands in without JavaScript.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '@parking/contracts';
import { toProblem } from '@parking/platform';
import type { FastifyInstance } from 'fastify';

type Doc = ReturnType<typeof import('./openapi.js').openApiDocument>;

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The files of swagger-ui-dist the page loads, with their types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INIT = `// Starts Swagger UI on /openapi.json (served by the gateway with the page).
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayOperationId: true,
    tryItOutEnabled: false,
    defaultModelsExpandDepth: 0,
  });
});
`;

// Swagger UI sets style attributes from script; everything else comes from this origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

export function docsPage(doc: Doc): string {
  const rows: string[] = [];
  for (const [route, operations] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(operations) as [string, { summary: string }][])
      rows.push(`<li><code>${method.toUpperCase()} ${escape(route)}</code> ${escape(op.summary)}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<noscript>
<h1>${escape(doc.info.title)} v${escape(doc.info.version)}</h1>
<p>The interactive reference needs JavaScript. The document itself: <a href="/openapi.json">/openapi.json</a>
(OpenAPI ${escape(doc.openapi)}).</p>
<ul>
${rows.join('\n')}
</ul>
</noscript>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;
}

/** Registers /docs, its script and Swagger UI's files (read once, at start). */
export function registerDocs(fastify: FastifyInstance, doc: Doc): void {
  const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = Object.fromEntries(
    Object.keys(ASSETS).map((name) => [name, fs.readFileSync(path.join(dist, name))]),
  );
  const page = docsPage(doc);
  fastify.get('/docs', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(page),
  );
  fastify.get('/docs/init.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(INIT),
  );
  fastify.get<{ Params: { name: string } }>('/docs/assets/:name', async (req, reply) => {
    const file = files[req.params.name];
    if (!file) {
      const problem = toProblem(new AppError('NOT_FOUND', 'No such file'));
      return reply.status(problem.status).headers(problem.headers).send(problem.body);
    }
    return reply.type(ASSETS[req.params.name]!).header('cache-control', 'public, max-age=86400').send(file);
  });
}
