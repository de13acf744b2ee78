// The baseline of bench/enforcement: `node baseline.mjs responder <natsUrl>` answers `bench.check` with a
// fixed reply; `node baseline.mjs server <natsUrl> <port>` is a bare Fastify route that makes that one
// NATS request per HTTP request. Each runs in its own process, as the gateway and the service do.
import { connect } from '@nats-io/transport-node';
import Fastify from 'fastify';

const [mode, natsUrl, port] = process.argv.slice(2);
const nc = await connect({ servers: natsUrl });
const fixed = JSON.stringify({
  response: {
    ok: true,
    data: {
      plate: 'BE000001',
      country: 'NO',
      zone: 'zone',
      at: '2027-01-15T12:00:00.000Z',
      allowed: true,
      reason: 'valid_agreement',
      agreementId: '00000000-0000-4000-8000-000000000001',
      validFrom: '2027-01-15T00:00:00.000Z',
      validTo: '2027-01-16T00:00:00.000Z',
    },
  },
});

if (mode === 'responder') {
  nc.subscribe('bench.check', { queue: 'bench', callback: (_err, msg) => msg.respond(fixed) });
  console.log('ready');
} else {
  const app = Fastify();
  app.get('/check', async (req) => {
    const reply = await nc.request('bench.check', JSON.stringify({ data: req.query }), { timeout: 5_000 });
    return reply.json().response.data;
  });
  // Port 0: any free one, reported on the ready line (no pick-then-bind race).
  await app.listen({ port: Number(port ?? 0), host: '127.0.0.1' });
  console.log(`ready ${app.server.address().port}`);
}
process.on('SIGTERM', async () => {
  await nc.close();
  process.exit(0);
});
