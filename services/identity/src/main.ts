// The identity service's entry point: tracing first, then everything else.
import { startTracing } from '@parking/platform/tracing';

startTracing({ serviceName: 'identity' });
const { bootstrap } = await import('./bootstrap.js');
await bootstrap();
