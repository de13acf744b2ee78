// Run with --expose-gc: the heap one replica's index takes for N agreements (one plate, two zones each).
// Ids are flat strings, as the service gets them from JSON (a template literal would be a rope).
import { randomUUID } from 'node:crypto';
import { PlateIndex } from '../../services/enforcement/dist/projections/plate-index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const operatorId = '00000000-0000-4000-8000-000000000001';
// The index keeps its numbers in typed arrays: their buffers live outside the JS heap and count too.
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
globalThis.gc();
const before = used();
const index = new PlateIndex();
const from = Date.parse('2027-01-01T00:00:00Z');
for (let i = 0; i < n; i++) {
  // As the service gets them: parsed from an event's JSON (flat strings, no ropes).
  const snapshot = JSON.parse(
    JSON.stringify({
      agreementId: randomUUID(),
      status: 'active',
      vehicles: [{ plate: `BE${String(i).padStart(7, '0')}`, country: 'NO' }],
      zoneIds: ['zone-p1', 'zone-p2'],
    }),
  );
  index.upsert({
    operatorId,
    ...snapshot,
    validFrom: from,
    validTo: from + 30 * 86_400_000,
    version: 2,
  });
}
globalThis.gc();
const after = used();
console.log(JSON.stringify({ agreements: index.size, bytes: after - before }));
