// The agreement service's Nest module: its NATS controllers, given the dependencies built at start.
import { Module, type DynamicModule } from '@nestjs/common';
import { AgreementCommandsController } from './commands/agreement-commands.controller.js';
import { DEPS, type Deps } from './deps.js';
import { PrivacyController } from './privacy/privacy.controller.js';
import { AgreementsQueryController } from './projections/agreements/agreements.controller.js';

@Module({})
export class AgreementModule {
  static register(deps: Deps): DynamicModule {
    return {
      module: AgreementModule,
      controllers: [AgreementCommandsController, AgreementsQueryController, PrivacyController],
      providers: [{ provide: DEPS, useValue: deps }],
    };
  }
}
