// The gateway's entry point: tracing first (so http is instrumented when it loads), then everything else.
import { startTracing } from '@parking/platform/tracing';

startTracing({ serviceName: 'gateway' });
const { bootstrap } = await import('./bootstrap.js');
await bootstrap();
