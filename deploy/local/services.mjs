// The deployables: their workspace, default health/HTTP port and database. One list for npm start,
// the e2e stacks, docker-compose and Kubernetes checks.
export const SERVICES = [
  { name: 'identity', dir: 'services/identity', port: 3001, database: 'parking_identity' },
  { name: 'catalogue', dir: 'services/catalogue', port: 3002, database: 'parking_catalogue' },
  { name: 'agreement', dir: 'services/agreement', port: 3003, database: 'parking_agreement' },
  {
    name: 'payment-renewal',
    dir: 'services/payment-renewal',
    port: 3004,
    database: 'parking_payment_renewal',
  },
  { name: 'enforcement', dir: 'services/enforcement', port: 3005, database: 'parking_enforcement' },
];

export const GATEWAY = { name: 'gateway', dir: 'services/gateway', port: 3000, database: null };

export const DEPLOYABLES = [...SERVICES, GATEWAY];
