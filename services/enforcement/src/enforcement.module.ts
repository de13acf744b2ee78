// The enforcement service's Nest module.
import { Module, type DynamicModule } from '@nestjs/common';
import type { Clock } from '@parking/platform';
import { CLOCK, EnforcementController, INDEX } from './enforcement.controller.js';
import type { PlateIndex } from './projections/plate-index.js';

@Module({})
export class EnforcementModule {
  static register(index: PlateIndex, clock: Clock): DynamicModule {
    return {
      module: EnforcementModule,
      controllers: [EnforcementController],
      providers: [
        { provide: INDEX, useValue: index },
        { provide: CLOCK, useValue: clock },
      ],
    };
  }
}
