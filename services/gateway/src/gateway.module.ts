// The gateway's Nest module: one controller per context, the global guard, and the dependencies.
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DEPS, type Deps } from './deps.js';
import { AuthGuard } from './http/auth.guard.js';
import { AgreementAdminController } from './routes/agreement/agreement-admin.controller.js';
import { AgreementController } from './routes/agreement/agreement.controller.js';
import { CatalogueAdminController } from './routes/catalogue/catalogue-admin.controller.js';
import { CatalogueController } from './routes/catalogue/catalogue.controller.js';
import { EnforcementController } from './routes/enforcement/enforcement.controller.js';
import { IdentityController } from './routes/identity/identity.controller.js';
import { PlatformController } from './routes/identity/platform.controller.js';
import { StaffController } from './routes/identity/staff.controller.js';
import { PAYMENT_CONTROLLERS } from './routes/payment/index.js';

export const API_CONTROLLERS: Type[] = [
  IdentityController,
  StaffController,
  PlatformController,
  CatalogueController,
  CatalogueAdminController,
  ...PAYMENT_CONTROLLERS,
  AgreementController,
  AgreementAdminController,
  EnforcementController,
];

@Module({})
export class GatewayModule {
  static register(deps: Deps): DynamicModule {
    return {
      module: GatewayModule,
      controllers: API_CONTROLLERS,
      providers: [
        { provide: DEPS, useValue: deps },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
