import { ToolkitPluginKind } from '../../toolkit/plugins';
import { PgsqlModule } from './pgsql.module';

/** The `postgres_gorm` plugin kind: PostgreSQL through TypeORM, embedded PostgreSQL by default. @publicApi */
export const pgsqlPluginKind: ToolkitPluginKind = {
  kind: 'postgres_gorm',
  module: (context) => PgsqlModule.forPlugin(context),
};
