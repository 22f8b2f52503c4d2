import { readFileSync } from 'node:fs';
import {
  buildASTSchema,
  Kind,
  parse,
  type DefinitionNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
} from 'graphql';

/** The simulator's SDL of CII; tests may validate their own queries against it. */
export const ciiSdl = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface CiiSchemaOptions {
  /** `false` stands for a tenant whose schema dropped `getIntegrationsStatus`. */
  withIntegrationsStatus?: boolean;
  /** Renames `getEndUserState`'s `login` argument, as one rendering of CII's docs shows it (`email`). */
  endUserStateArgument?: string;
}

export function buildCiiSchema(options: CiiSchemaOptions = {}): GraphQLSchema {
  const document = parse(ciiSdl);
  const dropIntegrations = options.withIntegrationsStatus === false;
  const argument = options.endUserStateArgument;
  if (!dropIntegrations && argument === undefined) return buildASTSchema(document);
  const queryField = (field: FieldDefinitionNode): FieldDefinitionNode[] => {
    if (dropIntegrations && field.name.value === 'getIntegrationsStatus') return [];
    if (argument === undefined || field.name.value !== 'getEndUserState') return [field];
    const args = field.arguments?.map((arg) => ({ ...arg, name: { ...arg.name, value: argument } }));
    return [{ ...field, arguments: args }];
  };
  const definitions = document.definitions.map((definition): DefinitionNode =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query'
      ? { ...definition, fields: definition.fields?.flatMap(queryField) }
      : definition,
  );
  return buildASTSchema({ ...document, definitions });
}
