export interface Deployable {
  name: string;
  dir: string;
  port: number;
  database: string | null;
}
export const SERVICES: Deployable[];
export const GATEWAY: Deployable;
export const DEPLOYABLES: Deployable[];
