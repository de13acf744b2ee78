// Writes the app icons (public/icons/icon-192.png, icon-512.png): a white «P» on the brand blue, inside
// the maskable safe zone. Run once by hand when the icon changes; the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Is (x, y) in the unit square [0,1)² part of the «P»? */
function inP(x, y) {
  const stem = x >= 0.3 && x < 0.43 && y >= 0.22 && y < 0.78;
  const top = x >= 0.3 && x < 0.62 && y >= 0.22 && y < 0.33;
  const middle = x >= 0.3 && x < 0.62 && y >= 0.48 && y < 0.59;
  // The bowl's right side: a ring around (0.58, 0.405).
  const dx = x - 0.58;
  const dy = y - 0.405;
  const r = Math.hypot(dx, dy);
  const bowl = dx >= 0 && r < 0.185 && r >= 0.075;
  return stem || top || middle || bowl;
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const white = inP((x + 0.5) / size, (y + 0.5) / size);
      row.set(white ? [255, 255, 255] : [0x0b, 0x4f, 0x8a], 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

fs.mkdirSync(out, { recursive: true });
for (const size of [192, 512]) fs.writeFileSync(path.join(out, `icon-${size}.png`), png(size));
