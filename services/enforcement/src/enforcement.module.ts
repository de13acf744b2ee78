// The enforcement service's Nest module.
import { Module, type DynamicModule } from '@nestjs/common';
import type { EnforcementDeps } from './deps.js';
import { DEPS, EnforcementController } from './enforcement.controller.js';

@Module({})
export class EnforcementModule {
  static register(deps: EnforcementDeps): DynamicModule {
    return {
      module: EnforcementModule,
      controllers: [EnforcementController],
      providers: [{ provide: DEPS, useValue: deps }],
    };
  }
}
