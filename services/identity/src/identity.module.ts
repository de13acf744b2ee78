// The identity service's Nest module.
import { Module, type DynamicModule } from '@nestjs/common';
import { DEPS, type Deps } from './deps.js';
import { IdentityController } from './identity.controller.js';

@Module({})
export class IdentityModule {
  static register(deps: Deps): DynamicModule {
    return {
      module: IdentityModule,
      controllers: [IdentityController],
      providers: [{ provide: DEPS, useValue: deps }],
    };
  }
}
