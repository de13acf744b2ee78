// The enforcement service's entry point: tracing first, then everything else.
import { startTracing } from '@parking/platform/tracing';

startTracing({ serviceName: 'enforcement' });
const { bootstrap } = await import('./bootstrap.js');
await bootstrap();
