// Publishing terms («vilkår»): a new document, or with `replaces` the next version of an existing one.
// Products keep pointing at the version they name until an operator attaches another.
import { randomUUID } from 'node:crypto';
import { parseOrThrow, ruleViolated, type RequestContext } from '@parking/contracts';
import { publishTermsSchema, type Terms } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { termsDecider } from '../../domain/terms.js';
import { findTerms } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function publishTerms(deps: CommandDeps, input: unknown, ctx: RequestContext): Promise<Terms> {
  assertOperatorAdmin(ctx);
  const { title, text, replaces } = parseOrThrow(publishTermsSchema, input);
  const termsId = randomUUID();
  let documentId: string = termsId;
  if (replaces !== undefined) {
    const replaced = await findTerms(deps.pool, ctx.operatorId, replaces);
    if (!replaced) throw ruleViolated([{ path: 'replaces', message: 'no such terms at this operator' }]);
    documentId = replaced.documentId;
  }
  const { events } = await execute(deps, ctx, `terms-${documentId}`, termsDecider, {
    type: 'PublishTerms',
    termsId,
    title,
    text,
    replaces,
    now: deps.clock.now(),
  });
  const published = events[0];
  if (published?.type !== 'TermsPublished') throw new Error('no terms were published');
  return {
    id: termsId,
    version: published.data.version,
    title,
    text,
    publishedAt: published.data.publishedAt,
  };
}
