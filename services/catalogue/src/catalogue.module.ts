// The catalogue service's Nest module.
import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueAdminController } from './commands/catalogue-admin.controller.js';
import { DEPS, type Deps } from './deps.js';

@Module({})
export class CatalogueModule {
  static register(deps: Deps): DynamicModule {
    return {
      module: CatalogueModule,
      controllers: [CatalogueController, CatalogueAdminController],
      providers: [{ provide: DEPS, useValue: deps }],
    };
  }
}
