// Which operator the portal serves: `?operator=slug` in dev mode, else the host name's (the gateway
// resolves it from the forwarded Host header and GET /v1/operator says which).

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The slug asked for in the page's query, when dev mode allows it and it is well-formed. */
export function operatorFromQuery(search: string, devMode: boolean): string | null {
  if (!devMode) return null;
  const slug = new URLSearchParams(search).get('operator')?.trim().toLowerCase();
  return slug && SLUG.test(slug) ? slug : null;
}
