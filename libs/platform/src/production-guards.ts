// Settings that must never reach production: the process refuses to start, printing one line naming
// the setting. Checked by loadConfig (so at every service's start), not by parseConfig, which tests
// use to build production-like configs without a real PSP.
//
// - PSP_PROVIDER=sandbox: the sandbox's test tokens (`tok_visa`) would buy real permits.
// - PSP_WEBHOOK_SECRET empty or a published default: anyone could sign `charge.succeeded` for their
//   own pending charge.
// - SMS_PROVIDER=dev-inbox: sign-in codes would be readable at /v1/dev/sms instead of being sent.

/** Webhook secrets that are written in this repository (defaults, examples, the dev overlay). */
const PUBLIC_SECRETS = new Set([
  'sandbox-webhook-secret-change-me',
  'dev-only-psp-webhook-secret',
  'change-me',
  'changeme',
  'secret',
]);
const looksPublic = (secret: string) =>
  PUBLIC_SECRETS.has(secret) || /change-?me|dev-only|example/i.test(secret);

/** What is unsafe in a production config, one `SETTING: why` per problem; empty when safe or not production. */
export function productionProblems(config: Record<string, unknown>): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (config.PSP_PROVIDER === 'sandbox')
    problems.push('PSP_PROVIDER: the sandbox PSP is refused in production (its test cards buy real permits)');
  if ('PSP_WEBHOOK_SECRET' in config || 'PSP_PROVIDER' in config) {
    const secret = config.PSP_WEBHOOK_SECRET;
    if (typeof secret !== 'string' || secret.trim() === '')
      problems.push('PSP_WEBHOOK_SECRET: required in production (empty)');
    else if (looksPublic(secret))
      problems.push('PSP_WEBHOOK_SECRET: a published default is refused in production; set a random secret');
  }
  if (config.SMS_PROVIDER === 'dev-inbox')
    problems.push('SMS_PROVIDER: the dev SMS inbox is refused in production; use http');
  return problems;
}
