// Run with --expose-gc: the heap one replica's index takes for N agreements (one plate, two zones each).
// Ids are flat strings, as the service gets them from JSON (a template literal would be a rope).
import { randomUUID } from 'node:crypto';
import { PlateIndex } from '../../services/enforcement/dist/projections/plate-index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const operatorId = '00000000-0000-4000-8000-000000000001';
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const index = new PlateIndex();
const from = Date.parse('2027-01-01T00:00:00Z');
for (let i = 0; i < n; i++) {
  index.upsert({
    operatorId,
    agreementId: randomUUID(),
    status: 'active',
    vehicles: [{ plate: `BE${String(i).padStart(7, '0')}`, country: 'NO' }],
    zoneIds: ['zone-p1', 'zone-p2'],
    validFrom: from,
    validTo: from + 30 * 86_400_000,
    version: 2,
  });
}
globalThis.gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ agreements: index.size, bytes: after - before }));
