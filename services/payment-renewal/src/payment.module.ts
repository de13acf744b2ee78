// The payment-renewal service's Nest module: its NATS controllers, given the dependencies built at start.
import { Module, type DynamicModule } from '@nestjs/common';
import { DEPS, type Deps } from './deps.js';
import { PrivacyController } from './privacy/privacy.controller.js';
import { PaymentController } from './payment.controller.js';

@Module({})
export class PaymentModule {
  static register(deps: Deps): DynamicModule {
    return {
      module: PaymentModule,
      controllers: [PaymentController, PrivacyController],
      providers: [{ provide: DEPS, useValue: deps }],
    };
  }
}
