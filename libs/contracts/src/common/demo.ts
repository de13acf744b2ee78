// The dev-mode demo operators (API.md "Dev mode and demo data"): fixed ids so every service's demo
// loader refers to the same tenants. None of this exists in production.
export const DEMO_OPERATORS = {
  demo: {
    id: '00000000-0000-4000-8000-000000000001',
    slug: 'demo',
    name: 'Demo Parkering AS',
    hosts: ['demo.localhost'],
  },
  fjord: {
    id: '00000000-0000-4000-8000-000000000002',
    slug: 'fjord',
    name: 'Fjord Parkering AS',
    hosts: ['fjord.localhost'],
  },
} as const;
