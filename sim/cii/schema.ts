import { readFileSync } from 'node:fs';
import { buildASTSchema, Kind, parse, type DefinitionNode, type GraphQLSchema } from 'graphql';

/** The simulator's SDL of CII; tests may validate their own queries against it. */
export const ciiSdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** `withIntegrationsStatus: false` stands for a tenant whose schema dropped `getIntegrationsStatus`. */
export function buildCiiSchema(options: { withIntegrationsStatus?: boolean } = {}): GraphQLSchema {
  const document = parse(ciiSdl);
  if (options.withIntegrationsStatus !== false) return buildASTSchema(document);
  const definitions = document.definitions.map((definition): DefinitionNode =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query'
      ? { ...definition, fields: definition.fields?.filter((field) => field.name.value !== 'getIntegrationsStatus') }
      : definition,
  );
  return buildASTSchema({ ...document, definitions });
}
