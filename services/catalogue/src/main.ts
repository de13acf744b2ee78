// The catalogue service's entry point: tracing first, then everything else.
import { startTracing } from '@parking/platform/tracing';

startTracing({ serviceName: 'catalogue' });
const { bootstrap } = await import('./bootstrap.js');
await bootstrap();
