// Replacing a product's staff list (the employer's employee numbers, up to 100,000). The list arrives in
// parts, because NATS carries at most 1 MiB per message: each part is staged under an upload id, and
// the replacement swaps the staged numbers in, with a StaffListReplaced event (count and hash only),
// in one transaction. The same list again changes nothing.
import { AppError, parseOrThrow, validationError, type RequestContext } from '@parking/contracts';
import {
  replaceStaffListSchema,
  stageStaffListSchema,
  STAFF_DIFFERENCE_SAMPLE,
  type StaffListDifference,
} from '@parking/contracts/catalogue';
import type pg from 'pg';
import type { CommandDeps } from '../../deps.js';
import { refused } from '../../domain/catalogue.js';
import { productDecider } from '../../domain/product.js';
import { findProduct } from '../../projections/catalogue.queries.js';
import { inTransaction } from '../../projections/catalogue-writer.js';
import { assertOperatorAdmin, execute } from '../execute.js';

/** Staged parts not used within this long are dropped. */
const UPLOAD_TTL = '1 hour';

async function productForStaffList(deps: CommandDeps, ctx: RequestContext, productId: string) {
  const product = await findProduct(deps.pool, ctx.operatorId, productId);
  if (!product) throw new AppError('NOT_FOUND', 'product not found');
  if (!product.requiresEmployeeNumber)
    throw refused([{ path: 'employeeNumbers', message: 'the product does not ask for an employee number' }]);
  return product;
}

export async function stageStaffList(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ staged: number }> {
  assertOperatorAdmin(ctx);
  const { productId, uploadId, part, employeeNumbers } = parseOrThrow(stageStaffListSchema, input);
  await productForStaffList(deps, ctx, productId);
  await inTransaction(deps.pool, async (client) => {
    await client.query(`delete from staff_list_uploads where created_at < now() - interval '${UPLOAD_TTL}'`);
    await client.query(
      `insert into staff_list_uploads (upload_id, operator_id, product_id) values ($1, $2, $3)
       on conflict do nothing`,
      [uploadId, ctx.operatorId, productId],
    );
    await ownUpload(client, ctx, uploadId, productId);
    // A part sent again replaces its first copy.
    await client.query('delete from staff_list_upload_entries where upload_id = $1 and part = $2', [
      uploadId,
      part,
    ]);
    await client.query(
      `insert into staff_list_upload_entries (upload_id, part, employee_number)
       select $1, $2, unnest($3::text[])`,
      [uploadId, part, employeeNumbers],
    );
    await client.query(
      'insert into staff_list_upload_parts (upload_id, part) values ($1, $2) on conflict do nothing',
      [uploadId, part],
    );
  });
  return { staged: employeeNumbers.length };
}

async function ownUpload(client: pg.PoolClient, ctx: RequestContext, uploadId: string, productId: string) {
  const { rows } = await client.query(
    'select 1 from staff_list_uploads where upload_id = $1 and operator_id = $2 and product_id = $3',
    [uploadId, ctx.operatorId, productId],
  );
  if (!rows[0]) throw validationError([{ path: 'uploadId', message: 'no such upload for this product' }]);
}

export async function replaceStaffList(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<StaffListDifference> {
  assertOperatorAdmin(ctx);
  const { productId, uploadId, parts } = parseOrThrow(replaceStaffListSchema, input);
  await productForStaffList(deps, ctx, productId);
  const summary = await inTransaction(deps.pool, async (client) => {
    await ownUpload(client, ctx, uploadId, productId);
    const staged = await client.query(
      'select count(*)::int as n from staff_list_upload_parts where upload_id = $1',
      [uploadId],
    );
    if (staged.rows[0].n !== parts)
      throw validationError([{ path: 'parts', message: `${staged.rows[0].n} of ${parts} parts arrived` }]);
    // The list's identity: the hash of its distinct numbers, sorted byte-wise, one per line.
    const { rows } = await client.query(
      `select count(*)::int as count,
              encode(sha256(convert_to(coalesce(string_agg(n, E'\\n' order by n collate "C"), ''), 'UTF8')), 'hex') as sha256
       from (select distinct employee_number as n from staff_list_upload_entries where upload_id = $1) d`,
      [uploadId],
    );
    return rows[0] as { count: number; sha256: string };
  });
  const unchanged = { added: 0, removed: 0, unchanged: summary.count, addedSample: [], removedSample: [] };
  let difference: Omit<StaffListDifference, 'count' | 'sha256'> = unchanged;
  await execute(
    deps,
    ctx,
    `product-${productId}`,
    productDecider,
    { type: 'ReplaceStaffList', ...summary, now: deps.clock.now() },
    async (client, events) => {
      // The difference is counted in the transaction that swaps the list, so it is the difference
      // this replacement made, whatever ran before or after it.
      difference = events.length > 0 ? await differenceOf(client, uploadId, productId) : unchanged;
      if (events.length > 0) {
        await client.query('delete from staff_list_entries where product_id = $1', [productId]);
        await client.query(
          `insert into staff_list_entries (operator_id, product_id, employee_number)
           select distinct $2::uuid, $3::uuid, employee_number from staff_list_upload_entries where upload_id = $1`,
          [uploadId, ctx.operatorId, productId],
        );
      }
      await client.query('delete from staff_list_uploads where upload_id = $1', [uploadId]);
    },
  );
  return { ...summary, ...difference };
}

/** The staged list against the product's current one: counts, and a few numbers of each side. */
async function differenceOf(
  client: pg.PoolClient,
  uploadId: string,
  productId: string,
): Promise<Omit<StaffListDifference, 'count' | 'sha256'>> {
  const { rows } = await client.query(
    `with staged as (select distinct employee_number as n from staff_list_upload_entries where upload_id = $1),
          current as (select employee_number as n from staff_list_entries where product_id = $2),
          added as (select n from staged except select n from current),
          removed as (select n from current except select n from staged)
     select (select count(*)::int from added) as added,
            (select count(*)::int from removed) as removed,
            (select count(*)::int from staged) - (select count(*)::int from added) as unchanged,
            array(select n from added order by n collate "C" limit $3) as added_sample,
            array(select n from removed order by n collate "C" limit $3) as removed_sample`,
    [uploadId, productId, STAFF_DIFFERENCE_SAMPLE],
  );
  const r = rows[0];
  return {
    added: r.added,
    removed: r.removed,
    unchanged: r.unchanged,
    addedSample: r.added_sample,
    removedSample: r.removed_sample,
  };
}
